/**
 * Errors of one indexer step. Both are retryable: the loop logs them and tries again at the next
 * poll (every error is, since the indexer never stops on its own); the classes tell the log reader why.
 */

/** The chain changed while a range was being read (a reorganisation under our feet): re-read it. */
export class InconsistentChainReadError extends Error {
  readonly retryable = true;
  constructor(message: string) {
    super(message);
    this.name = "InconsistentChainReadError";
  }
}

/** Another writer moved the checkpoint of this chain since the step read it: re-read it. */
export class CheckpointMovedError extends Error {
  readonly retryable = true;
  constructor(message: string) {
    super(message);
    this.name = "CheckpointMovedError";
  }
}

/**
 * Runs `task` every `intervalMs`, first after `firstDelayMs`: never two runs at once (a run that takes
 * longer than the interval delays the next one), a failure is reported to `onError` and the schedule
 * goes on. The timer does not keep the process alive. Returns `stop`, which waits for a running task.
 */
export function runPeriodically(
  task: () => Promise<void>,
  {
    intervalMs,
    firstDelayMs = intervalMs,
    onError,
  }: {
    intervalMs: number;
    firstDelayMs?: number;
    onError: (error: unknown) => void;
  },
): { stop: () => Promise<void> } {
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const schedule = (delay: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = task()
        .catch(onError)
        .finally(() => schedule(intervalMs));
    }, delay);
    timer.unref();
  };
  schedule(firstDelayMs);
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

// c4e-test: needs no machine services (npm run test:integration skips this file)
// The scheduler behind the in-process supplier-switch activation: runs repeatedly, never overlaps,
// survives a failing run, stops cleanly (waiting for the run in progress).
import { describe, expect, it } from "vitest";
import { runPeriodically } from "@/server/core/periodic.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("runPeriodically", () => {
  it("runs again after a failure, never two runs at once, and stop waits for the running one", async () => {
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    let finished = 0;
    const errors: unknown[] = [];
    const job = runPeriodically(
      async () => {
        runs += 1;
        active += 1;
        maxActive = Math.max(maxActive, active);
        await sleep(30); // longer than the interval: the next run must wait for this one
        active -= 1;
        finished += 1;
        if (runs === 2) throw new Error("second run fails");
      },
      { intervalMs: 5, firstDelayMs: 0, onError: (e) => errors.push(e) },
    );
    await sleep(200);
    await job.stop();
    const runsAtStop = runs;
    expect(runs).toBeGreaterThanOrEqual(3);
    expect(maxActive).toBe(1);
    expect(finished).toBe(runs);
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe("second run fails");
    await sleep(50);
    expect(runs).toBe(runsAtStop);
  });

  it("does not run before the first delay", async () => {
    let runs = 0;
    const job = runPeriodically(
      async () => {
        runs += 1;
      },
      { intervalMs: 10, firstDelayMs: 100, onError: () => {} },
    );
    await sleep(40);
    expect(runs).toBe(0);
    await sleep(100);
    expect(runs).toBeGreaterThanOrEqual(1);
    await job.stop();
  });
});

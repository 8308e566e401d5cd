// The Prisma CLI lingers after it is done (pool idle timers, wasm engine timers); long timers must not
// keep the process alive. Loaded only by prisma.config.ts (the CLI), never by the app.
const originalSetTimeout = globalThis.setTimeout;
const originalSetInterval = globalThis.setInterval;
const LONG_MS = 10_000;

globalThis.setTimeout = ((fn: (...a: unknown[]) => void, ms?: number, ...rest: unknown[]) => {
  const t = originalSetTimeout(fn, ms, ...rest);
  if ((ms ?? 0) >= LONG_MS) t.unref?.();
  return t;
}) as typeof setTimeout;
globalThis.setInterval = ((fn: (...a: unknown[]) => void, ms?: number, ...rest: unknown[]) => {
  const t = originalSetInterval(fn, ms, ...rest);
  if ((ms ?? 0) >= LONG_MS) t.unref?.();
  return t;
}) as typeof setInterval;

import { defineConfig } from "vitest/config";

export default defineConfig({
  // Property tests run a hundred cases each: on a loaded 2-core machine some take longer than
  // vitest's default 5 s, which would fail them for the machine's load, not for their result.
  test: { include: ["src/**/*.test.ts"], testTimeout: 30_000 },
});

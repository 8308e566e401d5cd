import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["./src/testing/global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // the end-to-end files each run a whole platform (chain, web server): one at a time on 2 cores
    fileParallelism: false,
  },
});

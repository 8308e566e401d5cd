import { configDefaults, defineConfig } from "vitest/config";
import { integrationPassSkips } from "./src/testing/integration-pass.ts";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    exclude: [...configDefaults.exclude, ...integrationPassSkips(import.meta.dirname)],
    globalSetup: ["./src/testing/global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // the end-to-end files each run a whole platform (chain, web server): one at a time on 2 cores
    fileParallelism: false,
  },
});

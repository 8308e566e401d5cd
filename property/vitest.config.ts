import { configDefaults, defineConfig } from "vitest/config";
import { integrationPassSkips } from "../stack/src/testing/integration-pass.ts";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: [...configDefaults.exclude, ...integrationPassSkips(import.meta.dirname)],
    globalSetup: ["../stack/src/testing/global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});

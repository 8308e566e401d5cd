import { fileURLToPath } from "node:url";
import { configDefaults, defineConfig } from "vitest/config";
import { integrationPassSkips } from "../stack/src/testing/integration-pass.ts";

export default defineConfig({
  // `@/…` is web/src, as in tsconfig.json's paths (Next.js reads those itself).
  resolve: { alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) } },
  // tsconfig.json keeps JSX for Next.js ("preserve"); tests that render components need it compiled.
  oxc: { jsx: { runtime: "automatic" } },
  test: {
    include: ["test/**/*.test.ts"],
    exclude: [...configDefaults.exclude, ...integrationPassSkips(import.meta.dirname)],
    globalSetup: ["../stack/src/testing/global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});

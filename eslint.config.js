// One linter for the repository (ESLint + typescript-eslint); Prettier formats (eslint-config-prettier
// turns off the rules that would fight it).
const js = require("@eslint/js");
const tseslint = require("typescript-eslint");
const prettier = require("eslint-config-prettier");
const globals = require("globals");

module.exports = tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "**/.next/**",
      "**/.c4e/**",
      "contracts/artifacts/**",
      "contracts/cache/**",
      "contracts/generated/contracts.ts",
      "**/next-env.d.ts",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // No climbing: another workspace is imported by its package name (@c4e/billing/…), web's own
      // files through the `@/` alias (web/src). One `../` inside a workspace's folder is fine.
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["../../*"],
              message: "Deep relative import: use the package name (@c4e/<workspace>/…) or web's @/ alias.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["contracts/**/*.ts", "hardhat.config.ts", "eslint.config.js"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    files: ["web/src/**/*.tsx", "web/src/components/**/*.ts"],
    languageOptions: { globals: { ...globals.browser } },
  },
  prettier,
);

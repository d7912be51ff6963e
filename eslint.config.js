import js from "@eslint/js";
import tseslint from "typescript-eslint";

// The UI layer renders state; it never spawns, reads files or calls the cluster (DESIGN.md).
const uiForbidden = [
  "execa",
  "child_process",
  "node:child_process",
  "fs",
  "node:fs",
  "fs/promises",
  "node:fs/promises",
  "@kubernetes/client-node",
  "pg",
].map((name) => ({ name, message: "src/ui must not do I/O: go through the store and the executors." }));

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "coverage/", "incidents/", ".scratch/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: "readonly", console: "readonly", setTimeout: "readonly", clearTimeout: "readonly", URL: "readonly" } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["src/ui/**/*.{ts,tsx}"],
    rules: { "no-restricted-imports": ["error", { paths: uiForbidden }] },
  },
);

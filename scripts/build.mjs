// One-file bundle: start-up is measured in ms at 3 a.m. (ENVIRONMENT.md: bundle ≈2x faster than tsc output).
import { build } from "esbuild";
import { chmodSync, mkdirSync, readFileSync } from "node:fs";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
mkdirSync("dist", { recursive: true });
await build({
  entryPoints: ["src/cli.ts"],
  outfile: "dist/handrail.js",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  jsx: "automatic",
  sourcemap: "linked",
  logLevel: "warning",
  define: {
    "process.env.NODE_ENV": '"production"',
    HANDRAIL_VERSION: JSON.stringify(pkg.version),
  },
  alias: { "react-devtools-core": "./scripts/devtools-stub.mjs" },
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __handrailRequire } from 'node:module';\nconst require = __handrailRequire(import.meta.url);",
  },
});
chmodSync("dist/handrail.js", 0o755);

// One-file bundle (plus client-node, loaded lazily from node_modules): start-up is measured in ms at 3 a.m.
import { build } from "esbuild";
import { chmodSync, mkdirSync, readFileSync } from "node:fs";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
mkdirSync("dist", { recursive: true });
await build({
  entryPoints: ["src/main.ts"],
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
  // client-node is ~15 MB of JavaScript and only needed by k8s steps: left to node_modules and
  // imported lazily, so start-up never parses it (ENVIRONMENT.md: load client-node lazily). nodemailer
  // likewise: only an email notification loads it.
  external: ["@kubernetes/client-node", "nodemailer"],
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __handrailRequire } from 'node:module';\nconst require = __handrailRequire(import.meta.url);",
  },
});
chmodSync("dist/handrail.js", 0o755);

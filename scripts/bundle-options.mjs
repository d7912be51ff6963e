// The esbuild settings of dist/handrail.js, shared with the start-up benchmark's bare Ink bundle
// so the two are built alike and only the app differs.
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");

/** esbuild options for a one-file Node bundle of an Ink app (entry and outfile are the caller's). */
export function bundleOptions(define = {}) {
  return {
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    jsx: "automatic",
    sourcemap: "linked",
    logLevel: "warning",
    define: { "process.env.NODE_ENV": '"production"', ...define },
    alias: { "react-devtools-core": path.join(root, "scripts/devtools-stub.mjs") },
    // client-node is ~15 MB of JavaScript and only needed by k8s steps: left to node_modules and
    // imported lazily, so start-up never parses it (ENVIRONMENT.md: load client-node lazily).
    // nodemailer likewise: only an email notification loads it; recheck (3 MB) only a runbook
    // pattern with a repeated group (src/runbooks/patterns.ts).
    external: ["@kubernetes/client-node", "nodemailer", "recheck"],
    banner: {
      js: "#!/usr/bin/env node\nimport { createRequire as __handrailRequire } from 'node:module';\nconst require = __handrailRequire(import.meta.url);",
    },
  };
}

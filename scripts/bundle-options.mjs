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
    // Source maps only when asked for (HANDRAIL_SOURCEMAPS=1): they were 5.3 MB of an 8.5 MB package.
    sourcemap: process.env.HANDRAIL_SOURCEMAPS === "1" ? "linked" : false,
    logLevel: "warning",
    minifyWhitespace: true,
    minifySyntax: true,
    define: { "process.env.NODE_ENV": '"production"', ...define },
    alias: { "react-devtools-core": path.join(root, "scripts/devtools-stub.mjs") },
    // Everything is bundled, so an install is dist/ alone (no node_modules to fetch). client-node (14 MB
    // of JavaScript, only for k8s steps and the cluster panel) and nodemailer (only an email) are imported
    // lazily and land in chunks of their own that start-up never parses (ENVIRONMENT.md: load client-node
    // lazily). recheck is required synchronously by validation, so scripts/build.mjs builds it apart into
    // dist/vendor/recheck.cjs (its pure-JS backend; the native and Java backends it would install are not used).
    // pg (only with a shared store) is imported lazily too and lands in its own chunk; pg-native, the libpq
    // binding pg would try when asked for it, is not installed and never used.
    external: ["recheck", "pg-native"],
    banner: {
      js: "#!/usr/bin/env node\nimport { createRequire as __handrailRequire } from 'node:module';\nconst require = __handrailRequire(import.meta.url);",
    },
  };
}

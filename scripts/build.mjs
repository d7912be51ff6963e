// The bundle in dist/ (plus client-node, loaded lazily from node_modules): start-up is measured in ms at 3 a.m.
// Split into chunks: each command's modules are parsed only when that command runs (cli.ts imports them lazily).
import { build } from "esbuild";
import { chmodSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { bundleOptions } from "./bundle-options.mjs";
import { runbookJsonCheckModule } from "./runbook-json-check.mjs";

// The loader's JSON Schema check as generated code (scripts/json-check-code.mjs), in place of the module that compiles it when run from the sources.
const precompiledChecks = {
  name: "precompiled-json-checks",
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]runbooks[\\/]runbook-json-check\.ts$/ }, () => ({ contents: runbookJsonCheckModule(), loader: "js" }));
  },
};

// commander requires node:child_process at load, for subcommands that are executables of their own, which
// handrail has none of: node:child_process brings node:net and friends, ~3 ms of every start-up (report's,
// validate's). Loaded on first use instead.
const lazyChildProcess = {
  name: "commander-lazy-child-process",
  setup(b) {
    b.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, (args) => {
      const text = readFileSync(args.path, "utf8");
      const line = "const childProcess = require('node:child_process');";
      if (!text.includes(line)) throw new Error(`${args.path}: commander no longer loads node:child_process as scripts/build.mjs expects`);
      return { contents: text.replace(line, "const childProcess = { spawn: (...a) => require('node:child_process').spawn(...a) };"), loader: "js" };
    });
  },
};

// Ink (and widest-line and cli-truncate, which it uses) measure every text with string-width; in the
// bundle they get src/util/text-width.ts, which gives string-width's answer at once for ASCII and the
// console's symbols. wrap-ansi keeps its own (older) string-width. The build fails if Ink is not wired.
const textWidth = {
  name: "text-width",
  setup(b) {
    const wrapper = path.resolve("src/util/text-width.ts");
    let inkGiven = false;
    b.onResolve({ filter: /^string-width$/ }, (args) => {
      if (args.importer === wrapper || /[\\/]node_modules[\\/]wrap-ansi[\\/]/.test(args.importer)) return undefined;
      inkGiven ||= /[\\/]node_modules[\\/]ink[\\/]/.test(args.importer);
      return { path: wrapper };
    });
    b.onEnd((result) => {
      if (result.errors.length === 0 && !inkGiven) throw new Error("scripts/build.mjs: Ink no longer imports string-width; the text-width plugin gives it nothing");
    });
  },
};

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
// Chunk names carry a hash: old chunks would pile up.
rmSync("dist", { recursive: true, force: true });
mkdirSync("dist", { recursive: true });
await build({
  // HANDRAIL_BUILD keys caches (validate's) to this build: another build may check differently.
  ...bundleOptions({ HANDRAIL_VERSION: JSON.stringify(pkg.version), HANDRAIL_BUILD: JSON.stringify(`${pkg.version}-${Date.now().toString(36)}`) }),
  // validate's worker threads (src/runbooks/check-files.ts) run dist/check-worker.js.
  entryPoints: { handrail: "src/main.ts", "check-worker": "src/runbooks/check-worker.ts" },
  outdir: "dist",
  splitting: true,
  chunkNames: "[name]-[hash]",
  plugins: [precompiledChecks, lazyChildProcess, textWidth],
});
chmodSync("dist/handrail.js", 0o755);
// recheck and what it requires, as one CommonJS file src/runbooks/patterns.ts requires when it runs from dist/.
await build({
  entryPoints: ["node_modules/recheck/lib/main.js"],
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  outfile: "dist/vendor/recheck.cjs",
  // Only the synckit backend resolves its worker file; patterns.ts uses the pure one.
  logOverride: { "require-resolve-not-external": "silent" },
  logLevel: "warning",
});

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

/** A dependency's file with each `from` replaced by its `to`; the build fails where a `from` is not there exactly once (the dependency changed). */
function patched(file, replacements) {
  let text = readFileSync(file, "utf8");
  for (const [from, to] of replacements) {
    const at = text.indexOf(from);
    if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`scripts/build.mjs: ${file} no longer holds exactly one ${JSON.stringify(from)}`);
    text = text.slice(0, at) + to + text.slice(at + from.length);
  }
  return text;
}

// commander requires node:child_process at load, for subcommands that are executables of their own, which
// handrail has none of: node:child_process brings node:net and friends, ~3 ms of every start-up (report's,
// validate's). Loaded on first use instead.
const lazyChildProcess = {
  name: "commander-lazy-child-process",
  setup(b) {
    b.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, (args) => ({
      contents: patched(args.path, [["const childProcess = require('node:child_process');", "const childProcess = { spawn: (...a) => require('node:child_process').spawn(...a) };"]]),
      loader: "js",
    }));
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

// Ink builds every frame in a new Output (ink/build/output.js), whose caches of each line's styled
// cells and of text widths last that one frame, and whose 4,800 blank cells (120x40) are new
// objects, each with its own empty style list; it then turns each row back into text with
// @alcalzone/ansi-tokenize's styledCharsToString, which diffs the styles of every pair of
// neighbouring cells. In the bundle the caches last across frames (renewed once the texts they are
// keyed by add up to FRAME_CACHE_CHARS characters, about 20 screens: a flood's output pane brings
// new lines every frame), blank cells are one object, and styledCharsToString is
// src/util/styled-chars.ts.
// Nothing in Ink or the tokenizer writes to a cell once made. A frame of the console: ~20 -> ~13 ms.
const FRAME_CACHE_CHARS = 100_000;
const inkFrames = {
  name: "ink-frames",
  setup(b) {
    const styledChars = path.resolve("src/util/styled-chars.ts");
    let tokenizerGiven = false;
    b.onResolve({ filter: /^@alcalzone\/ansi-tokenize$/ }, (args) => {
      if (!/[\\/]node_modules[\\/]ink[\\/]build[\\/]output\.js$/.test(args.importer)) return undefined;
      tokenizerGiven = true;
      return { path: styledChars };
    });
    b.onLoad({ filter: /[\\/]node_modules[\\/]ink[\\/]build[\\/]output\.js$/ }, (args) => ({
      contents: patched(args.path, [
        // Every entry counts toward the renewal: a clipped text's widths are kept for all its lines, drawn or not.
        ["            this.styledChars.set(line, cached);", "            this.styledChars.set(line, cached);\n            cachedChars += line.length;"],
        ["            this.widths.set(text, cached);", "            this.widths.set(text, cached);\n            cachedChars += text.length;"],
        ["            this.blockWidths.set(text, cached);", "            this.blockWidths.set(text, cached);\n            cachedChars += text.length;"],
        [
          "export default class Output {",
          [
            "// handrail (scripts/build.mjs, ink-frames): caches kept across frames, one blank cell.",
            "let frameCaches;",
            "let cachedChars = 0;",
            `const FRAME_CACHE_CHARS = ${FRAME_CACHE_CHARS};`,
            "function cachesForFrame() {",
            "    if (frameCaches === undefined || cachedChars > FRAME_CACHE_CHARS) {",
            "        frameCaches = new OutputCaches();",
            "        cachedChars = 0;",
            "    }",
            "    return frameCaches;",
            "}",
            "const BLANK = { type: 'char', value: ' ', fullWidth: false, styles: [] };",
            "export default class Output {",
          ].join("\n"),
        ],
        ["    caches = new OutputCaches();", "    caches = cachesForFrame();"],
        ["                row.push({\n                    type: 'char',\n                    value: ' ',\n                    fullWidth: false,\n                    styles: [],\n                });", "                row.push(BLANK);"],
      ]),
      loader: "js",
    }));
    b.onEnd((result) => {
      if (result.errors.length === 0 && !tokenizerGiven) throw new Error("scripts/build.mjs: Ink's output.js no longer imports @alcalzone/ansi-tokenize; the ink-frames plugin gives it nothing");
    });
  },
};

// Start-up work that the first frame never uses, put off in the bundle:
// - yoga-layout (Ink's layout) holds its WebAssembly as a base64 data: URL and, where `fetch` exists,
//   reads it with fetch: in Node that loads and compiles Node's own undici, ~20 ms before the first
//   frame (a CPU profile of start-up: _Request, dataURLProcessor, percentDecode). Its own fallback
//   decodes the same text with atob, ~1 ms; the bundle always takes it.
// - string-width builds /^\p{RGI_Emoji}$/v when loaded: V8 works out the whole emoji set as it
//   parses the pattern, ~14 ms, and only text that is neither ASCII nor one of the console's symbols
//   (text-width.ts) ever reaches it. In the bundle it is built on first use.
const startupDeferred = {
  name: "startup-deferred",
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/ }, (args) => ({
      contents: patched(args.path, [['function ya(){return w||"function"!=typeof fetch?', "function ya(){return w||!0?"]]),
      loader: "js",
    }));
    b.onLoad({ filter: /[\\/]node_modules[\\/]string-width[\\/]index\.js$/ }, (args) =>
      // wrap-ansi's own string-width (7) has no such regex; only version 8's file is changed.
      /[\\/]node_modules[\\/]wrap-ansi[\\/]/.test(args.path)
        ? undefined
        : {
            contents: patched(args.path, [
              ["const rgiEmojiRegex = /^\\p{RGI_Emoji}$/v;", "let rgiEmojiRegexBuilt;\nconst rgiEmojiRegex = { test: (text) => (rgiEmojiRegexBuilt ??= new RegExp(String.raw`^\\p{RGI_Emoji}$`, 'v')).test(text) };"],
            ]),
            loader: "js",
          },
    );
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
  plugins: [precompiledChecks, lazyChildProcess, textWidth, inkFrames, startupDeferred],
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

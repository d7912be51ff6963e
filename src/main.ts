/**
 * The entry point. Ink's colour library reads FORCE_COLOR but not NO_COLOR (no-color.org), so
 * NO_COLOR is translated before anything that colours output is loaded (cli.ts is imported lazily),
 * and the compile cache (Node ≥ 22.1) is on before the modules it serves are compiled.
 */
import * as nodeModule from "node:module";

if (process.env.NO_COLOR && process.env.FORCE_COLOR === undefined) process.env.FORCE_COLOR = "0";
// Only where Node has one: on Node 20 nothing more is loaded before the CLI.
if ("enableCompileCache" in nodeModule) (await import("./util/compile-cache.js")).enableCompileCache(process.env);
await import("./cli.js");

/**
 * The entry point. Ink's colour library reads FORCE_COLOR but not NO_COLOR (no-color.org), so
 * NO_COLOR is translated before anything that colours output is loaded (cli.ts is imported lazily).
 */
if (process.env.NO_COLOR && process.env.FORCE_COLOR === undefined) process.env.FORCE_COLOR = "0";
await import("./cli.js");

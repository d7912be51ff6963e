import type { BuildOptions } from "esbuild";

/** esbuild options for a one-file Node bundle of an Ink app (entry and outfile are the caller's). */
export function bundleOptions(define?: Record<string, string>): BuildOptions;

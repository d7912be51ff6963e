/**
 * How a runbook's regular expressions are read, and which are refused.
 *
 * Regular expressions that can backtrack for hours (`^(a+)+$` on `aaaa…!`) are refused before
 * anything runs. recheck decides (automata theory, then fuzzing where a pattern has what automata
 * cannot model); it is 3 MB of JavaScript, loaded only when a pattern has a repeated group.
 * Polynomial patterns (`error.*timeout` is one) are common and fine on lines of output: they pass
 * here, and the run-time deadline (src/util/regex-deadline.ts) stops the rare pathological line.
 */
import { createRequire } from "node:module";

type Recheck = typeof import("recheck");

/** A per-line pattern sees at most this much of one line (its start). */
export const PATTERN_LINE_CHARS = 65_536;
/** A pattern that spans lines sees any run of whole lines up to this long together. */
export const PATTERN_WINDOW_CHARS = 65_536;

// An unescaped \n (or its \x0a / \u000a spellings), or a newline written into the pattern itself.
const SPANS_LINES = /(?:^|[^\\])(?:\\\\)*\\(?:n|x0a|u000a)|\n/i;

/** Whether a `matches` / `notMatches` pattern applies across lines (it names a newline) rather than to each line. */
export function spansLines(pattern: string): boolean {
  return SPANS_LINES.test(pattern);
}

// Only a repeated group can be exponential: `(a+)+`, `(a|a)*`, `(\w+\s?)*`, `(a|aa){30}`.
const REPEATED_GROUP = /\)[*+{]/;
/** Longest the checker may take on one pattern; an undecided pattern is left to the run-time deadline. */
const CHECK_MS = 2_000;

let recheck: Recheck | undefined;
const verdicts = new Map<string, string | undefined>();

/** From dist/, the copy the build bundled beside it (dist/vendor/recheck.cjs); from the sources, the package. */
function load(): Recheck {
  if (recheck) return recheck;
  const require = createRequire(import.meta.url);
  try {
    recheck = require("./vendor/recheck.cjs") as Recheck;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "MODULE_NOT_FOUND") throw e;
    recheck = require("recheck") as Recheck;
  }
  return recheck;
}

/**
 * The pure-JS backend, on this thread. recheck picks its synchronous backend from the environment
 * only; setting it around one synchronous call is seen by nothing else (worker threads have their own copy).
 */
function diagnose(source: string, flags: string, checker: "automaton" | "auto") {
  const env = process.env;
  const before = env.RECHECK_SYNC_BACKEND;
  env.RECHECK_SYNC_BACKEND = "pure";
  try {
    return load().checkSync(source, flags, { checker, timeout: CHECK_MS });
  } finally {
    if (before === undefined) delete env.RECHECK_SYNC_BACKEND;
    else env.RECHECK_SYNC_BACKEND = before;
  }
}

/** Why a pattern is refused (it backtracks exponentially; an input that shows it), or undefined when it may be used. */
export function catastrophicBacktracking(source: string, flags = ""): string | undefined {
  if (!REPEATED_GROUP.test(source)) return undefined;
  const key = `${flags}/${source}`;
  if (verdicts.has(key)) return verdicts.get(key);
  let d = diagnose(source, flags, "automaton");
  // Back-references and look-behinds are outside what automata model: fuzzing can still find an attack.
  if (d.status === "unknown" && d.error.kind === "unsupported") d = diagnose(source, flags, "auto");
  const why =
    d.status === "vulnerable" && d.complexity.type === "exponential"
      ? `can take exponential time (catastrophic backtracking) on input such as ${d.attack.pattern}: rewrite the repeated group so that it cannot match the same text in more than one way`
      : undefined;
  verdicts.set(key, why);
  return why;
}

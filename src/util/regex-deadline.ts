/**
 * Runbook regular expressions run under a deadline. V8 puts no time limit on a match, and a
 * catastrophic pattern (`^(a+)+$` on `aaaa…!`) holds the event loop — and with it Ctrl-C — for
 * hours. vm's `timeout` interrupts whatever runs inside it, a backtracking match included; the
 * call costs ≈ 60 µs (a watchdog thread), so callers batch: one call per chunk of output, not per line,
 * and a whole runbook's checks under one deadline (underOneDeadline) rather than one per input value.
 */
import vm from "node:vm";

/** How long one batch of regex work may run before it is stopped. */
export const REGEX_DEADLINE_MS = 1_000;

let script: vm.Script | undefined;
let context: vm.Context | undefined;
let job: (() => unknown) | undefined;
/** Inside a deadline already: a nested call runs directly, bounded by the outer one. */
let inside = false;
/** The matches put off by withMatchesPutOff, while it runs. */
let putOff: PutOffMatch[] | undefined;

/** A match testWithDeadline answered `true` for without running it (withMatchesPutOff). */
export interface PutOffMatch {
  re: RegExp;
  text: string;
}

/** `fn()` stopped after `ms`: `{ done: false }` when the deadline cut it short. Other errors propagate. */
export function withDeadline<T>(fn: () => T, ms = REGEX_DEADLINE_MS): { done: true; value: T } | { done: false } {
  // Under withMatchesPutOff no regex of a runbook runs: testWithDeadline puts each off.
  if (inside || putOff !== undefined) return { done: true, value: fn() };
  script ??= new vm.Script("run()");
  context ??= vm.createContext({ run: () => job?.() });
  job = fn;
  inside = true;
  try {
    return { done: true, value: script.runInContext(context, { timeout: ms }) as T };
  } catch (error) {
    if ((error as { code?: string }).code === "ERR_SCRIPT_EXECUTION_TIMEOUT") return { done: false };
    throw error;
  } finally {
    job = undefined;
    inside = false;
  }
}

/**
 * `fn()`, whose regex work would each take a deadline of its own, under one deadline for all of it.
 * Should that one run out, `fn` runs again with a deadline per match, so the slow one is the one
 * reported (as it would have been): `fn` must be free of side effects.
 */
export function underOneDeadline<T>(fn: () => T, ms = REGEX_DEADLINE_MS): T {
  const r = withDeadline(fn, ms);
  return r.done ? r.value : fn();
}

/**
 * Matches that ran out of a deadline of their own, by pattern and text: tried again they would only
 * run out again, and a file with such a default was tried four times over (the fast path and the
 * full loader, each once under a shared deadline and once on its own): 4 s for one file.
 */
const ranOut = new Set<string>();
const RAN_OUT_KEPT = 100;
const RAN_OUT_TEXT_CHARS = 65_536;

/** `re.test(text)` under the deadline: undefined when it took too long to say. */
export function testWithDeadline(re: RegExp, text: string, ms = REGEX_DEADLINE_MS): boolean | undefined {
  // The source's length makes the key one pattern and text's alone (a "/" may be in either); made only once one has run out.
  const key = () => `${re.flags}/${re.source.length}/${re.source}${text}`;
  if (ranOut.size > 0 && ranOut.has(key())) return undefined;
  if (putOff !== undefined) {
    putOff.push({ re, text });
    return true;
  }
  const r = withDeadline(() => re.test(text), ms);
  if (r.done) return r.value;
  // Only a deadline of this call's own can run out here: a nested call's is the outer one's, which throws past it.
  if (ranOut.size < RAN_OUT_KEPT && text.length <= RAN_OUT_TEXT_CHARS) ranOut.add(key());
  return undefined;
}

/**
 * `fn()` with every testWithDeadline in it answered `true` at once, and the matches so answered:
 * what `fn` returned holds only if each of them does (confirmMatches), and `fn` must be run again
 * the ordinary way if one does not. Its regex work must go through testWithDeadline, since nothing
 * else in it runs under a deadline. For many checks that nearly always match, such as validate's defaults
 * against their patterns: a deadline costs a watchdog thread's start and stop (~0.3 ms on a busy
 * machine, and the code under it ran a few per cent slower), so the matches of a whole library are
 * confirmed under one deadline.
 */
export function withMatchesPutOff<T>(fn: () => T): { value: T; matches: PutOffMatch[] } {
  if (inside || putOff !== undefined) throw new Error("withMatchesPutOff does not nest, nor run under a deadline");
  const matches: PutOffMatch[] = [];
  putOff = matches;
  try {
    return { value: fn(), matches };
  } finally {
    putOff = undefined;
  }
}

/** Whether every match holds, under one deadline: true, false if one does not, undefined if the deadline ran out before all were run. */
export function confirmMatches(matches: readonly PutOffMatch[], ms = REGEX_DEADLINE_MS): boolean | undefined {
  if (matches.length === 0) return true;
  const r = withDeadline(() => matches.every((m) => m.re.test(m.text)), ms);
  return r.done ? r.value : undefined;
}

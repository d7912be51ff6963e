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

/** `fn()` stopped after `ms`: `{ done: false }` when the deadline cut it short. Other errors propagate. */
export function withDeadline<T>(fn: () => T, ms = REGEX_DEADLINE_MS): { done: true; value: T } | { done: false } {
  if (inside) return { done: true, value: fn() };
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

/** `re.test(text)` under the deadline: undefined when it took too long to say. */
export function testWithDeadline(re: RegExp, text: string, ms = REGEX_DEADLINE_MS): boolean | undefined {
  const r = withDeadline(() => re.test(text), ms);
  return r.done ? r.value : undefined;
}

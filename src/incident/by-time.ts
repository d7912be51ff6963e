/**
 * Rows put oldest first without sorting them when they already are: each kind of row of a report
 * (steps, notes, options…) is in time order in nearly every file, the events being appended as they
 * happen, so the timeline merges them in one pass instead of sorting them all. Pure.
 */

/** A list oldest first: itself when it already is (a tie keeps its order), else a sorted copy (stable). */
export function oldestFirst<T>(xs: readonly T[], at: (x: T) => string): readonly T[] {
  let previous = "";
  for (let i = 0; i < xs.length; i++) {
    const t = at(xs[i]!);
    // ISO-8601 UTC times of one format order as text: a plain comparison, not a locale-aware one.
    if (i > 0 && t < previous) return [...xs].sort((a, b) => (at(a) < at(b) ? -1 : at(a) > at(b) ? 1 : 0));
    previous = t;
  }
  return xs;
}

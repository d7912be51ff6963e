/**
 * Rows of several kinds put oldest first, as a stable sort of all of them (one kind after another)
 * would order them, without the sort: each kind is already in time order in nearly every file (the
 * events are appended as they happen), so its rows are merged in one pass. Pure.
 */

/** A list oldest first: itself when it already is (a tie keeps its order), else a sorted copy (stable). */
export function oldestFirst<T>(xs: readonly T[], at: (x: T) => string): readonly T[] {
  for (let i = 1; i < xs.length; i++) {
    // ISO-8601 UTC times of one format order as text: a plain comparison, not a locale-aware one.
    if (at(xs[i]!) < at(xs[i - 1]!)) return [...xs].sort((a, b) => (at(a) < at(b) ? -1 : at(a) > at(b) ? 1 : 0));
  }
  return xs;
}

/**
 * Lists, each oldest first, merged oldest first: a tie goes to the earlier list, then to the earlier
 * row of its list, which is where a stable sort of the lists one after another puts it.
 */
export function mergeOldestFirst<T>(lists: ReadonlyArray<readonly T[]>, at: (x: T) => string): T[] {
  const out: T[] = [];
  const next = lists.map(() => 0);
  for (;;) {
    let best = -1;
    let bestAt = "";
    for (let k = 0; k < lists.length; k++) {
      const x = lists[k]![next[k]!];
      if (x === undefined) continue;
      const t = at(x);
      if (best === -1 || t < bestAt) {
        best = k;
        bestAt = t;
      }
    }
    if (best === -1) return out;
    out.push(lists[best]![next[best]!++]!);
  }
}

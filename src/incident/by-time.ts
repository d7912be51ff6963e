/**
 * Rows of several kinds put oldest first, as a stable sort of all of them (one kind after another)
 * would order them, without the sort: each kind is already in time order in nearly every file (the
 * events are appended as they happen), so its rows are merged in one pass. Pure.
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

/**
 * Lists, each oldest first, merged oldest first: a tie goes to the earlier list, then to the earlier
 * row of its list, which is where a stable sort of the lists one after another puts it. Each row's
 * time is asked once (the head of each list is kept).
 */
export function mergeOldestFirst<T>(lists: ReadonlyArray<readonly T[]>, at: (x: T) => string): T[] {
  const out: T[] = [];
  const next: number[] = [];
  const heads: Array<string | undefined> = [];
  for (const list of lists) {
    next.push(0);
    heads.push(list.length ? at(list[0]!) : undefined);
  }
  for (;;) {
    let best = -1;
    for (let k = 0; k < lists.length; k++) {
      const t = heads[k];
      if (t !== undefined && (best === -1 || t < heads[best]!)) best = k;
    }
    if (best === -1) return out;
    const list = lists[best]!;
    const i = next[best]!;
    out.push(list[i]!);
    next[best] = i + 1;
    heads[best] = i + 1 < list.length ? at(list[i + 1]!) : undefined;
  }
}

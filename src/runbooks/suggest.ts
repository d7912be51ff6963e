let rows = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];

/**
 * Edit distance counting a swap of neighbours as one edit ("nmae" → "name"); small strings only.
 * With `max`, it stops once every way on is longer than that and answers `max + 1`: the lint asks
 * it for every shell variable that is not an input, against every input, and nearly all are far.
 */
export function editDistance(a: string, b: string, max = Infinity): number {
  const width = b.length + 1;
  if (rows[0]!.length < width) rows = rows.map(() => new Int32Array(width * 2));
  // Three rows, reused across calls: the one before the last (for a swap), the last and this one.
  let [before, last, row] = rows as [Int32Array, Int32Array, Int32Array];
  for (let j = 0; j < width; j++) last[j] = j;
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    let least = i;
    for (let j = 1; j < width; j++) {
      let d = Math.min(last[j]! + 1, row[j - 1]! + 1, last[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      row[j] = d;
      if (d < least) least = d;
    }
    // A row's least value never goes down in the rows after it.
    if (least > max) return max + 1;
    [before, last, row] = [last, row, before];
  }
  return Math.min(last[b.length]!, max + 1);
}

/** The closest candidate when it is close enough to be a likely typo. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  const allowed = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === word) continue;
    // The distance is at least the difference in length: such a candidate can never be close
    // enough, and skipping it spares the lint a table per unknown shell variable and input.
    if (Math.abs(candidate.length - word.length) > allowed) continue;
    const d = candidate.toLowerCase() === lower ? 0 : editDistance(lower, candidate.toLowerCase(), Math.min(allowed, bestDistance));
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= allowed ? best : undefined;
}

/** ` (did you mean "x"?)` or nothing. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const hit = closest(word, candidates);
  return hit === undefined ? "" : ` (did you mean "${hit}"?)`;
}

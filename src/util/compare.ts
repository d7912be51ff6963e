/**
 * Text put in order without ICU. A process's first localeCompare loads ICU's collation data, about
 * 10 ms of every start-up that lists runbooks (run, validate, list, the console), and the order it
 * gives depends on the machine's locale. These give the same order everywhere.
 */

/** By code point: ISO-8601 times, ids. */
export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** File names as a person lists them: case aside first (a.yaml, B.yaml, c.yaml), then by code point, so no two names tie. */
export function byName(a: string, b: string): number {
  return byCodePoint(a.toLowerCase(), b.toLowerCase()) || byCodePoint(a, b);
}

/** A flag that takes a whole number (`--jobs`, `--threads`): its value, or exit 2 naming the flag and what it takes. */
import { UsageError } from "../errors.js";

export function wholeNumberFlag(flag: string, raw: string, range: { min: number; max?: number }, hint?: string): number {
  const n = Number(raw);
  if (Number.isInteger(n) && n >= range.min && (range.max === undefined || n <= range.max)) return n;
  const takes = range.max === undefined ? `of at least ${range.min}` : `from ${range.min} to ${range.max}`;
  throw new UsageError(`${flag} ${raw}: expected a whole number ${takes}`, hint);
}

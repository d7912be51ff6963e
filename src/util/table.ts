/** Plain-text columns padded to their widest cell; the last column is left ragged. */
import textWidth from "./text-width.js";

/** Pad to a width in terminal columns: CJK characters and emoji take two, combining marks none. */
export function padCells(cell: string, width: number): string {
  return cell + " ".repeat(Math.max(0, width - textWidth(cell)));
}

export function table(rows: readonly string[][], gap = "  "): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, textWidth(cell))));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : padCells(cell, widths[i]!))).join(gap).trimEnd());
}

/** The benchmark harness's pure part: sample statistics, ratios against a baseline, one printed line per figure. */

export interface Summary {
  median: number;
  p95: number;
  min: number;
  max: number;
  n: number;
}

/** A target on the ratio of the medians (`≤ 5×`), on the median itself (`≤ 1000 ms`) or on the 95th percentile. */
export type Target = { ratio: number } | { max: number } | { p95: number };

export interface Figure {
  name: string;
  unit: "ms" | "MB";
  subject: Summary;
  baselineName?: string;
  baseline?: Summary;
  /** subject median / baseline median, when there is a baseline. */
  ratio?: number;
  target?: Target;
  met?: boolean;
  /** Extra facts worth a column (p95, lines, what was counted). */
  note?: string;
}

/** Median (the upper one of an even count), min and max; throws on no samples so a broken bench cannot pass silently. */
export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new Error("no samples");
  const s = [...samples].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)]!, p95: percentile(s, 95), min: s[0]!, max: s[s.length - 1]!, n: s.length };
}

/** The p-th percentile (0–100) by nearest rank. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new Error("no samples");
  const s = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * s.length);
  return s[Math.min(s.length - 1, Math.max(0, rank - 1))]!;
}

/** A figure from samples: the ratio of the medians, and whether the target holds. */
export function figure(opts: { name: string; unit: Figure["unit"]; subject: readonly number[]; baselineName?: string; baseline?: readonly number[]; target?: Target; note?: string }): Figure {
  const subject = summarize(opts.subject);
  const baseline = opts.baseline && opts.baseline.length > 0 ? summarize(opts.baseline) : undefined;
  const ratio = baseline && baseline.median > 0 ? subject.median / baseline.median : undefined;
  let met: boolean | undefined;
  if (opts.target && "ratio" in opts.target) met = ratio !== undefined ? ratio <= opts.target.ratio : undefined;
  else if (opts.target && "p95" in opts.target) met = subject.p95 <= opts.target.p95;
  else if (opts.target) met = subject.median <= opts.target.max;
  return {
    name: opts.name,
    unit: opts.unit,
    subject,
    ...(opts.baselineName ? { baselineName: opts.baselineName } : {}),
    ...(baseline ? { baseline } : {}),
    ...(ratio !== undefined ? { ratio } : {}),
    ...(opts.target ? { target: opts.target } : {}),
    ...(met !== undefined ? { met } : {}),
    ...(opts.note ? { note: opts.note } : {}),
  };
}

function num(v: number, unit: Figure["unit"]): string {
  if (unit === "MB") return v.toFixed(0);
  return v >= 100 ? v.toFixed(0) : v.toFixed(1);
}

/** `median [min–max] unit`. */
export function formatSummary(s: Summary, unit: Figure["unit"]): string {
  return `${num(s.median, unit)} ${unit} [${num(s.min, unit)}–${num(s.max, unit)}]`;
}

/** `≤ 5×` or `≤ 1000 ms`. */
export function formatTarget(t: Target, unit: Figure["unit"]): string {
  if ("ratio" in t) return `≤ ${t.ratio}×`;
  return "p95" in t ? `p95 ≤ ${num(t.p95, unit)} ${unit}` : `≤ ${num(t.max, unit)} ${unit}`;
}

/** One line: figure, baseline, ratio, target and whether it was met. */
export function formatFigure(f: Figure): string {
  const parts = [`${f.name}: ${formatSummary(f.subject, f.unit)}`];
  if (f.target && "p95" in f.target) parts.push(`p95 ${num(f.subject.p95, f.unit)} ${f.unit}`);
  if (f.baseline) parts.push(`vs ${f.baselineName ?? "baseline"} ${formatSummary(f.baseline, f.unit)}`);
  if (f.ratio !== undefined) parts.push(`= ${f.ratio.toFixed(2)}×`);
  if (f.target) parts.push(`(target ${formatTarget(f.target, f.unit)}: ${f.met === undefined ? "n/a" : f.met ? "met" : "MISSED"})`);
  if (f.note) parts.push(`· ${f.note}`);
  return `${parts.join(" ")} · n=${f.subject.n}`;
}

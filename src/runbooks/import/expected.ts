/**
 * Output the markdown shows after a step ("**Expected Output:**" and a block). It belongs to the
 * step before it and is never run. Where it is a plain expectation (a few fixed lines, nothing
 * that varies from run to run) it becomes the step's check, line for line, so that it cannot
 * pass on output that merely mentions the text; otherwise it stays in the step's description.
 */
import type { Expectation, PhaseKind } from "../schema.js";
import { plainInline } from "./text.js";

export interface ExpectedOutput {
  lines: string[];
  /** The line of the block (or of the label, for text on the label's own line). */
  line: number;
  /** "expected" output is what the step should print; an "example" only shows what it may print. */
  kind: "expected" | "example";
  /** Written on the label's own line ("Expected: 3/3 ready") rather than in a block. */
  inline?: boolean;
}

const EXPECTED = /^(?:the\s+)?(?:expected\s+(?:output|result|response)s?|expected|you should see|(?:it|this|that|the command|the output)\s+should\s+(?:print|return|show|output|say|read|look like)|output should (?:be|look like|read)|should (?:print|return|show|output))\b\s*(?:something like\b)?/i;
const EXAMPLE = /^(?:(?:the\s+)?(?:example|sample|typical)\s+(?:output|result|response)s?|output|result|response|for example)\b/i;

/** A paragraph that labels the block after it as output: its kind, and text written on the label's line. */
export function outputLabel(text: string): { kind: ExpectedOutput["kind"]; inline: string } | undefined {
  if (text.includes("\n")) return undefined;
  const plain = plainInline(text);
  const m = EXPECTED.exec(plain) ?? EXAMPLE.exec(plain);
  if (!m) return undefined;
  const rest = plain.slice(m[0].length);
  // "Expected output:" or "Output: ok", never "Output files are kept for a week."
  if (!/^\s*(?:[:—–-]|$)/.test(rest)) return undefined;
  const kind = EXPECTED.test(plain) && !/something like/i.test(plain) ? "expected" : "example";
  return { kind, inline: rest.replace(/^\s*[:—–-]\s*/, "").trim() };
}

// What varies between runs (times, dates, sizes, ids, addresses) or stands for something else (placeholders, elisions).
const VARIES = [
  /<[^>]*>|\$\{?\w|\{\{|\.\.\.|…|\be\.g\.|\betc\b|\bX{2,}\b|\t| {2,}|\|/i,
  /\d{1,2}:\d{2}|\d{4}-\d{2}|\b\d+(?:\.\d+)?\s?(?:ms|s|secs?|seconds?|m|mins?|minutes?|h|hours?|%|[KMGT]i?B|[KMGT]i)\b|\b[0-9a-f]{7,}\b|\b\d+\.\d+\.\d+\.\d+\b|\b\d{4,}\b/i,
  /^(?:\$|#|>)\s/,
];

/** The fixed text of a line: decoration (✓, emoji, or their mis-decoded bytes) trimmed off both ends. */
function core(line: string): string {
  return line.replace(/^[^A-Za-z0-9[(]+/, "").replace(/[^A-Za-z0-9.!?)\]]+$/, "");
}

/** The lines' fixed text when the output is a plain expectation (one to three fixed lines), else undefined. */
export function plainLines(expected: ExpectedOutput): string[] | undefined {
  // "Expected: the queue is empty" describes the output in words; only a block shows it.
  if (expected.kind !== "expected" || expected.inline) return undefined;
  const content = expected.lines.map((l) => l.trim()).filter((l) => l !== "");
  if (content.length === 0 || content.length > 3) return undefined;
  if (content.some((l) => VARIES.some((re) => re.test(l)))) return undefined;
  const cores = content.map(core);
  if (cores.some((c) => c.length < 2 || c.length > 120 || !/[A-Za-z]{2}/.test(c))) return undefined;
  return cores;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/** A whole line holding this text, with nothing but decoration around it: "NOT READY" is no "READY". */
export function lineRegex(text: string): string {
  return `^[^A-Za-z0-9]*${escape(text)}[^A-Za-z0-9]*$`;
}

/**
 * The check the output makes of a run step: `expect` (every line present, the last one as a whole
 * line), or in a diagnose phase `found` (the symptom is the last line missing, so the walk goes on).
 */
export function outputCheck(expected: ExpectedOutput, phaseKind: PhaseKind | undefined): { field: "expect" | "found"; check: Expectation } | undefined {
  const cores = plainLines(expected);
  if (!cores) return undefined;
  const last = cores[cores.length - 1]!;
  if (phaseKind === "diagnose") return { field: "found", check: { stdout: { notMatches: lineRegex(last) } } };
  const rest = cores.slice(0, -1);
  const contains = rest.length === 0 ? {} : { contains: rest.length === 1 ? rest[0]! : rest };
  return { field: "expect", check: { stdout: { ...contains, matches: lineRegex(last) } } };
}

/** The output as description text, fenced. */
export function outputText(expected: ExpectedOutput): string {
  const label = expected.kind === "expected" ? "Expected output" : "Example output";
  const fence = expected.lines.some((l) => l.includes("```")) ? "~~~" : "```";
  return expected.inline ? `${label}: ${expected.lines.join(" ")}` : `${label}:\n${fence}\n${expected.lines.join("\n")}\n${fence}`;
}

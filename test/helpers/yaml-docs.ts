/**
 * Random YAML documents in the styles runbooks are written in (block and flow collections, plain,
 * quoted and block scalars, comments, anchors and aliases, odd spacing), for holding the fast
 * YAML reader to js-yaml; and single-character changes to any text.
 */
import { rng } from "./random.js";

const PLAIN = ["a", "api", "x y z", "1", "-1", "2.5", "1e3", "0x1F", "0o17", "~", "null", "true", "FALSE", ".inf", "-.5", "007", "http://h:1/p", "a:b", "$x", "--flag", "a # c", "a#b", "5m", "é", "a'b", 'say "hi"', "[x]y", "?q", ":c", "-d", "1_0", "+12", ".nan", "Null", "nul"];
const KEYS = ["id", "title", "run", "k", "'q k'", '"d"', "1", "true", "~", "a b", "1.0"];
const BLOCK_TEXTS = ["echo hi\n", "a\n  b\n\nc\n", "x\n\n\n", "  lead\nnext\n", "", "tail  \n", "# no comment\nline\n"];
const HEADERS = ["|", ">", "|-", ">-", "|+", ">+", "|2", ">1-"];

/** Characters and pieces a change puts in or over a character. */
export const EDITS = ["", " ", "  ", "\n", "\t", "\r", ":", ": ", "-", "- ", "#", " #", "'", '"', "[", "]", "{", "}", ",", "&", "*", "!", "|", ">", "%", "@", "?", "0", ".", "~", "\\", "x", "1e3", "null"];

/** `text` with one change at a random place: a piece inserted, a character replaced, or one removed. */
export function changed(text: string, random: () => number): { text: string; what: string } {
  const at = Math.floor(random() * text.length);
  const piece = EDITS[Math.floor(random() * EDITS.length)]!;
  const mode = random();
  if (mode < 0.4) return { text: text.slice(0, at) + piece + text.slice(at), what: `${JSON.stringify(piece)} inserted at ${at}` };
  if (mode < 0.8) return { text: text.slice(0, at) + piece + text.slice(at + 1), what: `${JSON.stringify(text[at])} at ${at} replaced by ${JSON.stringify(piece)}` };
  return { text: text.slice(0, at) + text.slice(at + 1), what: `${JSON.stringify(text[at])} at ${at} removed` };
}

/** A random document: a top-level block mapping, nested a few levels. */
export function randomDocument(seed: number): string {
  const random = rng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const anchors: string[] = [];

  const scalar = (): string => {
    const r = random();
    if (r < 0.5) return pick(PLAIN);
    if (r < 0.7) return `'${pick(PLAIN).replace(/'/g, "''")}'`;
    if (r < 0.9) return JSON.stringify(pick(PLAIN) + pick(["", "\\", "\t", "é", "\n"]));
    return anchors.length > 0 ? `*${pick(anchors)}` : pick(PLAIN);
  };
  const anchor = (): string => {
    if (random() >= 0.1) return "";
    const name = pick(["a1", "a2", "gate"]);
    anchors.push(name);
    return `&${name} `;
  };
  const flow = (depth: number): string => {
    if (depth > 2 || random() < 0.4) return scalar();
    const space = pick(["", " ", "\n  ", " \n    "]);
    const n = Math.floor(random() * 4);
    if (random() < 0.5) return `[${space}${Array.from({ length: n }, () => anchor() + flow(depth + 1)).join(pick([", ", ",", " , ", ",\n  "]))}${random() < 0.2 ? "," : ""}${space}]`;
    return `{${space}${Array.from({ length: n }, () => `${pick(["a", "b", "c", "'q'", '"dq"'])}: ${flow(depth + 1)}`).join(pick([", ", ","]))}${space}}`;
  };
  const comment = (indent: number): string => (random() < 0.15 ? `${" ".repeat(pick([0, indent, indent + 2]))}# c\n` : random() < 0.1 ? "\n" : "");
  const value = (indent: number, depth: number, inList: boolean): string => {
    const r = random();
    if (depth > 3 || r < 0.4) return ` ${anchor()}${flow(0)}${random() < 0.1 ? " # t" : ""}\n`;
    if (r < 0.55) {
      const lines = pick(BLOCK_TEXTS).split("\n").slice(0, -1);
      return ` ${anchor()}${pick(HEADERS)}\n${lines.map((l) => (l === "" ? "\n" : `${" ".repeat(indent + 2)}${l}\n`)).join("")}`;
    }
    const props = random() < 0.2 ? ` ${anchor().trim()}` : "";
    if (r < 0.78) return `${props}\n${mapping(indent + pick([2, 2, 4, 1]), depth + 1)}`;
    return `${props}\n${list(inList ? indent + 2 : pick([indent, indent + 2]), depth + 1)}`;
  };
  const mapping = (indent: number, depth: number, inline = false): string => {
    let out = "";
    const n = 1 + Math.floor(random() * 4);
    for (let i = 0; i < n; i++) out += `${comment(indent)}${inline && i === 0 ? "" : " ".repeat(indent)}${pick(KEYS)}${pick([":", ":", " :"])}${value(indent, depth, false)}`;
    return out;
  };
  const list = (indent: number, depth: number): string => {
    let out = "";
    const n = 1 + Math.floor(random() * 3);
    for (let i = 0; i < n; i++) {
      const r = random();
      out += `${comment(indent)}${" ".repeat(indent)}-${r < 0.5 ? ` ${mapping(indent + 2, depth + 1, true)}` : r < 0.6 ? "\n" : value(indent, depth, true)}`;
    }
    return out;
  };
  return mapping(0, 0);
}

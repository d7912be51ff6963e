/**
 * A line-based markdown scanner: just the blocks a runbook is made of, each with its exact
 * 1-based line numbers. It never throws; anything it does not recognise is a paragraph.
 */
import { outputLabel } from "./expected.js";

export interface HeadingBlock {
  type: "heading";
  level: number;
  text: string;
  line: number;
  /** A paragraph that is only bold text ("**Diagnosis:**"), used as a heading below the real ones. */
  pseudo: boolean;
}
export interface CodeBlock {
  type: "code";
  /** The info string as written, and its first word lowercased ("" when untagged). */
  info: string;
  lang: string;
  lines: string[];
  /** Line of the opening fence; the body starts on the next line. */
  line: number;
  endLine: number;
  indent: number;
  closed: boolean;
}
export interface ItemBlock {
  type: "item";
  text: string;
  line: number;
  endLine: number;
  indent: number;
  ordered: boolean;
  /** The list marker as written: "-", "*", "3." */
  marker: string;
  /** true / false for a checklist item (`- [x]` / `- [ ]`), undefined for a plain bullet. */
  checked?: boolean;
}
export interface TableBlock {
  type: "table";
  rows: string[][];
  raw: string[];
  line: number;
  endLine: number;
}
export interface ParagraphBlock {
  type: "paragraph";
  text: string;
  lines: string[];
  line: number;
  endLine: number;
}
export interface OtherBlock {
  type: "rule" | "html";
  text: string;
  line: number;
  endLine: number;
}
export type Block = HeadingBlock | CodeBlock | ItemBlock | TableBlock | ParagraphBlock | OtherBlock;

export interface ScannedMarkdown {
  blocks: Block[];
  /** YAML front matter text, when the file starts with `---`. */
  frontMatter?: { text: string; line: number; endLine: number };
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*(.*)$/;
const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const ITEM = /^(\s*)([-*+]|\d{1,9}[.)])(?:[ \t]+(.*))?$/;
const TABLE_DELIM = /^\s*\|?\s*:?-{1,}:?\s*(?:\|\s*:?-{1,}:?\s*)*\|?\s*$/;
const WARNING = /^(?:critical|warning|important|note|caution|danger|tip|info|attention|do not|don't|never)\b/i;

const indentOf = (line: string): number => {
  const m = /^[ \t]*/.exec(line)![0];
  return m.replace(/\t/g, "    ").length;
};

function splitRow(line: string): string[] {
  let t = line.trim();
  if (t.startsWith("|")) t = t.slice(1);
  if (t.endsWith("|") && !t.endsWith("\\|")) t = t.slice(0, -1);
  return t.split(/(?<!\\)\|/).map((c) => c.replace(/\\\|/g, "|").trim());
}

/** A bold-only line ("**Symptoms:**", "**Option 1: Restart**") that reads as a heading; "**Expected Output:**" labels the block after it instead. */
export function pseudoHeadingText(line: string): string | undefined {
  const m = /^\s{0,3}(?:\*\*|__)([^*_].*?)(?:\*\*|__)\s*:?\s*$/.exec(line);
  if (!m) return undefined;
  const text = m[1]!.trim().replace(/:$/, "").trim();
  if (text === "" || text.length > 90 || /\*\*|__/.test(text) || WARNING.test(text) || outputLabel(text) !== undefined) return undefined;
  return text;
}

/** Scan markdown text into blocks. */
export function scanMarkdown(src: string): ScannedMarkdown {
  const lines = src.replace(/\r\n?/g, "\n").split("\n");
  const blocks: Block[] = [];
  let i = 0;
  let frontMatter: ScannedMarkdown["frontMatter"];
  if (lines[0]?.trim() === "---") {
    const end = lines.findIndex((l, n) => n > 0 && /^(?:---|\.\.\.)\s*$/.test(l));
    if (end > 0) {
      frontMatter = { text: lines.slice(1, end).join("\n"), line: 1, endLine: end + 1 };
      i = end + 1;
    }
  }

  while (i < lines.length) {
    const line = lines[i]!;
    const lineNo = i + 1;
    if (line.trim() === "") {
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence && !(fence[2]![0] === "`" && fence[3]!.includes("`"))) {
      const indent = fence[1]!.replace(/\t/g, "    ").length;
      const marker = fence[2]!;
      const info = fence[3]!.trim();
      const body: string[] = [];
      let j = i + 1;
      let closed = false;
      for (; j < lines.length; j++) {
        const l = lines[j]!;
        const close = /^\s*(`{3,}|~{3,})\s*$/.exec(l);
        if (close && close[1]![0] === marker[0] && close[1]!.length >= marker.length) {
          closed = true;
          break;
        }
        body.push(stripIndent(l, indent));
      }
      const lang = info.replace(/^\{?\.?/, "").replace(/^language-/, "").split(/[\s{,}]/)[0]!.toLowerCase();
      blocks.push({ type: "code", info, lang, lines: body, line: lineNo, endLine: closed ? j + 1 : j, indent, closed });
      i = closed ? j + 1 : j;
      continue;
    }
    const atx = ATX.exec(line);
    if (atx) {
      blocks.push({ type: "heading", level: atx[1]!.length, text: (atx[2] ?? "").trim(), line: lineNo, pseudo: false });
      i++;
      continue;
    }
    if (/^\s*<!--/.test(line)) {
      let j = i;
      while (j < lines.length && !lines[j]!.includes("-->")) j++;
      const end = Math.min(j, lines.length - 1);
      blocks.push({ type: "html", text: lines.slice(i, end + 1).join("\n"), line: lineNo, endLine: end + 1 });
      i = end + 1;
      continue;
    }
    if (RULE.test(line)) {
      blocks.push({ type: "rule", text: line, line: lineNo, endLine: lineNo });
      i++;
      continue;
    }
    const item = ITEM.exec(line);
    if (item) {
      const indent = indentOf(line);
      let text = item[3] ?? "";
      let checked: boolean | undefined;
      const box = /^\[([ xX])\]\s*(.*)$/.exec(text);
      if (box) {
        checked = box[1] !== " ";
        text = box[2]!;
      }
      let j = i + 1;
      // Continuation lines: indented deeper, or lazy lines right below, that start nothing new.
      while (j < lines.length) {
        const l = lines[j]!;
        if (l.trim() === "" || FENCE.test(l) || ITEM.test(l) || ATX.test(l) || RULE.test(l) || pseudoHeadingText(l) !== undefined) break;
        text += `\n${l.trim()}`;
        j++;
      }
      blocks.push({ type: "item", text, line: lineNo, endLine: j, indent, ordered: /\d/.test(item[2]!), marker: item[2]!, ...(checked === undefined ? {} : { checked }) });
      i = j;
      continue;
    }
    if (line.includes("|") && i + 1 < lines.length && TABLE_DELIM.test(lines[i + 1]!) && lines[i + 1]!.includes("-")) {
      const raw = [line, lines[i + 1]!];
      const rows = [splitRow(line)];
      let j = i + 2;
      while (j < lines.length && lines[j]!.includes("|") && lines[j]!.trim() !== "") {
        raw.push(lines[j]!);
        rows.push(splitRow(lines[j]!));
        j++;
      }
      blocks.push({ type: "table", rows, raw, line: lineNo, endLine: j });
      i = j;
      continue;
    }
    // A paragraph: up to a blank line or the start of another block.
    const para: string[] = [];
    let j = i;
    while (j < lines.length) {
      const l = lines[j]!;
      if (l.trim() === "") break;
      if (j > i && (FENCE.test(l) || ATX.test(l) || ITEM.test(l) || /^\s*<!--/.test(l))) break;
      if (j > i && /^ {0,3}(=+|-+)\s*$/.test(l) && para.length === 1) {
        // Setext heading: the paragraph line above is the heading text.
        para.length = 0;
        blocks.push({ type: "heading", level: l.trim()[0] === "=" ? 1 : 2, text: lines[j - 1]!.trim(), line: j, pseudo: false });
        j++;
        break;
      }
      if (j > i && RULE.test(l)) break;
      para.push(l.replace(/^\s{0,3}>\s?/, ""));
      j++;
    }
    i = Math.max(j, i + 1);
    if (para.length === 0) continue;
    const pseudo = para.length === 1 ? pseudoHeadingText(para[0]!) : undefined;
    if (pseudo !== undefined) {
      blocks.push({ type: "heading", level: 7, text: pseudo, line: lineNo, pseudo: true });
    } else {
      blocks.push({ type: "paragraph", text: para.join("\n"), lines: para, line: lineNo, endLine: lineNo + para.length - 1 });
    }
  }
  return frontMatter ? { blocks, frontMatter } : { blocks };
}

function stripIndent(line: string, indent: number): string {
  let n = 0;
  let k = 0;
  while (k < line.length && n < indent && (line[k] === " " || line[k] === "\t")) {
    n += line[k] === "\t" ? 4 : 1;
    k++;
  }
  return line.slice(k);
}

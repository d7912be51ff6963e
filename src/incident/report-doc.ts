/**
 * The report as a small document (headings, paragraphs, lists, code blocks, tables) that renders
 * to Markdown and to HTML from the same blocks, so the two say the same. Code is kept verbatim:
 * no Markdown escaping inside it; a fence or a code span longer than any backtick run it holds
 * keeps an input with backticks from breaking out (CommonMark). Pure.
 */

export type Inline =
  | string
  | { code: string }
  | { strong: string }
  | { quiet: string }
  | { link: string; href: string };

/** A list item: a line, or a line with a code block under it (a step and its command). */
export type ListItem = Inline[] | { text: Inline[]; code: string; lang?: string };

export type Block =
  | { h: 1 | 2 | 3; text: Inline[] }
  | { p: Inline[] }
  | { list: ListItem[]; ordered?: boolean; task?: boolean }
  | { code: string; lang?: string }
  | { table: { head: string[]; rows: Inline[][][] } }
  | { diagram: "gantt"; mermaid: string; svg: string };

/** The longest run of backticks in a text. */
function longestRun(text: string, ch: string): number {
  // Most commands and titles hold none: a search is cheaper than a walk over every character.
  if (!text.includes(ch)) return 0;
  let best = 0;
  let run = 0;
  for (const c of text) {
    run = c === ch ? run + 1 : 0;
    if (run > best) best = run;
  }
  return best;
}

/** A code span that holds any text: more backticks than the text's longest run, padded when it starts or ends with one. */
export function codeSpan(text: string): string {
  const flat = text.includes("\n") ? text.replace(/\r?\n/g, " ") : text;
  const ticks = "`".repeat(longestRun(flat, "`") + 1);
  const pad = flat.startsWith("`") || flat.endsWith("`") || (flat.startsWith(" ") && flat.endsWith(" ") && flat.trim() !== "") ? " " : "";
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}

/**
 * A fenced code block that holds any text (a fence longer than any backtick run at the start of one
 * of its lines), its lines added to `out`, each but the empty ones behind `indent` (a list item's).
 * Plain loops, no spread or iterator: a long incident's report writes thousands of these before
 * V8 has optimized any of it.
 */
function pushFenced(out: string[], text: string, lang: string | undefined, indent: string): void {
  const ticks = "`".repeat(Math.max(3, longestRun(text, "`") + 1));
  out.push(`${indent}${ticks}${lang ?? ""}`);
  if (!text.includes("\n")) out.push(text === "" ? "" : indent + text);
  else {
    // A script's last newline is not a line of it.
    const lines = text.replace(/(\r?\n)+$/, "").split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) out.push(lines[i] === "" ? "" : indent + lines[i]);
  }
  out.push(indent + ticks);
}

/** Text outside code: only what would change the structure is escaped (a leading list or heading marker, table pipes, HTML). */
function mdText(s: string, inTable: boolean): string {
  // Only a "<" that could open a tag is escaped, so `<none>` in text stays readable in the raw Markdown too.
  // Most text has nothing to escape: a search is cheaper than a replace (a report can be megabytes of cells).
  let out = s.includes("<") ? s.replace(/<(?=[A-Za-z/!?])/g, "&lt;") : s;
  if (inTable && (out.includes("|") || out.includes("\n"))) out = out.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
  return out;
}

function mdPart(x: Inline, inTable: boolean): string {
  if (typeof x === "string") return mdText(x, inTable);
  if ("code" in x) return inTable ? codeSpan(x.code).replace(/\|/g, "\\|") : codeSpan(x.code);
  if ("strong" in x) return `**${mdText(x.strong, inTable)}**`;
  if ("quiet" in x) return `_${mdText(x.quiet, inTable)}_`;
  return `[${mdText(x.link, inTable)}](${x.href.replace(/ /g, "%20").replace(/\)/g, "%29")})`;
}

function mdInline(parts: readonly Inline[], inTable = false): string {
  let out = "";
  for (let i = 0; i < parts.length; i++) out += mdPart(parts[i]!, inTable);
  return out;
}

/** The document as Markdown (CommonMark with GitHub tables and task lists). */
export function toMarkdown(blocks: readonly Block[]): string {
  const out: string[] = [];
  for (const b of blocks) {
    if ("h" in b) out.push(`${"#".repeat(b.h)} ${mdInline(b.text)}`, "");
    else if ("p" in b) out.push(mdInline(b.p), "");
    else if ("list" in b) {
      // A list can be thousands of items (a long incident's steps): no closure, copy or spread per item.
      for (let i = 0; i < b.list.length; i++) {
        const item = b.list[i]!;
        const number = b.ordered ? `${i + 1}.` : "-";
        const marker = b.ordered ? number : b.task ? "- [ ]" : "-";
        if (Array.isArray(item)) {
          out.push(`${marker} ${mdInline(item)}`);
          continue;
        }
        out.push(`${marker} ${mdInline(item.text)}`, "");
        pushFenced(out, item.code, item.lang, " ".repeat(number.length + 1));
        out.push("");
      }
      out.push("");
    } else if ("code" in b) {
      pushFenced(out, b.code, b.lang, "");
      out.push("");
    } else if ("table" in b) {
      out.push(`| ${b.table.head.join(" | ")} |`, `|${b.table.head.map(() => "---").join("|")}|`);
      for (const row of b.table.rows) out.push(`| ${row.map((c) => mdInline(c, true)).join(" | ")} |`);
      out.push("");
    } else {
      pushFenced(out, b.mermaid, "mermaid", "");
      out.push("");
    }
  }
  return out.join("\n");
}

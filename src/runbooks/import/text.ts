/** Small text helpers shared by the importer: ids, titles, inline markdown. */

/** Inline markdown to plain text: `**bold**`, `code`, [links](url), images, escapes. */
export function plainInline(text: string): string {
  return text
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/\[([^\]]+)\]\([^)]*\)/g, "$1")
    .replace(/(\*\*|__)(.+?)\1/g, "$2")
    .replace(/(^|[^\w*])[*_]([^*_\s][^*_]*?)[*_](?=$|[^\w*])/g, "$1$2")
    .replace(/`([^`]*)`/g, "$1")
    .replace(/<\/?(?:br|b|i|em|strong|code|kbd|sup|sub)\s*\/?>/gi, "")
    .replace(/\\([\\`*_{}[\]()#+\-.!|])/g, "$1")
    .replace(/\s+/g, " ")
    .trim();
}

/** A heading or bullet as a title: no numbering ("1.2", "Step 3:"), no trailing colon, one line. */
export function cleanTitle(text: string, max = 100): string {
  let t = plainInline(text)
    .replace(/^(?:\d+(?:\.\d+)*\.?|[A-Z]\.|[ivx]+\.)\s+(?=\S)/i, "")
    .replace(/^step\s*\d+[a-z]?\s*[:.)-]\s*/i, "")
    .replace(/\s*[:.]\s*$/, "")
    .trim();
  if (t === "") t = plainInline(text).replace(/:$/, "").trim();
  return shorten(t, max);
}

/** Cut at a word boundary with an ellipsis when longer than `max`. */
export function shorten(text: string, max: number): string {
  const t = text.replace(/\s+/g, " ").trim();
  if (t.length <= max) return t;
  const cut = t.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`;
}

/** A kebab-case id (`^[a-z0-9]+(-[a-z0-9]+)*$`) of at most `max` characters, or `fallback`. */
export function slugify(text: string, fallback: string, max = 40): string {
  const words = text
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim()
    .split(" ")
    .filter((w) => w !== "");
  let out = "";
  for (const w of words) {
    const next = out === "" ? w : `${out}-${w}`;
    if (next.length > max) {
      if (out === "") out = w.slice(0, max);
      break;
    }
    out = next;
  }
  return out === "" ? fallback : out;
}

/** Hands out ids unique within one scope: `restart`, `restart-2`, `restart-3`. */
export class IdPool {
  private readonly used = new Set<string>();

  take(base: string): string {
    let id = base;
    for (let n = 2; this.used.has(id); n++) id = `${base}-${n}`;
    this.used.add(id);
    return id;
  }

  has(id: string): boolean {
    return this.used.has(id);
  }
}

/** "service-name" → "Service name". */
export function humanize(text: string): string {
  const t = text.replace(/[_-]+/g, " ").replace(/\s+/g, " ").trim().toLowerCase();
  return t === "" ? text : t[0]!.toUpperCase() + t.slice(1);
}

/** The first sentence of a paragraph, for a summary line. */
export function firstSentence(text: string, max = 200): string {
  const plain = plainInline(text);
  const m = /^(.+?[.!?])(?:\s|$)/.exec(plain);
  return shorten(m?.[1] ?? plain, max);
}

/** Lines as a compact range: "58", "58-63". */
export function lineRange(start: number, end?: number): string {
  return end === undefined || end <= start ? `line ${start}` : `lines ${start}-${end}`;
}

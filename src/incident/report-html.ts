/**
 * The report as one self-contained HTML file: the same blocks as the Markdown, inline CSS, the
 * diagram as inline SVG. No script, no external reference: it opens offline. Pure.
 */
import type { Block, Inline } from "./report-doc.js";

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function inline(parts: readonly Inline[]): string {
  return parts
    .map((x) => {
      if (typeof x === "string") return esc(x);
      if ("code" in x) return `<code>${esc(x.code)}</code>`;
      if ("strong" in x) return `<strong>${esc(x.strong)}</strong>`;
      if ("quiet" in x) return `<em class="quiet">${esc(x.quiet)}</em>`;
      // Only relative paths (the output files beside the incident) and http(s) are links; anything else is text.
      const safe = /^(https?:\/\/|[\w.[\]-]+\/)/.test(x.href) && !/^javascript:/i.test(x.href);
      return safe ? `<a href="${esc(x.href)}">${esc(x.link)}</a>` : esc(x.link);
    })
    .join("");
}

const pre = (code: string, lang?: string) => `<pre${lang ? ` class="lang-${esc(lang)}"` : ""}><code>${esc(code)}</code></pre>`;

const CSS = `body{font:14px/1.5 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#1f2328}
h1,h2{border-bottom:1px solid #d0d7de;padding-bottom:.3em}code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px}
code{background:#eff1f3;padding:.1em .3em;border-radius:4px}pre{background:#f6f8fa;padding:.8em;overflow:auto;border-radius:6px}pre code{background:none;padding:0}
table{border-collapse:collapse}td,th{border:1px solid #d0d7de;padding:.25em .6em;text-align:left}.quiet{color:#656d76}ul.task{list-style:none;padding-left:1em}
figure{margin:0;overflow:auto}`;

/** The blocks as a complete HTML document. */
export function toHtml(blocks: readonly Block[], title: string): string {
  const body: string[] = [];
  for (const b of blocks) {
    if ("h" in b) body.push(`<h${b.h}>${inline(b.text)}</h${b.h}>`);
    else if ("p" in b) body.push(`<p>${inline(b.p)}</p>`);
    else if ("list" in b) {
      const tag = b.ordered ? "ol" : "ul";
      const items = b.list.map((item) => (Array.isArray(item) ? `<li>${b.task ? "☐ " : ""}${inline(item)}</li>` : `<li>${inline(item.text)}${pre(item.code, item.lang)}</li>`));
      body.push(`<${tag}${b.task ? ' class="task"' : ""}>${items.join("")}</${tag}>`);
    } else if ("code" in b) body.push(pre(b.code, b.lang));
    else if ("table" in b) {
      const head = `<tr>${b.table.head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr>`;
      const rows = b.table.rows.map((row) => `<tr>${row.map((c) => `<td>${inline(c)}</td>`).join("")}</tr>`).join("");
      body.push(`<table>${head}${rows}</table>`);
    } else body.push(`<figure>${b.svg}</figure>`, `<details><summary>Mermaid source</summary>${pre(b.mermaid, "mermaid")}</details>`);
  }
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title><style>${CSS}</style></head>\n<body>\n${body.join("\n")}\n</body></html>\n`;
}

/**
 * The symbols the console draws, in two sets: Unicode, and ASCII for a terminal whose locale is
 * not UTF-8 (LANG=C, POSIX, ISO-8859-1), where ⎈ ⏱ ✓ ● would come out as question marks.
 */

export interface Glyphs {
  kube: string;
  clock: string;
  passed: string;
  failed: string;
  found: string;
  error: string;
  timeout: string;
  cancelled: string;
  interrupted: string;
  skipped: string;
  chosen: string;
  note: string;
  current: string;
  todo: string;
  arrow: string;
  step: string;
  cursor: string;
  more: { up: string; down: string };
  ellipsis: string;
  stderr: string;
  mail: string;
  pod: string;
  spinner: readonly string[];
  /** Ink border styles: `classic` draws with + - |. */
  border: { plain: "round" | "classic"; strong: "double" | "classic"; drill: "bold" | "classic"; pane: "single" | "classic" };
}

export const UNICODE: Glyphs = {
  kube: "⎈",
  clock: "⏱",
  passed: "✓",
  failed: "✗",
  found: "◆",
  error: "!",
  timeout: "⌛",
  cancelled: "⊘",
  interrupted: "↯",
  skipped: "–",
  chosen: "↳",
  note: "✎",
  current: "●",
  todo: "○",
  arrow: "→",
  step: "›",
  cursor: "❯",
  more: { up: "↑", down: "↓" },
  ellipsis: "…",
  stderr: "▌",
  mail: "✉",
  pod: "●",
  spinner: ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"],
  border: { plain: "round", strong: "double", drill: "bold", pane: "single" },
};

export const ASCII: Glyphs = {
  kube: "k8s",
  clock: "due",
  passed: "+",
  failed: "x",
  found: "*",
  error: "!",
  timeout: "T",
  cancelled: "/",
  interrupted: "~",
  skipped: "-",
  chosen: ">",
  note: "#",
  current: "@",
  todo: "o",
  arrow: "->",
  step: ">",
  cursor: ">",
  more: { up: "^", down: "v" },
  ellipsis: "...",
  stderr: "|",
  mail: "mail",
  pod: "*",
  spinner: ["|", "/", "-", "\\"],
  border: { plain: "classic", strong: "classic", drill: "classic", pane: "classic" },
};

/** ASCII when the locale is set and is not UTF-8 (LC_ALL, else LC_CTYPE, else LANG, as the C library reads them). */
export function glyphsFor(env: Record<string, string | undefined>): Glyphs {
  const locale = [env.LC_ALL, env.LC_CTYPE, env.LANG].find((v) => v !== undefined && v !== "");
  if (locale === undefined) return UNICODE;
  return /utf-?8/i.test(locale) ? UNICODE : ASCII;
}

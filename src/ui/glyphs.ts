/**
 * The symbols the console draws, in two sets: Unicode, and ASCII for a terminal whose locale is
 * not UTF-8 (LANG=C, POSIX, ISO-8859-1), where ⎈ ⏱ ✓ ● would come out as question marks.
 */

export interface Glyphs {
  /** The terminal turns OSC 8 sequences into links (hyperlinksFor); otherwise URLs are printed plain. */
  hyperlinks?: boolean;
  /** theme: high-contrast — secondary text is drawn at full intensity, never dim (many terminals make dim unreadable). */
  highContrast?: boolean;
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
  link: string;
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
  link: "↗",
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
  link: "link:",
  pod: "*",
  spinner: ["|", "/", "-", "\\"],
  border: { plain: "classic", strong: "classic", drill: "classic", pane: "classic" },
};

/** ASCII when the locale is set and is not UTF-8 (LC_ALL, else LC_CTYPE, else LANG, as the C library reads them). */
export function glyphsFor(env: Record<string, string | undefined>): Glyphs {
  const locale = [env.LC_ALL, env.LC_CTYPE, env.LANG].find((v) => v !== undefined && v !== "");
  const base = locale === undefined || /utf-?8/i.test(locale) ? UNICODE : ASCII;
  const links = hyperlinksFor(env);
  const contrast = env.HANDRAIL_THEME === "high-contrast";
  return links || contrast ? { ...base, ...(links ? { hyperlinks: true } : {}), ...(contrast ? { highContrast: true } : {}) } : base;
}

/**
 * Whether the terminal shows OSC 8 hyperlinks: FORCE_HYPERLINK=1/0 decides; otherwise terminals known
 * to (iTerm2, WezTerm, VS Code, kitty, Windows Terminal, GNOME Terminal and other VTE ≥ 0.50), and not
 * through tmux or screen, which drop them unless configured. Elsewhere a URL is printed as text.
 */
export function hyperlinksFor(env: Record<string, string | undefined>): boolean {
  if (env.FORCE_HYPERLINK !== undefined) return env.FORCE_HYPERLINK !== "0";
  if (env.TMUX || env.STY || env.TERM === "dumb") return false;
  if (["iTerm.app", "WezTerm", "vscode", "ghostty"].includes(env.TERM_PROGRAM ?? "")) return true;
  if (env.KITTY_WINDOW_ID || env.WT_SESSION) return true;
  return Number(env.VTE_VERSION ?? 0) >= 5000;
}

/** A link as the terminal can show it: OSC 8 around the title where supported, else "title <url>". */
export function linkText(g: Glyphs, title: string, url: string): string {
  return g.hyperlinks ? `\u001b]8;;${url}\u0007${title}\u001b]8;;\u0007 <${url}>` : `${title} <${url}>`;
}

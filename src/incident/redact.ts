/**
 * Masking before anything reaches the incident file, the report or the screen: the values of
 * `secret` inputs, and text that looks like a credential. Line-based, with state for key blocks.
 */

export const MASK = "••••••";

const PATTERNS: RegExp[] = [
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  /\bAKIA[0-9A-Z]{16}\b/g,
  /\b(aws_secret_access_key|secret_access_key)(\s*[=:]\s*)\S+/gi,
  /(?<![A-Za-z0-9])(password|passwd|pwd|secret|token|api[_-]?key|access[_-]?token|client[_-]?secret)(\s*[=:]\s*|"\s*:\s*")([^\s"'&,;]{3,})/gi,
  /\b(gh[pousr]_[A-Za-z0-9]{20,}|xox[abprs]-[A-Za-z0-9-]{10,}|glpat-[A-Za-z0-9_-]{20,})\b/g,
  /(:\/\/[^/\s:@]+:)([^@\s/]+)(@)/g,
];

const KEY_BEGIN = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;
const KEY_END = /-----END [A-Z ]*PRIVATE KEY-----/;
// One cheap test decides whether a line needs the full set of patterns.
const TRIGGER = /bearer|basic|akia|secret|passw|pwd|token|api[_-]?key|gh[pousr]_|xox|glpat-|:\/\/[^/\s]*@|PRIVATE KEY/i;

export class Redactor {
  private secrets: string[];
  private inKey = false;

  constructor(secretValues: readonly string[] = []) {
    // Longest first, so a secret containing another is masked whole. Very short values would mask ordinary text.
    this.secrets = [...new Set(secretValues.filter((v) => v.length >= 4))].sort((a, b) => b.length - a.length);
  }

  /** A new Redactor with more secret values (inputs set later). */
  with(values: readonly string[]): Redactor {
    return new Redactor([...this.secrets, ...values]);
  }

  line(text: string): string {
    if (this.inKey) {
      if (KEY_END.test(text)) this.inKey = false;
      return KEY_END.test(text) ? text : MASK;
    }
    let out = text;
    for (const s of this.secrets) if (out.includes(s)) out = out.split(s).join(MASK);
    if (!TRIGGER.test(out)) return out;
    if (KEY_BEGIN.test(out) && !KEY_END.test(out)) {
      this.inKey = true;
      return out;
    }
    for (const p of PATTERNS) {
      out = out.replace(p, (...m: string[]) => {
        const groups = m.slice(1, -2).filter((g) => g !== undefined);
        if (p === PATTERNS[0]) return `${groups[0]} ${MASK}`;
        if (p === PATTERNS[2]) return `${groups[0]}${groups[1]}${MASK}`;
        if (p === PATTERNS[3]) return `${groups[0]}${groups[1]}${MASK}`;
        if (p === PATTERNS[5]) return `${groups[0]}${MASK}${groups[2]}`;
        return MASK;
      });
    }
    return out;
  }

  /** Whether any masking could apply to this text (a fast test for bulk output). */
  mayApply(text: string): boolean {
    return this.inKey || TRIGGER.test(text) || this.secrets.some((s) => text.includes(s));
  }

  lines(lines: readonly string[]): string[] {
    return lines.map((l) => this.line(l));
  }

  /** Any text, line by line (commands, errors, notes). */
  text(text: string): string {
    const fresh = new Redactor(this.secrets);
    return text.split("\n").map((l) => fresh.line(l)).join("\n");
  }
}

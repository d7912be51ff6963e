/** The `$name` references in a bash script that bash would expand, and the names the script sets itself. */

export interface VarRef {
  name: string;
  /** The text as written (`$svc` or `${svc:-x}` up to the name), for locating it. */
  token: string;
  offset: number;
}

const REF = /\\.|\$\{#?([A-Za-z_][A-Za-z0-9_]*)|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** Blank out single-quoted text (`awk '{print $1}'`): bash does not expand inside it. */
function blankSingleQuoted(script: string): string {
  // Most scripts have no single quote, and then nothing changes.
  if (!script.includes("'")) return script;
  // Copied in runs rather than a character at a time: the lint reads every script of every runbook.
  const parts: string[] = [];
  let start = 0;
  let inSingle = false;
  let inDouble = false;
  for (let i = 0; i < script.length; i++) {
    const ch = script.charCodeAt(i);
    if (inSingle) {
      if (ch === QUOTE) {
        parts.push(blank(script.slice(start, i)));
        start = i;
        inSingle = false;
      }
      continue;
    }
    if (ch === BACKSLASH) i++;
    else if (ch === QUOTE && !inDouble) {
      inSingle = true;
      parts.push(script.slice(start, i + 1));
      start = i + 1;
    } else if (ch === DOUBLE_QUOTE) inDouble = !inDouble;
  }
  const rest = script.slice(start);
  parts.push(inSingle ? blank(rest) : rest);
  return parts.join("");
}

const QUOTE = 0x27;
const DOUBLE_QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Spaces for every character but line breaks, so offsets and lines stay where they were. */
function blank(text: string): string {
  return text.replace(/[^\n]/g, " ");
}

/** References bash would expand (not inside single quotes, not escaped). */
export function scriptReferences(script: string): VarRef[] {
  if (!script.includes("$")) return [];
  const visible = blankSingleQuoted(script);
  const refs: VarRef[] = [];
  for (const m of visible.matchAll(REF)) {
    const name = m[1] ?? m[2];
    if (name === undefined) continue;
    refs.push({ name, token: m[0], offset: m.index });
  }
  return refs;
}

const ASSIGN = [
  /(?:^|[;&|({\s])([A-Za-z_][A-Za-z0-9_]*)\+?=/g,
  /\b(?:for|select)\s+([A-Za-z_][A-Za-z0-9_]*)\s+in\b/g,
  /\bread\s+(?:-[a-zA-Z]*[adinNptu]\s+\S+\s+|-[a-zA-Z]+\s+)*((?:[A-Za-z_][A-Za-z0-9_]*[ \t]*)+)/g,
  /\b(?:local|export|declare|readonly|typeset)\s+(?:-[a-zA-Z]+\s+)*((?:[A-Za-z_][A-Za-z0-9_]*(?:=\S*)?[ \t]*)+)/g,
];

/** Names the script assigns, loops over or reads into: using them is not a typo. */
export function scriptAssignments(script: string): Set<string> {
  const names = new Set<string>();
  for (const pattern of ASSIGN) {
    for (const m of script.matchAll(pattern)) {
      for (const word of (m[1] ?? "").split(/\s+/)) {
        const name = word.split("=")[0];
        if (name) names.add(name);
      }
    }
  }
  return names;
}

const TEMPLATE_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** `$name` / `${name}` references in text that handrail substitutes itself (k8s, http, manual). */
export function templateReferences(text: string): VarRef[] {
  const refs: VarRef[] = [];
  if (!text.includes("$")) return refs;
  for (const m of text.matchAll(TEMPLATE_REF)) {
    const name = m[1] ?? m[2];
    if (name !== undefined) refs.push({ name, token: m[0], offset: m.index });
  }
  return refs;
}

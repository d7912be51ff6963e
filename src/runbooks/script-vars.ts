/** The `$name` references in a bash script that bash would expand, and the names the script sets itself. */

export interface VarRef {
  name: string;
  /** The text as written (`$svc` or `${svc:-x}` up to the name), for locating it. */
  token: string;
  offset: number;
}

const QUOTE = 0x27;
const DOUBLE_QUOTE = 0x22;
const BACKSLASH = 0x5c;
const DOLLAR = 0x24;

/** Whether a character code may start ([A-Za-z_]) or go on (also [0-9]) a variable name. */
function nameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
}
function nameChar(c: number): boolean {
  return nameStart(c) || (c >= 0x30 && c <= 0x39);
}

/**
 * References bash would expand (not inside single quotes, not escaped): `$name`, `${name…` and
 * `${#name…`, in one pass over the script. Outside single quotes a backslash escapes the next
 * character, and a single quote opens a quoted run unless inside double quotes.
 */
export function scriptReferences(script: string): VarRef[] {
  const refs: VarRef[] = [];
  // Most scripts of a runbook name no variable, and then there is nothing to walk.
  if (!script.includes("$")) return refs;
  let inSingle = false;
  let inDouble = false;
  for (let i = 0; i < script.length; i++) {
    const ch = script.charCodeAt(i);
    if (inSingle) {
      if (ch === QUOTE) inSingle = false;
    } else if (ch === BACKSLASH) i++;
    else if (ch === QUOTE) inSingle = !inDouble;
    else if (ch === DOUBLE_QUOTE) inDouble = !inDouble;
    else if (ch === DOLLAR) {
      let at = i + 1;
      if (script.charCodeAt(at) === 0x7b) {
        at++;
        if (script.charCodeAt(at) === 0x23) at++;
      }
      if (!nameStart(script.charCodeAt(at))) continue;
      let end = at + 1;
      while (nameChar(script.charCodeAt(end))) end++;
      refs.push({ name: script.slice(at, end), token: script.slice(i, end), offset: i });
      i = end - 1;
    }
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

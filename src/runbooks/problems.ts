/** A problem found in a runbook file, located for an editor to jump to. */
export interface RunbookProblem {
  file: string;
  line: number;
  column: number;
  /** Field path such as `phases[1].steps[0].risk`; empty for the file as a whole. */
  path: string;
  message: string;
}

export type PathSegment = string | number;

/** `phases[1].steps[0].risk` from ["phases", 1, "steps", 0, "risk"]. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out === "" ? seg : `.${seg}`;
  }
  return out;
}

/** `file:line:col path: message`, the form compilers use so terminals and editors link it. */
export function formatProblem(p: RunbookProblem): string {
  return formatAt(`${p.file}:${p.line}:${p.column}`, p);
}

/** A warning as validate prints it: where, the word, then as a problem reads. */
export function formatWarning(p: RunbookProblem): string {
  return formatAt(`${p.file}:${p.line}:${p.column} warning`, p);
}

function formatAt(where: string, p: RunbookProblem): string {
  return p.path === "" ? `${where} ${p.message}` : `${where} ${p.path}: ${p.message}`;
}

/** How a value reads in a message: `"hgh"`, `42`, `a list`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "nothing (null)";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") {
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return JSON.stringify(shown);
  }
  return String(value);
}

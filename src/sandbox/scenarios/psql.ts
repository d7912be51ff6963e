/**
 * psql as a drill's simulated database container runs it (`docker exec <db> psql …`): the options
 * parsed the way psql parses them, so what a step's quoting did to its arguments shows. A command
 * that reaches psql mangled (`-c dt` for `-c "\dt"`, `-c SELECT` and stray words for an unquoted
 * `SELECT * FROM …`) is answered the way PostgreSQL answers it, not with the result meant.
 */
import type { HostReply } from "./simulated-host.js";

/** psql's options that take a value (the short and long forms the runbooks use). */
const VALUED = new Set(["-U", "--username", "-d", "--dbname", "-c", "--command", "-h", "--host", "-p", "--port", "-v", "--set", "--variable", "-f", "--file"]);

export interface PsqlCall {
  /** The -c command, as psql received it; undefined when psql would read its commands from stdin. */
  command?: string;
  /** The -d database. */
  database?: string;
  /** -v NAME=VALUE settings. */
  variables: Record<string, string>;
  singleTransaction: boolean;
  /** Positional words psql ignores with a warning (-U and -d already named the user and database). */
  extra: string[];
}

/** Read psql's arguments (after the word `psql`). */
export function parsePsql(args: readonly string[]): PsqlCall {
  const call: PsqlCall = { variables: {}, singleTransaction: false, extra: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (VALUED.has(a)) {
      const v = args[++i] ?? "";
      if (a === "-c" || a === "--command") call.command = v;
      else if (a === "-d" || a === "--dbname") call.database = v;
      else if (a === "-v" || a === "--set" || a === "--variable") call.variables[v.split("=")[0]!] = v.slice(v.indexOf("=") + 1);
    } else if (a === "-1" || a === "--single-transaction") {
      call.singleTransaction = true;
    } else if (!a.startsWith("-")) {
      call.extra.push(a);
    }
  }
  return call;
}

/** PostgreSQL's answer to a statement it cannot parse, pointing at the first word. */
export function syntaxError(sql: string): HostReply {
  const word = /^\s*([^\s;(]+)/.exec(sql)?.[1] ?? "";
  return { stderr: `ERROR:  syntax error at or near "${word}"\nLINE 1: ${sql}\n        ^\n`, exitCode: 1 };
}

/**
 * Answer `psql -c …` from the scenario: `answer` gets the command as psql received it (trimmed) and
 * returns its output, or undefined for SQL the scenario does not know (a syntax error, as PostgreSQL
 * says of the mangled commands). A bare `SELECT` is valid SQL: one empty row.
 */
export function answerPsql(args: readonly string[], answer: (command: string) => string | undefined): HostReply {
  const call = parsePsql(args);
  const warnings = call.extra.map((w) => `psql: warning: extra command-line argument "${w}" ignored\n`).join("");
  if (call.command === undefined) return { stderr: `${warnings}psql: the drill's database answers -c commands only\n`, exitCode: 2 };
  const sql = call.command.trim();
  const out = /^select;?$/i.test(sql) ? "--\n(1 row)\n\n" : answer(sql);
  if (out === undefined) {
    const err = syntaxError(sql);
    return { ...err, stderr: `${warnings}${err.stderr ?? ""}` };
  }
  return { stdout: out, ...(warnings ? { stderr: warnings } : {}), exitCode: 0 };
}

/** A psql result table: a header, a rule, the rows, and the row count. */
export function psqlTable(columns: string[], rows: string[][]): string {
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => ` ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")}`.trimEnd();
  const rule = widths.map((w) => "-".repeat(w + 2)).join("+");
  return `${[line(columns), rule, ...rows.map(line)].join("\n")}\n(${rows.length} ${rows.length === 1 ? "row" : "rows"})\n\n`;
}

/**
 * Whether bash refuses a `run` script before running any of it. `bash -n` reads the whole script
 * and runs none of it, so this is bash's own verdict, not a lexer's guess: a quote that never
 * closes (bash takes a `'` inside `${…}` for a quote, double quotes or not), a stray `fi`, a `do`
 * without `done`. Such a step fails every time it runs, and a drill meets it only if its walk
 * reaches it: `handrail test` asks bash of every script of the runbooks it tests.
 */
import { execa } from "execa";

/**
 * bash's words when it refuses the script ("line 3: unexpected EOF while looking for matching `''"),
 * undefined when it reads it. extglob is on while reading: a script may turn it on (`shopt -s
 * extglob`) before its patterns, which -n reads but does not run.
 */
export async function bashRefuses(script: string): Promise<string | undefined> {
  const r = await execa("bash", ["-O", "extglob", "-n", "-c", script], { reject: false, stdin: "ignore", timeout: 30_000 });
  if (r.exitCode === 0) return undefined;
  if (r.exitCode === undefined) return `bash did not read it: ${r.shortMessage}`;
  const said = r.stderr
    .split("\n")
    .map((l) => l.replace(/^bash: -c: /, "").trim())
    .filter(Boolean);
  return said.join("; ") || `bash -n exited ${r.exitCode}`;
}

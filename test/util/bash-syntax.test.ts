/** bash -n's verdict on a run script: what bash itself refuses, and nothing of the script run. */
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { bashRefuses } from "../../src/util/bash-syntax.js";
import { scratchDir } from "../helpers/cli.js";

describe("bashRefuses", () => {
  it("names what bash refuses: a ' inside ${…} in double quotes (the shipped runbooks had three), a stray fi, a do without done", async () => {
    expect(await bashRefuses(`db=\${db_name:?"set db_name (the service's database)"}\necho "$db"`)).toBe(undefined);
    expect(await bashRefuses(`echo "\${db_name:?set the service's database}"\npsql -c 'select 1'`)).toMatch(/^line \d+: unexpected EOF while looking for matching `''/);
    expect(await bashRefuses("true\nfi\n")).toBe("line 2: syntax error near unexpected token `fi'; line 2: `fi'");
    expect(await bashRefuses("for p in a b; do\n  echo $p\n")).toMatch(/syntax error: unexpected end of file/);
  });

  it("reads what bash reads: heredocs, $( ) with a case inside, extglob turned on by the script itself", async () => {
    expect(await bashRefuses("cat <<'EOF'\nit's fine: ${not a parameter\nEOF\necho done")).toBe(undefined);
    expect(await bashRefuses('kind=$(case "$1" in a) echo A ;; *) echo other ;; esac)\necho "$kind"')).toBe(undefined);
    expect(await bashRefuses("shopt -s extglob\nls !(*.log)")).toBe(undefined);
  });

  it("runs nothing of the script", async () => {
    const dir = scratchDir(onTestFinished);
    const marker = path.join(dir, "ran");
    expect(await bashRefuses(`touch ${JSON.stringify(marker)}\nrm -rf ${JSON.stringify(dir)}`)).toBe(undefined);
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(dir)).toBe(true);
  });
});

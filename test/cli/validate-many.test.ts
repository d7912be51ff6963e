/** `handrail validate` of a library large enough to be checked on worker threads: same problems, same order, on one thread or several. */
import { readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { loadRunbookFile } from "../../src/runbooks/load.js";
import { formatProblem } from "../../src/runbooks/problems.js";
import { ROOT, runCli, scratchDir } from "../helpers/cli.js";

const SHIPPED = readdirSync(path.join(ROOT, "runbooks")).filter((f) => f.endsWith(".yaml")).sort();

/** `count` copies of the shipped runbooks with new ids, some of them broken in different ways. */
function library(dir: string, count: number): string[] {
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const file = SHIPPED[i % SHIPPED.length]!;
    let text = readFileSync(path.join(ROOT, "runbooks", file), "utf8").replace(/^id: (\S+)$/m, `id: $1-copy-${i}`);
    if (i === 7) text = text.replace(/^title: .*$/m, "title: [unclosed");
    if (i === 61) text = text.replace(/^kind: Runbook$/m, "kind: Runbok");
    if (i === 133) text = text.replace(/-copy-133$/m, "-copy-3");
    if (i === 148) text = text.replace(/^apiVersion: handrail\/v1$/m, "apiVersion: handrail/v2");
    // Zero-padded: the directory's order is the order every problem is reported in.
    const name = `${String(i).padStart(3, "0")}-${file}`;
    writeFileSync(path.join(dir, name), text);
    names.push(name);
  }
  return names;
}

describe("handrail validate, 150 runbooks", () => {
  it("reports exactly the problems each file has on its own, in file order", async () => {
    const dir = scratchDir(onTestFinished);
    const names = library(dir, 150);
    const expected: string[] = [];
    for (const name of names) for (const p of (await loadRunbookFile(path.join(dir, name), name)).problems) expected.push(formatProblem(p));
    expect(expected.length).toBeGreaterThanOrEqual(3);

    // Three threads: this one and two workers pulling batches, whatever the machine's cores.
    const r = await runCli(["validate", "--no-cache", "--threads", "3", "."], { cwd: dir });
    expect(r.exitCode).toBe(2);
    const one = await runCli(["validate", "--no-cache", "--threads", "1", "."], { cwd: dir });
    expect(one.stderr).toBe(r.stderr);
    const lines = r.stderr.trimEnd().split("\n");
    const summary = lines.pop();
    const duplicate = lines.pop();
    expect(lines).toEqual(expected);
    const id = `${SHIPPED[3]!.replace(".yaml", "")}-copy-3`;
    expect(duplicate).toBe(formatProblem({ file: `133-${SHIPPED[3]}`, line: 1, column: 1, path: "id", message: `id "${id}" is also used by 003-${SHIPPED[3]}` }));
    expect(summary).toMatch(/ in 4 of 150 files$/);
  });

  it("--json lists every file in order, with its id when it is valid", async () => {
    const dir = scratchDir(onTestFinished);
    const names = library(dir, 120);
    const r = await runCli(["validate", "--json", "--threads", "2", "."], { cwd: dir });
    const report = JSON.parse(r.stdout) as { valid: boolean; files: Array<{ file: string; id: string | null; problems: unknown[] }> };
    expect(report.valid).toBe(false);
    expect(report.files.map((f) => f.file)).toEqual(names);
    expect(report.files[5]!.id).toBe(`${SHIPPED[0]!.replace(".yaml", "")}-copy-5`);
    expect(report.files[7]!.id).toBeNull();
    expect(report.files[7]!.problems.length).toBeGreaterThan(0);
  });

  it("past 2 MB, checked by default (scripts read on a worker beside this thread where there are two cores): the same warnings and problems, in order, as on one thread", async () => {
    const dir = scratchDir(onTestFinished);
    library(dir, 60);
    // Scripts of several commands, in files spread over the batches: two with a command that can fail unseen, one bash refuses.
    const tags = (id: string) => `apiVersion: handrail/v1\nkind: Runbook\nid: ${id}\ntitle: Tags\nphases:\n  - id: a\n    kind: remediate\n    title: A\n    steps:\n      - id: tags\n        title: Tags\n        run: |\n          git tag -a v1-a -m a\n          git tag -a v1-b -m b\n`;
    writeFileSync(path.join(dir, "010-tags.yaml"), tags("tags-10"));
    writeFileSync(path.join(dir, "045-tags.yaml"), tags("tags-45"));
    writeFileSync(path.join(dir, "030-db.yaml"), tags("db-30").replace("git tag -a v1-a -m a", `psql -d "\${db:?the service's database}" -c 'select 1'`));
    // Past check-files.ts MIN_BYTES_FOR_WORKERS, below which a worker's start costs more than it saves.
    expect(readdirSync(dir).reduce((sum, f) => sum + statSync(path.join(dir, f)).size, 0)).toBeGreaterThan(2_000_000);
    const many = await runCli(["validate", "--no-cache", "."], { cwd: dir });
    const one = await runCli(["validate", "--no-cache", "--threads", "1", "."], { cwd: dir });
    expect([many.exitCode, many.stdout, many.stderr]).toEqual([one.exitCode, one.stdout, one.stderr]);
    const lines = one.stderr.trimEnd().split("\n");
    expect(lines.filter((l) => l.includes("can fail unseen")).map((l) => l.split(":")[0])).toEqual(["010-tags.yaml", "045-tags.yaml"]);
    expect(lines.filter((l) => l.includes("bash refuses")).map((l) => l.split(":")[0])).toEqual(["030-db.yaml"]);
    expect(one.exitCode).toBe(2);
  });

  it("--threads that is not a whole number from 1 to 16 is exit 2, naming the flag, and nothing is checked", async () => {
    const dir = scratchDir(onTestFinished);
    library(dir, 2);
    for (const bad of ["0", "17", "1.5", "two", ""]) {
      const r = await runCli(["validate", "--threads", bad, "."], { cwd: dir });
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toContain(`--threads ${bad}: expected a whole number from 1 to 16`);
      expect(r.stdout).toBe("");
    }
  });
});

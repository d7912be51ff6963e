/** `handrail import` as a command: files, directories and stdin in; YAML files or stdout out; the summary on stderr. */
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { importCommand, type ImportIo } from "../../src/commands/import.js";
import type { CommandContext } from "../../src/commands/context.js";
import { UsageError } from "../../src/errors.js";
import { loadRunbookFile, loadRunbookText } from "../../src/runbooks/load.js";
import { scratchDir } from "../helpers/cli.js";
import { FIXTURES, fixture } from "./helpers.js";

function setup(stdin = ""): { ctx: CommandContext; io: ImportIo; out: { stdout: string; stderr: string }; dir: string } {
  const dir = scratchDir(onTestFinished);
  const out = { stdout: "", stderr: "" };
  const io: ImportIo = {
    readStdin: () => Promise.resolve(stdin),
    stdout: (t) => void (out.stdout += t),
    stderr: (t) => void (out.stderr += t),
  };
  return { ctx: { cwd: dir, env: {}, shippedDir: dir, options: {} }, io, out, dir };
}

async function usageError(p: Promise<unknown>): Promise<UsageError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  return error as UsageError;
}

describe("handrail import", () => {
  it("writes the YAML to stdout and the summary to stderr", async () => {
    const { ctx, io, out, dir } = setup();
    cpSync(path.join(FIXTURES, "structure.md"), path.join(dir, "checkout-errors.md"));
    await importCommand(ctx, ["checkout-errors.md"], {}, io);
    expect(loadRunbookText(out.stdout, "stdout").problems).toEqual([]);
    expect(out.stdout).toContain("id: checkout-errors\n");
    expect(out.stderr).toMatch(/^import: checkout-errors\.md → standard output\n {2}5 shell blocks, 5 commands → 5 run steps, 7 manual\n/);
  });

  it("writes -o OUT.yaml, or OUT/<id>.yaml when OUT is a directory", async () => {
    const { ctx, io, out, dir } = setup();
    cpSync(path.join(FIXTURES, "seeds/003_93163910b2c1e227.txt"), path.join(dir, "003.md"));
    await importCommand(ctx, ["003.md"], { output: "df.yaml" }, io);
    expect((await loadRunbookFile(path.join(dir, "df.yaml"))).problems).toEqual([]);
    expect(out.stdout).toBe("");
    expect(out.stderr.split("\n")[0]).toBe("import: 003.md → df.yaml");
    mkdirSync(path.join(dir, "out"));
    await importCommand(ctx, ["003.md"], { output: "out" }, io);
    expect(readdirSync(path.join(dir, "out"))).toEqual(["deployment-failure.yaml"]);
  });

  it("reads standard input for -", async () => {
    const { ctx, io, out } = setup(fixture("sessions.md"));
    await importCommand(ctx, ["-"], {}, io);
    expect(out.stdout).toContain("kubectl exec -it postgres-0 -n db -- psql -U app");
    expect(out.stderr.split("\n")[0]).toBe("import: - → standard output");
  });

  it("imports a directory into one YAML file per markdown file, with unique ids", async () => {
    const { ctx, io, out, dir } = setup();
    cpSync(path.join(FIXTURES, "public"), path.join(dir, "docs"), { recursive: true });
    mkdirSync(path.join(dir, "docs/a"));
    mkdirSync(path.join(dir, "docs/b"));
    writeFileSync(path.join(dir, "docs/a/README.md"), "# Disk full\n\n```bash\ndf -h\n```\n");
    writeFileSync(path.join(dir, "docs/b/README.md"), "# Disk full\n\n```bash\ndu -sh /var/*\n```\n");
    writeFileSync(path.join(dir, "docs/empty.md"), "\n");
    writeFileSync(path.join(dir, "docs/notes.png"), "not markdown");
    await importCommand(ctx, ["docs"], { output: "imported" }, io);
    const written = readdirSync(path.join(dir, "imported")).sort();
    expect(written).toEqual(["aws-rds-failover.yaml", "broken.yaml", "disk-full-2.yaml", "disk-full.yaml", "kube-pod-crash-looping.yaml", "no-headings.yaml", "redis-memory.yaml"]);
    const ids = new Set<string>();
    for (const f of written) {
      const loaded = await loadRunbookFile(path.join(dir, "imported", f));
      expect(loaded.problems, f).toEqual([]);
      ids.add(loaded.runbook!.id);
    }
    expect(ids.size).toBe(written.length);
    expect(out.stderr).toContain("import: skipped docs/empty.md: the file is empty\n");
    expect(out.stderr).toContain("import: docs/a/README.md → imported/disk-full.yaml\n");
    expect(out.stderr).toMatch(/imported 7 of 8 files into imported \(\d+ steps, 1 skipped\)\n$/);
    expect(readFileSync(path.join(dir, "imported/disk-full-2.yaml"), "utf8")).toContain("id: disk-full-2\n");
  });

  it("names the file or flag when the input is bad", async () => {
    const { ctx, io, dir } = setup();
    mkdirSync(path.join(dir, "docs"));
    mkdirSync(path.join(dir, "nothing"));
    writeFileSync(path.join(dir, "docs/a.md"), "# A\n");
    writeFileSync(path.join(dir, "empty.md"), "   \n");
    writeFileSync(path.join(dir, "bin.md"), "abc\u0000def");
    writeFileSync(path.join(dir, "file.yaml"), "x");
    expect((await usageError(importCommand(ctx, [], {}, io))).message).toMatch(/needs a markdown file/);
    expect((await usageError(importCommand(ctx, ["missing.md"], {}, io))).message).toBe("missing.md: no such file or directory");
    expect((await usageError(importCommand(ctx, ["docs"], {}, io))).message).toMatch(/name a directory with -o DIR/);
    expect((await usageError(importCommand(ctx, ["nothing"], { output: "o" }, io))).message).toBe("nothing: no markdown files (*.md, *.markdown, *.txt) in this directory");
    expect((await usageError(importCommand(ctx, ["empty.md"], {}, io))).message).toBe("empty.md: the file is empty");
    expect((await usageError(importCommand(ctx, ["bin.md"], {}, io))).message).toBe("bin.md: not a text file");
    expect((await usageError(importCommand(ctx, ["docs"], { output: "file.yaml" }, io))).message).toMatch(/^-o file\.yaml: /);
    expect((await usageError(importCommand(ctx, ["-", "-"], {}, io))).message).toMatch(/standard input can be read only once/);
    expect((await usageError(importCommand(ctx, ["docs/a.md"], { output: "no/such/dir/x.yaml" }, io))).message).toMatch(/^-o no\/such\/dir\/x\.yaml: cannot write/);
  });
});

/**
 * The incident store under attack, through the built binary: references that are not incident
 * files, symlinks planted in the store, stores other users can write, and damaged files that
 * must be listed and described line by line rather than vanish.
 */
import { chmodSync, chownSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { ROOT, runCli, scratchDir } from "../helpers/cli.js";

const SLOW = path.join(ROOT, "test/fixtures/engine/slow.yaml");
const NOBODY = 65534;

/** Step big fails without FLOOD and floods (output to a file) with it, so a resume writes big's output file. */
const FLOOD = `apiVersion: handrail/v1
kind: Runbook
id: flood
title: Flood
summary: A step whose output goes to a file on its second attempt.
phases:
  - id: work
    kind: remediate
    title: Work
    steps:
      - { id: one, title: One, run: 'echo one' }
      - { id: big, title: Big, run: 'if [ -n "$FLOOD" ]; then seq 1 "$FLOOD"; else exit 1; fi' }
      - { id: three, title: Three, run: 'echo three' }
`;

async function finishedIncident(): Promise<{ dir: string; store: string; file: string; id: string }> {
  const dir = scratchDir(onTestFinished);
  expect((await runCli(["run", SLOW, "--set", "pause=0"], { cwd: dir })).exitCode).toBe(0);
  const store = path.join(dir, "incidents");
  const file = path.join(store, readdirSync(store).find((f) => f.endsWith(".jsonl"))!);
  return { dir, store, file, id: path.basename(file, ".jsonl") };
}

function expectRefused(r: { exitCode: number; stderr: string }, message: string): void {
  expect(r.stderr).toContain(message);
  expect(r.exitCode).toBe(2);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe("what resolve, report and resume accept as an incident", () => {
  it("a path outside the store that is not an incident file is refused before anything is written", async () => {
    const { dir } = await finishedIncident();
    const victim = path.join(dir, "victim.txt");
    const fake = path.join(dir, "victim.jsonl");
    writeFileSync(victim, "victim data\n");
    writeFileSync(fake, '{"seq":1,"ts":"x","type":"note.added","text":"not an incident"}\n');
    const work = path.join(dir, "a", "b");
    mkdirSync(work, { recursive: true });
    expectRefused(await runCli(["resolve", "../../victim.txt", "--root-cause", "x"], { cwd: work }), "../../victim.txt is not an incident file (the name does not end in .jsonl)");
    expectRefused(await runCli(["resolve", "../../victim.jsonl", "--root-cause", "x"], { cwd: work }), "../../victim.jsonl is not an incident file (its first line is not an incident.opened event)");
    expectRefused(await runCli(["report", "../../victim.txt"], { cwd: work }), "is not an incident file");
    expectRefused(await runCli(["run", "slow", "--runbooks", path.dirname(SLOW), "--resume", "../../victim.jsonl"], { cwd: work }), "is not an incident file");
    expect(readFileSync(victim, "utf8")).toBe("victim data\n");
    expect(readFileSync(fake, "utf8")).toBe('{"seq":1,"ts":"x","type":"note.added","text":"not an incident"}\n');
  });

  it("an id is a name inside the store; a symlinked incident file is refused", async () => {
    const { dir, file, id } = await finishedIncident();
    expectRefused(await runCli(["resolve", "..", "--root-cause", "x"], { cwd: dir }), '".." is not an incident id');
    const link = path.join(dir, "link.jsonl");
    symlinkSync(file, link);
    expectRefused(await runCli(["resolve", "link.jsonl", "--root-cause", "x"], { cwd: dir }), "link.jsonl is a symlink");
    // The real thing still works: by id, by its file name from anywhere, and by path.
    expect((await runCli(["report", id], { cwd: dir })).exitCode).toBe(0);
    expect((await runCli(["report", `${id}.jsonl`], { cwd: dir })).exitCode).toBe(0);
    expect((await runCli(["resolve", file, "--root-cause", "x"], { cwd: dir })).exitCode).toBe(0);
  });
});

describe("symlinks planted in the store", () => {
  it("a symlink at <id>.jsonl.lock: resume and resolve refuse, the target is untouched", async () => {
    const { dir, file, id } = await finishedIncident();
    const victim = path.join(dir, "victim.txt");
    writeFileSync(victim, "precious\n");
    symlinkSync(victim, `${file}.lock`);
    expectRefused(await runCli(["run", "slow", "--runbooks", path.dirname(SLOW), "--resume", id], { cwd: dir }), `refusing ${file}.lock: it is a symlink`);
    expectRefused(await runCli(["resolve", id, "--root-cause", "x"], { cwd: dir }), `refusing ${file}.lock: it is a symlink`);
    expect(readFileSync(victim, "utf8")).toBe("precious\n");
  });

  it.each([
    ["the step's output file", (out: string, victim: string) => (mkdirSync(out, { mode: 0o700 }), symlinkSync(victim, path.join(out, "big.2.log")))],
    ["the output directory", (out: string, victim: string) => symlinkSync(path.dirname(victim), out)],
  ])("a symlink at %s is never written through", async (_what, plant) => {
    const dir = scratchDir(onTestFinished);
    writeFileSync(path.join(dir, "flood.yaml"), FLOOD);
    expect((await runCli(["run", "flood.yaml"], { cwd: dir })).exitCode).toBe(1);
    const store = path.join(dir, "incidents");
    const file = path.join(store, readdirSync(store).find((f) => f.endsWith(".jsonl"))!);
    const elsewhere = path.join(dir, "elsewhere");
    mkdirSync(elsewhere);
    const victim = path.join(elsewhere, "big.2.log");
    writeFileSync(victim, "precious\n");
    plant(file.replace(/\.jsonl$/, ".output"), victim);
    const r = await runCli(["run", "flood.yaml", "--resume", file], { cwd: dir, env: { FLOOD: "2000" } });
    expect(r.stderr).toMatch(/handrail: refusing .*(big\.2\.log: it already exists \(a symlink\)|\.output: it is a symlink)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.exitCode).toBe(1);
    expect(readFileSync(victim, "utf8")).toBe("precious\n");
    expect(readdirSync(elsewhere)).toEqual(["big.2.log"]);
  });
});

describe("a store other users can write", () => {
  it.each([
    ["writable by every user", (store: string) => chmodSync(store, 0o777), "is writable by every user (mode 777)"],
    ["owned by another user", (store: string) => chownSync(store, NOBODY, NOBODY), `is owned by uid ${NOBODY}, not by you`],
  ])("a store %s is refused (exit 2) by run, resume and resolve", async (_what, spoil, message) => {
    const { dir, store, id } = await finishedIncident();
    spoil(store);
    const before = readdirSync(store).sort();
    expectRefused(await runCli(["run", SLOW, "--set", "pause=0"], { cwd: dir }), message);
    expectRefused(await runCli(["run", "slow", "--runbooks", path.dirname(SLOW), "--resume", id], { cwd: dir }), message);
    expectRefused(await runCli(["resolve", id, "--root-cause", "x"], { cwd: dir }), message);
    expect(readdirSync(store).sort()).toEqual(before);
  });

  it("a store that is a symlink is judged by its target", async () => {
    const dir = scratchDir(onTestFinished);
    const target = path.join(dir, "shared");
    mkdirSync(target, { mode: 0o777 });
    chmodSync(target, 0o777);
    symlinkSync(target, path.join(dir, "incidents"));
    expectRefused(await runCli(["run", SLOW, "--set", "pause=0"], { cwd: dir }), "(through a symlink): it is writable by every user");
    expect(readdirSync(target)).toEqual([]);
    chmodSync(target, 0o700);
    expect((await runCli(["run", SLOW, "--set", "pause=0"], { cwd: dir })).exitCode).toBe(0);
  });
});

describe("damaged incident files", () => {
  it("incidents lists a file whose first line is damaged, with a marker, instead of dropping it", async () => {
    const { dir, file, id } = await finishedIncident();
    const text = readFileSync(file, "utf8");
    writeFileSync(file, text.replace(/^\{"seq":1,/, '{"seq":1,,'));
    const r = await runCli(["incidents"], { cwd: dir });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^${id}\\s+\\?\\s+\\?\\s+damaged\\s.*! line 1: not JSON`, "m"));
    expect(r.stdout).toContain("! 1 incident file(s) are damaged: handrail report ID names every problem by line.");
    const json = JSON.parse((await runCli(["incidents", "--json"], { cwd: dir })).stdout);
    expect(json).toContainEqual(expect.objectContaining({ id, status: "damaged", problems: expect.arrayContaining(["line 1: not JSON"]) }));
    const report = await runCli(["report", id], { cwd: dir });
    expect(report.exitCode).toBe(2);
    expect(report.stderr).toContain("damage: line 1: not JSON");
  });

  it("report names every gap, duplicate and garbage line by line number; incidents marks the file", async () => {
    const { dir, file, id } = await finishedIncident();
    const lines = readFileSync(file, "utf8").split("\n").filter((l) => l !== "");
    const seqOf = (l: string) => (JSON.parse(l) as { seq: number }).seq;
    // Drop line 4, duplicate line 6, put garbage after line 8.
    const damaged = [...lines.slice(0, 3), ...lines.slice(4, 6), lines[5]!, ...lines.slice(6, 8), "garbage from an editor", ...lines.slice(8)];
    writeFileSync(file, `${damaged.join("\n")}\n`);
    const md = await runCli(["report", id], { cwd: dir });
    expect(md.exitCode).toBe(0);
    const section = md.stdout.slice(md.stdout.indexOf("## Damaged Lines"), md.stdout.indexOf("## Key Times"));
    expect(section.trim().split("\n").slice(4)).toEqual([`- line 4: seq ${seqOf(lines[4]!)} follows ${seqOf(lines[2]!)} (${seqOf(lines[3]!)} missing)`, `- line 6: duplicate of seq ${seqOf(lines[5]!)}`, "- line 9: not JSON"]);
    expect(md.stderr).toContain("warning: 3 problem(s) in the incident file");
    const json = JSON.parse((await runCli(["report", id, "--format", "json"], { cwd: dir })).stdout);
    expect(json.integrity).toHaveLength(3);
    const list = await runCli(["incidents"], { cwd: dir });
    expect(list.stdout).toMatch(new RegExp(`^${id}\\s+slow\\s+high\\s+open\\s.*! line 4: seq \\d+ follows \\d+ \\(\\d+ missing\\) \\(\\+2 more\\)`, "m"));
  });
});

/** Files built to hurt the loader: alias bombs, cycles, duplicate keys, thousands of problems, bytes that are not text, FIFOs. */
import { execFileSync } from "node:child_process";
import { truncateSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { runbookFiles } from "../../src/runbooks/library.js";
import { loadRunbookFile, loadRunbookText, MAX_PROBLEMS_PER_FILE, quickParse, sharesNodes } from "../../src/runbooks/load.js";
import { formatProblem } from "../../src/runbooks/problems.js";
import { firstBadByte } from "../../src/runbooks/text-bytes.js";
import { scratchDir } from "../helpers/cli.js";
import { aliasBomb, anchorReused, BASE, HEAD } from "../helpers/hostile-runbooks.js";

const messages = (src: string) => loadRunbookText(src, "x.yaml").problems.map(formatProblem);

describe("aliases", () => {
  it("a billion laughs is one located problem, found without expanding it", () => {
    expect(messages(aliasBomb(9))).toEqual(["x.yaml:9:45 aliases repeat more than 100000 nodes (an alias bomb?): write the repeated part out, or reuse it less"]);
  });

  it("a bomb of 100 levels is counted, not expanded (the count alone would be 10^100)", () => {
    expect(messages(aliasBomb(100))).toHaveLength(1);
  });

  it("one anchor reused 150 times loads", () => {
    const r = loadRunbookText(anchorReused(150), "x.yaml");
    expect(r.problems).toEqual([]);
    expect(r.runbook?.phases[0]?.steps).toHaveLength(153);
  });

  it("an alias before its anchor (or with none) is located bad input, not a bug of handrail", () => {
    expect(messages(`${HEAD}summary: *s\ndescription: &s text\n`)).toEqual(["x.yaml:5:10 the alias *s comes before its anchor &s (or there is none): an anchor must be set before it is used"]);
    expect(messages(`${HEAD}summary: *nowhere\n`)).toEqual(["x.yaml:5:10 the alias *nowhere comes before its anchor &nowhere (or there is none): an anchor must be set before it is used"]);
  });

  it("an alias inside the node it names is refused, not followed forever", () => {
    expect(messages(`${HEAD}phases: &p [*p]\n`)).toEqual(["x.yaml:5:13 the alias *p is inside the node it names (&p): it would repeat forever"]);
    expect(messages(`${HEAD}phases: &$p [*$p]\n`)).toEqual(["x.yaml:5:14 the alias *$p is inside the node it names (&$p): it would repeat forever"]);
  });

  it("the fast path steps aside for an alias its scan does not see (`*$a`), so the located parse counts it", () => {
    expect(quickParse(aliasBomb(9, "$"))).toBeUndefined();
    expect(messages(aliasBomb(9, "$"))).toEqual(["x.yaml:9:53 aliases repeat more than 100000 nodes (an alias bomb?): write the repeated part out, or reuse it less"]);
  });

  it("sharesNodes finds a node reached twice, and a cycle", () => {
    const shared = { a: 1 };
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    expect(sharesNodes({ x: shared, y: [shared] })).toBe(true);
    expect(sharesNodes(cyclic)).toBe(true);
    expect(sharesNodes({ x: { a: 1 }, y: [{ a: 1 }], z: "same text twice is fine" })).toBe(false);
  });
});

describe("many problems", () => {
  it(`a file with 20,000 unknown fields lists the first ${MAX_PROBLEMS_PER_FILE} in order and counts the rest`, () => {
    const src = BASE + Array.from({ length: 20_000 }, (_, i) => `unknown_${i}: ${i}`).join("\n") + "\n";
    const r = loadRunbookText(src, "x.yaml");
    expect(r.problems).toHaveLength(MAX_PROBLEMS_PER_FILE);
    expect(r.moreProblems).toBe(20_000 - MAX_PROBLEMS_PER_FILE);
    expect(formatProblem(r.problems[0]!)).toBe("x.yaml:56:1 unknown_0: unknown field");
    expect(formatProblem(r.problems[199]!)).toBe("x.yaml:255:1 unknown_199: unknown field");
  });

  it("duplicate keys are each located, naming the first", () => {
    const src = BASE + Array.from({ length: 3 }, () => "owner: sre").join("\n") + "\n";
    expect(messages(src)).toEqual(['x.yaml:57:1 duplicate key "owner" (first at line 56)', 'x.yaml:58:1 duplicate key "owner" (first at line 56)']);
  });
});

describe("bytes that are not a runbook's text", () => {
  const bytes = (...parts: Array<string | number[]>) => Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p) : Buffer.from(p))));

  it.each([
    ["a byte that never starts UTF-8", bytes("id: x\ntitle: café ", [0xff]), 2, 13, "byte 0xFF is not UTF-8: a runbook is UTF-8 text"],
    ["an overlong form", bytes("a: ", [0xc0, 0x80]), 1, 4, "byte 0xC0 is not UTF-8: a runbook is UTF-8 text"],
    ["a surrogate", bytes("a: ", [0xed, 0xa0, 0x80]), 1, 4, "byte 0xED is not UTF-8: a runbook is UTF-8 text"],
    ["a sequence cut short at the end", bytes("a: é", [0xe2, 0x82]), 1, 5, "byte 0xE2 is not UTF-8: a runbook is UTF-8 text"],
    ["a NUL", bytes("a: b\nc: 😀d", [0], "e"), 2, 7, "a NUL byte: a runbook is text"],
  ])("%s is located by line and character", (_what, data, line, column, message) => {
    expect(firstBadByte(data)).toMatchObject({ line, column, message });
  });

  it("text in any script is fine", () => expect(firstBadByte(Buffer.from("title: Ünïcödé — 日本語 😀\n"))).toBeUndefined());

  it("a NUL in text handed to the loader is located too", () => {
    expect(messages(`${HEAD}summary: a\0b\n`)).toEqual(["x.yaml:5:11 a NUL character: a runbook is text"]);
  });

  it("a file with a bad byte is one located problem", async () => {
    const dir = scratchDir(onTestFinished);
    const file = path.join(dir, "x.yaml");
    writeFileSync(file, Buffer.concat([Buffer.from(BASE.slice(0, 20)), Buffer.from([0xfe]), Buffer.from(BASE.slice(20))]));
    expect((await loadRunbookFile(file, "x.yaml")).problems.map(formatProblem)).toEqual(["x.yaml:1:21 byte 0xFE is not UTF-8: a runbook is UTF-8 text"]);
  });
});

describe("files that are not regular files, or too large", () => {
  it("a file of more than 10 MB is refused before it is read", async () => {
    const dir = scratchDir(onTestFinished);
    const file = path.join(dir, "x.yaml");
    writeFileSync(file, "");
    truncateSync(file, 11_000_000);
    expect((await loadRunbookFile(file, "x.yaml")).problems.map(formatProblem)).toEqual(["x.yaml:1:1 cannot read the file: 11 MB is more than the 10 MB a runbook may be"]);
  });

  it("a FIFO named x.yaml is a problem at once, not a read that waits for a writer", async () => {
    const dir = scratchDir(onTestFinished);
    const fifo = path.join(dir, "x.yaml");
    execFileSync("mkfifo", [fifo]);
    expect((await loadRunbookFile(fifo, "x.yaml")).problems.map(formatProblem)).toEqual(["x.yaml:1:1 cannot read the file: not a regular file (a FIFO)"]);
  });

  it("runbookFiles leaves a FIFO out and says so to whoever asks", async () => {
    const dir = scratchDir(onTestFinished);
    writeFileSync(path.join(dir, "a.yaml"), BASE);
    execFileSync("mkfifo", [path.join(dir, "b.yaml")]);
    const skipped: string[] = [];
    expect(await runbookFiles(dir, (file, why) => skipped.push(`${path.basename(file)}: ${why}`))).toEqual([path.join(dir, "a.yaml")]);
    expect(skipped).toEqual(["b.yaml: not a regular file (a FIFO)"]);
  });
});

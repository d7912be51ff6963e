/**
 * The fast YAML reader gives exactly the data js-yaml gives, or declines (and js-yaml reads the file,
 * as it did before): on every runbook, scenario and fixture in the repository, the benchmark's library,
 * thousands of single-character changes to them, and random documents in the runbook styles. Where
 * js-yaml finds an error, the reader must decline, so that the file's problems are found and
 * located as before.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import jsyaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { runbookLibrary } from "../../bench/fixtures.js";
import { runbookFiles } from "../../src/runbooks/files.js";
import { expandedSize, loadRunbookText, quickParse } from "../../src/runbooks/load.js";
import { readFastYaml } from "../../src/runbooks/yaml-fast.js";
import { ROOT } from "../helpers/cli.js";
import { rng } from "../helpers/random.js";
import { changed, randomDocument } from "../helpers/yaml-docs.js";

/** js-yaml's answer: the data, or that it fails. */
function jsYaml(text: string): { data: unknown } | { error: string } {
  try {
    return { data: jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA }) };
  } catch (e) {
    return { error: (e as Error).message.split("\n")[0]! };
  }
}

/** Undefined when the reader declines or agrees with js-yaml; else what went wrong. */
function disagreement(text: string): string | undefined {
  const fast = readFastYaml(text);
  if ("declined" in fast) return undefined;
  const want = jsYaml(text);
  if ("error" in want) return `read what js-yaml rejects (${want.error})`;
  return isDeepStrictEqual(fast.data, want.data) ? undefined : "read other data than js-yaml";
}

async function repositoryTexts(): Promise<Array<{ file: string; text: string }>> {
  const files = [...(await runbookFiles(path.join(ROOT, "runbooks"))), ...(await runbookFiles(path.join(ROOT, "test/fixtures")))];
  const dir = mkdtempSync(path.join(os.tmpdir(), "handrail-yaml-fast-"));
  try {
    // The benchmark's library: each shipped runbook cut after a phase, with a new id (five files hold every cut it uses).
    runbookLibrary(dir, 5);
    files.push(...readdirSync(dir).map((f) => path.join(dir, f)));
    return files.map((file) => ({ file: path.relative(ROOT, file), text: readFileSync(file, "utf8") }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Small documents cut from a runbook: its head (everything before `phases:`) with one of its phases, so that a change costs little to read twice. */
function pieces(text: string): string[] {
  const at = text.indexOf("\nphases:\n");
  if (at < 0) return [text];
  const head = text.slice(0, at + "\nphases:\n".length);
  const phases = text.slice(head.length).split(/^(?= {2}- )/m);
  return phases.map((phase) => head + phase);
}

describe("the fast YAML reader", () => {
  it("reads every runbook, scenario and fixture in the repository and the benchmark's library, as js-yaml does", async () => {
    const texts = await repositoryTexts();
    expect(texts.length).toBeGreaterThan(10);
    for (const { file, text } of texts) {
      const fast = readFastYaml(text);
      // Not declined: the fast path is the one these files take.
      expect("declined" in fast ? fast.declined : "read", file).toBe("read");
      expect(isDeepStrictEqual("data" in fast && fast.data, jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA })), file).toBe(true);
      // Its count of nodes with aliases written out is at least the walk's that it spares (load.ts bounds it).
      if ("data" in fast && fast.aliases) expect(fast.nodes, file).toBeGreaterThanOrEqual(expandedSize(fast.data, Infinity)!);
    }
  });

  it("declines or agrees with js-yaml on thousands of single-character changes to them", async () => {
    const random = rng(18);
    const samples = (await repositoryTexts()).flatMap(({ file, text }) => pieces(text).map((piece) => ({ file, text: piece })));
    const wrong: string[] = [];
    let read = 0;
    let total = 0;
    for (let round = 0; round < 6000; round++) {
      const sample = samples[Math.floor(random() * samples.length)]!;
      const change = changed(sample.text, random);
      total++;
      const why = disagreement(change.text);
      if (why !== undefined) wrong.push(`${sample.file}, ${change.what}: ${why}`);
      else if (!("declined" in readFastYaml(change.text))) read++;
    }
    expect(wrong).toEqual([]);
    // Most changes leave a text the reader still takes: the comparison is not vacuous.
    expect(read / total).toBeGreaterThan(0.4);
  });

  it("declines or agrees with js-yaml on random documents in the runbook styles, and on changes to them", () => {
    const random = rng(7);
    const wrong: string[] = [];
    let read = 0;
    for (let seed = 0; seed < 3000; seed++) {
      const doc = randomDocument(seed);
      for (const text of [doc, changed(doc, random).text, changed(doc, random).text]) {
        const why = disagreement(text);
        if (why !== undefined) wrong.push(`${JSON.stringify(text)}: ${why}`);
        else if (!("declined" in readFastYaml(text))) read++;
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(read).toBeGreaterThan(1000);
  });

  it("reads the forms runbooks use", () => {
    const forms = [
      "a: 1\nb: [x, 'y', \"z\"]\nc: { d: ~, e: true, f: 1.5, g: 0x1F }\n",
      "k: |\n  one\n\n  two\nl: >-\n  folded\n  line\n\n   more\nm: |+\n  kept\n\n",
      "steps:\n  - id: a # comment\n    run: echo \"$x\" | wc -l\n  - { id: b, http: { url: \"http://h:1/p\" } }\n# closing comment\n",
      "compact:\n- a\n- b: 1\n  c: 2\n",
      "gate: &gate { step: pods, status: found }\nwhen: { not: { all: [{ severity: critical }, *gate] } }\nrun: &script |\n  echo hi\nagain: *script\n",
      'quoted: "tab\\tnewline\\n\\u00e9 \\x41"\nsingle: \'it\'\'s\'\n"quoted key": 1\n',
      "no-final-newline: |\n  text",
    ];
    for (const text of forms) {
      const fast = readFastYaml(text);
      expect("data" in fast && fast.data, text).toEqual(jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA }));
    }
  });

  it("declines what it does not read exactly, and what js-yaml rejects", () => {
    const declined = [
      "a: !!str 1\n",
      "--- \na: 1\n",
      "a: 1\n---\nb: 2\n",
      "a:\n\tb: 1\n",
      "a: 1\r\nb: 2\r\n",
      "a: 1\na: 2\n",
      "__proto__: 1\n",
      "a: plain\n  continued\n",
      "a: 'quoted\n  continued'\n",
      "a: *nothing\n",
      "a: &x [1, *x]\n",
      "a: [1\n",
      "a: b: c\n",
      // js-yaml takes the second dash as the inner list's entry: the reader leaves that to it.
      "a:\n  b:\n    - \n  - c\n",
      "%YAML 1.2\n---\na: 1\n",
      // Numbers js-yaml and the located parse (YAML 1.2 core) read differently: the located parse decides.
      "a: 0b11\n",
      "a: [x, -.5]\n",
      "-0b1: x\n",
    ];
    for (const text of declined) expect("declined" in readFastYaml(text), JSON.stringify(text)).toBe(true);
  });

  it("leaves an alias bomb to the located parse, which says where it is", () => {
    const levels = "bcdefghij".split("").map((c, i) => `${c}: &${c} [${Array.from({ length: 10 }, () => `*${"abcdefghij"[i]}`).join(", ")}]`);
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]", ...levels].join("\n");
    const fast = readFastYaml(bomb);
    expect("data" in fast && fast.nodes).toBeGreaterThan(10 ** 10);
    expect(quickParse(bomb)).toBeUndefined();
    expect(loadRunbookText(bomb, "x.yaml").problems[0]?.message).toMatch(/alias bomb/);
  });

  it("leaves a broken runbook's problems where they were, located in the file", () => {
    const text = readFileSync(path.join(ROOT, "test/fixtures/design-example.yaml"), "utf8").replace("title: Deployment Failure", "title: [Deployment Failure");
    const problems = loadRunbookText(text, "x.yaml").problems;
    expect(problems[0]).toMatchObject({ file: "x.yaml", message: expect.stringMatching(/^invalid YAML/) });
    expect(problems[0]!.line).toBeGreaterThan(1);
  });
});

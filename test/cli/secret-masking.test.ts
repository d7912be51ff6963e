/**
 * Credentials printed by a step, through the built binary: masked in the incident file, the
 * per-step .log, both reports and headless stdout; look-alikes untouched; a private key whose
 * body reaches the .log in a later chunk than its BEGIN line stays masked.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { MASK } from "../../src/incident/redact.js";
import { runCli, scratchDir } from "../helpers/cli.js";
import { LOOK_ALIKES, SECRET_SHAPES } from "../fixtures/secret-shapes.js";

const BEGIN = "-----BEGIN OPENSSH PRIVATE KEY-----";
const BODY = Array.from({ length: 25 }, (_, i) => createHash("sha512").update(`key line ${i}`).digest("base64").slice(0, 64));
const HALF = Math.ceil(SECRET_SHAPES.length / 2);

// Each step fails, so its last lines land in the reports as its tail (a report shows no output of a passed step).
const RUNBOOK = `apiVersion: handrail/v1
kind: Runbook
id: leaks
title: Leaks
phases:
  - id: d
    kind: diagnose
    title: D
    steps:
      - { id: a, title: First half, run: "cat shapes-a.txt; exit 1", onFail: continue }
      - { id: b, title: Second half, run: "cat shapes-b.txt; exit 1", onFail: continue }
      - id: key
        title: A key after a flood
        onFail: continue
        # Past 500 lines the output goes to the .log; the body is printed only once the BEGIN line is in it.
        run: |
          cat all.txt
          seq 1 600
          echo "${BEGIN}"
          seen=no
          for i in $(seq 1 500); do grep -qs "BEGIN OPENSSH" incidents/*.output/*.log && { seen=yes; break; }; sleep 0.02; done
          [ "$seen" = yes ] || echo "BEGIN-NOT-SEEN-IN-LOG"
          cat key-body.txt
          exit 1
`;

/** The part of a line up to the end of its secret: unique to the line, absent once masked. */
const needle = (line: string, secret: string) => line.slice(0, line.indexOf(secret) + secret.length);
/** The same text as it appears inside a JSON string. */
const json = (s: string) => JSON.stringify(s).slice(1, -1);
const count = (text: string, s: string) => text.split(s).length - 1;

describe("secrets printed by a step", () => {
  it("are masked in the JSONL, the .log, both reports and stdout; look-alikes are not", async () => {
    const dir = scratchDir(onTestFinished);
    const lines = SECRET_SHAPES.map((s) => s[1]);
    writeFileSync(path.join(dir, "shapes-a.txt"), `${lines.slice(0, HALF).join("\n")}\n`);
    writeFileSync(path.join(dir, "shapes-b.txt"), `${lines.slice(HALF).join("\n")}\n`);
    writeFileSync(path.join(dir, "all.txt"), `${[...lines, ...LOOK_ALIKES].join("\n")}\n`);
    writeFileSync(path.join(dir, "key-body.txt"), `${[...BODY, "-----END OPENSSH PRIVATE KEY-----", "after-key"].join("\n")}\n`);
    writeFileSync(path.join(dir, "leaks.yaml"), RUNBOOK);
    const incidents = path.join(dir, "incidents");

    const run = await runCli(["--runbooks", dir, "--incidents", incidents, "run", "leaks"], { cwd: dir });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain("after-key");
    expect(run.stdout).not.toContain("BEGIN-NOT-SEEN-IN-LOG");
    const id = readdirSync(incidents).find((f) => f.endsWith(".jsonl"))!.replace(/\.jsonl$/, "");
    const jsonl = readFileSync(path.join(incidents, `${id}.jsonl`), "utf8");
    const logs = readdirSync(path.join(incidents, `${id}.output`));
    expect(logs).toEqual(["key.1.log"]);
    const log = readFileSync(path.join(incidents, `${id}.output`, "key.1.log"), "utf8");
    const md = await runCli(["--incidents", incidents, "report", id], { cwd: dir });
    const report = await runCli(["--incidents", incidents, "report", id, "--format", "json"], { cwd: dir });
    expect(md.exitCode).toBe(0);
    expect(report.exitCode).toBe(0);

    const raw = { stdout: run.stdout, log, markdown: md.stdout };
    const escaped = { jsonl, jsonReport: report.stdout };
    const leaks: string[] = [];
    for (const [what, line, secret] of SECRET_SHAPES) {
      for (const [where, text] of Object.entries(raw)) if (text.includes(needle(line, secret))) leaks.push(`${what} in ${where}`);
      for (const [where, text] of Object.entries(escaped)) if (text.includes(json(needle(line, secret)))) leaks.push(`${what} in ${where}`);
    }
    for (const [i, body] of BODY.entries()) {
      for (const [where, text] of Object.entries({ ...raw, ...escaped })) if (text.includes(body)) leaks.push(`key body line ${i + 1} in ${where}`);
    }
    expect(leaks).toEqual([]);

    // The lines did come through, masked: one mask at least per shape in every place.
    for (const text of [run.stdout, log, md.stdout, jsonl, report.stdout]) expect(count(text, MASK)).toBeGreaterThanOrEqual(SECRET_SHAPES.length);
    expect(log).toContain(BEGIN);
    expect(count(log, MASK)).toBeGreaterThanOrEqual(SECRET_SHAPES.length + BODY.length);
    for (const alike of LOOK_ALIKES) {
      expect(run.stdout).toContain(`\n${alike}\n`);
      expect(log).toContain(`\n${alike}\n`);
    }
  });
});

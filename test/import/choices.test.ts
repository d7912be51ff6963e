/**
 * Issue 15, "Import": alternatives written in prose become options (not a sequence that restarts
 * and then also tears down), the output shown after a step becomes its check or its description
 * (never a step), and a step is titled by the prose or heading above it (escalations:
 * escalations.test.ts). The imported runbooks are also walked by the built binary: the
 * choice runs one alternative only, and an imported expectation fails on output that merely
 * mentions the expected text.
 */
import { chmodSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import type { IncidentEvent } from "../../src/incident/events.js";
import { alternativeMark } from "../../src/runbooks/import/alternatives.js";
import { outputLabel, plainLines } from "../../src/runbooks/import/expected.js";
import { runCli, scratchDir } from "../helpers/cli.js";
import { FIXTURES, importFixture, importValid, phase, runs, stepTitled, steps } from "./helpers.js";

describe("alternatives written in prose", () => {
  const { runbook, summary } = importFixture("alternatives.md");

  it("Approach A / B make a choice; the steps after 'In either case' follow it whichever was taken", () => {
    const mitigation = phase(runbook, "mitigation");
    expect(mitigation.steps?.map((s) => s.manual)).toEqual(["There are two ways out; pick the one that fits what the diagnosis showed."]);
    expect(mitigation.options?.map((o) => [o.title, o.steps.map((s) => s.run)])).toEqual([
      ["Restart the deployment, when the pods are only wedged", ["./act.sh restart"]],
      ["Go back to the previous image tag", ["./act.sh down", "./act.sh tag previous", "./act.sh up"]],
    ]);
    // Options come last in a phase: what follows the choice is a phase of its own.
    expect(phase(runbook, "mitigation-continued")).toMatchObject({ kind: "remediate", title: "Mitigation (continued)", steps: [{ title: "Watch the rollout", run: "./act.sh status" }] });
  });

  it("'Alternatively' offers the next block instead of the one before it; 'Then' goes on after the choice", () => {
    expect(phase(runbook, "recovery").options?.map((o) => [o.id, o.steps.map((s) => s.run)])).toEqual([
      ["restart-the-workers", ["./act.sh restart-workers"]],
      ["drain-the-queue-by-hand", ["./act.sh drain"]],
    ]);
    expect(phase(runbook, "recovery-continued").steps?.map((s) => [s.title, s.run])).toEqual([["Confirm the queue is empty", "./act.sh queue"]]);
    expect(summary.notes.filter((n) => n.message.startsWith("alternatives written in prose")).map((n) => n.line)).toEqual([28, 56]);
  });

  it("'# Or …' inside an option's block makes one option per alternative, with the steps around the choice in each", () => {
    const { runbook: split } = importValid(
      [
        "# Broken",
        "## Fix",
        "**Option 1: Restart**",
        "```bash",
        "docker-compose restart",
        "```",
        "**Option 2: Roll back**",
        "```bash",
        "# Check the images first",
        "docker images",
        "",
        "# Automatic: GitHub Actions → rollback job",
        "",
        "# Or manual rollback",
        "docker-compose down",
        "docker-compose up -d  # Starts previous version",
        "```",
      ].join("\n"),
      "or-inside.md",
    );
    expect(phase(split, "fix").options?.map((o) => [o.title, o.steps.map((s) => s.run ?? s.manual)])).toEqual([
      ["Restart", ["docker-compose restart"]],
      // "# Or" offers its commands instead of the step just before it; the check before that is common.
      ["Roll back", ["docker images", "Automatic: GitHub Actions → rollback job"]],
      ["Manual rollback", ["docker images", "docker-compose down", "docker-compose up -d  # Starts previous version"]],
    ]);
    expect(phase(split, "fix").options?.[2]?.description).toBe('In the markdown, the alternative inside "Roll back".');
  });

  it("one alternative alone, or alternatives with nothing to run, stay a sequence", () => {
    const lone = importValid("# X\n## Fix\nOption 1: restart it.\n```bash\nkubectl rollout restart deploy/api\n```\n", "lone.md").runbook;
    expect(lone.phases.flatMap((p) => p.options ?? [])).toEqual([]);
    expect(runs(lone)).toEqual(["kubectl rollout restart deploy/api"]);
    const prose = importValid("# X\n## Fix\nCall the vendor.\n\nAlternatively, wait for the nightly job.\n", "prose.md").runbook;
    expect(prose.phases.flatMap((p) => p.options ?? [])).toEqual([]);
  });

  it("only an alternative's words start one", () => {
    for (const text of ["Option 2: roll back", "**Approach B** — promote the replica", "Alternatively, drain the node:", "Or roll back"]) expect(alternativeMark(text, 1, "prose"), text).toBeDefined();
    for (const text of ["Optionally, restart the pod", "Approach each pod with care", "Order matters here", "Options are listed below", "Plan B is not written yet"]) expect(alternativeMark(text, 1, "prose"), text).toBeUndefined();
  });
});

describe("output shown after a step", () => {
  const { runbook, summary } = importFixture("alternatives.md");

  it("is the check of the step before it: expect in a verify phase, found in a diagnose phase (the symptom is the line missing)", () => {
    expect(stepTitled(runbook, "Run the gate")).toMatchObject({
      run: "./gate.sh",
      expect: { stdout: { contains: "All SLO checks passed!", matches: "^[^A-Za-z0-9]*GATE PASSED - READY[^A-Za-z0-9]*$" } },
    });
    expect(stepTitled(runbook, "Run the gate").description).toBe("Expected output:\n```\n✓ All SLO checks passed!\n🎉 GATE PASSED - READY 🎉\n```");
    expect(stepTitled(runbook, "Check the pods first")).toMatchObject({ run: "./probe.sh", found: { stdout: { notMatches: "^[^A-Za-z0-9]*All pods are running[^A-Za-z0-9]*$" } } });
    expect(stepTitled(runbook, "Check the pods first").expect).toBeUndefined();
    // Never a step of its own, never run.
    expect(steps(runbook).filter((s) => /expected output/i.test(s.title))).toEqual([]);
    expect(summary.notes.filter((n) => n.message.startsWith("output shown")).map((n) => n.message)).toEqual([
      'output shown for a step → found of "Check the pods first"',
      'output shown for a step → expect of "Run the gate"',
    ]);
  });

  it("stays in the description when it varies, is an example, is written inline, or the step is interactive", () => {
    const { runbook: rb } = importValid(
      [
        "# X",
        "## Verify",
        "```bash",
        "kubectl get pods -n shop",
        "```",
        "Expected output:",
        "```",
        "NAME        READY   STATUS",
        "api-7d9f    1/1     Running",
        "```",
        "Check the version:",
        "```bash",
        "curl -s https://shop.example.com/version",
        "```",
        "Example output:",
        "```",
        "v1.2.3",
        "```",
        "Open a shell:",
        "```bash",
        "kubectl exec -it api-0 -- sh",
        "```",
        "Expected output:",
        "```",
        "ready",
        "```",
        "Check the queue:",
        "```bash",
        "./queue.sh",
        "```",
        "Expected: the queue is empty",
        "",
        "Restart:",
        "```bash",
        "./restart.sh",
        "```",
        "**Expected Output:**",
        "```bash",
        "Restarted <service-name> at 12:03",
        "```",
      ].join("\n"),
      "outputs.md",
    );
    for (const s of steps(rb)) {
      expect(s.expect, s.title).toBeUndefined();
      expect(s.found, s.title).toBeUndefined();
    }
    expect(runs(rb)).toEqual(["kubectl get pods -n shop", "curl -s https://shop.example.com/version", "kubectl exec -it api-0 -- sh", "./queue.sh", "./restart.sh"]);
    expect(stepTitled(rb, "Verify").description).toBe("Expected output:\n```\nNAME        READY   STATUS\napi-7d9f    1/1     Running\n```");
    expect(stepTitled(rb, "Check the version").description).toBe("Example output:\n```\nv1.2.3\n```");
    expect(stepTitled(rb, "Open a shell").description).toBe("Expected output:\n```\nready\n```");
    expect(stepTitled(rb, "Check the queue").description).toBe("Expected output: the queue is empty");
    expect(stepTitled(rb, "Restart").description).toContain("Restarted <service-name> at 12:03");
  });

  it("labels: what reads as expected output, an example, or neither", () => {
    expect(outputLabel("**Expected Output:**")).toEqual({ kind: "expected", inline: "" });
    expect(outputLabel("You should see:")).toEqual({ kind: "expected", inline: "" });
    expect(outputLabel("It should print something like:")?.kind).toBe("example");
    expect(outputLabel("Sample output:")?.kind).toBe("example");
    expect(outputLabel("Output files are kept for a week.")).toBeUndefined();
    expect(outputLabel("Expected behaviour is a restart.")).toBeUndefined();
    expect(plainLines({ kind: "expected", lines: ["OK"], line: 1 })).toEqual(["OK"]);
    for (const varies of ["took 350ms", "2024-05-01 done", "pod api-7d9f4c2 ready", "...", "a | b", "<name> ready", "ready at 10.0.0.4"]) {
      expect(plainLines({ kind: "expected", lines: [varies], line: 1 }), varies).toBeUndefined();
    }
  });
});

describe("step titles", () => {
  it("come from the comment, else the prose line before the block, else the heading, else the command", () => {
    const { runbook } = importValid(
      [
        "# X",
        "## Restart the API",
        "```bash",
        "kubectl rollout restart deployment/api -n shop --context prod-eu-west-1 --request-timeout=30s",
        "```",
        "The rollout replaces every pod. Watch it until it is done:",
        "```bash",
        "kubectl rollout status deployment/api -n shop --context prod-eu-west-1 --timeout=300s",
        "kubectl get pods -n shop",
        "```",
        "Run the following:",
        "```bash",
        "# Count the restarts",
        "kubectl get pods -n shop -o wide",
        "```",
        "Note: the next one lists every pod.",
        "```bash",
        "kubectl get pods -A -o wide --sort-by=.metadata.creationTimestamp",
        "```",
        "- [ ] **Monitoring is up**",
        "  ```bash",
        "  curl http://localhost:9090/-/healthy  # Prometheus",
        "  curl http://localhost:3200/api/health # Grafana",
        "  ```",
      ].join("\n"),
      "titles.md",
    );
    expect(steps(runbook).map((s) => s.title)).toEqual([
      "Restart the API",
      "Watch it until it is done",
      "kubectl get pods -n shop",
      "Count the restarts",
      "kubectl get pods -A -o wide --sort-by=.metadata.creationTimestamp",
      "Monitoring is up: Prometheus",
      "Monitoring is up: Grafana",
    ]);
    expect(stepTitled(runbook, "Watch it until it is done").description).toBe("The rollout replaces every pod. Watch it until it is done:");
  });
});

/** The walk's finished steps, from the incident file. */
function finished(dir: string): Array<[string, string]> {
  const store = path.join(dir, "incidents");
  const [file] = readdirSync(store).filter((f) => f.endsWith(".jsonl"));
  const events = readFileSync(path.join(store, file!), "utf8").split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as IncidentEvent);
  return events.flatMap((e) => (e.type === "step.finished" ? [[e.step, e.status] as [string, string]] : []));
}

function script(dir: string, name: string, body: string): void {
  writeFileSync(path.join(dir, name), `#!/bin/sh\n${body}\n`);
  chmodSync(path.join(dir, name), 0o755);
}

/** Import the fixture with the built binary into a scratch directory holding the scripts it runs. */
async function imported(probe: string, gate: string): Promise<{ dir: string; file: string }> {
  const dir = scratchDir(onTestFinished);
  const file = path.join(dir, "api-502.yaml");
  const r = await runCli(["import", path.join(FIXTURES, "alternatives.md"), "-o", file], { cwd: dir });
  expect(r.exitCode, r.stderr).toBe(0);
  script(dir, "act.sh", `echo "$*" >> act.log`);
  script(dir, "probe.sh", probe);
  script(dir, "gate.sh", gate);
  return { dir, file };
}

const GATE_PASSES = `printf '  ✓ p95 latency\\n✓ All SLO checks passed!\\n🎉 GATE PASSED - READY 🎉\\n'`;
const CHOICES = ["--option", "mitigation=go-back-to-the-previous-image-tag", "--option", "recovery=drain-the-queue-by-hand"];

describe("walked by the built binary", () => {
  it("the chosen alternative runs alone, then what follows the choice; the symptom is found and the gate passes", async () => {
    const { dir, file } = await imported(`echo "api-7d9f 0/1 CrashLoopBackOff"`, GATE_PASSES);
    const r = await runCli(["run", file, "--yes", ...CHOICES], { cwd: dir });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(path.join(dir, "act.log"), "utf8").split("\n")).toEqual(["down", "tag previous", "up", "status", "drain", "queue", ""]);
    const status = new Map(finished(dir));
    expect(status.get("check-the-pods-first")).toBe("found");
    expect(status.get("run-the-gate")).toBe("passed");
    expect(status.has("restart-the-deployment-when-the-pods-are")).toBe(false);
  });

  it("healthy pods are not found: the diagnose step passes", async () => {
    const { dir, file } = await imported(`echo "✓ All pods are running"`, GATE_PASSES);
    await runCli(["run", file, "--yes", ...CHOICES], { cwd: dir });
    expect(new Map(finished(dir)).get("check-the-pods-first")).toBe("passed");
  });

  it.each([
    ["the gate failed", `printf '✗ p95 latency 1.4s\\nGATE FAILED - ROLL BACK\\n'`],
    ["the verdict only mentioned", `printf 'All SLO checks passed!\\nwaiting for GATE PASSED - READY\\n'`],
    ["the verdict negated", `printf 'All SLO checks passed!\\nNOT GATE PASSED - READY\\n'`],
    ["the right text but a failing exit", `printf '✓ All SLO checks passed!\\n🎉 GATE PASSED - READY 🎉\\n'; exit 3`],
    ["the verdict without the SLO line", `printf '🎉 GATE PASSED - READY 🎉\\n'`],
  ])("the imported gate check fails when %s", async (_what, gate) => {
    const { dir, file } = await imported(`echo "✓ All pods are running"`, gate);
    const r = await runCli(["run", file, "--yes", ...CHOICES], { cwd: dir });
    expect(r.exitCode).toBe(1);
    expect(new Map(finished(dir)).get("run-the-gate")).toBe("failed");
  });
});

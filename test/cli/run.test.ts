/** `handrail run` as a real process: exit codes, the incident file, secrets, resume, locks, interrupts. */
import { execa } from "execa";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import type { IncidentEvent } from "../../src/incident/events.js";
import { BIN, ROOT, runCli, scratchDir } from "../helpers/cli.js";
import { waitFor } from "../helpers/steps.js";

const WALK = path.join(ROOT, "test/fixtures/engine/walk.yaml");
const SLOW = path.join(ROOT, "test/fixtures/engine/slow.yaml");

function incidentFiles(dir: string): string[] {
  const store = path.join(dir, "incidents");
  return existsSync(store) ? readdirSync(store).filter((f) => f.endsWith(".jsonl")).map((f) => path.join(store, f)) : [];
}

function events(file: string): IncidentEvent[] {
  return readFileSync(file, "utf8").split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as IncidentEvent);
}

function expectNoGaps(evs: IncidentEvent[]): void {
  evs.forEach((e, i) => expect(e.seq).toBe(i + 1));
}

describe("handrail run", () => {
  it("walks every phase, exit 0, a complete incident file readable by the owner only", async () => {
    const dir = scratchDir(onTestFinished);
    const r = await runCli(["run", WALK, "--option", "fix=restart"], { cwd: dir });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^incident \d{8}-\d{4}-walk-[0-9a-f]{4}\nfile {5}.*\.jsonl$/m);
    expect(r.stdout).toContain("deploy backtesting");
    const [file] = incidentFiles(dir);
    const evs = events(file!);
    expectNoGaps(evs);
    expect(evs[0]?.type).toBe("incident.opened");
    expect(evs.filter((e) => e.type === "step.finished").map((e) => (e as { step: string }).step)).toEqual(["hello", "deploy[curve]", "deploy[backtesting]", "deploy[scenario]", "restart", "check", "undo[scenario]", "undo[backtesting]", "undo[curve]"]);
    expect(statSync(file!).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file!)).mode & 0o777).toBe(0o700);
  });

  it("--dry-run shows every command, runs nothing, still writes the incident file", async () => {
    const dir = scratchDir(onTestFinished);
    const r = await runCli(["run", WALK, "--dry-run", "--option", "fix=rollback", "--set", "service=payments"], { cwd: dir });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("DRY RUN");
    expect(r.stdout).toContain('$ echo "hello payments"');
    expect(r.stdout).not.toMatch(/^hello payments$/m);
    const evs = events(incidentFiles(dir)[0]!);
    expect(evs.filter((e) => e.type === "step.started")).toEqual([]);
    expect(evs.filter((e) => e.type === "step.skipped" && e.reason === "dry run")).toHaveLength(9);
  });

  it.each([
    [["--option", "fix=rollback"], "1 step(s) of risk high or critical need --yes: rollback"],
    [["--set", "servce=api"], '--set servce: the runbook walk has no input "servce" (did you mean "service"?)'],
    [["--set", "service=Api_1"], "--set service: expected a name"],
    [["--set", "participants=a,B"], "--set participants: item 2: expected a name"],
    [["--option", "fx=restart"], '--option fx=restart: no phase "fx" with options (did you mean "fix"?)'],
    [["--option", "fix=reboot"], "--option fix=reboot: expected restart | rollback (for severity high)"],
    [["--severity", "sev1"], "--severity sev1: expected critical | high | medium | low"],
  ])("%j is exit 2 before anything runs", async (args, message) => {
    const dir = scratchDir(onTestFinished);
    const r = await runCli(["run", WALK, ...args], { cwd: dir });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(incidentFiles(dir)).toEqual([]);
  });

  it("an unwritable incident directory is exit 2 with the path, before any step runs", async () => {
    const dir = scratchDir(onTestFinished);
    writeFileSync(path.join(dir, "not-a-dir"), "");
    const r = await runCli(["run", WALK, "--option", "fix=restart", "--incidents", path.join(dir, "not-a-dir", "store")], { cwd: dir });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`cannot create the incident directory ${path.join(dir, "not-a-dir", "store")}: part of the path is a file (ENOTDIR); choose another with --incidents DIR`);
    expect(r.stdout).not.toContain("hello");
  });

  it("a secret input and a bearer token in output never reach the file or the report", async () => {
    const dir = scratchDir(onTestFinished);
    const runbook = path.join(dir, "leaky.yaml");
    writeFileSync(runbook, readFileSync(WALK, "utf8").replace(`run: echo "hello $service"`, `run: 'echo "hello $service token=$token"; echo "Authorization: Bearer abcdef0123456789xyz"'`));
    const r = await runCli(["run", runbook, "--option", "fix=restart"], { cwd: dir, env: { HANDRAIL_INPUT_TOKEN: "tok-supersecret-42" } });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).not.toContain("tok-supersecret-42");
    const file = incidentFiles(dir)[0]!;
    const report = await runCli(["report", file], { cwd: dir });
    for (const text of [readFileSync(file, "utf8"), report.stdout]) {
      expect(text).not.toContain("tok-supersecret-42");
      expect(text).not.toContain("abcdef0123456789xyz");
    }
    expect(readFileSync(file, "utf8")).toContain("Bearer ••••••");
  });

  /** The walk runbook with its first step's command replaced by `leak`, run with `token` set: every text a secret could reach. */
  async function runLeaking(leak: string, token: string): Promise<{ outputs: string[]; texts: string[] }> {
    const dir = scratchDir(onTestFinished);
    const runbook = path.join(dir, "leaky.yaml");
    writeFileSync(runbook, readFileSync(WALK, "utf8").replace(`run: echo "hello $service"`, `run: ${JSON.stringify(`echo "hello $service"; ${leak}`)}`));
    const r = await runCli(["run", runbook, "--option", "fix=restart"], { cwd: dir, env: { HANDRAIL_INPUT_TOKEN: token } });
    expect(r.exitCode).toBe(0);
    const file = incidentFiles(dir)[0]!;
    const outputDir = file.replace(/\.jsonl$/, ".output");
    const outputs = readdirSync(outputDir).map((f) => readFileSync(path.join(outputDir, f), "utf8"));
    const report = await runCli(["report", file], { cwd: dir });
    return { outputs, texts: [r.stdout, readFileSync(file, "utf8"), ...outputs, report.stdout] };
  }

  it("a secret that spans lines or is not ASCII stays masked, in the JSONL, the step's output file and the report", async () => {
    // Both were once written in the clear: lines were compared with the whole multi-line value, and a flood's
    // file was scanned for the secret's characters in text decoded as latin1.
    const token = "kubeconfig-line-one-x9\n  pässwörd-ünïcode-line\nlast-line-of-it-7";
    const { outputs, texts } = await runLeaking(`printf '%s\\n' "$token"; seq 1 20000; printf 'again %s\\n' "$token"`, token);
    expect(outputs.join("")).toContain("again ••••••");
    for (const text of texts) {
      for (const line of ["kubeconfig-line-one-x9", "pässwörd-ünïcode-line", "last-line-of-it-7"]) expect(text).not.toContain(line);
    }
  });

  it("a secret a step prints base64-encoded (a Kubernetes Secret's data) stays masked, in the JSONL, the step's output file and the report", async () => {
    // Once written in the clear: only the value as given was masked, and `kubectl get secret -o yaml` shows base64.
    const token = "s3cr3t-db-password-77";
    const leak = `printf '  dsn: %s\\n' "$(printf %s "$token" | base64 -w0)"; seq 1 20000; printf 'ab%s' "$token" | base64 -w0; echo`;
    const { outputs, texts } = await runLeaking(leak, token);
    expect(outputs.join("")).toContain("  dsn: ••••••");
    // Any 12 characters of either encoding: the value's bits, whatever the characters at its edges show.
    const encodings = [Buffer.from(token).toString("base64"), Buffer.from(`ab${token}`).toString("base64").slice(4)];
    for (const text of texts) {
      for (const encoded of encodings) for (let i = 0; i + 12 <= encoded.length; i++) expect(text).not.toContain(encoded.slice(i, i + 12));
    }
  });

  it("a secret too short to mask is refused, exit 2, named where it came from, before anything runs", async () => {
    const dir = scratchDir(onTestFinished);
    const fromEnv = await runCli(["run", WALK, "--option", "fix=restart"], { cwd: dir, env: { HANDRAIL_INPUT_TOKEN: "abc" } });
    expect(fromEnv.exitCode).toBe(2);
    expect(fromEnv.stderr).toContain("HANDRAIL_INPUT_TOKEN: a secret of 3 characters cannot be masked in output");
    expect(fromEnv.stderr).not.toContain("abc");
    const fromFlag = await runCli(["run", WALK, "--option", "fix=restart", "--set", "token=xy"], { cwd: dir });
    expect(fromFlag.exitCode).toBe(2);
    expect(fromFlag.stderr).toContain("--set token: a secret of 2 characters cannot be masked in output");
    expect(incidentFiles(dir)).toEqual([]);
  });

  it("a credential in an input that is not a secret is refused, exit 2, before anything is written", async () => {
    // Once written down: input.set kept the URL's password in the file, and the report listed it with the inputs.
    const dir = scratchDir(onTestFinished);
    const r = await runCli(["run", WALK, "--option", "fix=restart", "--set", "marker=postgres://app:s3cretpw@db/x"], { cwd: dir });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`--set marker: holds a credential (masked: "postgres://app:••••••@db/x")`);
    expect(r.stderr).toContain("a credential belongs in a secret input");
    expect(r.stderr).not.toContain("s3cretpw");
    expect(incidentFiles(dir)).toEqual([]);
  });

  it("a failing step: exit 1, the incident stays open; --resume runs the stopped step again", async () => {
    const dir = scratchDir(onTestFinished);
    const r = await runCli(["run", WALK, "--option", "fix=restart", "--set", "marker=fail"], { cwd: dir });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("stopped at check (failed)");
    const file = incidentFiles(dir)[0]!;
    const again = await runCli(["run", "walk", "--runbooks", path.dirname(WALK), "--resume", file], { cwd: dir });
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain("stopped at check (failed)");
    const evs = events(file);
    expectNoGaps(evs);
    expect(evs.filter((e) => e.type === "step.started" && e.step === "check").map((e) => (e as { attempt: number }).attempt)).toEqual([1, 2]);
    expect(evs.filter((e) => e.type === "step.started" && e.step === "hello")).toHaveLength(1);
  });

  it("a flood of output goes to the step's output file, hashed, with the JSONL kept small", async () => {
    const dir = scratchDir(onTestFinished);
    const runbook = path.join(dir, "flood.yaml");
    writeFileSync(runbook, "apiVersion: handrail/v1\nkind: Runbook\nid: flood\ntitle: Flood\nphases:\n  - id: p\n    kind: diagnose\n    title: P\n    steps:\n      - { id: seq, title: Count, run: seq 1 1000000 }\n");
    const r = await runCli(["run", runbook], { cwd: dir });
    expect(r.exitCode).toBe(0);
    const file = incidentFiles(dir)[0]!;
    const evs = events(file);
    expect(evs.length).toBeLessThan(50);
    const done = evs.find((e) => e.type === "step.finished") as Extract<IncidentEvent, { type: "step.finished" }>;
    expect(done.output).toMatchObject({ lines: 1_000_000, bytes: 6_888_896 });
    const out = readFileSync(path.join(path.dirname(file), done.output!.path));
    expect(createHash("sha256").update(out).digest("hex")).toBe(done.output!.sha256);
    expect(out.toString("utf8").split("\n").at(-2)).toBe("1000000");
  });
});

describe("locks, interrupts and crashes", () => {
  const start = (dir: string, args: string[]) => execa(process.execPath, [BIN, "run", SLOW, ...args], { cwd: dir, reject: false, env: { HANDRAIL_PATH: undefined } });

  it("a second handrail on the same incident refuses with a clear message", async () => {
    const dir = scratchDir(onTestFinished);
    const first = start(dir, ["--set", "pause=30"]);
    onTestFinished(() => {
      first.kill("SIGKILL");
    });
    await waitFor(() => incidentFiles(dir).length === 1 && readFileSync(incidentFiles(dir)[0]!, "utf8").includes("step.started"), "the first run to start a step");
    const second = await runCli(["run", "slow", "--runbooks", path.dirname(SLOW), "--resume", incidentFiles(dir)[0]!], { cwd: dir });
    expect(second.exitCode).toBe(2);
    expect(second.stderr).toMatch(/is open in another handrail \(pid \d+\); close it there first/);
  });

  it("Ctrl-C cancels the running step, records it, exits 130; the stale lock is taken over on resume", async () => {
    const dir = scratchDir(onTestFinished);
    const run = start(dir, ["--set", "pause=30"]);
    await waitFor(() => incidentFiles(dir).length === 1 && readFileSync(incidentFiles(dir)[0]!, "utf8").includes("step.started"), "a running step");
    run.kill("SIGINT");
    const r = await run;
    expect(r.exitCode).toBe(130);
    const file = incidentFiles(dir)[0]!;
    expect(events(file).at(-1)).toMatchObject({ type: "step.finished", step: "one", status: "cancelled" });
  });

  it("SIGKILL at 30 random moments: the file always parses, seq has no gaps, nothing shown done is lost, resume completes", async () => {
    const dir = scratchDir(onTestFinished);
    let file: string | undefined;
    for (let i = 0; i < 30; i++) {
      const args = file ? ["--resume", file] : ["--set", "pause=0.02"];
      const child = execa(process.execPath, [BIN, "run", file ? "slow" : SLOW, "--runbooks", path.dirname(SLOW), ...args], { cwd: dir, reject: false });
      // Start-up takes a few hundred ms; the window covers opening the incident through the last step.
      await new Promise((r) => setTimeout(r, 300 + Math.random() * 900));
      child.kill("SIGKILL");
      const result = await child;
      file ??= incidentFiles(dir)[0];
      if (!file) continue;
      const lines = readFileSync(file, "utf8").split("\n");
      const parsed: IncidentEvent[] = [];
      lines.forEach((line, n) => {
        if (line === "") return;
        try {
          parsed.push(JSON.parse(line) as IncidentEvent);
        } catch {
          // Only a crash fragment, fenced off by the next resume, may fail to parse.
          expect(n >= lines.length - 2 || !lines[n + 1]?.startsWith("{")).toBe(true);
        }
      });
      expectNoGaps(parsed);
      const done = new Set(parsed.filter((e) => e.type === "step.finished").map((e) => (e as { step: string }).step));
      const shown = [...String(result.stdout ?? "").matchAll(/▶ work › (\w+)[^\n]*\n\$[^\n]*\n\w+\n {2}✓ passed/g)].map((m) => m[1]!.toLowerCase());
      for (const title of shown) expect(done.has(title)).toBe(true);
    }
    expect(file).toBeDefined();
    const last = await runCli(["run", "slow", "--runbooks", path.dirname(SLOW), "--resume", file!], { cwd: dir });
    expect(last.exitCode).toBe(0);
    const finished = events(file!).filter((e) => e.type === "step.finished" && e.status === "passed").map((e) => (e as { step: string }).step);
    expect(new Set(finished)).toEqual(new Set(["one", "two", "three", "four", "five", "six"]));
  }, 120_000);
});

/** One config file for the settings that are environment variables; the variable wins; `handrail config` says where each came from. */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { runCli, scratchDir } from "../helpers/cli.js";

const RUNBOOK = "apiVersion: handrail/v1\nkind: Runbook\nid: team-check\ntitle: Team check\nphases:\n  - { id: a, kind: diagnose, title: A, steps: [{ id: s, title: S, run: \"true\" }] }\n";

function setup(config: string): { dir: string; env: Record<string, string | undefined> } {
  const dir = scratchDir(onTestFinished);
  mkdirSync(path.join(dir, "config/handrail"), { recursive: true });
  mkdirSync(path.join(dir, "config/handrail/team-runbooks"));
  writeFileSync(path.join(dir, "config/handrail/team-runbooks/team-check.yaml"), RUNBOOK);
  writeFileSync(path.join(dir, "config/handrail/config.yaml"), config);
  mkdirSync(path.join(dir, "work"));
  return { dir, env: { XDG_CONFIG_HOME: path.join(dir, "config"), HOME: dir, HANDRAIL_OPERATOR: undefined, HANDRAIL_INCIDENTS: undefined, HANDRAIL_THEME: undefined } };
}

const CONFIG = `runbooks: [team-runbooks]
incidents: ~/store
operator: dana (on call)
theme: no-color
slack:
  webhookUrl: https://hooks.slack.example/T000/B000/secret-part
`;

describe("the config file", () => {
  it("runbook path, incident store and operator come from it; a variable that is set wins", async () => {
    const { dir, env } = setup(CONFIG);
    const cwd = path.join(dir, "work");
    const list = await runCli(["list", "--ids"], { cwd, env });
    expect(list.stdout.split("\n")).toContain("team-check");
    const run = await runCli(["run", "team-check", "--yes"], { cwd, env });
    expect(run.exitCode, run.stderr).toBe(0);
    const file = readdirSync(path.join(dir, "store")).find((f) => f.endsWith(".jsonl"))!;
    expect(JSON.parse(readFileSync(path.join(dir, "store", file), "utf8").split("\n")[0]!)).toMatchObject({ type: "incident.opened", actor: "dana (on call)" });
    const overridden = await runCli(["run", "team-check", "--yes"], { cwd, env: { ...env, HANDRAIL_INCIDENTS: path.join(dir, "elsewhere"), HANDRAIL_OPERATOR: "sam" } });
    expect(overridden.exitCode).toBe(0);
    const other = readdirSync(path.join(dir, "elsewhere")).find((f) => f.endsWith(".jsonl"))!;
    expect(JSON.parse(readFileSync(path.join(dir, "elsewhere", other), "utf8").split("\n")[0]!)).toMatchObject({ actor: "sam" });
  });

  it("handrail config prints each setting with where it came from, and never a credential", async () => {
    const { dir, env } = setup(CONFIG);
    const r = await runCli(["config"], { cwd: path.join(dir, "work"), env: { ...env, HANDRAIL_OPERATOR: "sam" } });
    expect(r.exitCode).toBe(0);
    const row = (name: string) => r.stdout.split("\n").find((l) => l.startsWith(`${name} `)) ?? "";
    expect(row("runbooks")).toContain(`${path.join(dir, "config/handrail/team-runbooks")}  `);
    expect(row("runbooks")).toContain("config/handrail/config.yaml");
    expect(row("incidents")).toContain(path.join(dir, "store"));
    expect(row("operator")).toMatch(/sam\s+\$HANDRAIL_OPERATOR/);
    expect(row("theme")).toContain("no-color");
    expect(row("productionPattern")).toContain("default: prod");
    expect(row("slack.webhookUrl")).toContain("•••••• (set)");
    expect(r.stdout).not.toContain("secret-part");
    const json = await runCli(["config", "--json"], { cwd: path.join(dir, "work"), env });
    expect(JSON.parse(json.stdout).settings.find((s: { name: string }) => s.name === "operator")).toMatchObject({ value: "dana (on call)", env: "HANDRAIL_OPERATOR" });
  });

  it("a bad value is located in the file (exit 2); a bad variable is named", async () => {
    const { dir, env } = setup(CONFIG.replace("theme: no-color", "theme: dark"));
    const r = await runCli(["list"], { cwd: path.join(dir, "work"), env });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/config\.yaml:4:8 theme: expected default \| high-contrast \| no-color, got "dark"/);
    const { dir: d2, env: e2 } = setup(CONFIG);
    const v = await runCli(["list"], { cwd: path.join(d2, "work"), env: { ...e2, HANDRAIL_THEME: "dark" } });
    expect([v.exitCode, v.stderr]).toEqual([2, expect.stringContaining('HANDRAIL_THEME: expected default | high-contrast | no-color, got "dark"')]);
  });
});

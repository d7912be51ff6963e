/** The five seed documents import into runbooks that validate, with every shell command of the seed in a step. */
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { formatSummary } from "../../src/runbooks/import/index.js";
import { FIXTURES, fixture, importFixture, phase, runs, stepTitled, steps, words } from "./helpers.js";

/** Counted by hand: one per shell command, `ssh host` sessions and crontab lines included. */
const SEEDS = [
  { file: "000_2f4b9769c3ea695d.txt", id: "release-train-troubleshooting", commands: 82, shellBlocks: 27 },
  { file: "001_87a310d6d8744489.txt", id: "release-trains", commands: 5, shellBlocks: 5 },
  { file: "002_f1597d8661fbdc34.txt", id: "emergency-rollback", commands: 88, shellBlocks: 29 },
  { file: "003_93163910b2c1e227.txt", id: "deployment-failure", commands: 110, shellBlocks: 33 },
  { file: "004_01881b1cba15b212.txt", id: "opsconductor-release", commands: 83, shellBlocks: 32 },
];

const COMMAND_START = /^(?:kubectl|docker|docker-compose|python|pip|npm|git|curl|ssh|cat|ls|df|gunzip|mkdir|sleep|grep|echo|open|for|\.\/scripts)\b/;

/** Command lines of a seed's bash blocks, found without the importer's help. */
function seedCommandLines(text: string): string[] {
  const out: string[] = [];
  let inBash = false;
  let inFence = false;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("```")) {
      if (inFence) inFence = inBash = false;
      else {
        inFence = true;
        inBash = /^```(?:bash|sh|shell)?$/.test(line);
      }
      continue;
    }
    if (inBash && COMMAND_START.test(line)) out.push(line.replace(/\s*\\$/, ""));
  }
  return out;
}

describe("seed documents", () => {
  it("the fixtures are the five seeds", () => {
    expect(readdirSync(path.join(FIXTURES, "seeds")).sort()).toEqual(SEEDS.map((s) => s.file));
  });

  it.each(SEEDS)("$file imports as $id with $commands commands, each in a step", ({ file, id, commands, shellBlocks }) => {
    const { runbook, summary } = importFixture(`seeds/${file}`);
    expect(runbook.id).toBe(id);
    expect(summary.commands).toBe(commands);
    expect(summary.shellBlocks).toBe(shellBlocks);
    const text = words(steps(runbook).map((s) => `${s.run ?? ""} ${s.manual ?? ""}`).join(" "));
    const lines = seedCommandLines(fixture(`seeds/${file}`));
    expect(lines.length).toBeGreaterThan(0);
    // The one placeholder renamed to stay clear of handrail's own $incident_id.
    for (const line of lines) expect(text, line).toContain(words(line.replace("<incident-id>", "incident_ref")));
    expect(formatSummary(summary)).toMatch(new RegExp(`^import: seeds/${file} → ${id}\\.yaml\\n`));
  });

  it("000: placeholders are typed inputs and spliced safely into JSON and jq", () => {
    const { runbook } = importFixture("seeds/000_2f4b9769c3ea695d.txt");
    expect(runbook.inputs?.service_name?.type).toBe("name");
    expect(runbook.inputs?.train_name?.type).toBe("string");
    expect(runbook.inputs?.previous_version?.type).toBe("string");
    expect(runs(runbook)).toContain(`kubectl set image deployment/"$service_name" "$service_name"="$service_name":"$previous_version"`);
    expect(runs(runbook)).toContain(`cat catalog/service-index.yaml | jq '.services[] | select(.name == "'"\${service_name}"'")'`);
    expect(stepTitled(runbook, "Verify data integrity").interactive).toBe(true);
    expect(runbook.links?.map((l) => l.url)).toContain("../docs/RELEASE_TRAINS.md");
    expect(runbook.owner).toBe("SRE Team");
  });

  it("001: HTTP requests and YAML are kept as reference text, not run", () => {
    const { summary } = importFixture("seeds/001_87a310d6d8744489.txt");
    expect(summary.runSteps).toBe(5);
    expect(summary.reference.filter((r) => r.language === "http")).toHaveLength(11);
    expect(summary.reference.filter((r) => r.language === "yaml")).toHaveLength(4);
  });

  it("002: a placeholder named like a handrail variable is renamed", () => {
    const { runbook } = importFixture("seeds/002_f1597d8661fbdc34.txt");
    expect(runbook.inputs?.incident_ref).toBeDefined();
    expect(runbook.inputs?.incident_id).toBeUndefined();
    expect(runs(runbook)).toContain(`python scripts/generate_monitoring_report.py --incident "$incident_ref" --report`);
  });

  it("003: severities, escalations, options, ssh sessions and psql lines", () => {
    const { runbook, summary } = importFixture("seeds/003_93163910b2c1e227.txt");
    expect(runbook.severities).toEqual({
      critical: { respondWithin: "5m", criteria: "Production down, users affected" },
      high: { respondWithin: "15m", criteria: "Production degraded, partial outage" },
      medium: { respondWithin: "1h", criteria: "Staging affected, non-critical service" },
      low: { respondWithin: "24h", criteria: "Minor issue, no user impact" },
    });
    // "Production down" is the critical severity's criteria: a staging incident does not page the VP after 15 minutes.
    expect(runbook.escalations).toEqual([{ after: "15m", severities: ["critical"], to: "VP Engineering", reason: "Production down > 15 min" }]);
    expect(runbook.inputs?.environment).toMatchObject({ type: "enum", values: ["staging", "production"] });
    const remediation = phase(runbook, "failure-type-database-migration-failed-remediation");
    expect(remediation.kind).toBe("remediate");
    expect(remediation.options?.map((o) => o.title)).toEqual(["Retry migration (if safe)", "Rollback migration", "Manual database fix"]);
    expect(summary.otherShell.map((o) => o.line)).toEqual([117, 120, 421, 424, 427]);
    expect(stepTitled(runbook, "Check migration table").manual).toContain("SELECT * FROM migrations ORDER BY executed_at DESC LIMIT 5;");
    expect(runs(runbook)).toContain(`ssh prod-user@prod-host -- 'docker exec prod-db psql -U postgres -d azora_prod -c "SELECT pg_size_pretty(pg_database_size('\\''azora_prod'\\''));"'`);
    const gather = stepTitled(runbook, "Collect deployment details");
    expect(gather.run).toMatch(/^DEPLOYMENT_ID=\$\(date \+%s\)\nENVIRONMENT="\$environment"\nSERVICE_NAME="\$service_name"\nmkdir -p incident-logs\ncat > incident-logs\/\$\{DEPLOYMENT_ID\}\.log << EOF\n/);
    expect(runs(runbook).some((r) => r.includes("- Environment: ${environment}"))).toBe(true);
    expect(summary.notes.some((n) => n.message.includes("$DEPLOYMENT_ID is set by another step"))).toBe(true);
  });

  it("003: '# Or manual rollback' inside Option 3 is an option of its own, not a step after the automatic rollback", () => {
    const { runbook } = importFixture("seeds/003_93163910b2c1e227.txt");
    const remediation = phase(runbook, "failure-type-health-check-failed-in-production-remediation");
    expect(remediation.options?.map((o) => o.title)).toEqual(["Restart services", "Check dependencies", "Trigger automatic rollback", "Manual rollback"]);
    expect(remediation.options?.[2]?.steps.map((s) => s.manual)).toEqual(["If services cannot be recovered\nGitHub Actions → deploy-production → rollback job"]);
    expect(remediation.options?.[3]?.steps.map((s) => [s.title, s.run])).toEqual([
      ["Manual rollback", "docker-compose down"],
      ["Starts previous version", "docker-compose up -d  # Starts previous version"],
    ]);
  });

  it("004: the metrics gate's expected output is its check (every line, the verdict as a whole line), not a step", () => {
    const { runbook } = importFixture("seeds/004_01881b1cba15b212.txt");
    const gate = stepTitled(runbook, "If passed, continue to 10 minutes");
    // The seed's ✓ and 🎉 are mis-decoded (UTF-8 read as Windows-1252): the check reads only the words between them.
    expect(gate.expect).toEqual({ stdout: { contains: "All SLO checks passed!", matches: "^[^A-Za-z0-9]*METRICS GATE PASSED - READY FOR PROMOTION[^A-Za-z0-9]*$" } });
    expect(gate.description).toContain("METRICS GATE PASSED - READY FOR PROMOTION");
    expect(steps(runbook).filter((s) => /expected output/i.test(s.title))).toEqual([]);
    expect(steps(runbook).filter((s) => s.expect !== undefined || s.found !== undefined)).toHaveLength(1);
    expect(stepTitled(runbook, "Monitoring stack operational: Grafana").run).toBe("curl http://localhost:3200/api/health # Grafana");
  });

  it("001: a command right under a heading is titled by the heading, not by the command", () => {
    const { runbook } = importFixture("seeds/001_87a310d6d8744489.txt");
    expect(stepTitled(runbook, "Check Release Train Status").run).toBe(`python scripts/monitor_release_progress.py --train-name "$name" --status`);
    expect(stepTitled(runbook, "Analyze Rollback Options").run).toBe(`python scripts/rollback_release_train.py --train-name "$name" --dry-run`);
  });

  it("004: checklists, severity lists, cron lines, PromQL and options", () => {
    const { runbook, summary } = importFixture("seeds/004_01881b1cba15b212.txt");
    expect(runbook.severities?.high).toEqual({ respondWithin: "15m", criteria: "Error rate 1-5% or degraded performance", label: "Severity 2" });
    expect(stepTitled(runbook, "Staging environment is healthy").run).toBe("./scripts/release_smoke.sh staging");
    expect(stepTitled(runbook, "Frontend Exec Sandbox accessible").manual).toBe("Frontend Exec Sandbox accessible");
    expect(stepTitled(runbook, "Run daily smoke tests").manual).toContain("0 8 * * * /path/to/scripts/release_smoke.sh production");
    expect(summary.reference.filter((r) => r.language === "promql")).toHaveLength(4);
    expect(runbook.inputs?.token?.type).toBe("secret");
    const rollback = phase(runbook, "emergency-rollback-5-minutes");
    expect(rollback.options?.map((o) => o.id)).toEqual(["disable-feature-flag", "route-traffic-to-old-version", "full-rollback"]);
    expect(stepTitled(runbook, "Send request with trace ID").run).toMatch(/^TRACE_ID="manual-test-\$\(date \+%s\)"\ncurl -X POST/);
  });
});

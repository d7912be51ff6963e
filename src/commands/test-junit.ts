/** JUnit XML for `handrail test --junit FILE`: one testsuite per scenario, one testcase per choice. */
import type { TestRun } from "./test-runbooks.js";

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export function junitXml(runs: readonly TestRun[]): string {
  const suites = new Map<string, TestRun[]>();
  for (const r of runs) suites.set(`${r.runbook}/${r.scenario}`, [...(suites.get(`${r.runbook}/${r.scenario}`) ?? []), r]);
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="handrail test" tests="${runs.length}" failures="${runs.filter((r) => !r.finding.ok).length}">`];
  for (const [name, list] of suites) {
    out.push(`  <testsuite name="${esc(name)}" tests="${list.length}" failures="${list.filter((r) => !r.finding.ok).length}">`);
    for (const r of list) {
      const head = `    <testcase classname="${esc(name)}" name="${esc(`${r.choice.label} (expected ${r.choice.expect})`)}" time="${(r.ms / 1000).toFixed(3)}"`;
      if (r.finding.ok) out.push(`${head}/>`);
      else out.push(`${head}>`, `      <failure message="${esc(r.finding.problems[0] ?? "failed")}">${esc(r.finding.problems.join("\n"))}</failure>`, "    </testcase>");
    }
    out.push("  </testsuite>");
  }
  out.push("</testsuites>", "");
  return out.join("\n");
}

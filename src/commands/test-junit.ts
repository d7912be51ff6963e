/** JUnit XML for `handrail test --junit FILE`: one testsuite per scenario, one testcase per choice; the scripts bash refuses, a testsuite of their own. */
import type { RefusedScript, TestRun } from "./test-runbooks.js";

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export function junitXml(runs: readonly TestRun[], refused: readonly RefusedScript[] = []): string {
  const suites = new Map<string, TestRun[]>();
  for (const r of runs) suites.set(`${r.runbook}/${r.scenario}`, [...(suites.get(`${r.runbook}/${r.scenario}`) ?? []), r]);
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="handrail test" tests="${runs.length + refused.length}" failures="${runs.filter((r) => !r.finding.ok).length + refused.length}">`];
  if (refused.length > 0) {
    out.push(`  <testsuite name="bash -n" tests="${refused.length}" failures="${refused.length}">`);
    for (const r of refused) {
      out.push(`    <testcase classname="${esc(r.runbook)}" name="${esc(`${r.step}: bash reads its run script`)}" time="0">`, `      <failure message="${esc(r.message)}">${esc(r.message)}</failure>`, "    </testcase>");
    }
    out.push("  </testsuite>");
  }
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

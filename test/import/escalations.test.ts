/**
 * Issue 15, "Import": an "Escalation" section with times becomes `escalations:` — lines and tables —
 * and each escalation is raised only at the severities its situation names or reads like, so a
 * low-severity incident that stays open does not page the VP meant for production outages.
 */
import { describe, expect, it } from "vitest";
import { escalationFromLine } from "../../src/runbooks/import/escalations.js";
import { importValid, stepTitled } from "./helpers.js";

const SEVERITIES = ["| Severity | Criteria | Response time |", "|---|---|---|", "| SEV1 | API down for every user | 5 min |", "| SEV2 | Errors for some users | 15 min |"];

describe("escalations", () => {
  it("lines with a time under an Escalation heading become escalations, for the severity they name", () => {
    const { runbook, summary } = importValid(
      [
        "# API",
        "## Severity levels",
        ...SEVERITIES,
        "## Escalation",
        "- After 15 minutes without a fix, page the team lead (@lead).",
        "- **30 min:** escalate to the Engineering Manager",
        "- If SEV1 is not resolved within 1 hour, escalate to the VP Engineering.",
        "- Call the database team for data loss.",
      ].join("\n"),
      "escalation-lines.md",
    );
    expect(runbook.escalations).toEqual([
      { after: "15m", to: "team lead (@lead)", reason: "After 15 minutes without a fix, page the team lead (@lead)." },
      { after: "30m", to: "Engineering Manager", reason: "30 min: escalate to the Engineering Manager" },
      { after: "1h", severities: ["critical"], to: "VP Engineering", reason: "If SEV1 is not resolved within 1 hour, escalate to the VP Engineering." },
    ]);
    // The line without a time is no escalation the clock could raise: it stays text for the operator, with the others.
    expect(stepTitled(runbook, "Escalation").manual).toContain("- Call the database team for data loss.");
    expect(stepTitled(runbook, "Escalation").manual).toContain("- After 15 minutes without a fix");
    expect(summary.notes.filter((n) => n.message.includes("raised at every severity")).map((n) => n.line)).toEqual([8, 9]);
  });

  it("the same words outside an Escalation section are not escalations", () => {
    const { runbook } = importValid(["# API", "## Fix", "- After 15 minutes, page the team lead.", "```bash", "kubectl get pods", "```"].join("\n"), "elsewhere.md");
    expect(runbook.escalations).toBeUndefined();
  });

  it("a table with a time column and a who column under an Escalation heading", () => {
    const { runbook } = importValid(
      ["# X", "## Severity", "| Severity | Criteria | Response |", "|---|---|---|", "| Critical | Checkout down | 5 min |", "| High | Checkout slow | 15 min |", "## Escalation path", "| After | Contact | When |", "|---|---|---|", "| 30 min | Engineering Manager | Checkout down |", "| — | Support | Customers ask |"].join("\n"),
      "escalation-table.md",
    );
    expect(runbook.escalations).toEqual([{ after: "30m", severities: ["critical"], to: "Engineering Manager", reason: "30 min | Engineering Manager | Checkout down" }]);
  });

  it("reads the time and the person from the ways runbooks write them", () => {
    expect(escalationFromLine("Escalate to the CTO after 2 hours")?.escalation).toMatchObject({ after: "2h", to: "CTO" });
    expect(escalationFromLine("After 30 min → Engineering Manager")?.escalation).toMatchObject({ after: "30m", to: "Engineering Manager" });
    expect(escalationFromLine("If production is down for more than 10 minutes, page the incident commander")?.escalation).toMatchObject({ after: "10m", to: "incident commander" });
    expect(escalationFromLine("Acknowledge the page within 5 minutes")).toBeUndefined();
    expect(escalationFromLine("Escalate to the DBA for data loss")).toBeUndefined();
  });
});

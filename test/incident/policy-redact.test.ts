import { describe, expect, it } from "vitest";
import type { IncidentEvent } from "../../src/incident/events.js";
import { initialState, reduce } from "../../src/incident/machine.js";
import { clock, duePolicyEvents, nextPolicyDue } from "../../src/incident/policy.js";
import { MASK, Redactor } from "../../src/incident/redact.js";
import type { Runbook } from "../../src/runbooks/schema.js";

const rb = {
  apiVersion: "handrail/v1",
  kind: "Runbook",
  id: "p",
  title: "P",
  severities: { critical: { respondWithin: "5m" } },
  escalations: [
    { after: "15m", severities: ["critical", "high"], to: "VP Engineering", reason: "Production down > 15 min" },
    { after: "1h", to: "CTO" },
  ],
  phases: [{ id: "a", kind: "assess", title: "A", steps: [{ id: "s", title: "S", manual: "x" }] }],
} as Runbook;

const T0 = Date.parse("2026-11-24T03:00:00Z");
const open = (severity: "critical" | "low") =>
  reduce(initialState(rb), { seq: 1, ts: new Date(T0).toISOString(), type: "incident.opened", incident: "i", runbook: { id: "p", title: "P" }, severity, mode: "run", dryRun: false, version: "t" } as IncidentEvent);

describe("severity policy", () => {
  it("the clock counts down from the runbook's response time, defaults where it sets none", () => {
    expect(clock(open("critical"), T0 + 60_000)).toMatchObject({ remainingMs: 240_000, breached: false });
    expect(clock(open("low"), T0)).toMatchObject({ remainingMs: 24 * 3_600_000 });
  });

  it("breach and escalations fall due by time and severity, once each", () => {
    const s = open("critical");
    expect(duePolicyEvents(s, T0 + 4 * 60_000)).toEqual([]);
    expect(nextPolicyDue(s, T0)).toBe(T0 + 5 * 60_000);
    expect(duePolicyEvents(s, T0 + 16 * 60_000).map((e) => e.type)).toEqual(["sla.breached", "escalation.raised"]);
    const low = open("low");
    expect(duePolicyEvents(low, T0 + 16 * 60_000)).toEqual([]);
    expect(duePolicyEvents(low, T0 + 61 * 60_000)).toEqual([{ type: "escalation.raised", key: "escalation-1", to: "CTO", after: "1h", severity: "low" }]);
  });
});

describe("redaction", () => {
  it.each([
    ["Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.abc.def", `Authorization: Bearer ${MASK}`],
    ["key AKIAIOSFODNN7EXAMPLE used", `key ${MASK} used`],
    ["DB_PASSWORD=hunter2hunter2 ./run", `DB_PASSWORD=${MASK} ./run`],
    ['{"token": "abc123xyz"}', `{"token": "${MASK}"}`],
    ["postgres://app:s3cret@db:5432/app", `postgres://app:${MASK}@db:5432/app`],
    ["ghp_abcdefghijklmnopqrstuvwxyz0123456789", MASK],
    ["nothing secret here", "nothing secret here"],
  ])("%s", (line, expected) => expect(new Redactor().line(line)).toBe(expected));

  it("masks secret input values and private key blocks", () => {
    const r = new Redactor(["tok-9f8e7d"]);
    expect(r.lines(["using tok-9f8e7d now", "-----BEGIN RSA PRIVATE KEY-----", "MIIEowIBAAKCAQEA", "-----END RSA PRIVATE KEY-----", "after"])).toEqual([
      `using ${MASK} now`,
      "-----BEGIN RSA PRIVATE KEY-----",
      MASK,
      "-----END RSA PRIVATE KEY-----",
      "after",
    ]);
  });
});

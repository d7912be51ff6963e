import { describe, expect, it } from "vitest";
import { checkExpectations, jsonAt, jsonNumber, parseJsonPath, verdict } from "../../src/executors/expect.js";
import type { ExpectOutcome } from "../../src/executors/types.js";

const ok = (check: string): ExpectOutcome => ({ check, passed: true });
const no = (check: string): ExpectOutcome => ({ check, passed: false, reason: "why" });

describe("expect", () => {
  it("defaults to exit code 0 for scripts and 2xx for HTTP", () => {
    expect(checkExpectations(undefined, { exitCode: 1 }, { exitCode: 0 })).toEqual([{ check: "exitCode", passed: false, reason: "exit code 1, expected 0" }]);
    expect(checkExpectations(undefined, { status: 503 }, { status: "2xx" })).toEqual([{ check: "status", passed: false, reason: "HTTP status 503, expected 2xx" }]);
    expect(checkExpectations({ exitCode: [0, 1] }, { exitCode: 1 })).toEqual([{ check: "exitCode", passed: true }]);
  });

  it("a found checks only what it names, and its check names say found", () => {
    expect(checkExpectations({}, { exitCode: 1, status: 503 }, {}, "found")).toEqual([]);
    expect(checkExpectations({ exitCode: 0, status: 503 }, { exitCode: 0, status: 503 }, {}, "found")).toEqual([ok("found.exitCode"), ok("found.status")]);
    expect(checkExpectations({ stdout: { contains: "x" } }, { text: { stdout: [ok("stdout.contains")] } }, {}, "found")).toEqual([ok("found.stdout.contains")]);
  });

  it("takes the text outcomes of the streams only for the streams the expectation checks", () => {
    const text = { stdout: [ok("stdout.contains")], stderr: [no("stderr.notContains")] };
    expect(checkExpectations({ stdout: { contains: "x" } }, { text })).toEqual([ok("stdout.contains")]);
    expect(checkExpectations({ stderr: { notContains: "x" } }, { text })).toEqual([no("stderr.notContains")]);
  });

  it("walks JSON paths and compares Prometheus' string samples as numbers", () => {
    expect(parseJsonPath("data.result[0].value[1]")).toEqual(["data", "result", 0, "value", 1]);
    const prom = { status: "success", data: { result: [{ value: [1700000000, "0.034"] }] } };
    expect(jsonAt(prom, "data.result[0].value[1]")).toEqual({ found: true, value: "0.034" });
    expect(checkExpectations({ json: { path: "data.result[0].value[1]", max: 0.01 } }, { json: prom })).toEqual([
      { check: "json data.result[0].value[1] max", passed: false, reason: "data.result[0].value[1] 0.034 is above the maximum 0.01" },
    ]);
    expect(checkExpectations({ json: [{ path: "status", equals: "success" }, { path: "data.result[1]", exists: false }] }, { json: prom }).every((x) => x.passed)).toBe(true);
    expect(checkExpectations({ json: { path: "data.result[3].value[1]", max: 1 } }, { json: prom })).toEqual([{ check: "json data.result[3].value[1]", passed: false, reason: "data.result[3].value[1] is missing from the response" }]);
  });

  it("reads Prometheus' +Inf, -Inf and NaN samples as numbers: +Inf fails a max and passes a min, NaN never passes", () => {
    expect([jsonNumber("+Inf"), jsonNumber("-Inf"), jsonNumber("Inf"), jsonNumber("0.5"), jsonNumber(2), jsonNumber("abc"), jsonNumber(""), jsonNumber(null)]).toEqual([Infinity, -Infinity, Infinity, 0.5, 2, undefined, undefined, undefined]);
    expect(jsonNumber("NaN")).toBeNaN();
    const sample = (v: string) => ({ data: { result: [{ value: [1700000000, v] }] } });
    const at = (v: string, bounds: { min?: number; max?: number }) => checkExpectations({ json: { path: "data.result[0].value[1]", ...bounds } }, { json: sample(v) });
    expect(at("+Inf", { max: 0.01 })).toEqual([{ check: "json data.result[0].value[1] max", passed: false, reason: "data.result[0].value[1] +Inf is above the maximum 0.01" }]);
    expect(at("+Inf", { min: 1 })).toEqual([ok("json data.result[0].value[1] min")]);
    expect(at("-Inf", { min: 0 })).toEqual([{ check: "json data.result[0].value[1] min", passed: false, reason: "data.result[0].value[1] -Inf is below the minimum 0" }]);
    expect(at("-Inf", { max: 0 })).toEqual([ok("json data.result[0].value[1] max")]);
    for (const bounds of [{ min: 0 }, { max: 1 }, { min: 0, max: 1 }]) {
      expect(at("NaN", bounds)).toEqual([{ check: "json data.result[0].value[1]", passed: false, reason: "data.result[0].value[1] is NaN (no data?)" }]);
    }
    expect(at("up", { max: 1 })).toEqual([{ check: "json data.result[0].value[1]", passed: false, reason: 'data.result[0].value[1] is not a number: "\\"up\\""' }]);
  });

  it("says why a body was not read as JSON when it was too large", () => {
    expect(checkExpectations({ json: { path: "a", exists: true } }, { jsonNote: "only its first 1 MiB is parsed" })).toEqual([
      { check: "json a", passed: false, reason: "the response is not JSON (only its first 1 MiB is parsed)" },
    ]);
  });

  it("checks latency", () => {
    expect(checkExpectations({ latencyMs: { max: 100 } }, { latencyMs: 250.4 })).toEqual([{ check: "latencyMs", passed: false, reason: "latency (ms) 250 is above the maximum 100" }]);
  });
});

describe("verdict", () => {
  it("failed when an expect check failed, whatever the found says", () => {
    expect(verdict([ok("exitCode"), no("stdout.contains")])).toBe("failed");
    expect(verdict([no("exitCode")], [ok("found.stdout.contains")])).toBe("failed");
    expect(verdict([no("exitCode")], [no("found.stdout.contains")])).toBe("failed");
  });

  it("found when every found check held, passed when one did not or there are none", () => {
    expect(verdict([ok("exitCode")], [ok("found.stdout.contains"), ok("found.exitCode")])).toBe("found");
    expect(verdict([], [ok("found.stdout.contains")])).toBe("found");
    expect(verdict([ok("exitCode")], [ok("found.stdout.contains"), no("found.exitCode")])).toBe("passed");
    expect(verdict([ok("exitCode")], [])).toBe("passed");
    expect(verdict([ok("exitCode")])).toBe("passed");
  });
});

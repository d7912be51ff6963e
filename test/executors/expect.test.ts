import { describe, expect, it } from "vitest";
import { checkExpectations, jsonAt, parseJsonPath, readNumber } from "../../src/executors/expect.js";

const out = (text: string) => ({ text, truncated: false });

describe("expect", () => {
  it("defaults to exit code 0 for scripts and 2xx for HTTP", () => {
    expect(checkExpectations(undefined, { exitCode: 1 }, { exitCode: 0 })).toEqual([{ check: "exitCode", passed: false, reason: "exit code 1, expected 0" }]);
    expect(checkExpectations(undefined, { status: 503 }, { status: "2xx" })).toEqual([{ check: "status", passed: false, reason: "HTTP status 503, expected 2xx" }]);
    expect(checkExpectations({ exitCode: [0, 1] }, { exitCode: 1 })).toEqual([{ check: "exitCode", passed: true }]);
  });

  it("checks text without colour codes", () => {
    const r = checkExpectations({ stdout: { contains: ["Running", "3/3"], notContains: "CrashLoopBackOff", matches: "^api-", notMatches: "Error" } }, { stdout: out("\u001b[32mapi-1 3/3 Running\u001b[0m\n") });
    expect(r.every((x) => x.passed)).toBe(true);
    const bad = checkExpectations({ stdout: { notMatches: "Err\\w+" } }, { stdout: out("ok\nErrImagePull\n") });
    expect(bad).toEqual([{ check: "stdout.notMatches", passed: false, reason: 'stdout matches /Err\\w+/: "ErrImagePull"' }]);
  });

  it("reads output as a number: the whole text or its last line", () => {
    expect(readNumber(" 42\n")).toBe(42);
    expect(readNumber("counting...\n7\n")).toBe(7);
    expect(readNumber("none")).toBeUndefined();
    expect(checkExpectations({ stdout: { min: 1 } }, { stdout: out("zero") })).toEqual([{ check: "stdout.number", passed: false, reason: 'stdout is not a number: "zero"' }]);
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

  it("checks latency", () => {
    expect(checkExpectations({ latencyMs: { max: 100 } }, { latencyMs: 250.4 })).toEqual([{ check: "latencyMs", passed: false, reason: "latency (ms) 250 is above the maximum 100" }]);
  });
});

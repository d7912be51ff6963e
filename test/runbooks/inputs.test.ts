import { describe, expect, it } from "vitest";
import { checkInputValue, inputToEnv } from "../../src/runbooks/inputs.js";
import type { InputSpec } from "../../src/runbooks/schema.js";

const ok = (spec: InputSpec, value: unknown) => expect(checkInputValue(spec, value)).toMatchObject({ ok: true });
const bad = (spec: InputSpec, value: unknown, message: string) =>
  expect(checkInputValue(spec, value)).toEqual({ ok: false, message });

describe("input values are checked by type", () => {
  it("name: a DNS-1123 label", () => {
    ok({ type: "name" }, "api-gateway");
    bad({ type: "name" }, "Api_1", `expected a name (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters), got "Api_1"`);
    bad({ type: "name" }, "api; rm -rf /", `expected a name (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters), got "api; rm -rf /"`);
    bad({ type: "name" }, "a".repeat(64), expect.stringContaining("at most 63 characters") as unknown as string);
  });
  it("enum: one of the values", () => {
    ok({ type: "enum", values: ["staging", "production"] }, "staging");
    bad({ type: "enum", values: ["staging", "production"] }, "prod", `expected one of staging | production, got "prod"`);
  });
  it("int: a whole number within min and max", () => {
    ok({ type: "int", min: 0, max: 10 }, "3");
    bad({ type: "int" }, "3.5", `expected a whole number, got "3.5"`);
    bad({ type: "int", min: 1 }, 0, "must be at least 1, got 0");
    bad({ type: "int", max: 10 }, "11", "must be at most 10, got 11");
  });
  it("duration and url", () => {
    ok({ type: "duration" }, "1h30m");
    bad({ type: "duration" }, "soon", `expected a duration such as 30s, 5m or 1h30m, got "soon"`);
    ok({ type: "url" }, "http://127.0.0.1:9090");
    bad({ type: "url" }, "prometheus", `expected a URL such as http://host:port/path, got "prometheus"`);
    bad({ type: "url" }, "localhost:9090", `expected a URL such as http://host:port/path, got "localhost:9090"`);
  });
  it("string with a pattern; a secret's value never appears in a message", () => {
    ok({ type: "string", pattern: "[a-z@.]+" }, "ops@host");
    bad({ type: "string", pattern: "[a-z]+" }, "ABC", `expected text matching /[a-z]+/, got "ABC"`);
    bad({ type: "secret", pattern: "tok_[a-z]+" }, "hunter2", "expected text matching /tok_[a-z]+/, got (hidden)");
  });
  it("a secret too short to be masked in output is refused, not written in the clear", () => {
    // Values under 4 characters were silently left unmasked (masking them would hide ordinary text).
    bad({ type: "secret" }, "abc", "a secret of 3 characters cannot be masked in output (masking it would hide ordinary text wherever it occurs); use 4 or more");
    bad({ type: "secret" }, "x", expect.stringContaining("a secret of 1 character cannot") as unknown as string);
    ok({ type: "secret" }, "abcd");
    ok({ type: "secret", required: false }, "");
    // A string is not masked at all: any length.
    ok({ type: "string" }, "abc");
  });
  it("a credential in an input that is not a secret is refused: its value would be written down as given", () => {
    // Once stored: input.set kept `postgres://app:s3cretpw@db/x` in the file and the report showed it, though output masks it.
    const why = "this input's value is written to the incident file and the report as given; a credential belongs in a secret input";
    bad({ type: "url" }, "postgres://app:s3cretpw@db/x", `holds a credential (masked: "postgres://app:••••••@db/x"): ${why}`);
    bad({ type: "string" }, "Authorization: Bearer abcdefgh12345678", `holds a credential (masked: "Authorization: Bearer ••••••"): ${why}`);
    bad({ type: "string" }, "-----BEGIN OPENSSH PRIVATE KEY-----", `holds a credential (a private key): ${why}`);
    bad({ type: "list", items: "string" }, ["ok", "password=hunter22"], `item 2: holds a credential (masked: "password=••••••"): ${why}`);
    // Look-alikes are values, and a secret input is where a credential goes.
    ok({ type: "url" }, "https://ops@grafana.example/d/abc?token_ttl=5");
    ok({ type: "string" }, "password_policy: strict");
    ok({ type: "string" }, "rotate the PRIVATE KEY of the ingress");
    ok({ type: "secret" }, "postgres://app:s3cretpw@db/x");
    // Nor does a message about a bad value show the credential in it.
    bad({ type: "name" }, "postgres://app:s3cretpw@db", `expected a name (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters), got "postgres://app:••••••@db"`);
  });
  it("required values are required", () => {
    bad({ type: "string" }, "", "a value is required");
    ok({ type: "string", required: false }, "");
    // An optional input left empty is "not given", not a malformed value of its type.
    ok({ type: "url", required: false }, "");
    ok({ type: "int", required: false }, "");
    bad({ type: "url" }, "", "a value is required");
  });
  it("list: comma-separated or a list, each item checked, no repeats", () => {
    expect(checkInputValue({ type: "list" }, "curve, backtesting,scenario")).toEqual({ ok: true, value: ["curve", "backtesting", "scenario"] });
    bad({ type: "list" }, ["curve", "Back_testing"], `item 2: expected a name (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters), got "Back_testing"`);
    bad({ type: "list" }, "a,b,a", "items must not repeat");
    expect(inputToEnv(["a", "b"])).toBe("a b");
  });
});

/**
 * The generator of the fast path's yes/no check (scripts/json-check-code.mjs): it says no where a schema
 * says no, never looser, and it refuses a schema it cannot read whole rather than ignore part of it.
 */
import { describe, expect, it } from "vitest";
import { jsonCheckCode } from "../../scripts/json-check-code.mjs";

function compile(schema: object): (data: unknown) => boolean {
  return new Function(`${jsonCheckCode(schema)}return check;`)() as (data: unknown) => boolean;
}

describe("the generated JSON Schema check", () => {
  it("reads each keyword the runbook schema uses", () => {
    const check = compile({
      type: "object",
      required: ["id", "n"],
      additionalProperties: false,
      properties: {
        id: { type: "string", pattern: "^[a-z]+$", minLength: 2 },
        n: { type: "integer", minimum: 1, maximum: 10 },
        ratio: { type: "number", exclusiveMinimum: 0 },
        kind: { type: "string", enum: ["a", "b"] },
        fixed: { const: "x" },
        list: { type: "array", minItems: 1, items: { $ref: "#/$defs/item" } },
        map: { type: "object", propertyNames: { type: "string", pattern: "^k" }, additionalProperties: { type: "boolean" } },
        either: { anyOf: [{ type: "string" }, { type: "array", items: { type: "string" } }] },
        one: { oneOf: [{ type: "integer" }, { type: "number", minimum: 5 }] },
      },
      $defs: { item: { type: ["string", "null"] } },
    });
    const ok = { id: "ab", n: 3 };
    expect(check(ok)).toBe(true);
    expect(check({ ...ok, ratio: 0.5, kind: "b", fixed: "x", list: ["s", null], map: { k1: true }, either: ["x"], one: 1 })).toBe(true);
    const no = [
      null,
      [],
      "text",
      { id: "ab" },
      { ...ok, extra: 1 },
      { ...ok, id: "a" },
      { ...ok, id: "AB" },
      { ...ok, n: 0 },
      { ...ok, n: 11 },
      { ...ok, n: 1.5 },
      { ...ok, ratio: 0 },
      { ...ok, kind: "c" },
      { ...ok, fixed: "y" },
      { ...ok, list: [] },
      { ...ok, list: [1] },
      { ...ok, map: { x: true } },
      { ...ok, map: { k: "yes" } },
      { ...ok, either: 1 },
      { ...ok, either: [1] },
      // 6 is both an integer and a number ≥ 5: oneOf wants exactly one.
      { ...ok, one: 6 },
    ];
    for (const data of no) expect(check(data), JSON.stringify(data)).toBe(false);
  });

  it("takes a number to be finite, as zod does: YAML's .inf and .nan are numbers to JavaScript", () => {
    const check = compile({ type: "object", properties: { n: { type: "number" }, i: { type: "integer" }, s: { type: ["string", "number"] } } });
    expect(check({ n: 1.5, i: -0, s: 2 })).toBe(true);
    for (const bad of [Infinity, -Infinity, NaN]) {
      expect(check({ n: bad })).toBe(false);
      expect(check({ i: bad })).toBe(false);
      expect(check({ s: bad })).toBe(false);
    }
  });

  it("refuses a schema it cannot read whole, instead of saying yes to what it skipped", () => {
    expect(() => jsonCheckCode({ type: "object", not: { required: ["x"] } })).toThrow(/keyword\(s\) not not supported/);
    expect(() => jsonCheckCode({ if: {}, then: {} })).toThrow(/not supported/);
    expect(() => jsonCheckCode({ type: "tuple" })).toThrow(/unknown type/);
    expect(() => jsonCheckCode({ $ref: "https://example.com/schema" })).toThrow(/only local \$defs/);
    expect(() => jsonCheckCode({ $ref: "#/$defs/missing" })).toThrow(/not defined/);
    expect(() => jsonCheckCode({ enum: [{ a: 1 }] })).toThrow(/only primitives/);
    expect(() => jsonCheckCode({ properties: { constructor: {} } })).toThrow(/every object has/);
    expect(() => jsonCheckCode({ items: [{}, {}] })).toThrow(/one schema/);
    expect(() => jsonCheckCode({ $ref: "#/$defs/a-b", $defs: { "a-b": { type: "string" }, a_b: { type: "number" } } })).toThrow(/the same function/);
  });
});

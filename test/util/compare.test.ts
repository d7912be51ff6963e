/** Orders that do not depend on the machine's locale (and do not load ICU's collation). */
import { describe, expect, it } from "vitest";
import { byCodePoint, byName } from "../../src/util/compare.js";

describe("text order without ICU", () => {
  it("names: case aside first, then by code point, so equal-but-for-case names still have one order", () => {
    expect(["c.yaml", "B.yaml", "a.yaml", "A.yaml", "b-2.yaml", "_x.yaml", "10.yaml", "9.yaml"].sort(byName)).toEqual(["10.yaml", "9.yaml", "_x.yaml", "A.yaml", "a.yaml", "b-2.yaml", "B.yaml", "c.yaml"]);
  });

  it("ISO-8601 times and ids by code point", () => {
    expect(["2026-12-06T10:00:00.000Z", "2026-11-30T23:59:59.999Z", "2026-12-06T09:59:59.999Z"].sort(byCodePoint)).toEqual(["2026-11-30T23:59:59.999Z", "2026-12-06T09:59:59.999Z", "2026-12-06T10:00:00.000Z"]);
    expect(byCodePoint("a", "a")).toBe(0);
  });
});

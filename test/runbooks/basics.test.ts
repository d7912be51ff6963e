import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration } from "../../src/runbooks/duration.js";
import { closest, editDistance } from "../../src/runbooks/suggest.js";
import { scriptAssignments, scriptReferences, templateReferences } from "../../src/runbooks/script-vars.js";

describe("durations", () => {
  it.each([
    ["500ms", 500],
    ["30s", 30_000],
    ["5m", 300_000],
    ["1h30m", 5_400_000],
    ["24h", 86_400_000],
    ["1.5m", 90_000],
  ])("%s is %d ms", (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(["", "5", "soon", "5 m", "m5", "5mm", "-5m"])("%j is not a duration", (text) => expect(parseDuration(text)).toBeUndefined());

  it("formats back to a short form", () => {
    expect(formatDuration(5_400_000)).toBe("1h30m");
    expect(formatDuration(300_000)).toBe("5m");
    expect(formatDuration(250)).toBe("250ms");
  });
});

describe("did-you-mean", () => {
  it("counts a swap of neighbours as one edit", () => expect(editDistance("nmae", "name")).toBe(1));
  it("suggests close names and nothing for distant ones", () => {
    expect(closest("timout", ["timeout", "title"])).toBe("timeout");
    expect(closest("namespce", ["namespace", "service"])).toBe("namespace");
    expect(closest("zzz", ["timeout", "title"])).toBeUndefined();
  });
});

describe("script variables", () => {
  it("finds the references bash would expand", () => {
    const refs = scriptReferences(`kubectl get pods -n "$namespace" -l app=\${service} | awk '{print $1}' && echo \\$literal`);
    expect(refs.map((r) => r.name)).toEqual(["namespace", "service"]);
  });
  it("finds them past escapes, nested quotes and braces, with each token and offset", () => {
    const cases: Array<[string, Array<[string, string, number]>]> = [
      ["a\\\n$x", [["x", "$x", 3]]],
      [`'$a' "$b '$c'" $d`, [["b", "$b", 6], ["c", "$c", 10], ["d", "$d", 15]]],
      ["${#arr[@]} ${1} ${x:-y} $_u9 \\$no", [["arr", "${#arr", 0], ["x", "${x", 16], ["_u9", "$_u9", 24]]],
      ["echo '$open", []],
      [`"\\"$q"`, [["q", "$q", 3]]],
      ["it\\'s $x", [["x", "$x", 6]]],
    ];
    for (const [script, want] of cases) expect(scriptReferences(script).map((r) => [r.name, r.token, r.offset]), script).toEqual(want);
  });
  it("knows what the script sets itself", () => {
    const names = scriptAssignments(`pods=$(kubectl get pods)\nfor p in $pods; do echo $p; done\nwhile read -r line rest; do :; done\nlocal -r count=3`);
    expect([...names]).toEqual(expect.arrayContaining(["pods", "p", "line", "rest", "count"]));
  });
  it("finds $name and ${name} in text handrail substitutes", () => {
    expect(templateReferences("app=${service},tier=$tier").map((r) => r.name)).toEqual(["service", "tier"]);
  });
});

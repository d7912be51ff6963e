/** The pure pieces: patch semantics and selector grammar, as kubectl and client-go send them. */
import { describe, expect, it } from "vitest";
import { ApiError } from "../../src/sandbox/index.js";
import { applyPatch, jsonPatch, mergePatch, strategicMergePatch, type Json } from "../../src/sandbox/patch.js";
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector, selectorToString, fromLabelSelector } from "../../src/sandbox/selectors.js";
import type { KubeObject } from "../../src/sandbox/index.js";

describe("patches", () => {
  interface Doc {
    metadata: { labels: Record<string, string> };
    spec: { containers: { name: string; image: string }[] };
  }
  const doc: Json = { metadata: { labels: { app: "api", tier: "web" } }, spec: { containers: [{ name: "api", image: "a:1", ports: [{ containerPort: 80 }] }, { name: "sidecar", image: "s:1" }] } };

  it("merge patch: objects merge, null deletes, lists replace", () => {
    expect(mergePatch(doc, { metadata: { labels: { tier: null, team: "x" } }, spec: { containers: [{ name: "only" }] } })).toEqual({
      metadata: { labels: { app: "api", team: "x" } },
      spec: { containers: [{ name: "only" }] },
    });
  });

  it("strategic merge patch: containers merge by name, $patch: delete removes, $setElementOrder orders", () => {
    const patched = strategicMergePatch(doc, {
      spec: { "$setElementOrder/containers": [{ name: "sidecar" }, { name: "api" }], containers: [{ name: "api", image: "a:2" }, { name: "sidecar", $patch: "delete" }] },
    }) as unknown as Doc;
    expect(patched.spec.containers).toEqual([{ name: "api", image: "a:2", ports: [{ containerPort: 80 }] }]);
    const reordered = strategicMergePatch(doc, { spec: { "$setElementOrder/containers": [{ name: "sidecar" }, { name: "api" }], containers: [{ name: "api", image: "a:3" }] } }) as unknown as Doc;
    expect(reordered.spec.containers.map((c) => `${c.name}=${c.image}`)).toEqual(["sidecar=s:1", "api=a:3"]);
    expect((doc as unknown as Doc).spec.containers[0]?.image).toBe("a:1");
  });

  it("JSON patch: add, replace, remove, test, move; a failed test is 422", () => {
    const out = jsonPatch(doc, [
      { op: "add", path: "/metadata/labels/env", value: "prod" },
      { op: "replace", path: "/spec/containers/0/image", value: "a:9" },
      { op: "remove", path: "/spec/containers/1" },
      { op: "test", path: "/spec/containers/0/name", value: "api" },
      { op: "move", from: "/metadata/labels/tier", path: "/metadata/labels/layer" },
      { op: "add", path: "/spec/containers/-", value: { name: "last", image: "l:1" } },
    ]) as unknown as Doc;
    expect(out.metadata.labels).toEqual({ app: "api", env: "prod", layer: "web" });
    expect(out.spec.containers.map((c) => `${c.name}=${c.image}`)).toEqual(["api=a:9", "last=l:1"]);
    expect(() => jsonPatch(doc, [{ op: "test", path: "/spec/containers/0/image", value: "nope" }])).toThrow(ApiError);
    expect(() => jsonPatch(doc, [{ op: "remove", path: "/metadata/missing" }])).toThrow(/missing/);
  });

  it("picks the patch by content type and refuses others with 415", () => {
    expect(applyPatch("application/merge-patch+json; charset=utf-8", { a: 1 }, { b: 2 })).toEqual({ a: 1, b: 2 });
    const error = (() => {
      try {
        applyPatch("application/apply-patch+yaml", {}, {});
      } catch (e) {
        return e;
      }
    })();
    expect(error).toMatchObject({ code: 415 });
  });
});

describe("selectors", () => {
  const labels = { app: "api", env: "prod", tier: "web" };

  it("label selectors: =, ==, !=, in, notin, exists, !exists", () => {
    const yes = ["app=api", "app==api", "env!=dev", "tier in (web,db)", "env notin (dev,staging)", "app", "!owner", "app=api,env in (prod),!owner", ""];
    const no = ["app=web", "env!=prod", "tier in (db)", "env notin (prod)", "owner", "!app", "app=api,env=dev"];
    for (const s of yes) expect(matchesLabels(parseLabelSelector(s), labels), s).toBe(true);
    for (const s of no) expect(matchesLabels(parseLabelSelector(s), labels), s).toBe(false);
    expect(() => parseLabelSelector("app in web")).toThrow(/unable to parse requirement/);
  });

  it("a spec.selector round-trips to the string kubectl shows", () => {
    const selector = fromLabelSelector({ matchLabels: { app: "api" }, matchExpressions: [{ key: "env", operator: "In", values: ["prod", "canary"] }] });
    expect(selectorToString(selector)).toBe("app=api,env in (canary,prod)");
  });

  it("field selectors on known fields; unknown fields are refused as the real server does", () => {
    const pod = { metadata: { name: "p", namespace: "default" }, status: { phase: "Pending" } } as unknown as KubeObject;
    expect(matchesFields(parseFieldSelector("status.phase!=Running", "pods"), pod)).toBe(true);
    expect(matchesFields(parseFieldSelector("metadata.name=p,status.phase==Pending", "pods"), pod)).toBe(true);
    expect(matchesFields(parseFieldSelector("metadata.namespace=kube-system", "pods"), pod)).toBe(false);
    expect(() => parseFieldSelector("spec.image=x", "pods")).toThrow("field label not supported: spec.image");
  });
});

/** A Kubernetes list read as it arrives: items handed out whole, wherever the body is cut. */
import { describe, expect, it } from "vitest";
import { ListReader } from "../../src/executors/list-stream.js";

// Strings that look like structure: braces, brackets, an "items" key, escaped quotes and backslashes, non-ASCII.
const items = [
  { metadata: { name: "a", annotations: { note: 'has } and ] and {"items":[ inside', quote: 'say "hi" \\ back\\' } }, status: { phase: "Running" } },
  { metadata: { name: "b", labels: { app: "api" } }, spec: { containers: [{ name: "c", args: ["[", "{", "}"] }] } },
  { metadata: { name: "ç-ü-日本" }, status: {} },
  // What the quick way to an item's end looks for, inside a string and inside a nested object; and an item that does not start with metadata.
  { metadata: { name: "c", annotations: { trap: 'x},{"metadata":{"name":"fake"}}]' } }, spec: { list: [{ a: 1 }, { metadata: { name: "inner" } }] } },
  { status: { phase: "Pending" }, metadata: { name: "d" } },
];
const body = JSON.stringify({ kind: "PodList", apiVersion: "v1", metadata: { resourceVersion: "42", note: "items:[" }, items, after: { x: [1, 2] } });

function read(pieces: string[]): { got: unknown[]; shell: Record<string, unknown> } {
  const r = new ListReader();
  const got: unknown[] = [];
  for (const p of pieces) got.push(...r.push(p));
  return { got, shell: r.end() };
}

describe("ListReader", () => {
  it("hands out every item whole, and the list without them, wherever the body is cut in two", () => {
    for (let cut = 0; cut <= body.length; cut++) {
      const { got, shell } = read([body.slice(0, cut), body.slice(cut)]);
      expect(got, `cut at ${cut}`).toEqual(items);
      expect(shell).toEqual({ kind: "PodList", apiVersion: "v1", metadata: { resourceVersion: "42", note: "items:[" }, items: [], after: { x: [1, 2] } });
    }
  });

  it("one character at a time, and the first item as soon as its closing brace is in", () => {
    const r = new ListReader();
    const firstEnd = body.indexOf('"Running"}}') + '"Running"}}'.length;
    const early: unknown[] = [];
    for (const ch of body.slice(0, firstEnd)) early.push(...r.push(ch));
    expect(early).toEqual([items[0]]);
    const rest: unknown[] = [];
    for (const ch of body.slice(firstEnd)) rest.push(...r.push(ch));
    expect(rest).toEqual(items.slice(1));
    expect(r.end()).toMatchObject({ metadata: { resourceVersion: "42" } });
  });

  it("a body cut short is an error, not a shorter list", () => {
    const r = new ListReader();
    r.push(body.slice(0, body.length - 30));
    expect(() => r.end()).toThrow();
  });

  it("a Status (no items) comes back whole", () => {
    const status = { kind: "Status", apiVersion: "v1", status: "Failure", message: "pods is forbidden", code: 403 };
    expect(read([JSON.stringify(status)])).toEqual({ got: [], shell: status });
  });
});

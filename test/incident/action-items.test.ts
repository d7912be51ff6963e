/** Action items as typed: "text @owner 2026-12-20", owner and due date optional, in either order at the end. */
import { describe, expect, it } from "vitest";
import { parseActionItem, readActionItem } from "../../src/incident/action-items.js";

describe("action items", () => {
  it.each([
    ["pin image digests", { text: "pin image digests" }],
    ["pin image digests @alice", { text: "pin image digests", owner: "alice" }],
    ["pin image digests @alice 2026-12-20", { text: "pin image digests", owner: "alice", due: "2026-12-20" }],
    ["pin image digests 2026-12-20 @alice.b", { text: "pin image digests", owner: "alice.b", due: "2026-12-20" }],
    ["email @team about it", { text: "email @team about it" }],
  ])("%s", (raw, item) => expect(parseActionItem(raw)).toEqual({ ok: true, item }));

  it.each([
    ["fix it 2026-13-01", "2026-13-01 is not a date (expected YYYY-MM-DD, e.g. 2026-12-20)"],
    ["fix it @bob 2026-02-30", "2026-02-30 is not a date (expected YYYY-MM-DD, e.g. 2026-12-20)"],
    ["fix it 2026/12/20", "2026/12/20 is not a date (expected YYYY-MM-DD, e.g. 2026-12-20)"],
    ["   ", "the item has no text"],
  ])("%s is refused: %s", (raw, problem) => expect(parseActionItem(raw)).toEqual({ ok: false, problem }));

  it("the report reads an item it cannot parse (an older file) as its text", () => {
    expect(readActionItem("fix it 2026-13-01")).toEqual({ text: "fix it 2026-13-01" });
  });
});

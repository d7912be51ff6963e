/** The shared store's state in the header (issue 20): what needs the operator's eye is an alarm on the first line. */
import { describe, expect, it } from "vitest";
import { storeText } from "../../src/ui/walk-header.js";

describe("the store's state in words", () => {
  const where = "postgres://alice:***@db:5432/incidents";
  it("online is quiet; a queue still draining says so", () => {
    expect(storeText({ where, state: "online", queued: 0 })).toEqual({ text: "store: online" });
    expect(storeText({ where, state: "online", queued: 3 })).toEqual({ text: "store: online, sending 3 events" });
  });
  it("offline is yellow with its queue; someone else driving is red, whatever the connection", () => {
    expect(storeText({ where, state: "offline", queued: 1 })).toEqual({ text: "store: offline (1 event queued)", alarm: "yellow" });
    expect(storeText({ where, state: "offline", queued: 12, drivenBy: "bob" })).toEqual({ text: "store: bob drives now; this console runs no further step", alarm: "red" });
  });
});

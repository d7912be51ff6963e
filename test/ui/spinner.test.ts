/** The running step's spinner moves with the clock and with output, without a timer of its own. */
import { describe, expect, it } from "vitest";
import { spinnerFrame } from "../../src/ui/output-pane.js";

describe("spinnerFrame", () => {
  it("stays put within a second of silence and moves when a second passes or output arrives", () => {
    expect(spinnerFrame(10_000, 0)).toBe(spinnerFrame(10_999, 0));
    expect(spinnerFrame(11_000, 0)).not.toBe(spinnerFrame(10_000, 0));
    expect(spinnerFrame(10_000, 1_001)).not.toBe(spinnerFrame(10_000, 0));
  });
});

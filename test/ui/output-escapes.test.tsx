/** The console's output pane draws a step's escape sequences as nothing but SGR colour. */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { scratchDir } from "../helpers/cli.js";
import { renderConsole } from "../helpers/ui.js";

const PRINT = String.raw`printf 'osc52 \033]52;c;aGVsbG8=\007 title \033]0;pwned\007 csi \302\2332J c1osc \302\2350;pwned2\302\234 sgr \033[31mred\033[0m end-of-escapes\n'`;

describe("output pane", () => {
  it("a step printing OSC 52, OSC 0, C1 CSI and SGR: only the SGR colour is in the frame", async () => {
    const dir = scratchDir(onTestFinished);
    writeFileSync(
      path.join(dir, "esc.yaml"),
      ["apiVersion: handrail/v1", "kind: Runbook", "id: esc", "title: Escapes", "phases:", "  - id: d", "    kind: diagnose", "    title: D", "    steps:", "      - id: print", "        title: Print escapes", `        run: ${JSON.stringify(PRINT)}`, "      - { id: after, title: After, run: 'true' }", ""].join("\n"),
    );
    const c = await renderConsole({ runbooksDir: dir, onCleanup: onTestFinished });
    await c.controller.startIncident("esc", "high", {});
    await c.waitFor("D › Print escapes");
    await c.press("r");
    await c.waitFor("end-of-escapes");
    const raw = c.ui.lastFrame() ?? "";
    const line = raw.split("\n").find((l) => l.includes("end-of-escapes"))!;
    expect(line).toContain("\u001b[31mred");
    // eslint-disable-next-line no-control-regex -- the controls are what is looked for.
    const controls = line.match(/\u001b\[[0-9;:]*m|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g) ?? [];
    expect(controls.filter((m) => !m.startsWith("\u001b["))).toEqual([]);
    expect(line).not.toContain("pwned");
    expect(line).not.toContain("aGVsbG8=");
    // eslint-disable-next-line no-control-regex -- removing the SGR kept in the frame.
    expect(line.replace(/\u001b\[[0-9;:]*m/g, "")).toContain("osc52  title  csi  c1osc  sgr red end-of-escapes");
  });
});

/** What the console's output pane draws of a step's output: colour but no other escape, no credential. */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { MASK } from "../../src/incident/redact.js";
import { scratchDir } from "../helpers/cli.js";
import { renderConsole } from "../helpers/ui.js";
import { SECRET_SHAPES } from "../fixtures/secret-shapes.js";

function runbook(dir: string, run: string): void {
  writeFileSync(
    path.join(dir, "pane.yaml"),
    ["apiVersion: handrail/v1", "kind: Runbook", "id: pane", "title: Pane", "phases:", "  - id: d", "    kind: diagnose", "    title: D", "    steps:", "      - id: print", "        title: Print output", `        run: ${JSON.stringify(run)}`, "      - { id: after, title: After, run: 'true' }", ""].join("\n"),
  );
}

const PRINT = String.raw`printf 'osc52 \033]52;c;aGVsbG8=\007 title \033]0;pwned\007 csi \302\2332J c1osc \302\2350;pwned2\302\234 sgr \033[31mred\033[0m end-of-escapes\n'`;

describe("output pane", () => {
  it("a step printing OSC 52, OSC 0, C1 CSI and SGR: only the SGR colour is in the frame", async () => {
    const dir = scratchDir(onTestFinished);
    runbook(dir, PRINT);
    const c = await renderConsole({ runbooksDir: dir, onCleanup: onTestFinished });
    await c.controller.startIncident("pane", "high", {});
    await c.waitFor("D › Print output");
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

  it("a step printing credentials: the pane's lines hold masks, not the secrets", async () => {
    const dir = scratchDir(onTestFinished);
    writeFileSync(path.join(dir, "shapes.txt"), `${SECRET_SHAPES.map((s) => s[1]).join("\n")}\nshapes-end\n`);
    runbook(dir, `cat '${path.join(dir, "shapes.txt")}'`);
    const c = await renderConsole({ runbooksDir: dir, onCleanup: onTestFinished });
    await c.controller.startIncident("pane", "high", {});
    await c.waitFor("D › Print output");
    await c.press("r");
    await c.waitFor("shapes-end");
    // The pane draws the newest lines that fit; the store holds every line it can draw.
    const lines = (c.store.getState().live?.lines ?? []).map((l) => l.text);
    expect(lines).toHaveLength(SECRET_SHAPES.length + 1);
    const frame = c.frame();
    for (const [what, line, secret] of SECRET_SHAPES) {
      const shown = line.slice(0, line.indexOf(secret) + secret.length);
      expect(lines.join("\n"), what).not.toContain(shown);
      expect(frame, what).not.toContain(shown);
    }
    expect(lines.filter((l) => l.includes(MASK))).toHaveLength(SECRET_SHAPES.length);
  });
});

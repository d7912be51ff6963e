/** The line input behaves like readline: every key a pure edit (bursts included), and the prompt as an operator types into it. */
import { render } from "ink-testing-library";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import type { IncidentEvent } from "../../src/incident/events.js";
import { checkInputValue } from "../../src/runbooks/inputs.js";
import { ConsoleProvider } from "../../src/ui/context.js";
import type { ConsoleController } from "../../src/ui/controller.js";
import { editLine, lineBreak, startLine, type LineState } from "../../src/ui/line-edit.js";
import { createConsoleStore } from "../../src/ui/store.js";
import { TextPrompt, type TextPromptProps } from "../../src/ui/text-prompt.js";
import { KEYS, plain, renderConsole } from "../helpers/ui.js";

const at = (text: string, cursor = text.length): LineState => ({ text, cursor, selected: false });
const selected = (text: string): LineState => startLine(text);
const [LEFT, RIGHT, HOME, END, DELETE, UP, CTRL_U, CTRL_W] = ["\u001b[D", "\u001b[C", "\u001b[H", "\u001b[F", "\u001b[3~", "\u001b[A", "\u0015", "\u0017"];

describe("editLine: one event from the terminal, however many keys it holds", () => {
  const cases: Array<[string, LineState, string, LineState]> = [
    ["inserts at the cursor", at("ac", 1), "b", at("abc", 2)],
    ["inserts a paste at the cursor", at("ad", 1), "bc", at("abcd", 3)],
    ["Backspace (DEL) deletes the character before the cursor", at("abc"), "\u007f", at("ab")],
    ["Ctrl-H deletes the character before the cursor", at("abc"), "\u0008", at("ab")],
    ["Backspace in the middle", at("abc", 2), "\u007f", at("ac", 1)],
    ["Backspace at the start does nothing", at("abc", 0), "\u007f", at("abc", 0)],
    ["a burst of DELs deletes one character each", at("deploy"), "\u007f\u007f\u007f", at("dep")],
    ["a burst of Ctrl-H deletes one character each", at("deploy"), "\u0008\u0008", at("depl")],
    ["text then DELs in one chunk", at(""), "abc\u007f\u007f", at("a")],
    ["more DELs than text stops at empty", at("ab"), "\u007f\u007f\u007f\u007fx", at("x")],
    ["Delete deletes forward", at("abc", 1), DELETE, at("ac", 1)],
    ["Delete at the end does nothing", at("abc"), DELETE, at("abc")],
    ["Ctrl-D deletes forward", at("abc", 0), "\u0004", at("bc", 0)],
    ["Ctrl-U clears to the start of the line", at("hello world", 6), CTRL_U, at("world", 0)],
    ["Ctrl-U at the end clears the line", at("hello world"), CTRL_U, at("")],
    ["Ctrl-K clears to the end of the line", at("hello world", 5), "\u000b", at("hello", 5)],
    ["Ctrl-W deletes the word before the cursor", at("kubectl get pods"), CTRL_W, at("kubectl get ")],
    ["Ctrl-W skips the spaces before the word", at("kubectl get  "), CTRL_W, at("kubectl ")],
    ["Ctrl-W in the middle keeps what follows", at("a bc d", 4), CTRL_W, at("a  d", 2)],
    ["Ctrl-W twice in one chunk", at("a b c"), CTRL_W + CTRL_W, at("a ")],
    ["Alt-Backspace deletes the word too", at("get pods"), "\u001b\u007f", at("get ")],
    ["Ctrl-A goes to the start", at("abc"), "\u0001", at("abc", 0)],
    ["Home goes to the start", at("abc"), HOME, at("abc", 0)],
    ["Home as ESC [1~", at("abc"), "\u001b[1~", at("abc", 0)],
    ["Home as ESC O H", at("abc"), "\u001bOH", at("abc", 0)],
    ["Ctrl-E goes to the end", at("abc", 0), "\u0005", at("abc")],
    ["End goes to the end", at("abc", 0), END, at("abc")],
    ["End as ESC [4~", at("abc", 0), "\u001b[4~", at("abc")],
    ["← moves left", at("abc"), LEFT, at("abc", 2)],
    ["← stops at the start", at("abc", 0), LEFT, at("abc", 0)],
    ["→ moves right", at("abc", 1), RIGHT, at("abc", 2)],
    ["→ stops at the end", at("abc"), RIGHT, at("abc")],
    ["Ctrl-← is read as ←", at("abc"), "\u001b[1;5D", at("abc", 2)],
    ["Ctrl-B and Ctrl-F move", at("abc", 1), "\u0002\u0002\u0006", at("abc", 1)],
    ["Backspace takes a whole emoji", at("ok👍"), "\u007f", at("ok")],
    ["← steps over a whole emoji", at("👍"), LEFT, at("👍", 0)],
    // Control bytes never become text.
    ["C0 controls in a paste are dropped", at(""), "a\u0000b\u0007c\u001bd\u0003", at("abcd")],
    ["C1 controls are dropped", at(""), "a\u0085b\u009bc", at("abc")],
    ["a tab in a paste becomes a space", at(""), "kubectl\tget", at("kubectl get")],
    ["a Tab key on its own types nothing", at("abc"), "\t", at("abc")],
    ["↑ is not an edit", at("abc"), UP, at("abc")],
    ["an unknown escape sequence (F5) is dropped", at("abc"), "\u001b[15~", at("abc")],
    ["a paste-start marker is dropped", at("abc"), "\u001b[200~", at("abc")],
    ["Alt-x is dropped", at("abc"), "\u001bx", at("abc")],
    ["a lone Escape is dropped", at("abc"), "\u001b", at("abc")],
    // A pre-filled value is selected.
    ["typing replaces a selected default whole", selected("staging-user@staging-host"), "d", at("d")],
    ["a paste replaces a selected default whole", selected("api"), "deploy@db", at("deploy@db")],
    ["Backspace deletes the whole selection", selected("api"), "\u007f", at("")],
    ["a DEL burst on a selection deletes it, then nothing more", selected("api"), "\u007f\u007f\u007fx", at("x")],
    ["Delete deletes the whole selection", selected("api"), DELETE, at("")],
    ["Ctrl-U deletes the whole selection", selected("api"), CTRL_U, at("")],
    ["Ctrl-W deletes the whole selection", selected("api v2"), CTRL_W, at("")],
    ["← drops the selection and moves", selected("api"), LEFT, at("api", 2)],
    ["→ drops the selection (the cursor is already at the end)", selected("api"), RIGHT, at("api")],
    ["Home drops the selection and goes to the start", selected("api"), HOME, at("api", 0)],
    ["End drops the selection", selected("api"), END, at("api")],
    ["a control byte leaves the selection alone", selected("api"), "\u0007", selected("api")],
    ["↑ leaves the selection alone", selected("api"), UP, selected("api")],
  ];
  it.each(cases)("%s", (_what, before, sequence, after) => {
    expect(editLine(before, sequence)).toEqual(after);
  });

  it("an empty default is not selected, and select=false keeps the cursor after it", () => {
    expect(startLine("")).toEqual(at(""));
    expect(startLine("api", false)).toEqual(at("api"));
  });

  const breaks: Array<[string, string, ReturnType<typeof lineBreak>]> = [
    ["Enter", "\r", { at: 0, length: 1 }],
    ["a line feed", "\n", { at: 0, length: 1 }],
    ["text and CR LF", "ab\r\ncd", { at: 2, length: 2 }],
    ["the first of several", "a\rb\r", { at: 1, length: 1 }],
    ["Alt-Enter", "\u001b\r", { at: 0, length: 2 }],
    ["no line break", "abc\u007f", undefined],
    ["an escape sequence", "\u001b[D", undefined],
  ];
  it.each(breaks)("lineBreak: %s", (_what, sequence, expected) => {
    expect(lineBreak(sequence)).toEqual(expected);
  });
});

/** A TextPrompt on its own, with the console's key flow; the controller is never called by a prompt. */
function renderPrompt(props: Partial<TextPromptProps> = {}) {
  const submitted: string[] = [];
  const controller = new Proxy({} as ConsoleController, {
    get: (_t, name) => () => {
      throw new Error(`a prompt called controller.${String(name)}`);
    },
  });
  const ui = render(
    <ConsoleProvider store={createConsoleStore()} controller={controller} interactive>
      <TextPrompt label="Value:" onSubmit={(v) => submitted.push(v)} onCancel={() => submitted.push("<cancelled>")} {...props} />
    </ConsoleProvider>,
  );
  onTestFinished(() => ui.unmount());
  const frame = () => plain(ui.lastFrame());
  const waitFor = async (check: (frame: string) => boolean, what: string) => {
    const deadline = Date.now() + 5_000;
    while (!check(frame())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the frame was:\n${frame()}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  /** Write one chunk (as the terminal delivers it) and wait until the field shows `field`. */
  const write = async (chunk: string, field: string) => {
    ui.stdin.write(chunk);
    await waitFor((f) => (f.split("\n")[0] ?? "").trimEnd() === `Value: ${field}`.trimEnd(), `the field to read "${field}"`);
  };
  const submit = async () => {
    const n = submitted.length;
    ui.stdin.write(KEYS.enter);
    await waitFor(() => submitted.length > n, "the value to be submitted");
    return submitted.at(-1);
  };
  return { ui, frame, waitFor, write, submit, submitted };
}

describe("the text prompt as an operator types into it", () => {
  it("a burst of DELs in one write deletes one character each, on screen and in the value", async () => {
    const p = renderPrompt();
    await p.write("deploy-x", "deploy-x");
    await p.write("\u007f\u007f\u007f", "deplo");
    await p.write("y\u007f\u007fs", "depls");
    expect(await p.submit()).toBe("depls");
  });

  it("Ctrl-U clears to the start of the line, Delete deletes forward", async () => {
    const p = renderPrompt();
    await p.write("hello world", "hello world");
    for (let i = 0; i < 5; i++) p.ui.stdin.write(LEFT);
    await p.write(CTRL_U, "world");
    // The cursor is at the start now: Delete takes the character under it, which Backspace would not.
    await p.write(DELETE, "orld");
    expect(await p.submit()).toBe("orld");
  });

  it("a pre-filled default is typed over whole; after End it is edited", async () => {
    const p = renderPrompt({ initial: "staging-user@staging-host" });
    await p.write("d", "d");
    await p.write("eploy@db-1", "deploy@db-1");
    expect(await p.submit()).toBe("deploy@db-1");

    const q = renderPrompt({ initial: "api" });
    await q.write(END, "api");
    await q.write("2", "api2");
    expect(await q.submit()).toBe("api2");

    const r = renderPrompt({ initial: "api" });
    await r.waitFor((f) => f.includes("Value: api"), "the default");
    expect(await r.submit()).toBe("api");
  });

  it("the key that opened the prompt is dropped, and the next one replaces the default", async () => {
    const p = renderPrompt({ initial: "echo hi", openedBy: "e" });
    p.ui.stdin.write("e");
    await p.write("x", "x");
    expect(await p.submit()).toBe("x");
  });

  it("Ctrl-W deletes the word before the cursor", async () => {
    const p = renderPrompt();
    await p.write("kubectl get pods", "kubectl get pods");
    await p.write(CTRL_W, "kubectl get");
    await p.write("deploy", "kubectl get deploy");
    expect(await p.submit()).toBe("kubectl get deploy");
  });

  it("control bytes in a paste never become text; a tab becomes a space", async () => {
    const p = renderPrompt();
    await p.write("echo\tok\u0007\u0000\u009b!", "echo ok!");
    p.ui.stdin.write("\u001b[15~");
    await p.write("\u0001#", "#echo ok!");
    expect(await p.submit()).toBe("#echo ok!");
  });

  it("what is wrong shows as it is typed, in words, on a line kept for it; Enter on it keeps the prompt open", async () => {
    const spec = { type: "name" } as const;
    const p = renderPrompt({
      validate: (v) => {
        const r = checkInputValue(spec, v);
        return r.ok ? undefined : r.message;
      },
      hint: "the deployment's name",
    });
    await p.waitFor((f) => f.includes("the deployment's name"), "the prompt");
    const lines = p.frame().split("\n").length;
    expect(p.frame()).not.toContain("expected a name");
    await p.write("Api", "Api");
    await p.waitFor((f) => f.includes("expected a name (lowercase letters, digits and '-'"), "the message while typing");
    expect(p.frame().split("\n").length).toBe(lines);
    p.ui.stdin.write(KEYS.enter);
    await p.write("\u0001\u000b", "");
    expect(p.submitted).toEqual([]);
    await p.write("api", "api");
    await p.waitFor((f) => !f.includes("expected a name"), "the message to go");
    expect(p.frame().split("\n").length).toBe(lines);
    expect(await p.submit()).toBe("api");
  });
});

describe("the start screen", () => {
  it("a default typed over at the input prompt reaches the incident file as typed", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "handrail-rb-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(
      path.join(dir, "x.yaml"),
      `apiVersion: handrail/v1
kind: Runbook
id: remote
title: Remote host
inputs:
  host: { type: string, prompt: SSH target, default: staging-user@staging-host }
phases:
  - id: look
    kind: assess
    title: Look
    steps:
      - { id: ps, title: Containers, run: 'echo "$host"' }
`,
    );
    const c = await renderConsole({ runbooksDir: dir, onCleanup: onTestFinished });
    await c.waitFor("Remote host (remote)");
    await c.press(..."remote", KEYS.enter);
    await c.waitFor("how severe is it?");
    await c.press("2");
    await c.waitFor("SSH target (string): staging-user@staging-host");
    // The whole answer in one chunk, with a held Backspace in the middle of it.
    c.ui.stdin.write("deploy@db-1x\u007f");
    await c.waitFor("SSH target (string): deploy@db-1");
    await c.press(KEYS.enter);
    await c.waitFor("Look › Containers");
    const file = readdirSync(c.incidentsDir).find((f) => f.endsWith(".jsonl"))!;
    const events = readFileSync(path.join(c.incidentsDir, file), "utf8").trim().split("\n").map((l) => JSON.parse(l) as IncidentEvent);
    expect(events.filter((e) => e.type === "input.set")).toEqual([expect.objectContaining({ name: "host", value: "deploy@db-1" })]);
  });
});

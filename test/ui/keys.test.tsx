/** Keys typed the moment a screen appears, or in one burst with Enter, reach what is on screen. */
import { Text } from "ink";
import { render } from "ink-testing-library";
import { useState } from "react";
import { describe, expect, it } from "vitest";
import { KeysProvider, useKeys } from "../../src/ui/keys.js";
import { LineInput } from "../../src/ui/line-input.js";
import { KEYS, plain } from "../helpers/ui.js";

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function Prompts({ answers }: { answers: string[] }) {
  const [n, setN] = useState(0);
  // Each answer mounts a new prompt: the next keys must reach it, however soon they come.
  return (
    <KeysProvider active>
      <Text>{`prompt ${n + 1}: `}</Text>
      <LineInput
        key={n}
        onSubmit={(v) => {
          answers.push(v);
          setN((x) => x + 1);
        }}
      />
    </KeysProvider>
  );
}

describe("keys", () => {
  it("text and Enter in one chunk submit, and the prompt that appears next gets the keys right behind", async () => {
    const answers: string[] = [];
    const ui = render(<Prompts answers={answers} />);
    await until(() => plain(ui.lastFrame()).includes("prompt 1:"), "the first prompt");
    // One write: three answers typed ahead, each followed by Enter.
    ui.stdin.write("first\rsecond\rthird\r");
    await until(() => answers.length === 3, "three answers");
    expect(answers).toEqual(["first", "second", "third"]);
    // And key by key, each sent before the next prompt has had a chance to draw.
    for (const ch of ["f", "o", "u", "r", KEYS.enter, "5", KEYS.enter]) ui.stdin.write(ch);
    await until(() => answers.length === 5, "two more answers");
    expect(answers.slice(3)).toEqual(["four", "5"]);
    ui.unmount();
  });

  it("a handler gets the terminal's own sequence: Backspace (DEL) and Delete differ, a burst stays whole", async () => {
    const seen: string[] = [];
    function Screen() {
      useKeys((_input, _key, sequence) => seen.push(JSON.stringify(sequence)));
      return <Text>ready</Text>;
    }
    const ui = render(
      <KeysProvider active>
        <Screen />
      </KeysProvider>,
    );
    await until(() => plain(ui.lastFrame()).includes("ready"), "the screen");
    for (const chunk of ["\u007f", "\u001b[3~", "ab\u007f\u007f"]) ui.stdin.write(chunk);
    await until(() => seen.length === 3, "three keys");
    expect(seen).toEqual([JSON.stringify("\u007f"), JSON.stringify("\u001b[3~"), JSON.stringify("ab\u007f\u007f")]);
    ui.unmount();
  });

  it("a handler is attached in the commit that draws it", async () => {
    const seen: string[] = [];
    function Screen({ name }: { name: string }) {
      useKeys((input) => seen.push(`${name}:${input}`));
      return <Text>{name}</Text>;
    }
    function Switch() {
      const [screen, setScreen] = useState("a");
      useKeys((input) => {
        if (input === "x") setScreen("b");
      });
      return <Screen key={screen} name={screen} />;
    }
    const ui = render(
      <KeysProvider active>
        <Switch />
      </KeysProvider>,
    );
    await until(() => plain(ui.lastFrame()).includes("a"), "screen a");
    ui.stdin.write("x");
    await until(() => plain(ui.lastFrame()).includes("b"), "screen b");
    ui.stdin.write("y");
    await until(() => seen.includes("b:y"), "b to get y");
    expect(seen).not.toContain("a:y");
    ui.unmount();
  });
});

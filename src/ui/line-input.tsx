/**
 * One line of editable text with a cursor (←/→, backspace, paste; a line break submits). The input owns its text, in a
 * ref as well as in state, so keys arriving in one burst (typed ahead, pasted, Enter right behind
 * the text) each see what the previous key left, not the last rendered value.
 */
import { Text } from "ink";
import { useRef, useState } from "react";
import { useKeyFlow, useKeys } from "./keys.js";

export interface LineInputProps {
  initial?: string;
  focus?: boolean;
  /** Shown instead of each character (secrets). */
  mask?: string;
  /** Return false to refuse an edit (the text stays as it was). */
  accept?: (next: string, previous: string) => boolean;
  onChange?: (value: string) => void;
  /** Return "clear" to empty the line for the next value (a prompt asked several times). */
  onSubmit: (value: string) => "clear" | void;
}

/** Pure: the line and cursor after one key. */
export function editLine(text: string, cursor: number, input: string, key: { leftArrow?: boolean; rightArrow?: boolean; backspace?: boolean; delete?: boolean; ctrl?: boolean; meta?: boolean }): { text: string; cursor: number } {
  if (key.leftArrow) return { text, cursor: Math.max(0, cursor - 1) };
  if (key.rightArrow) return { text, cursor: Math.min(text.length, cursor + 1) };
  if (key.backspace || key.delete) return cursor > 0 ? { text: text.slice(0, cursor - 1) + text.slice(cursor), cursor: cursor - 1 } : { text, cursor };
  if (key.ctrl || key.meta || !input) return { text, cursor };
  return { text: text.slice(0, cursor) + input + text.slice(cursor), cursor: cursor + input.length };
}

export function LineInput({ initial = "", focus = true, mask, accept, onChange, onSubmit }: LineInputProps) {
  const line = useRef({ text: initial, cursor: initial.length });
  const [, redraw] = useState(0);
  const keys = useKeyFlow();
  useKeys(
    (input, key) => {
      if (key.upArrow || key.downArrow || key.tab || key.escape || (key.ctrl && input === "c")) return;
      const submit = () => {
        // The answer changes the screen: keys typed behind it are for what is drawn next.
        keys.hold();
        if (onSubmit(line.current.text) === "clear") line.current = { text: "", cursor: 0 };
      };
      const type = (text: string, k: typeof key) => {
        const before = line.current;
        const next = editLine(before.text, before.cursor, text, k);
        if (next.text !== before.text && accept && !accept(next.text, before.text)) return;
        line.current = next;
        if (next.text !== before.text) onChange?.(next.text);
      };
      if (key.return) submit();
      else if (!key.ctrl && !key.meta && /[\r\n]/.test(input)) {
        // Text and Enter read in one chunk (typed ahead, or a slow reader): the line break submits, as a terminal's line discipline would.
        const at = input.search(/\r\n|\r|\n/);
        const len = input.startsWith("\r\n", at) ? 2 : 1;
        if (at > 0) type(input.slice(0, at), { ...key, return: false });
        submit();
        // What follows the line break is for whatever is on screen after this answer.
        const rest = input.slice(at + len);
        if (rest) keys.dispatch(rest);
      } else type(input, key);
      redraw((n) => n + 1);
    },
    { isActive: focus },
  );
  const { text, cursor } = line.current;
  const shown = mask ? mask.repeat(text.length) : text;
  if (!focus) return <Text>{shown}</Text>;
  return (
    <Text>
      {shown.slice(0, cursor)}
      <Text inverse>{shown[cursor] ?? " "}</Text>
      {shown.slice(cursor + 1)}
    </Text>
  );
}

/**
 * One line of editable text with readline's keys (see line-edit.ts); a line break submits. The input
 * owns its text, in a ref as well as in state, so keys arriving in one burst (typed ahead, pasted,
 * Enter right behind the text) each see what the previous key left, not the last rendered value.
 */
import { Text } from "ink";
import { useRef, useState } from "react";
import { useKeyFlow, useKeys } from "./keys.js";
import { editLine, lineBreak, startLine, type LineState } from "./line-edit.js";

export interface LineInputProps {
  /** A pre-filled value, shown selected: the first key typed replaces it, an arrow or Home/End starts editing it. */
  initial?: string;
  /** Set false to start with the cursor after `initial` instead of selecting it. */
  select?: boolean;
  focus?: boolean;
  /** Shown instead of each character (secrets). */
  mask?: string;
  /** Return true to drop the first key (the key that opened the prompt, arriving late). */
  ignoreFirst?: (sequence: string) => boolean;
  onChange?: (value: string) => void;
  /** Return "clear" to empty the line for the next value (a prompt asked several times); onChange is not called for it. */
  onSubmit: (value: string) => "clear" | void;
}

/** What the line looks like: the selection or the cursor cell in inverse, secrets masked. */
function view(line: LineState, mask: string | undefined, focus: boolean) {
  const shown = (s: string) => (mask ? mask.repeat([...s].length) : s);
  if (!focus) return <Text>{shown(line.text)}</Text>;
  if (line.selected) return <Text inverse>{shown(line.text)}</Text>;
  const cp = line.text.codePointAt(line.cursor);
  const cell = cp === undefined ? "" : String.fromCodePoint(cp);
  return (
    <Text>
      {shown(line.text.slice(0, line.cursor))}
      <Text inverse>{cell ? shown(cell) : " "}</Text>
      {shown(line.text.slice(line.cursor + cell.length))}
    </Text>
  );
}

export function LineInput({ initial = "", select = true, focus = true, mask, ignoreFirst, onChange, onSubmit }: LineInputProps) {
  const line = useRef(startLine(initial, select));
  const first = useRef(true);
  const [, redraw] = useState(0);
  const keys = useKeyFlow();
  const set = (next: LineState) => {
    const changed = next.text !== line.current.text;
    line.current = next;
    if (changed) onChange?.(next.text);
  };
  useKeys(
    (_input, _key, sequence) => {
      if (first.current) {
        first.current = false;
        if (ignoreFirst?.(sequence)) return;
      }
      const end = lineBreak(sequence);
      set(editLine(line.current, end ? sequence.slice(0, end.at) : sequence));
      if (end) {
        // The answer changes the screen: keys typed behind it are for what is drawn next.
        keys.hold();
        // Cleared for the next value: the owner asked for it, so this is not a change to report.
        if (onSubmit(line.current.text) === "clear") line.current = startLine("");
        // Text and Enter read in one chunk (typed ahead, or a slow reader): what follows the line break is for whatever is on screen after this answer.
        const rest = sequence.slice(end.at + end.length);
        if (rest) keys.dispatch(rest);
      }
      redraw((n) => n + 1);
    },
    { isActive: focus },
  );
  return view(line.current, mask, focus);
}

/**
 * The line editor as pure functions: raw terminal input in, the line out. It reads the bytes the
 * terminal sent rather than Ink's key flags, because Ink hands a burst ("abc\x7f\x7f", a held
 * Backspace over a slow ssh link) over as one string with no flags set, and reports DEL (\x7f, the
 * Backspace key) and Delete (ESC [3~) alike. Line breaks are not handled here: the input submits
 * on them before the rest reaches the editor.
 */

/** The line, the cursor (a UTF-16 offset, never inside a surrogate pair) and whether the whole line is selected (a pre-filled default). */
export interface LineState {
  text: string;
  cursor: number;
  selected: boolean;
}

/** One editing key. */
export type LineKey =
  | { type: "insert"; text: string }
  | { type: "backspace" | "delete" | "left" | "right" | "home" | "end" | "kill-start" | "kill-end" | "kill-word" };

type Edit = Exclude<LineKey, { type: "insert" }>["type"];

const ESC = "\u001b";

// Control characters as readline binds them; every other C0 control is dropped.
const CONTROLS: Record<string, Edit> = {
  "\u0001": "home", // Ctrl-A
  "\u0002": "left", // Ctrl-B
  "\u0004": "delete", // Ctrl-D
  "\u0005": "end", // Ctrl-E
  "\u0006": "right", // Ctrl-F
  "\u0008": "backspace", // Ctrl-H
  "\u000b": "kill-end", // Ctrl-K
  "\u0015": "kill-start", // Ctrl-U
  "\u0017": "kill-word", // Ctrl-W
  "\u007f": "backspace", // DEL: what the Backspace key sends on most terminals
};

// Escape sequences after ESC, modifiers stripped ("[1;5D" is read as "[D"); anything else is dropped.
const SEQUENCES: Record<string, Edit> = {
  "[D": "left",
  OD: "left",
  "[C": "right",
  OC: "right",
  "[H": "home",
  OH: "home",
  "[1~": "home",
  "[7~": "home",
  "[F": "end",
  OF: "end",
  "[4~": "end",
  "[8~": "end",
  "[3~": "delete",
  "\u007f": "kill-word", // Alt-Backspace
  "\u0008": "kill-word",
};

/** The line a prompt starts with: a pre-filled value is selected, so typing replaces it whole. */
export function startLine(initial: string, select = true): LineState {
  return { text: initial, cursor: initial.length, selected: select && initial !== "" };
}

function isDropped(code: number): boolean {
  // C0 controls, DEL and C1 controls never become text.
  return code < 0x20 || (code >= 0x7f && code <= 0x9f);
}

/** Pure: the keys in one event from the terminal (an escape sequence, or text that may hold control characters). */
export function decodeKeys(sequence: string): LineKey[] {
  if (sequence.startsWith(ESC)) {
    const body = sequence.slice(1).replace(/^\[1;\d+([A-Z])$/, "[$1").replace(/^\[(\d+);\d+~$/, "[$1~");
    const edit = SEQUENCES[body];
    return edit ? [{ type: edit }] : [];
  }
  // A Tab on its own is a key (nothing to do in a line); inside pasted text it is spacing.
  if (sequence === "\t") return [];
  const keys: LineKey[] = [];
  let text = "";
  const flush = () => {
    if (text) keys.push({ type: "insert", text });
    text = "";
  };
  for (const ch of sequence) {
    const code = ch.codePointAt(0) ?? 0;
    const edit = CONTROLS[ch];
    if (edit) {
      flush();
      keys.push({ type: edit });
    } else if (ch === "\t") text += " "; // a pasted tab becomes a space: the line has no tab stops, and a command split by tabs still splits
    else if (!isDropped(code)) text += ch;
  }
  flush();
  return keys;
}

function before(text: string, i: number): number {
  if (i <= 0) return 0;
  const low = text.charCodeAt(i - 1);
  const high = text.charCodeAt(i - 2);
  return low >= 0xdc00 && low <= 0xdfff && high >= 0xd800 && high <= 0xdbff ? i - 2 : i - 1;
}

function after(text: string, i: number): number {
  if (i >= text.length) return text.length;
  const cp = text.codePointAt(i) ?? 0;
  return i + (cp > 0xffff ? 2 : 1);
}

/** Where the word before the cursor starts (readline's unix-word-rubout: words are split by whitespace). */
function wordStart(text: string, cursor: number): number {
  let i = cursor;
  while (i > 0 && /\s/.test(text[i - 1]!)) i--;
  while (i > 0 && !/\s/.test(text[i - 1]!)) i--;
  return i;
}

/** Pure: the line after one key. */
export function applyKey(state: LineState, key: LineKey): LineState {
  const { text, cursor } = state;
  if (state.selected) {
    // The whole line is selected: typing replaces it, a deleting key deletes it, a move only drops the selection.
    if (key.type === "insert") return { text: key.text, cursor: key.text.length, selected: false };
    if (key.type === "backspace" || key.type === "delete" || key.type.startsWith("kill-")) return { text: "", cursor: 0, selected: false };
    return applyKey({ ...state, selected: false }, key);
  }
  const at = (t: string, c: number): LineState => ({ text: t, cursor: c, selected: false });
  switch (key.type) {
    case "insert":
      return at(text.slice(0, cursor) + key.text + text.slice(cursor), cursor + key.text.length);
    case "backspace": {
      const from = before(text, cursor);
      return at(text.slice(0, from) + text.slice(cursor), from);
    }
    case "delete":
      return at(text.slice(0, cursor) + text.slice(after(text, cursor)), cursor);
    case "left":
      return at(text, before(text, cursor));
    case "right":
      return at(text, after(text, cursor));
    case "home":
      return at(text, 0);
    case "end":
      return at(text, text.length);
    case "kill-start":
      return at(text.slice(cursor), 0);
    case "kill-end":
      return at(text.slice(0, cursor), cursor);
    case "kill-word": {
      const from = wordStart(text, cursor);
      return at(text.slice(0, from) + text.slice(cursor), from);
    }
  }
}

/** Pure: the line after one event from the terminal, however many keys it holds (a burst, a paste). */
export function editLine(state: LineState, sequence: string): LineState {
  return decodeKeys(sequence).reduce(applyKey, state);
}

/** Where the first line break in this event is, if any. An escape sequence holds none, except Alt-Enter (which submits, as Enter does). */
export function lineBreak(sequence: string): { at: number; length: number } | undefined {
  if (sequence.startsWith(ESC)) return sequence === `${ESC}\r` ? { at: 0, length: 2 } : undefined;
  const at = sequence.search(/\r|\n/);
  if (at < 0) return undefined;
  return { at, length: sequence.startsWith("\r\n", at) ? 2 : 1 };
}

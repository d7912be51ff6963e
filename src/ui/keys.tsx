/**
 * Keys reach the screens through one Ink input listener for the whole console. Ink's own
 * `useInput` attaches each listener in a passive effect, after the frame that shows its screen is
 * already on the terminal: a key typed the moment a prompt appears (an operator typing ahead, a
 * paste) found no listener and was dropped. Here screens register in a layout effect, which runs
 * in the same commit as the frame, so whatever is on screen is what receives the next key; and a
 * handler whose key changes the screen can hold the keys behind it until that change is drawn.
 */
import { useInput, useStdin, type Key } from "ink";
import { createContext, useContext, useEffect, useLayoutEffect, useRef, useState, type ReactNode } from "react";

/**
 * `sequence` is what the terminal sent for this key, as Ink split it off the input: an escape
 * sequence, or text that can hold control characters (a burst of Backspaces arrives as "\x7f\x7f\x7f"
 * with no key flag set). A line editor reads it; Ink's flags cannot tell DEL (\x7f) from Delete (ESC [3~).
 */
export type KeyHandler = (input: string, key: Key, sequence: string) => void;

/** How long held keys wait for the next frame at most (a change that draws nothing must not eat keys). */
export const HOLD_MAX_MS = 100;

const PLAIN: Key = { upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false };

/** The key flow of one console: who listens, and the keys held for the next frame. */
class KeyFlow {
  readonly handlers = new Set<{ current: KeyHandler }>();
  private held: Array<[string, Key, string]> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** Deliver a key to every active handler, in the order they became active (as Ink would), or hold it. */
  dispatch(input: string, key: Key = PLAIN, sequence: string = input): void {
    if (this.held) {
      this.held.push([input, key, sequence]);
      return;
    }
    for (const h of [...this.handlers]) h.current(input, key, sequence);
  }

  /** Keys from now on wait until the next frame is drawn (the current key changes the screen). */
  hold(): void {
    if (this.held) return;
    this.held = [];
    this.timer = setTimeout(() => this.release(), HOLD_MAX_MS);
  }

  /** A frame was drawn: the held keys go to what is on screen now, in order. */
  release(): void {
    const queue = this.held;
    if (!queue) return;
    this.held = undefined;
    clearTimeout(this.timer);
    for (const [input, key, sequence] of queue) this.dispatch(input, key, sequence);
  }
}

const KeysContext = createContext<KeyFlow | undefined>(undefined);

/** The one listener of the console. */
export function KeysProvider({ active, children }: { active: boolean; children: ReactNode }) {
  const [flow] = useState(() => new KeyFlow());
  const { internal_eventEmitter: events } = useStdin();
  const sequence = useRef("");
  useEffect(() => {
    // Ink emits each key's raw text before useInput's listener decodes it; prepended, this runs first.
    const note = (data: string) => {
      sequence.current = data;
    };
    events.prependListener("input", note);
    return () => {
      events.removeListener("input", note);
    };
  }, [events]);
  useInput((input, key) => flow.dispatch(input, key, sequence.current), { isActive: active });
  return <KeysContext.Provider value={flow}>{children}</KeysContext.Provider>;
}

function useFlow(): KeyFlow {
  const flow = useContext(KeysContext);
  if (!flow) throw new Error("keys need a KeysProvider (ConsoleProvider includes one)");
  return flow;
}

/** Like Ink's useInput, but attached in the commit that draws the component, and always calling its newest handler. */
export function useKeys(handler: KeyHandler, opts: { isActive?: boolean } = {}): void {
  const flow = useFlow();
  const latest = useRef(handler);
  useLayoutEffect(() => {
    latest.current = handler;
    // This commit drew a frame: keys held for it may go on (after the commit is over).
    queueMicrotask(() => flow.release());
  });
  const active = opts.isActive !== false;
  useLayoutEffect(() => {
    if (!active) return;
    flow.handlers.add(latest);
    return () => {
      flow.handlers.delete(latest);
    };
  }, [active, flow]);
}

/** For a handler whose key changes the screen: hold the keys behind it, or hand text on to what comes next. */
export function useKeyFlow(): { hold(): void; dispatch(input: string, key?: Key, sequence?: string): void } {
  const flow = useFlow();
  return { hold: () => flow.hold(), dispatch: (input, key, sequence) => flow.dispatch(input, key, sequence) };
}

/**
 * Keys reach the screens through one Ink input listener for the whole console. Ink's own
 * `useInput` attaches each listener in a passive effect, after the frame that shows its screen is
 * already on the terminal: a key typed the moment a prompt appears (an operator typing ahead, a
 * paste) found no listener and was dropped. Here screens register in a layout effect, which runs
 * in the same commit as the frame, so whatever is on screen is what receives the next key.
 */
import { useInput, type Key } from "ink";
import { createContext, useContext, useLayoutEffect, useRef, useState, type ReactNode } from "react";

export type KeyHandler = (input: string, key: Key) => void;

type Registry = Set<{ current: KeyHandler }>;

const KeysContext = createContext<Registry | undefined>(undefined);

/** The one listener: every active screen handler, in the order they became active (as Ink would call them). */
export function KeysProvider({ active, children }: { active: boolean; children: ReactNode }) {
  const [registry] = useState<Registry>(() => new Set());
  useInput(
    (input, key) => {
      for (const handler of [...registry]) handler.current(input, key);
    },
    { isActive: active },
  );
  return <KeysContext.Provider value={registry}>{children}</KeysContext.Provider>;
}

/** Like Ink's useInput, but attached in the commit that draws the component, and always calling its newest handler. */
export function useKeys(handler: KeyHandler, opts: { isActive?: boolean } = {}): void {
  const registry = useContext(KeysContext);
  if (!registry) throw new Error("useKeys needs a KeysProvider (ConsoleProvider includes one)");
  const latest = useRef(handler);
  useLayoutEffect(() => {
    latest.current = handler;
  });
  const active = opts.isActive !== false;
  useLayoutEffect(() => {
    if (!active) return;
    registry.add(latest);
    return () => {
      registry.delete(latest);
    };
  }, [active, registry]);
}

/** The store and controller reach components through context; components read narrow slices. */
import { createContext, useContext, type ReactNode } from "react";
import { useStore } from "zustand";
import type { ConsoleController } from "./controller.js";
import { KeysProvider } from "./keys.js";
import { UNICODE, type Glyphs } from "./glyphs.js";
import { CONFIRM_GUARD_MS } from "./walk-keys.js";
import type { ConsoleStore, ConsoleView } from "./store.js";

interface ConsoleContextValue {
  store: ConsoleStore;
  controller: ConsoleController;
  /** Whether key handlers may attach (false without a TTY: Ink's raw mode would throw). */
  interactive: boolean;
  /** How long a new step or choice is on screen before r, y or a number acts on it (CONFIRM_GUARD_MS; tests of other rules set 0). */
  guardMs?: number;
  /** Unicode or ASCII symbols, for the terminal's locale (glyphsFor). */
  glyphs?: Glyphs;
}

const ConsoleContext = createContext<ConsoleContextValue | undefined>(undefined);

export function ConsoleProvider(props: ConsoleContextValue & { children: ReactNode }) {
  const { children, ...value } = props;
  return (
    <ConsoleContext.Provider value={value}>
      <KeysProvider active={value.interactive}>{children}</KeysProvider>
    </ConsoleContext.Provider>
  );
}

function useConsole(): ConsoleContextValue {
  const ctx = useContext(ConsoleContext);
  if (!ctx) throw new Error("ConsoleProvider is missing");
  return ctx;
}

export function useView<T>(selector: (v: ConsoleView) => T): T {
  return useStore(useConsole().store, selector);
}

export function useController(): ConsoleController {
  return useConsole().controller;
}

export function useInteractive(): boolean {
  return useConsole().interactive;
}

export function useGuardMs(): number {
  return useConsole().guardMs ?? CONFIRM_GUARD_MS;
}

export function useGlyphs(): Glyphs {
  return useConsole().glyphs ?? UNICODE;
}

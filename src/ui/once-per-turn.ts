import type { StoreApi } from "zustand/vanilla";

/**
 * The screen hears of changes once per turn of the event loop, after the work that made them.
 * React merges the setStates of one synchronous run, but commits at every await between them, and
 * Ink draws the whole screen at every commit: a step's end (its last lines, the file written, its
 * result, the next step) was three commits and two full frames of 10–25 ms before the frame that
 * shows it (issue 18).
 */
export function oncePerTurn<T>(store: StoreApi<T>): StoreApi<T> {
  const listeners = new Set<(state: T, previous: T) => void>();
  let pending = false;
  store.subscribe((_, before) => {
    if (pending) return;
    pending = true;
    setImmediate(() => {
      pending = false;
      const now = store.getState();
      for (const listener of listeners) listener(now, before);
    });
  });
  return {
    ...store,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Kubernetes resource quantities ("500m", "2", "128Mi", "1G") as plain numbers, for the scheduler's fit check. */

const SUFFIXES: Record<string, number> = {
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
};

/** The value of a quantity, or undefined when it is not one. */
export function parseQuantity(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = /^([+-]?\d+(?:\.\d+)?)(?:[eE]([+-]?\d+))?([a-zA-Z]*)$/.exec(text.trim());
  if (!m) return undefined;
  const base = Number(m[1]) * 10 ** Number(m[2] ?? 0);
  const suffix = m[3] ?? "";
  if (suffix === "") return base;
  const factor = SUFFIXES[suffix];
  return factor === undefined ? undefined : base * factor;
}

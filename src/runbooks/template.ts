/** `$name` / `${name}` substitution done by handrail itself: never through a shell, never executed. */

const REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** Replace references to known variables; unknown ones stay as written. */
export function substitute(text: string, vars: Readonly<Record<string, string>>): string {
  return text.replace(REF, (whole, braced: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare!;
    return Object.hasOwn(vars, name) ? vars[name]! : whole;
  });
}

/**
 * A run script as the operator reads it: values substituted, secrets masked. Only for
 * display and the log; the script that runs keeps its `$name` and gets the values as environment.
 */
export function renderForDisplay(script: string, vars: Readonly<Record<string, string>>, secretNames: ReadonlySet<string> = new Set()): string {
  const shown: Record<string, string> = {};
  for (const [k, v] of Object.entries(vars)) shown[k] = secretNames.has(k) ? "••••••" : v;
  return substitute(script, shown);
}

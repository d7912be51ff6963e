/**
 * `$name` / `${name}` substitution done by handrail itself: never through a shell, never executed.
 *
 * Two kinds of text never mix (STYLE.md): a `Template` is a runbook's script as written, the only
 * text handed to a shell, with inputs reaching it as environment variables; a `Display` is for
 * reading (values substituted, secrets masked) and has no way back into execution.
 */

declare const templateBrand: unique symbol;
declare const displayBrand: unique symbol;

/** A script as the runbook (or the operator's edit) wrote it: `$service` stays a reference. */
export type Template = string & { readonly [templateBrand]: true };
/** Text for the screen, the log and the report: values substituted, secrets masked. Never run. */
export type Display = string & { readonly [displayBrand]: true };

/** Text written as a script: the runbook's `run:`, or what the operator typed into the edit prompt. */
export const asTemplate = (script: string): Template => script as Template;
/** Text made for reading (already substituted and masked). */
export const asDisplay = (text: string): Display => text as Display;

const REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** Replace references to known variables; unknown ones stay as written. */
export function substitute(text: string, vars: Readonly<Record<string, string>>): string {
  return text.replace(REF, (whole, braced: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare!;
    return Object.hasOwn(vars, name) ? vars[name]! : whole;
  });
}

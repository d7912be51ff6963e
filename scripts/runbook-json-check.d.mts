/** The check, compiled now. */
export function runbookJsonCheck(): (data: unknown) => boolean;
/** An ES module exporting the same check as `matchesJsonSchema`. */
export function runbookJsonCheckModule(): string;

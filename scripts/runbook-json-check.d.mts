/** The check, compiled now. */
export function runbookJsonCheck(): (data: unknown) => boolean;
/** An ES module exporting the same check as `matchesJsonSchema`, in ajv's standalone code. */
export function runbookJsonCheckModule(): string;

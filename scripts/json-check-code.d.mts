/** A JSON Schema's yes/no check as JavaScript: declarations, then `function check(v)`. Throws on a keyword it does not read. */
export function jsonCheckCode(schema: object): string;

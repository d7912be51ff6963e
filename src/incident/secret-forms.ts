/**
 * The forms a secret value takes in output besides itself. A step prints a secret it was given in
 * other clothes more often than as it is: base64 in a Kubernetes Secret (`kubectl get secret -o
 * yaml`) or from `base64`, URL-encoded in a connection string or `curl -v`, JSON-escaped in any
 * `-o json`, quoted by the shell in a `set -x` trace. Each form is masked as the value is.
 */

/** A derived form shorter than this is not masked: a few base64 or %-escaped characters occur by chance. */
export const MIN_FORM_CHARS = 6;

/** Characters of a base64 encoding that mix the bits of bytes before the value, by where the value starts in its 3-byte group. */
const MIXED_AT_START = [0, 2, 3];

/** `base64` (coreutils) wraps its output at 76 characters. */
const WRAP = 76;

/**
 * Base64 of the value wherever it starts in a longer encoded text: in each of the three positions a
 * value can take in a 3-byte group, the characters that hold its bits alone. The characters at the
 * edges also hold the bits of what comes before and after, which are not the value's, so they are
 * left out, unless the text ends with the value. The value's own encoding (with its padding, and as
 * `base64` wraps it) is a form too; URL-safe base64 (JWT, many APIs) alike.
 */
function base64Forms(bytes: Buffer): string[] {
  const exact = bytes.toString("base64");
  const forms = [exact, exact.replace(/=+$/, "")];
  for (let at = 0; at < 3; at++) {
    const padded = Buffer.concat([Buffer.alloc(at), bytes]).toString("base64").slice(MIXED_AT_START[at]);
    const text = padded.replace(/=+$/, "");
    // The last character of a value that ends in a part of a group also holds the bits of the next byte:
    // it is the value's alone where the text ends with the value (padding follows, or none in base64url).
    if (text !== padded) forms.push(padded, text, text.slice(0, -1));
    else forms.push(text);
  }
  if (exact.length > WRAP) for (let i = 0; i < exact.length; i += WRAP) forms.push(exact.slice(i, i + WRAP));
  return [...forms, ...forms.map((f) => f.replace(/\+/g, "-").replace(/\//g, "_"))];
}

/** %-escaped as encodeURIComponent does, as a form body does (space as `+`), and with lower-case hex. */
function urlForms(value: string): string[] {
  let uri: string;
  try {
    uri = encodeURIComponent(value);
  } catch {
    // A lone surrogate: no URL holds it.
    return [];
  }
  const form = new URLSearchParams([["", value]]).toString().slice(1);
  const lower = (s: string) => s.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
  return [uri, form, lower(uri), lower(form)];
}

const unicodeEscape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;

/**
 * Inside a JSON string: as JSON.stringify writes it, as Go's encoding/json does (kubectl's `-o json`:
 * `<`, `>` and `&` as \u003c, \u003e, \u0026), and with every character past ASCII escaped (Python's json).
 */
function jsonForms(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  return [json, json.replace(/[<>&\u2028\u2029]/g, unicodeEscape), json.replace(/[\u0080-\uffff]/g, unicodeEscape)];
}

/**
 * As bash shows it: `set -x` (and `${v@Q}`) in single quotes, where a quote is `'\''`; `printf %q`
 * with a backslash before each character the shell would read, and before a leading `~` or `#`.
 * A value with a control character is `$'…'` to printf %q: not made here.
 */
function shellForms(value: string): string[] {
  const quoted = value.replace(/'/g, "'\\''");
  if ([...value].some((c) => c < " " || c === "\x7f")) return [quoted];
  return [quoted, value.replace(/[ '"\\|&;()<>!{}*[?\]^$`,]/g, "\\$&").replace(/^[~#]/, "\\$&")];
}

/** The value's other forms (itself not among them). */
export function encodedForms(value: string): string[] {
  const forms = new Set([...base64Forms(Buffer.from(value, "utf8")), ...urlForms(value), ...jsonForms(value), ...shellForms(value)]);
  forms.delete(value);
  return [...forms].filter((f) => f.length >= MIN_FORM_CHARS);
}

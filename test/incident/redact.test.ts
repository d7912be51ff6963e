/** Masking credentials in step output: the shapes an attacker found unmasked, look-alikes that must stay, key blocks across chunks. */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { displayLine, MAX_LINE_CHARS } from "../../src/executors/output.js";
import { MASK, Redactor } from "../../src/incident/redact.js";
import { LOOK_ALIKES, SECRET_SHAPES } from "../fixtures/secret-shapes.js";

describe("redaction: secret shapes", () => {
  it.each(SECRET_SHAPES)("%s", (_what, line, secret) => {
    const out = new Redactor().line(line);
    expect(out).toContain(MASK);
    expect(out).not.toContain(secret);
  });

  it.each(LOOK_ALIKES)("look-alike stays: %s", (line) => {
    expect(new Redactor().line(line)).toBe(line);
  });

  it("keeps what frames the secret: the key, the quotes, the URL around it", () => {
    const r = new Redactor();
    expect(r.line('PASSWORD: "pw"')).toBe(`PASSWORD: "${MASK}"`);
    expect(r.line("password: 'pw'")).toBe(`password: '${MASK}'`);
    expect(r.line("postgres://u:pa/ss@host/db")).toBe(`postgres://u:${MASK}@host/db`);
    expect(r.line("mysql -uroot -ppw shop")).toBe(`mysql -uroot -p${MASK} shop`);
    expect(r.line("vault login --token s.Xy12Zabc")).toBe(`vault login --token ${MASK}`);
  });

  it("text that is JSON stays JSON (the notify details are redacted as JSON text)", () => {
    const r = new Redactor();
    const tricky = ["password: ", "--token ", "mysql -p", "-----BEGIN PRIVATE KEY-----\nMIIE", "postgres://u:", "x", ...SECRET_SHAPES.map((s) => s[1])];
    for (const a of tricky) {
      for (const b of tricky) {
        const json = JSON.stringify({ a, b, c: [a, "", b] });
        expect(() => JSON.parse(r.text(json)) as unknown, json).not.toThrow();
      }
    }
  });
});

describe("redaction: secret inputs and key blocks", () => {
  const KEY = ["-----BEGIN RSA PRIVATE KEY-----", "MIIEowIBAAKCAQEA", "c2VjcmV0a2V5Ym9keQ==", "-----END RSA PRIVATE KEY-----"];

  it("masks secret input values and private key blocks", () => {
    const r = new Redactor(["tok-9f8e7d"]);
    expect(r.lines(["using tok-9f8e7d now", ...KEY, "after"])).toEqual([`using ${MASK} now`, KEY[0], MASK, MASK, KEY[3], "after"]);
  });

  it("a secret value that spans lines is masked line by line, wherever its lines turn up", () => {
    // Once let through whole: every line was compared with the whole value, which no single line holds.
    const value = "first-line-xyz\r\n  second-line-abc\nend-part-42\n}";
    const r = new Redactor([value]);
    expect(r.text(`before\n${value.replace(/\r/g, "")}\nafter`)).toBe(`before\n${MASK}\n  ${MASK}\n${MASK}\n}\nafter`);
    expect(r.stream().lines(["echo second-line-abc", "after"])).toEqual([`echo ${MASK}`, "after"]);
    // As JSON shows it: one line, the line breaks escaped.
    expect(r.line(JSON.stringify({ token: value }))).not.toMatch(/first-line|second-line|end-part/);
    // Raw bytes of a flood: the file's fast scan sees it too.
    expect(r.stream().mayApply(`x\nsecond-line-abc\n`)).toBe(true);
  });

  describe("a secret in other clothes: base64, URL-encoded, JSON-escaped", () => {
    // Each once printed in the clear: `kubectl get secret -o yaml` shows base64, a connection string or `curl -v` %-escapes.
    // Its base64 has + and / wherever it starts, where base64url has - and _.
    const secret = "hunter2~Secret??>";

    it("base64 wherever the value starts in the encoded text: only the edge characters, which hold other bytes' bits too, stay", () => {
      const r = new Redactor([secret]);
      for (const before of ["", "a", "ab", "abc", "abcd"]) {
        for (const after of ["", "x", "xy", "xyz"]) {
          for (const url of [false, true]) {
            const b64 = Buffer.from(`${before}${secret}${after}`).toString(url ? "base64url" : "base64");
            const out = r.line(`data: ${b64}`);
            const shown = out.slice("data: ".length).split(MASK);
            expect(shown, `${before}|${after} ${b64}`).toHaveLength(2);
            // What stays: the characters that hold any bit of the bytes around the value (six bits a character).
            const end = (before.length + Buffer.byteLength(secret)) * 8;
            const afterChars = after === "" ? 0 : Math.ceil((end + after.length * 8) / 6) - Math.floor(end / 6);
            expect(shown[0]!.length, b64).toBe(Math.ceil((before.length * 8) / 6));
            expect(shown[1]!.replace(/=+$/, "").length, b64).toBe(afterChars);
          }
        }
      }
    });

    it("base64 as the `base64` tool wraps it, 76 characters a line", () => {
      const long = `apiVersion-v1-clusters-${"x9Y8".repeat(20)}-end`;
      const wrapped = Buffer.from(long).toString("base64").match(/.{1,76}/g)!;
      expect(wrapped.length).toBeGreaterThan(1);
      expect(new Redactor([long]).lines(wrapped)).toEqual(wrapped.map(() => MASK));
    });

    it("URL-encoded: as encodeURIComponent writes it, as a form body writes it (space as +), in lower-case hex", () => {
      const spaced = "p@ss w/rd:äö&x";
      const r = new Redactor([spaced]);
      const uri = encodeURIComponent(spaced);
      expect(r.line(`postgres://app:${uri}@db:5432/shop`)).toBe(`postgres://app:${MASK}@db:5432/shop`);
      expect(r.line(`curl -d ${new URLSearchParams({ pw: spaced }).toString()}`)).toBe(`curl -d pw=${MASK}`);
      expect(r.line(`?pw=${uri.toLowerCase()}&next=1`)).toBe(`?pw=${MASK}&next=1`);
    });

    it("JSON-escaped: as JSON.stringify, Go (kubectl -o json: <, >, & as \\u003c…) and Python (nothing past ASCII) write it; the line stays JSON", () => {
      const quoted = 'pa"ss\\word<&>-ä42';
      const r = new Redactor([quoted]);
      const json = JSON.stringify({ data: { dsn: quoted }, user: "app" });
      const go = json.replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
      const python = json.replace(/ä/g, "\\u00e4");
      expect(go).toContain("\\u003c");
      for (const line of [json, go, python]) {
        // Under a key no credential rule knows: the value itself is what is recognised.
        expect(r.line(`  ${line}`), line).toBe(`  {"data":{"dsn":"${MASK}"},"user":"app"}`);
      }
    });

    it("as bash shows it: a `set -x` trace (single quotes, a quote as '\\''), and printf %q (backslashes)", () => {
      for (const value of [`it's a "secret" & more`, "p@ss w/rd:Zq9!x", "~home#x|y;z`w`$v,u", "#hash(1)[2]{3}^*?<>"]) {
        const r = new Redactor([value]);
        // What bash itself prints, not a copy of its rules.
        const trace = spawnSync("bash", ["-c", 'set -x; : "$1"', "_", value], { encoding: "utf8" }).stderr.trim();
        const quoted = spawnSync("bash", ["-c", 'printf %q "$1"', "_", value], { encoding: "utf8" }).stdout;
        expect(trace).toMatch(/^\+ : /);
        expect(r.line(trace), trace).toMatch(new RegExp(`^\\+ : '?${MASK}'?$`));
        expect(r.line(`echo ${quoted}`), quoted).toBe(`echo ${MASK}`);
      }
    });

    it("a flood's fast scan sees the forms in raw output, and later inputs keep the earlier ones' forms", () => {
      const b64 = Buffer.from(`x${secret}`).toString("base64");
      expect(new Redactor([secret]).stream().mayApply(`1\n${b64}\n2\n`)).toBe(true);
      expect(new Redactor(["other-value-1"]).stream().mayApply(`1\n${b64}\n2\n`)).toBe(false);
      const later = new Redactor([secret]).with(["other-value-1"]);
      expect(later.line(`data: ${Buffer.from(secret).toString("base64")}`)).toBe(`data: ${MASK}`);
      expect(later.line(`v=${encodeURIComponent("other-value-1")}`)).toBe(`v=${MASK}`);
    });

    it("a form shorter than six characters is not masked: so few base64 characters occur by chance", () => {
      // "abcd": its own encoding "YWJjZA==" is masked; a 5-character piece of it is not.
      const r = new Redactor(["abcd"]);
      expect(r.line("YWJjZA==")).toBe(MASK);
      expect(r.line("id YWJjZ9 ok")).toBe("id YWJjZ9 ok");
    });
  });

  it("a line cut short for display that ends in the start of a secret: that start is masked", () => {
    // Once shown: a 4,096-character cut left the secret's first characters at the end of the line.
    const secret = "supersecretvalue-1234567890";
    const r = new Redactor(["other-secret-xx", secret]);
    for (const keep of [1, 6, secret.length - 1]) {
      const line = displayLine(`${"0".repeat(MAX_LINE_CHARS - keep)}${secret} tail`);
      expect(line.endsWith(`${secret.slice(0, keep)}…`), String(keep)).toBe(true);
      expect(r.line(line), String(keep)).toBe(`${"0".repeat(MAX_LINE_CHARS - keep)}${MASK}…`);
    }
    // Only a cut line: the same ending on a line of ordinary length stays.
    expect(r.line("ends with supers…")).toBe("ends with supers…");
    expect(r.line(displayLine(`${"0".repeat(MAX_LINE_CHARS)} more`))).toBe(`${"0".repeat(MAX_LINE_CHARS)}…`);
  });

  it("a credential cut short at the end of a cut line is masked from where it starts", () => {
    const r = new Redactor();
    const pad = (tail: string) => displayLine(`${"x".repeat(MAX_LINE_CHARS - tail.length)} ${tail}`.slice(1) + "MORE-OF-IT-0123456789");
    for (const [tail, masked] of [
      ["Authorization: Bearer abc", `Authorization: Bearer ${MASK}`],
      ["vault login --token s.Xy", `vault login --token ${MASK}`],
      ["password=hu", `password=${MASK}`],
      ["export GH=ghp_abcd", `export GH=${MASK}`],
      ["key AIzaSyA", `key ${MASK}`],
    ] as const) {
      const line = pad(tail);
      expect(line.endsWith(`${tail}…`), tail).toBe(true);
      expect(r.line(line), tail).toBe(`${"x".repeat(MAX_LINE_CHARS - tail.length - 1)} ${masked}…`);
    }
    // A cut line that ends in no credential is left as it is.
    const plain = pad("status=200 path=/v1/orders");
    expect(r.line(plain)).toBe(plain);
  });

  it("a key block on one line (JSON-escaped) is masked between its markers", () => {
    const out = new Redactor().line(`{"key":"${KEY.join("\\n")}"}`);
    expect(out).not.toContain("MIIEowIBAAKCAQEA");
    expect(out).toContain("-----END RSA PRIVATE KEY-----");
  });

  it("a stream keeps its state across chunks: a body in a later chunk than its BEGIN is masked", () => {
    const stream = new Redactor().stream();
    const first = stream.chunk(`before\n${KEY[0]}\n`);
    expect(stream.mayApply("MIIEowIBAAKCAQEA\n")).toBe(true);
    const second = stream.chunk(`${KEY[1]}\n${KEY[2]}\n`);
    const third = stream.chunk(`${KEY[3]}\nafter\n`);
    expect(first + second + third).toBe(`before\n${KEY[0]}\n${MASK}\n${MASK}\n${KEY[3]}\nafter\n`);
    expect(stream.mayApply("plain\n")).toBe(false);
  });

  it("each stream starts fresh: an unterminated block in one step does not mask the next", () => {
    const base = new Redactor();
    const one = base.stream();
    one.chunk(`${KEY[0]}\n`);
    expect(base.stream().chunk("next step output\n")).toBe("next step output\n");
  });

  it("a tail that starts inside a key block (its BEGIN scrolled out) masks the body above the END", () => {
    expect(new Redactor().lines(["ok", KEY[1]!, KEY[2]!, KEY[3]!, "after"])).toEqual(["ok", MASK, MASK, KEY[3], "after"]);
  });

  it("PGP private key blocks too", () => {
    expect(new Redactor().lines(["-----BEGIN PGP PRIVATE KEY BLOCK-----", "lQOYBGJ0", "-----END PGP PRIVATE KEY BLOCK-----"])).toEqual(["-----BEGIN PGP PRIVATE KEY BLOCK-----", MASK, "-----END PGP PRIVATE KEY BLOCK-----"]);
  });
});

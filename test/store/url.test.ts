/** Store URLs: parsing, and the password never shown, whatever the text looks like. */
import { describe, expect, it } from "vitest";
import { maskSecrets, maskUrl, parseStoreUrl, StoreError } from "../../src/incident/store/url.js";

function refusal(url: string, env: Record<string, string> = {}): string {
  try {
    parseStoreUrl(url, env);
  } catch (e) {
    if (e instanceof StoreError) return e.message;
    throw e;
  }
  throw new Error(`${url} was accepted`);
}

describe("maskUrl", () => {
  it("masks the password, also one with a raw @ or / in it, and a password= parameter", () => {
    expect(maskUrl("postgres://alice:s3cret@db:5432/team")).toBe("postgres://alice:***@db:5432/team");
    expect(maskUrl("postgres://alice:p@ss@db/team")).toBe("postgres://alice:***@db/team");
    expect(maskUrl("postgres://alice:pa/ss@db/team")).toBe("postgres://alice:***@db/team");
    expect(maskUrl("postgres://alice:p%40ss@db/team")).toBe("postgres://alice:***@db/team");
    expect(maskUrl("postgres://db/team?password=s3cret&sslmode=require")).toBe("postgres://db/team?password=***&sslmode=require");
    expect(maskUrl("postgres://alice@db/team")).toBe("postgres://alice@db/team");
    expect(maskUrl("postgres://db:5432/team")).toBe("postgres://db:5432/team");
  });
});

describe("parseStoreUrl", () => {
  it("reads host, port, database, user, password (decoded) and the TLS files", () => {
    const t = parseStoreUrl("postgresql://on%40call:p%40ss%2Fw@[::1]:6543/inc%2Did?sslmode=verify-full&sslrootcert=/ca.pem&sslcert=/c.pem&sslkey=/k.pem&connect_timeout=3");
    expect(t).toMatchObject({ host: "::1", port: 6543, database: "inc-id", user: "on@call", password: "p@ss/w", sslmode: "verify-full", sslrootcert: "/ca.pem", sslcert: "/c.pem", sslkey: "/k.pem", connectTimeoutMs: 3000, where: "[::1]:6543/inc-id" });
    expect(t.shown).toBe("postgresql://on%40call:***@[::1]:6543/inc%2Did?sslmode=verify-full&sslrootcert=/ca.pem&sslcert=/c.pem&sslkey=/k.pem&connect_timeout=3");
    expect(parseStoreUrl("postgres://db")).toMatchObject({ host: "db", port: 5432, database: "postgres", sslmode: "disable", connectTimeoutMs: 5000 });
  });

  it("refuses what it cannot use, in one line that never shows the password", () => {
    for (const [url, why] of [
      ["postgres://u:Pw-9@db/x?password=Pw-9", "unknown parameter password"],
      ["postgres://u:Pw-9@db/x?sslmode=allow", "sslmode=allow may fall back"],
      ["postgres://u:Pw-9@db/x?sslmode=strict", "sslmode=strict: expected disable | require | verify-ca | verify-full"],
      ["postgres://u:Pw-9@db/x?connect_timeout=soon", "connect_timeout=soon: expected whole seconds"],
      ["postgres://u:Pw-9@db/x/y", "the path must be one database name"],
      ["postgres://u:Pw/9@db:x/y", "not a URL"],
    ] as const) {
      const msg = refusal(url);
      expect(msg).toContain(why);
      expect(msg).not.toContain("Pw-9");
      expect(msg).not.toContain("Pw/9");
      expect(msg.split("\n")).toHaveLength(1);
    }
  });

  it("PGPASSWORD, when set, is one of the secrets masked in messages", () => {
    const t = parseStoreUrl("postgres://u@db/x", { PGPASSWORD: "env-Secret" });
    expect(maskSecrets("login failed with env-Secret", t.secrets)).toBe("login failed with ***");
  });
});

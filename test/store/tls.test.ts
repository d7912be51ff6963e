/**
 * The store URL's TLS settings against a real PostgreSQL serving TLS with a test CA
 * (test/helpers/pki.ts) and client-certificate auth for the role `oncall`: sslmode and the
 * sslrootcert / sslcert / sslkey files mean what they mean to libpq.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, type TestContext } from "vitest";
import { SharedStore } from "../../src/incident/store/pg-store.js";
import { StoreError } from "../../src/incident/store/url.js";
import { makePki, type TestPki } from "../helpers/pki.js";
import { sharedPostgres } from "../helpers/postgres.js";

let madePki: TestPki | undefined;
let pkiDir = "";
const pg = sharedPostgres({
  options: async () => {
    pkiDir = mkdtempSync(path.join(tmpdir(), "handrail-pg-pki-"));
    const pki = await makePki(pkiDir);
    madePki = pki;
    // The client certificate's CN (oncall) is the role; no password: the certificate is the credential.
    return { tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.caCert }, hba: ["hostssl all oncall 127.0.0.1/32 cert", "hostnossl all oncall 127.0.0.1/32 reject"] };
  },
  setup: async (server) => {
    await server.psql("create role oncall login");
    await server.psql("grant select on handrail_schema to oncall");
  },
});
afterAll(() => {
  if (pkiDir) rmSync(pkiDir, { recursive: true, force: true });
});
/** The test's PKI once the server is up (it is made before the server starts), or the test skipped. */
const ready = (t: TestContext): TestPki => (pg.need(t), madePki!);

const urlOf = (params: string) => `postgres://oncall@127.0.0.1:${pg.server.port}/postgres?${params}`;

async function opens(url: string): Promise<string> {
  try {
    const s = await SharedStore.open(url);
    await s.close();
    return "ok";
  } catch (e) {
    if (e instanceof StoreError) return e.message;
    throw e;
  }
}

describe("TLS and client certificates", () => {
  it("verify-full with the CA and a client certificate logs in as the certificate's role", async (t) => {
    const pki = ready(t);
    expect(await opens(urlOf(`sslmode=verify-full&sslrootcert=${pki.caCert}&sslcert=${pki.clientCert}&sslkey=${pki.clientKey}`))).toBe("ok");
    // require encrypts without checking the server (libpq's meaning): the client certificate still logs in.
    expect(await opens(urlOf(`sslmode=require&sslcert=${pki.clientCert}&sslkey=${pki.clientKey}`))).toBe("ok");
  });

  it("without the client certificate, or without TLS, the server says no", async (t) => {
    const pki = ready(t);
    expect(await opens(urlOf(`sslmode=verify-full&sslrootcert=${pki.caCert}`))).toMatch(/^the store at 127\.0\.0\.1:\d+\/postgres refused the connection: connection requires a valid client certificate/);
    expect(await opens(urlOf("sslmode=disable"))).toMatch(/refused the connection: pg_hba\.conf rejects connection for host "127\.0\.0\.1", user "oncall", database "postgres", no encryption/);
  });

  it("verify-ca checks the CA but not the name; verify-full checks both", async (t) => {
    const pki = ready(t);
    // The server certificate names IP 127.0.0.1 only, not localhost.
    const byName = (mode: string) => `postgres://oncall@localhost:${pg.server.port}/postgres?sslmode=${mode}&sslrootcert=${pki.caCert}&sslcert=${pki.clientCert}&sslkey=${pki.clientKey}`;
    expect(await opens(byName("verify-ca"))).toBe("ok");
    expect(await opens(byName("verify-full"))).toMatch(/TLS failed: Hostname\/IP does not match certificate's altnames/);
  });

  it("verify-full does not trust a server its CA did not sign", async (t) => {
    const pki = ready(t);
    // No sslrootcert: the system's CAs, which never signed the test CA.
    const msg = await opens(urlOf(`sslmode=verify-full&sslcert=${pki.clientCert}&sslkey=${pki.clientKey}`));
    expect(msg).toMatch(/^the store at 127\.0\.0\.1:\d+\/postgres: TLS failed: (self[- ]signed certificate in certificate chain|unable to get local issuer certificate)/);
  });
});

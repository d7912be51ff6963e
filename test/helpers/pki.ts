/**
 * A throwaway PKI for the TLS sandbox, made with the machine's openssl: a CA, a server
 * certificate for 127.0.0.1 (or only the names given), and a client certificate the CA signed.
 * Everything lives in `dir`, which the test removes.
 */
import { execa } from "execa";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export interface TestPki {
  dir: string;
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** PEM text of each file above, by the same names. */
  pem: { caCert: string; serverCert: string; serverKey: string; clientCert: string; clientKey: string };
}

async function openssl(dir: string, args: string[]): Promise<void> {
  await execa("openssl", args, { cwd: dir });
}

/** Key and certificate signed by the CA, with the extensions given (one per line, as an extfile). */
async function issue(dir: string, name: string, subject: string, extensions: string[]): Promise<void> {
  await openssl(dir, ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", subject]);
  writeFileSync(path.join(dir, `${name}.ext`), `${extensions.join("\n")}\n`);
  await openssl(dir, ["x509", "-req", "-in", `${name}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "1", "-sha256", "-out", `${name}.crt`, "-extfile", `${name}.ext`]);
}

/** `serverNames`: the server certificate's subjectAltName entries (IP:127.0.0.1 unless given). */
export async function makePki(dir: string, serverNames = ["IP:127.0.0.1"]): Promise<TestPki> {
  await openssl(dir, ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "1", "-subj", "/CN=handrail-test-ca", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
  await issue(dir, "server", "/CN=kube-apiserver", [`subjectAltName=${serverNames.join(",")}`, "extendedKeyUsage=serverAuth", "keyUsage=critical,digitalSignature,keyEncipherment"]);
  await issue(dir, "client", "/O=sre/CN=oncall", ["extendedKeyUsage=clientAuth", "keyUsage=critical,digitalSignature,keyEncipherment"]);
  const file = (n: string) => path.join(dir, n);
  const read = (n: string) => readFileSync(file(n), "utf8");
  return {
    dir,
    caCert: file("ca.crt"),
    serverCert: file("server.crt"),
    serverKey: file("server.key"),
    clientCert: file("client.crt"),
    clientKey: file("client.key"),
    pem: { caCert: read("ca.crt"), serverCert: read("server.crt"), serverKey: read("server.key"), clientCert: read("client.crt"), clientKey: read("client.key") },
  };
}

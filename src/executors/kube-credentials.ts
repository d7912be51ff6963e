/**
 * The kubeconfig credentials client-node does not honour as kubectl does, handed to it through its
 * own `addAuthenticator`: `tokenFile` (client-node reads `token-file`, so a k8s step got 401) and
 * exec plugins with client-go's contract (KUBERNETES_EXEC_INFO, interactiveMode, installHint,
 * the plugin never given handrail's terminal).
 */
import type { KubeConfig, User } from "@kubernetes/client-node";
import { execa } from "execa";
import { readFile } from "node:fs/promises";
import type https from "node:https";

type Entry = Record<string, unknown>;
/** client-node does not export its Authenticator interface by name. */
type Authenticator = Parameters<KubeConfig["addAuthenticator"]>[0];

/** A credential that could not be had; `hint` is the plugin's installHint when it has one. */
export class CredentialError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = "CredentialError";
  }
}

interface ExecConfig {
  apiVersion?: string;
  command: string;
  args: string[];
  env: Array<{ name: string; value: string }>;
  installHint?: string;
  interactiveMode?: string;
  provideClusterInfo: boolean;
}

interface Credential {
  token?: string;
  cert?: string;
  key?: string;
  /** ms since the epoch; undefined: good for as long as this client lives (client-go's rule). */
  expires?: number;
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** The exec section of a kubeconfig user, when it has a command. */
export function execConfig(user: Entry): ExecConfig | undefined {
  const exec = user.exec as Entry | undefined;
  const command = str(exec?.command);
  if (!exec || !command) return undefined;
  const env = Array.isArray(exec.env) ? (exec.env as Entry[]).filter((e) => typeof e?.name === "string").map((e) => ({ name: e.name as string, value: String(e.value ?? "") })) : [];
  return {
    ...(str(exec.apiVersion) ? { apiVersion: str(exec.apiVersion) } : {}),
    command,
    args: Array.isArray(exec.args) ? exec.args.map(String) : [],
    env,
    ...(str(exec.installHint) ? { installHint: str(exec.installHint) } : {}),
    ...(str(exec.interactiveMode) ? { interactiveMode: str(exec.interactiveMode) } : {}),
    provideClusterInfo: exec.provideClusterInfo === true,
  };
}

/** Whether a kubeconfig user needs this authenticator rather than client-node's own. */
export function needsOwnCredentials(user: Entry | undefined): boolean {
  return user !== undefined && (execConfig(user) !== undefined || str(user.tokenFile) !== undefined);
}

/** What client-go puts in KUBERNETES_EXEC_INFO's spec.cluster when the plugin asks for it. */
function clusterInfo(cluster: Entry): Entry {
  const ca = str(cluster["certificate-authority-data"]);
  return {
    server: cluster.server,
    ...(str(cluster["tls-server-name"]) ? { "tls-server-name": cluster["tls-server-name"] } : {}),
    ...(cluster["insecure-skip-tls-verify"] === true ? { "insecure-skip-tls-verify": true } : {}),
    ...(ca ? { "certificate-authority-data": ca } : {}),
    ...(str(cluster["proxy-url"]) ? { "proxy-url": cluster["proxy-url"] } : {}),
  };
}

/** Run the plugin as client-go does; handrail's terminal belongs to the console, so it is never interactive. */
async function runPlugin(exec: ExecConfig, cluster: Entry, env: Record<string, string | undefined>, signal?: AbortSignal): Promise<Credential> {
  const hint = exec.installHint;
  if (exec.apiVersion === "client.authentication.k8s.io/v1" && !exec.interactiveMode) {
    throw new CredentialError(`interactiveMode must be specified for ${exec.command} to use exec authentication plugin`, hint);
  }
  if (exec.interactiveMode === "Always") {
    throw new CredentialError(`exec plugin ${exec.command} needs a terminal (interactiveMode: Always), and a k8s step has none`, hint ?? "Log in once with kubectl in a terminal, or set interactiveMode: IfAvailable.");
  }
  const info = { kind: "ExecCredential", apiVersion: exec.apiVersion ?? "client.authentication.k8s.io/v1beta1", spec: { interactive: false, ...(exec.provideClusterInfo ? { cluster: clusterInfo(cluster) } : {}) } };
  const childEnv: Record<string, string | undefined> = { ...env, KUBERNETES_EXEC_INFO: JSON.stringify(info) };
  for (const { name, value } of exec.env) childEnv[name] = value;
  // Its own session (detached): no controlling terminal, so it cannot open /dev/tty and prompt over the console.
  const r = await execa(exec.command, exec.args, { env: childEnv, extendEnv: false, stdin: "ignore", detached: true, reject: false, ...(signal ? { cancelSignal: signal } : {}) });
  if (r.isCanceled) throw signal?.reason instanceof Error ? signal.reason : new CredentialError(`exec plugin ${exec.command} was stopped`);
  const code = (r as { code?: string }).code;
  if (code === "ENOENT" || code === "EACCES") {
    throw new CredentialError(`getting credentials: exec: executable ${exec.command} ${code === "ENOENT" ? "not found" : "is not executable"}${hint ? `\n\n${hint}` : ""}`, hint);
  }
  if (r.exitCode !== 0) {
    const said = r.stderr.trim();
    throw new CredentialError(`getting credentials: exec: executable ${exec.command} failed with exit code ${r.exitCode ?? r.signal ?? "?"}${said ? `: ${said}` : ""}${hint ? `\n\n${hint}` : ""}`, hint);
  }
  let out: Entry;
  try {
    out = JSON.parse(r.stdout) as Entry;
  } catch {
    throw new CredentialError(`getting credentials: decoding stdout: exec plugin ${exec.command} did not print an ExecCredential (JSON)`, hint);
  }
  if (exec.apiVersion && out.apiVersion !== exec.apiVersion) {
    throw new CredentialError(`getting credentials: exec plugin is configured to use API version ${exec.apiVersion}, plugin returned version ${String(out.apiVersion)}`, hint);
  }
  const status = out.status as Entry | undefined;
  if (!status) throw new CredentialError("getting credentials: exec plugin didn't return a status field", hint);
  const token = str(status.token);
  const cert = str(status.clientCertificateData);
  const key = str(status.clientKeyData);
  if (!token && !(cert && key)) throw new CredentialError("getting credentials: exec plugin didn't return a token or cert/key pair", hint);
  const expires = str(status.expirationTimestamp) ? Date.parse(status.expirationTimestamp as string) : undefined;
  return { ...(token ? { token } : {}), ...(cert && key ? { cert, key } : {}), ...(expires !== undefined && !Number.isNaN(expires) ? { expires } : {}) };
}

/**
 * Credentials for one kubeconfig user: its exec plugin (run once, again when what it returned
 * expires) or its tokenFile (read at each request, as client-go rereads it; trimmed).
 */
export class KubeconfigCredentials implements Authenticator {
  private cached: Credential | undefined;

  constructor(
    private readonly userName: string,
    private readonly user: Entry,
    private readonly cluster: Entry,
    private readonly env: Record<string, string | undefined>,
    private readonly signal?: AbortSignal,
  ) {}

  isAuthProvider(user: User): boolean {
    return user.name === this.userName;
  }

  async applyAuthentication(_user: User, opts: https.RequestOptions): Promise<void> {
    const exec = execConfig(this.user);
    const headers = (opts.headers ??= {}) as Record<string, string>;
    if (exec) {
      if (!this.cached || (this.cached.expires !== undefined && this.cached.expires <= Date.now())) this.cached = await runPlugin(exec, this.cluster, this.env, this.signal);
      if (this.cached.cert && this.cached.key) {
        opts.cert = this.cached.cert;
        opts.key = this.cached.key;
      }
      if (this.cached.token) headers.Authorization = `Bearer ${this.cached.token}`;
      return;
    }
    const file = str(this.user.tokenFile);
    if (!file) return;
    try {
      headers.Authorization = `Bearer ${(await readFile(file, "utf8")).trim()}`;
    } catch (e) {
      // As client-go: an inline token is the fallback when the file cannot be read.
      const token = str(this.user.token);
      if (token) headers.Authorization = `Bearer ${token}`;
      else throw new CredentialError(`cannot read the kubeconfig's tokenFile ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
}

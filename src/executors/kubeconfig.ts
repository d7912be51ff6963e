/**
 * The cluster handrail talks to, made explicit: one private, minified kubeconfig holding the
 * chosen context (and namespace), which every kubectl step (KUBECONFIG) and every client-node
 * call reads. The user's kubeconfig is read, never edited.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { readFile, rename, writeFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import path from "node:path";
import type { KubeTarget } from "./types.js";

interface Named<T> {
  name: string;
  [key: string]: unknown;
  value: T;
}

type Entry = Record<string, unknown>;

export interface KubeSelection {
  /** --kubeconfig: one file; otherwise KUBECONFIG (a path list), otherwise ~/.kube/config. */
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  env: Record<string, string | undefined>;
}

export type PreparedKube =
  /** `chosenNamespace`: the namespace --namespace or the context names (not kubectl's fallback "default"): inputs named namespace default to it. */
  /** `proxy`: the cluster's proxy-url, the way to the server when it has one. */
  | { ok: true; target: KubeTarget; server?: string; proxy?: string; files: string[]; chosenNamespace?: string }
  | { ok: false; message: string; hint: string };

const PATH_FIELDS = ["certificate-authority", "client-certificate", "client-key", "tokenFile"];

function kubeconfigFiles(sel: KubeSelection): { files: string[]; explicit: boolean } {
  if (sel.kubeconfig) return { files: [path.resolve(sel.kubeconfig)], explicit: true };
  const list = sel.env.KUBECONFIG;
  if (list) return { files: list.split(path.delimiter).filter((f) => f !== ""), explicit: false };
  return { files: [path.join(sel.env.HOME ?? homedir(), ".kube", "config")], explicit: false };
}

/**
 * Paths inside a kubeconfig are relative to the file that holds them, and the copy lives elsewhere:
 * made absolute as kubectl does (client-go ResolveLocalPaths), an exec command only when it has a
 * path separator (a bare name stays a PATH lookup).
 */
export function absolutise(entry: Entry, base: string): Entry {
  const out: Entry = { ...entry };
  const resolve = (v: unknown) => (typeof v === "string" && v !== "" && !path.isAbsolute(v) ? path.resolve(base, v) : v);
  for (const field of PATH_FIELDS) if (field in out) out[field] = resolve(out[field]);
  const exec = out.exec;
  if (exec && typeof exec === "object" && typeof (exec as Entry).command === "string" && ((exec as Entry).command as string).includes(path.sep)) {
    out.exec = { ...(exec as Entry), command: resolve((exec as Entry).command) };
  }
  return out;
}

function named(list: unknown, inner: string, base: string): Array<Named<Entry>> {
  if (!Array.isArray(list)) return [];
  return list
    .filter((x): x is Record<string, unknown> => x !== null && typeof x === "object" && typeof (x as Entry).name === "string")
    .map((x) => ({ name: x.name as string, value: absolutise((x[inner] as Entry | undefined) ?? {}, base) }));
}

/** Merge the kubeconfig files as kubectl does (first definition of a name wins) and pick the context. */
export async function prepareKube(sel: KubeSelection, privateDir: string): Promise<PreparedKube> {
  const { files, explicit } = kubeconfigFiles(sel);
  const clusters = new Map<string, Entry>();
  const users = new Map<string, Entry>();
  const contexts = new Map<string, Entry>();
  let current: string | undefined;
  const read: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (e) {
      if (explicit) return { ok: false, message: `--kubeconfig: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, hint: "Name a readable kubeconfig file." };
      continue;
    }
    let doc: Entry;
    // The YAML library loads only when there is a kubeconfig to read.
    const { parse } = await import("./kubeconfig-yaml.js");
    try {
      doc = (parse(text) as Entry | null) ?? {};
    } catch (e) {
      return { ok: false, message: `kubeconfig ${file} is not valid YAML: ${(e as Error).message.split("\n")[0]}`, hint: "Fix the file or point --kubeconfig elsewhere." };
    }
    read.push(file);
    const base = path.dirname(file);
    for (const c of named(doc.clusters, "cluster", base)) if (!clusters.has(c.name)) clusters.set(c.name, c.value);
    for (const u of named(doc.users, "user", base)) if (!users.has(u.name)) users.set(u.name, u.value);
    for (const c of named(doc.contexts, "context", base)) if (!contexts.has(c.name)) contexts.set(c.name, c.value);
    if (current === undefined && typeof doc["current-context"] === "string" && doc["current-context"] !== "") current = doc["current-context"];
  }
  if (read.length === 0) {
    // A context asked for by name must exist, as kubectl says ("context was not found"), kubeconfig or not.
    if (sel.context !== undefined) return { ok: false, message: `--context: no context named "${sel.context}": no kubeconfig was found (looked for ${files.join(", ") || "none"})`, hint: "Pass --kubeconfig FILE or set KUBECONFIG to the file that defines it." };
    // No kubeconfig at all: kubectl steps will say so themselves (and get a diagnosis).
    return { ok: true, target: sel.namespace ? { namespace: sel.namespace } : {}, files: [], ...(sel.namespace ? { chosenNamespace: sel.namespace } : {}) };
  }
  const name = sel.context ?? current;
  if (name === undefined) {
    return { ok: false, message: "the kubeconfig sets no current context", hint: `Pass --context (one of: ${[...contexts.keys()].join(", ") || "none defined"}).` };
  }
  const ctx = contexts.get(name);
  if (!ctx) {
    const flag = sel.context !== undefined ? "--context" : "current-context";
    return { ok: false, message: `${flag}: no context named "${name}" in ${read.join(", ")}`, hint: `Contexts there: ${[...contexts.keys()].join(", ") || "none"}.` };
  }
  const clusterName = String(ctx.cluster ?? "");
  const userName = String(ctx.user ?? "");
  const cluster = clusters.get(clusterName);
  if (!cluster) return { ok: false, message: `context "${name}" names cluster "${clusterName}", which the kubeconfig does not define`, hint: "Fix the kubeconfig." };
  const chosen = sel.namespace ?? (typeof ctx.namespace === "string" && ctx.namespace !== "" ? ctx.namespace : undefined);
  const namespace = chosen ?? "default";
  const minified = {
    apiVersion: "v1",
    kind: "Config",
    "current-context": name,
    clusters: [{ name: clusterName, cluster }],
    users: [{ name: userName, user: users.get(userName) ?? {} }],
    contexts: [{ name, context: { ...ctx, namespace } }],
  };
  const out = path.join(privateDir, "kubeconfig");
  // Created exclusively (never through a file someone left there), then moved into place.
  const fresh = `${out}.${randomBytes(4).toString("hex")}`;
  await writeFile(fresh, (await import("./kubeconfig-yaml.js")).stringify(minified), { mode: 0o600, flag: "wx" });
  await rename(fresh, out);
  const proxy = typeof cluster["proxy-url"] === "string" && cluster["proxy-url"] !== "" ? cluster["proxy-url"] : undefined;
  return { ok: true, target: { kubeconfig: out, context: name, namespace }, server: typeof cluster.server === "string" ? cluster.server : undefined, ...(proxy ? { proxy } : {}), files: read, ...(chosen ? { chosenNamespace: chosen } : {}) };
}

/**
 * The per-user parent of the private directories, `$TMPDIR/handrail-<uid>`: used only when it is
 * a real directory (not a symlink) of this user, and mode 0700 (put right when it is ours). One
 * another user made first is never written into: a fresh mkdtemp parent is used instead.
 */
function userRoot(base: string): { root: string; shared: boolean } {
  const uid = process.getuid?.();
  const root = path.join(base, `handrail-${uid ?? "user"}`);
  try {
    mkdirSync(root, { mode: 0o700 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") mkdirSync(root, { recursive: true, mode: 0o700 });
    else if (code !== "EEXIST") throw e;
  }
  const st = lstatSync(root);
  if (st.isDirectory() && (uid === undefined || st.uid === uid)) {
    if ((st.mode & 0o077) !== 0) chmodSync(root, 0o700);
    return { root, shared: true };
  }
  return { root: mkdtempSync(path.join(base, `handrail-${uid ?? "user"}-`)), shared: false };
}

/**
 * A private directory for this process's kubeconfig copy (mkdtemp: a name no one can guess and
 * create first), under one per-user directory. Copies left by processes that died without
 * cleaning up (kill -9) are swept on the way in.
 */
export function privateKubeDir(base = tmpdir()): { dir: string; cleanup: () => void } {
  const { root, shared } = userRoot(base);
  if (shared) {
    for (const name of readdirSync(root)) {
      const pid = Number(/^kube-(\d+)(?:-|$)/.exec(name)?.[1]);
      if (!pid || pid === process.pid) continue;
      try {
        process.kill(pid, 0);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ESRCH") rmSync(path.join(root, name), { recursive: true, force: true });
      }
    }
  }
  const dir = mkdtempSync(path.join(root, `kube-${process.pid}-`));
  const cleanup = () => rmSync(shared ? dir : root, { recursive: true, force: true });
  process.once("exit", cleanup);
  return { dir, cleanup };
}

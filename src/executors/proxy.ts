/**
 * Outgoing HTTP (notifications, http steps) through the proxy the step's environment names, as curl
 * and kubectl do: Node 20's fetch reads no proxy variable. undici is loaded only when one applies,
 * so a run without a proxy never pays for it.
 */

/** The fetch handlers use; undici's has the same shape. */
export type Fetch = (url: string, init: RequestInit) => Promise<Response>;

export interface ProxyVariables {
  httpProxy: string;
  httpsProxy: string;
  noProxy: string;
}

/** A fetch for one URL, and what it goes through (for messages). */
export interface Route {
  fetch: Fetch;
  /** The proxy's host:port when the request goes through one (never its credentials). */
  proxy?: string;
  /** Releases the proxy connections (kept alive otherwise). */
  close(): Promise<void>;
}

const direct: Route = { fetch: (url, init) => fetch(url, init), close: async () => undefined };

/** The proxy variables of an environment, lower case first as curl reads them; empty means unset. */
export function proxyVariables(env: Record<string, string | undefined>): ProxyVariables {
  const read = (name: string) => env[name] || env[name.toUpperCase()] || "";
  return { httpProxy: read("http_proxy"), httpsProxy: read("https_proxy"), noProxy: read("no_proxy") };
}

/** The proxy for a URL: its scheme's variable unless NO_PROXY names the host (same rules as undici: suffixes, ports, `*`). */
export function proxyFor(url: string, vars: ProxyVariables): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  const proxy = u.protocol === "https:" ? vars.httpsProxy : u.protocol === "http:" ? vars.httpProxy : "";
  if (!proxy) return undefined;
  const host = u.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const port = Number(u.port) || (u.protocol === "https:" ? 443 : 80);
  for (const raw of vars.noProxy.split(/[,\s]/)) {
    if (raw === "") continue;
    if (raw === "*") return undefined;
    const m = /^(.+):(\d+)$/.exec(raw);
    const name = (m ? m[1]! : raw).replace(/^\*?\./, "").replace(/^\[|\]$/g, "").toLowerCase();
    if (m && Number(m[2]) !== port) continue;
    if (host === name || host.endsWith(`.${name}`)) return undefined;
  }
  return proxy;
}

const PROXY_SCHEMES = ["http:", "https:", "socks:", "socks5:"];

/** A proxy variable as curl reads it: `host:port` alone means http. */
function parsed(proxy: string): URL | undefined {
  try {
    return new URL(proxy.includes("://") ? proxy : `http://${proxy}`);
  } catch {
    return undefined;
  }
}

/** How to fetch `url` under `env`: directly, or through the proxy its variables name. */
export async function routeFor(url: string, env: Record<string, string | undefined>): Promise<Route> {
  const vars = proxyVariables(env);
  const proxy = proxyFor(url, vars);
  if (proxy === undefined) return direct;
  // Named, not shown: a proxy URL may carry a password.
  if (!PROXY_SCHEMES.includes(parsed(proxy)?.protocol ?? "")) throw new Error(`${url.startsWith("https:") ? "HTTPS_PROXY" : "HTTP_PROXY"} is not a proxy URL (http://host:port)`);
  // undici is CommonJS: bundled, its exports arrive as `default`; under Node's own loader, both ways.
  const loaded = (await import("undici")) as typeof import("undici") & { default?: typeof import("undici") };
  const undici = loaded.default ?? loaded;
  // Every option given, so undici reads nothing from process.env; plain http is forwarded (no
  // CONNECT), as curl does, since many proxies allow CONNECT to port 443 only.
  const withScheme = (p: string) => (p === "" ? p : (parsed(p)?.href ?? p));
  const agent = new undici.EnvHttpProxyAgent({ httpProxy: withScheme(vars.httpProxy), httpsProxy: withScheme(vars.httpsProxy), noProxy: vars.noProxy, proxyTunnel: false });
  return {
    fetch: (u, init) => undici.fetch(u, { ...(init as Parameters<typeof undici.fetch>[1]), dispatcher: agent }) as unknown as Promise<Response>,
    proxy: parsed(proxy)?.host ?? "the proxy",
    close: () => agent.close(),
  };
}

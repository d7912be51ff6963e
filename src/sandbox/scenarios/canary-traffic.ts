/**
 * The canary drill's traffic: Kong routing by the weights of the kong.yml it last loaded (only to
 * targets whose containers run, as its active health checks do), the services answering, and a
 * Prometheus that evaluates the gate's queries over the requests actually served. Every number the
 * gate reads comes from requests that went through here: the operator's curls, the release
 * scripts, and the users' background traffic on each tick of the drill.
 */
import { parse } from "yaml";

export type Instance = "stable" | "canary";

export interface Served {
  at: number;
  instance: Instance;
  ok: boolean;
  seconds: number;
}

export interface Reply {
  status: number;
  body: Record<string, unknown>;
}

/** The weight of each compose service Kong sends traffic to, read from a declarative kong.yml. */
export function kongWeights(text: string): Map<string, number> {
  const doc = parse(text) as { upstreams?: Array<{ targets?: Array<{ target?: string; weight?: number }> }> } | null;
  const weights = new Map<string, number>();
  for (const upstream of doc?.upstreams ?? []) {
    for (const t of upstream.targets ?? []) {
      if (typeof t.target === "string") weights.set(t.target.split(":")[0]!, typeof t.weight === "number" ? t.weight : 100);
    }
  }
  return weights;
}

export interface TrafficOptions {
  /** Compose service names of the stable and canary automation-service. */
  stable: string;
  canary: string;
  /** Whether a service's container runs now. */
  running(service: string): boolean;
  /** Every `failEvery`-th request the canary serves fails (its echo-tool bypass returns nothing). */
  failEvery: number;
  /** A failed canary request, for its log. */
  onCanaryError?(line: string): void;
  now?: () => number;
}

export class CanaryTraffic {
  readonly served: Served[] = [];
  /** The weights Kong runs with: what kong.yml said the last time Kong started. */
  weights = new Map<string, number>();
  private current = new Map<string, number>();
  private canaryCount = 0;
  /** Kong has sent the canary at least one request (the release reached users). */
  canaryTookTraffic = false;
  private readonly now: () => number;

  constructor(private readonly opts: TrafficOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Smooth weighted round robin over the targets that run and have weight. */
  private pick(): string | undefined {
    const live = [...this.weights].filter(([service, w]) => w > 0 && this.opts.running(service));
    if (live.length === 0) return undefined;
    const total = live.reduce((sum, [, w]) => sum + w, 0);
    let best: string | undefined;
    for (const [service, w] of live) {
      const c = (this.current.get(service) ?? 0) + w;
      this.current.set(service, c);
      if (best === undefined || c > this.current.get(best)!) best = service;
    }
    this.current.set(best!, this.current.get(best!)! - total);
    return best;
  }

  /** One /ai/execute request served by an instance directly (its own port, no Kong). */
  serve(instance: Instance, traceId: string): Reply {
    const service = instance === "canary" ? this.opts.canary : this.opts.stable;
    if (!this.opts.running(service)) return { status: 503, body: { error: `${service} is not running`, trace_id: traceId } };
    let ok = true;
    let seconds = 0.18;
    if (instance === "canary") {
      this.canaryCount++;
      ok = this.canaryCount % this.opts.failEvery !== 0;
      seconds = this.canaryCount % 10 === 0 ? 0.85 : 0.42;
    }
    this.served.push({ at: this.now(), instance, ok, seconds });
    if (!ok) {
      const error = "echo tool bypass returned an empty result (FEATURE_BYPASS_LLM=true)";
      this.opts.onCanaryError?.(`${new Date(this.now()).toISOString()} ERROR POST /ai/execute 500 trace_id=${traceId}: ${error}`);
      return { status: 500, body: { error, trace_id: traceId, instance } };
    }
    return { status: 200, body: { output: "pong", tool: "echo", trace_id: traceId, instance } };
  }

  /** One request through Kong. */
  route(traceId: string): Reply {
    const target = this.pick();
    if (target === undefined) return { status: 503, body: { message: "failure to get a peer from the ring-balancer", trace_id: traceId } };
    if (target === this.opts.canary) this.canaryTookTraffic = true;
    return this.serve(target === this.opts.canary ? "canary" : "stable", traceId);
  }

  /** Requests each instance served, for /metrics. */
  totals(instance: Instance): { requests: number; errors: number } {
    const mine = this.served.filter((s) => s.instance === instance);
    return { requests: mine.length, errors: mine.filter((s) => !s.ok).length };
  }

  /** Evaluate the PromQL shapes the runbook's gates and checks use, over the requests served. */
  query(promql: string): { resultType: "vector"; result: Array<{ metric: Record<string, string>; value: [number, string] }> } {
    const now = this.now();
    const instance = /instance="(\w+)"/.exec(promql)?.[1] as Instance | undefined;
    const range = /\[(\d+)([smh])\]/.exec(promql);
    const windowMs = range ? Number(range[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[range[2] as "s" | "m" | "h"] : undefined;
    const instances: Instance[] = instance ? [instance] : ["stable", "canary"];
    // A target that is gone has stale series: Prometheus returns nothing for it.
    const present = instances.filter((i) => this.opts.running(i === "canary" ? this.opts.canary : this.opts.stable));
    const sample = (s: Served) => present.includes(s.instance) && (windowMs === undefined || s.at >= now - windowMs);
    const inWindow = this.served.filter(sample);
    const vector = (metric: Record<string, string>, v: number) => ({ metric, value: [now / 1000, Number.isNaN(v) ? "NaN" : String(Number(v.toFixed(6)))] as [number, string] });
    const labels: Record<string, string> = instance ? { instance } : {};
    if (present.length === 0) return { resultType: "vector", result: [] };
    const quantile = /histogram_quantile\(\s*([\d.]+)/.exec(promql);
    if (quantile) {
      const sorted = inWindow.map((s) => s.seconds).sort((a, b) => a - b);
      const q = sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(Number(quantile[1]) * sorted.length) - 1)]! : NaN;
      return { resultType: "vector", result: [vector(labels, q)] };
    }
    if (promql.includes("ai_request_errors_total") && promql.includes("/")) {
      return { resultType: "vector", result: [vector(labels, inWindow.filter((s) => !s.ok).length / inWindow.length)] };
    }
    if (/rate\(\s*ai_requests_total/.test(promql) && windowMs) {
      return { resultType: "vector", result: [vector(labels, inWindow.length / (windowMs / 1000))] };
    }
    if (promql.includes("ai_requests_total")) {
      return { resultType: "vector", result: present.map((i) => vector({ __name__: "ai_requests_total", instance: i }, this.totals(i).requests)) };
    }
    return { resultType: "vector", result: [] };
  }
}

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
  /** Every `failEvery`-th request the canary serves fails while its echo-tool bypass is on (it returns nothing). */
  failEvery: number;
  /** Whether the canary's container runs with the echo-tool bypass on (FEATURE_BYPASS_LLM=true); on when not given. */
  bypass?(): boolean;
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

  /** Smooth weighted round robin over the targets that run and have weight (on `current`, Kong's own state or a copy). */
  private pick(current = this.current, running = this.opts.running): string | undefined {
    const live = [...this.weights].filter(([service, w]) => w > 0 && running(service));
    if (live.length === 0) return undefined;
    const total = live.reduce((sum, [, w]) => sum + w, 0);
    let best: string | undefined;
    for (const [service, w] of live) {
      const c = (current.get(service) ?? 0) + w;
      current.set(service, c);
      if (best === undefined || c > current.get(best)!) best = service;
    }
    current.set(best!, current.get(best!)! - total);
    return best;
  }

  /** Whether the canary's `n`-th request fails: every `failEvery`-th while the bypass is on. */
  private canaryFails(n: number): boolean {
    return (this.opts.bypass?.() ?? true) && n % this.opts.failEvery === 0;
  }

  /**
   * What the next `n` requests through Kong would get, without serving them: nothing is recorded,
   * logged or counted, so a health verdict asked at any time leaves the metrics as users made them.
   * `running` may count a container still starting as in the ring, as it will be in a moment.
   */
  preview(n: number, running = this.opts.running): { errors: number; canary: number } {
    const current = new Map(this.current);
    let canaryCount = this.canaryCount;
    let errors = 0;
    let canary = 0;
    for (let i = 0; i < n; i++) {
      const target = this.pick(current, running);
      if (target === undefined) errors++;
      else if (target === this.opts.canary) {
        canary++;
        if (this.canaryFails(++canaryCount)) errors++;
      }
    }
    return { errors, canary };
  }

  /** One /ai/execute request served by an instance directly (its own port, no Kong). */
  serve(instance: Instance, traceId: string): Reply {
    const service = instance === "canary" ? this.opts.canary : this.opts.stable;
    if (!this.opts.running(service)) return { status: 503, body: { error: `${service} is not running`, trace_id: traceId } };
    let ok = true;
    let seconds = 0.18;
    if (instance === "canary") {
      this.canaryCount++;
      ok = !this.canaryFails(this.canaryCount);
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

/**
 * The release-train platform API of the train scenarios, served on 127.0.0.1 by `world.serve`:
 * trains (create, status, update), service status with the quality-gate fields, monitoring health
 * and performance, and the train rollback (trigger, status). Health and performance are never
 * stored: every answer is read from the simulated cluster at the moment of the request, so a
 * participant is unhealthy exactly while its pods crash or cannot pull their image.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ClusterStore } from "../store.js";
import { participantState, type ParticipantState } from "./participant-health.js";
import { TrainRollback } from "./platform-rollback.js";

/** What the quality gates read for a service (static per drill: the gates pass before the release). */
export interface ServiceQuality {
  quality_score: number;
  critical_vulns: number;
  coverage: number;
  /** The seed's custom gate `security_scan_clean`; absent when the platform has no scan result (the gate then fails). */
  security_scan_clean?: boolean;
}

export interface TrainRecord {
  name: string;
  target_version: string;
  participants: string[];
  status: string;
  /** Every status the train went through, in order (the drill's own audit trail). */
  history: string[];
  /** The version each participant ran when the train was created: where a rollback takes it back to. */
  previous_versions?: Record<string, string>;
}

export interface PlatformApiOptions {
  store: ClusterStore;
  namespace: string;
  participants: string[];
  quality: Record<string, ServiceQuality>;
  /** Called with a line for the release monitoring log whenever something worth logging happens. */
  log?: (line: string) => void;
  /** false: the rollback endpoints answer 503 (the platform's rollback service is down), so a runbook must fall back. Default true. */
  rollbackService?: boolean;
}

type Json = Record<string, unknown>;

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(`${JSON.stringify(body, null, 2)}\n`);
}

async function readBody(req: IncomingMessage): Promise<Json | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8").trim();
  if (!text) return {};
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
  } catch {
    return undefined;
  }
}

/** Failure rate (%) and regression (%) as the monitoring stack would see them: driven by failing pods. */
function performanceOf(p: ParticipantState): { failure_rate: number | null; performance_regression: number | null; p95_latency_ms: number | null } {
  const pods = p.pods;
  // Nothing runs (scaled to 0, deployment gone): no request was served, so nothing was measured. No data
  // is null, never the healthy figures: a gate reading it (jq -e) must fail, not pass a service that is down.
  if (pods === 0 || p.desired === 0) return { failure_rate: null, performance_regression: null, p95_latency_ms: null };
  if (p.healthy) return { failure_rate: 0.4, performance_regression: 1.8, p95_latency_ms: 142 };
  const share = p.failing / pods;
  return { failure_rate: Math.round(share * 1000) / 10, performance_regression: Math.round(12 + share * 400) / 10 + 20, p95_latency_ms: 2400 };
}

export class PlatformApi {
  readonly trains = new Map<string, TrainRecord>();
  /** What the operator reported with PUT /api/v1/services/<name>/status, by service. */
  readonly reported = new Map<string, Json>();
  /** The latest rollback asked for, by train. */
  readonly rollbacks = new Map<string, TrainRollback>();

  constructor(private readonly opts: PlatformApiOptions) {}

  /** A participant as the cluster shows it now. */
  participant(name: string): ParticipantState {
    return participantState(this.opts.store, this.opts.namespace, name);
  }

  private known(name: string): boolean {
    return this.opts.participants.includes(name);
  }

  private serviceStatus(name: string): Json {
    const p = this.participant(name);
    const quality = this.opts.quality[name] ?? { quality_score: 0, critical_vulns: 0, coverage: 0 };
    const reported = this.reported.get(name);
    return {
      name,
      version: p.version,
      image: p.image,
      status: typeof reported?.status === "string" ? reported.status : "running",
      health_status: p.healthy ? "healthy" : "unhealthy",
      ...quality,
      pods: { desired: p.desired, ready: p.ready, failing: p.failing, ...(p.reason ? { reason: p.reason } : {}), ...(p.others.length ? { old: p.others.length } : {}) },
    };
  }

  private trainStatus(t: TrainRecord): Json {
    const participants = t.participants.map((name) => {
      const p = this.participant(name);
      return { name, version: p.version, health_status: p.healthy ? "healthy" : "unhealthy" };
    });
    const released = participants.filter((p) => p.version === t.target_version).length;
    return { name: t.name, status: t.status, target_version: t.target_version, participants, progress: { released, total: participants.length } };
  }

  /** The node:http handler; every route answers JSON. */
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    this.route(req, res).catch((error: unknown) => send(res, 500, { error: error instanceof Error ? error.message : String(error) }));
  };

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const parts = url.pathname.replace(/\/+$/, "").split("/").slice(1);
    const method = req.method ?? "GET";
    if (parts[0] !== "api" || parts[1] !== "v1") return send(res, 404, { error: `no route ${url.pathname}` });
    const [, , area, name, sub, extra] = parts;

    if (area === "release-trains" && name === undefined && method === "POST") return this.createTrain(req, res);
    if (area === "release-trains" && name !== undefined) {
      const train = this.trains.get(name);
      if (!train) return send(res, 404, { error: `release train ${name} not found` });
      if (sub === "status" && extra === undefined && method === "GET") return send(res, 200, this.trainStatus(train));
      if (sub === undefined && method === "GET") return send(res, 200, { ...train, ...this.trainStatus(train) });
      if (sub === undefined && method === "PUT") return this.updateTrain(req, res, train);
      if (sub === "rollback" && extra === undefined && method === "POST") return this.requestRollback(req, res, train);
      if (sub === "rollback" && extra === "status" && method === "GET") return this.rollbackStatus(res, train);
    }
    if (area === "services" && name !== undefined && sub === "status") {
      if (!this.known(name)) return send(res, 404, { error: `service ${name} not found` });
      if (method === "GET") return send(res, 200, this.serviceStatus(name));
      if (method === "PUT") {
        const body = await readBody(req);
        if (!body) return send(res, 400, { error: "the body must be a JSON object" });
        this.reported.set(name, body);
        this.opts.log?.(`INFO service ${name} reported ${JSON.stringify(body)}`);
        return send(res, 200, this.serviceStatus(name));
      }
    }
    if (area === "monitoring" && method === "GET" && name !== undefined && sub !== undefined) {
      if (name === "release-trains") {
        const train = this.trains.get(sub);
        if (!train) return send(res, 404, { error: `release train ${sub} not found` });
        const status = this.trainStatus(train);
        const healthy = (status.participants as Array<{ health_status: string }>).every((p) => p.health_status === "healthy");
        return send(res, 200, { ...status, healthy });
      }
      if (!this.known(sub)) return send(res, 404, { error: `service ${sub} not found` });
      const p = this.participant(sub);
      if (name === "health") {
        // The health endpoint answers like a load balancer's check: 503 while the service is not healthy.
        if (!p.healthy) this.opts.log?.(`ERROR health check failed for ${sub}: ${p.failing} pod(s) failing${p.reason ? ` (${p.reason})` : ""}`);
        return send(res, p.healthy ? 200 : 503, { service: sub, status: p.healthy ? "healthy" : "unhealthy", version: p.version, ready: `${p.ready}/${p.desired}`, ...(p.reason ? { reason: p.reason } : {}) });
      }
      if (name === "performance") return send(res, 200, { service: sub, version: p.version, ...performanceOf(p) });
    }
    send(res, 404, { error: `no route ${method} ${url.pathname}` });
  }

  private async createTrain(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const name = body?.name;
    if (!body || typeof name !== "string" || typeof body.target_version !== "string" || !Array.isArray(body.participants)) {
      return send(res, 400, { error: "expected {name, target_version, participants}" });
    }
    if (this.trains.has(name)) return send(res, 409, { error: `release train ${name} already exists` });
    const participants = body.participants.filter((p): p is string => typeof p === "string");
    const previous = Object.fromEntries(participants.filter((p) => this.known(p)).map((p) => [p, this.participant(p).version]));
    const train: TrainRecord = { name, target_version: body.target_version, participants, status: "planning", history: ["planning"], previous_versions: previous };
    this.trains.set(name, train);
    this.opts.log?.(`INFO release train ${name} created: ${participants.join(", ")} -> ${train.target_version}`);
    send(res, 201, train);
  }

  private async updateTrain(req: IncomingMessage, res: ServerResponse, train: TrainRecord): Promise<void> {
    const body = await readBody(req);
    if (!body || typeof body.status !== "string") return send(res, 400, { error: 'expected {"status": "..."}' });
    train.status = body.status;
    train.history.push(body.status);
    this.opts.log?.(`INFO release train ${train.name} status ${body.status}`);
    send(res, 200, { ...train, ...this.trainStatus(train) });
  }

  /** POST …/rollback {reason, force}: 202 with the rollback's record; one rollback of a train at a time. */
  private async requestRollback(req: IncomingMessage, res: ServerResponse, train: TrainRecord): Promise<void> {
    if (this.opts.rollbackService === false) return send(res, 503, { error: "rollback service unavailable" });
    const body = await readBody(req);
    const reason = typeof body?.reason === "string" ? body.reason.trim() : "";
    if (!body || reason === "") return send(res, 400, { error: 'expected {"reason": "...", "force": false}: a rollback needs a reason' });
    const running = this.rollbacks.get(train.name);
    if (running && !running.done) return send(res, 409, { error: `a rollback of ${train.name} is already in progress`, rollback: running.record });
    const rollback = new TrainRollback({ store: this.opts.store, namespace: this.opts.namespace, train, reason, force: body.force === true, ...(this.opts.log ? { log: this.opts.log } : {}) });
    this.rollbacks.set(train.name, rollback);
    send(res, 202, rollback.record);
  }

  private rollbackStatus(res: ServerResponse, train: TrainRecord): void {
    if (this.opts.rollbackService === false) return send(res, 503, { error: "rollback service unavailable" });
    const rollback = this.rollbacks.get(train.name);
    if (!rollback) return send(res, 404, { error: `no rollback of ${train.name} was requested` });
    send(res, 200, rollback.record);
  }
}

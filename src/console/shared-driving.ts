/**
 * The console's part in a shared store (issue 20): the store's state on the status bar, someone
 * asking to drive (polled, answered with `a`), handing over, and resuming through the store. The
 * command layer opens the store and owns the lease logic (ConsoleShared); this only wires it in.
 */
import type { IncidentSession } from "../incident/session.js";
import type { StoreStatus } from "../incident/store/types.js";
import type { Banner, ConsoleStore } from "../ui/store.js";
import type { ConsoleShared } from "./controller-deps.js";
import type { ShareResume } from "./resume.js";

/** The banner key of a request to hand over driving (not an escalation's). */
export const HANDOVER = "handover";
/** How often the driver's console looks for someone asking to drive. */
const HANDOVER_POLL_MS = 1_000;
/** Lines the follow screen keeps. */
const FOLLOW_LINES = 200;

/** Whose lease this resume took over, for the `driver.changed` the new driver records. */
export type PreviousDriver = { holder: string; reason: "expired" | "taken over" | "handed over" };

export class SharedDriving {
  /** Who asks to drive the open incident, until answered. */
  private asking: string | undefined;
  /** The follow screen's subscription. */
  private stopFollow: (() => Promise<void>) | undefined;

  constructor(
    private readonly shared: ConsoleShared | undefined,
    private readonly store: ConsoleStore,
  ) {}

  get actor(): string | undefined {
    return this.shared?.actor;
  }

  /** The lease and store of a new incident (none for a drill: its world lives in this process only). */
  async drive(incidentId: string): Promise<{ store?: Awaited<ReturnType<ConsoleShared["drive"]>>; actor?: string }> {
    if (!this.shared) return {};
    return { store: await this.shared.drive(incidentId), actor: this.shared.actor };
  }

  /** Follow a session's store on the status bar and poll for someone asking to drive; returns the detach. */
  watch(session: IncidentSession, changed: () => void): () => void {
    const shared = this.shared;
    if (!shared || session.store.kind !== "postgres") {
      this.store.setState({ shared: undefined });
      return () => undefined;
    }
    const show = (st: StoreStatus) => this.store.setState({ shared: { where: shared.where, state: st.state, queued: st.queued, ...(st.drivenBy !== undefined ? { drivenBy: st.drivenBy } : {}) } });
    show(session.store.status());
    const off = session.store.onStatus(show);
    const poll = setInterval(() => {
      void shared
        .pendingRequest()
        .then((by) => {
          if (by === this.asking) return;
          this.asking = by;
          changed();
        })
        .catch(() => undefined);
    }, HANDOVER_POLL_MS);
    poll.unref();
    return () => {
      off();
      clearInterval(poll);
      this.asking = undefined;
      this.store.setState({ shared: undefined });
    };
  }

  /** Someone asking to drive comes first on the banners: it waits on this operator's answer. */
  banners(): Banner[] {
    return this.asking !== undefined ? [{ key: HANDOVER, kind: "handover", text: `${this.asking} asks to drive this incident` }] : [];
  }

  /** Give driving to the one who asked; what to tell the operator. */
  async handOver(): Promise<{ text: string; tone: "info" | "error" } | undefined> {
    if (!this.shared || this.asking === undefined) return undefined;
    try {
      const to = await this.shared.handOver();
      this.asking = undefined;
      return { text: to ? `handed over to ${to}: they drive now; this console runs no further step (leave with q)` : "nobody asks to drive any more", tone: "info" };
    } catch (e) {
      return { text: `could not hand over: ${(e as Error).message}`, tone: "error" };
    }
  }

  /**
   * A resume through the store: the lease taken once (an incident only in the store gets its local file
   * written first), the file to resume, and whose lease it was once the share has run.
   */
  async resume(file: string, exists: boolean): Promise<{ file: string; share?: ShareResume; previous: () => PreviousDriver | undefined }> {
    const shared = this.shared;
    if (!shared) return { file, previous: () => undefined };
    let taken = exists ? undefined : await shared.resume(file);
    if (!exists && !taken) throw new Error(`${file}: not in the shared store any more`);
    let previous: PreviousDriver | undefined;
    const share: ShareResume = async (f) => {
      const r = taken ?? (await shared.resume(f));
      taken = undefined;
      previous = r?.previous;
      return r ? { ...r, actor: shared.actor } : undefined;
    };
    return { file: taken?.file ?? file, share, previous: () => previous };
  }

  /** The follow screen on an incident someone else drives; why not, when there is no shared store. */
  follow(incidentId: string): string | undefined {
    if (!this.shared) return "following an incident needs a shared store (--store postgres://… or HANDRAIL_STORE_URL)";
    this.unfollow();
    this.store.setState({ screen: "follow", follow: { incident: incidentId, lines: [] }, flash: undefined });
    this.stopFollow = this.shared.follow(incidentId, ({ lines, driver, escalations }) =>
      this.store.setState((v) => (v.follow?.incident === incidentId ? { follow: { ...v.follow, lines: [...v.follow.lines, ...lines].slice(-FOLLOW_LINES), ...(driver !== undefined ? { driver } : {}), ...(escalations ? { escalations } : {}) } } : {})),
    );
    return undefined;
  }

  unfollow(): void {
    const stop = this.stopFollow;
    this.stopFollow = undefined;
    void stop?.().catch(() => undefined);
  }

  /** A note on the followed incident; what to tell the operator. */
  async followNote(text: string): Promise<{ text: string; tone: "info" | "error" }> {
    const id = this.store.getState().follow?.incident;
    if (!this.shared || id === undefined) return { text: "no incident is followed", tone: "error" };
    try {
      await this.shared.note(id, text);
      return { text: "note added", tone: "info" };
    } catch (e) {
      return { text: `note not added: ${(e as Error).message}`, tone: "error" };
    }
  }

  /** Acknowledge the followed incident's oldest open escalation; what to tell the operator. */
  async followAcknowledge(): Promise<{ text: string; tone: "info" | "error" }> {
    const follow = this.store.getState().follow;
    const first = follow?.escalations?.[0];
    if (!this.shared || !follow || !first) return { text: "no escalation waits for an acknowledgement", tone: "error" };
    try {
      await this.shared.acknowledge(follow.incident, first.key);
      return { text: `acknowledged: escalate to ${first.to}`, tone: "info" };
    } catch (e) {
      return { text: `not acknowledged: ${(e as Error).message}`, tone: "error" };
    }
  }

  /** Ask the followed incident's driver to hand over (waits for the answer): the incident to resume, or why not. */
  async askToDrive(): Promise<{ incident: string } | { refused: string }> {
    const follow = this.store.getState().follow;
    if (!this.shared || !follow) return { refused: "no incident is followed" };
    this.store.setState({ follow: { ...follow, asking: true }, flash: { text: `asked ${follow.driver ?? "the driver"} to hand over; waiting up to a minute for the answer…`, tone: "info" } });
    const refused = await this.shared.askToDrive(follow.incident).catch((e: unknown) => (e as Error).message);
    if (refused !== undefined) {
      this.store.setState((v) => (v.follow ? { follow: { ...v.follow, asking: false } } : {}));
      return { refused };
    }
    this.unfollow();
    return { incident: follow.incident };
  }

  /** Wait (bounded) for what the left incident queued for the store. */
  async finish(session: IncidentSession): Promise<void> {
    await this.shared?.finish(session.store);
  }
}

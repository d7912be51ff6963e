/**
 * Container logs, kept per container *instance* so that `kubectl logs --previous` shows the run
 * before the last restart, as on a real node. Bounded: two instances per container, and a fixed
 * number of lines per instance (oldest dropped first).
 */

export interface LogLine {
  time: string;
  text: string;
}

interface Instance {
  lines: LogLine[];
  ended: boolean;
}

export type LogEvent =
  | { kind: "line"; podUid: string; container: string; line: LogLine }
  | { kind: "ended"; podUid: string; container: string };

export const MAX_LINES_PER_INSTANCE = 5000;

export class LogBook {
  private readonly pods = new Map<string, Map<string, Instance[]>>();
  private readonly listeners = new Set<(event: LogEvent) => void>();

  private instances(podUid: string, container: string): Instance[] {
    let containers = this.pods.get(podUid);
    if (!containers) this.pods.set(podUid, (containers = new Map()));
    let list = containers.get(container);
    if (!list) containers.set(container, (list = []));
    return list;
  }

  /** A container (re)started: later lines go to a fresh instance, the last one becomes "previous". */
  start(podUid: string, container: string): void {
    const list = this.instances(podUid, container);
    list.push({ lines: [], ended: false });
    if (list.length > 2) list.shift();
  }

  append(podUid: string, container: string, line: LogLine): void {
    const list = this.instances(podUid, container);
    let current = list[list.length - 1];
    if (!current) {
      current = { lines: [], ended: false };
      list.push(current);
    }
    current.lines.push(line);
    if (current.lines.length > MAX_LINES_PER_INSTANCE) current.lines.splice(0, current.lines.length - MAX_LINES_PER_INSTANCE);
    this.emit({ kind: "line", podUid, container, line });
  }

  end(podUid: string, container: string): void {
    const current = this.pods.get(podUid)?.get(container)?.at(-1);
    if (!current || current.ended) return;
    current.ended = true;
    this.emit({ kind: "ended", podUid, container });
  }

  /** Forget a deleted pod; anyone following its logs is told the stream ended. */
  forget(podUid: string): void {
    const containers = this.pods.get(podUid);
    if (!containers) return;
    for (const name of containers.keys()) this.end(podUid, name);
    this.pods.delete(podUid);
  }

  /** Lines of the current (or previous) instance; undefined when there is no such instance. */
  read(podUid: string, container: string, opts: { previous?: boolean; tailLines?: number } = {}): LogLine[] | undefined {
    const list = this.pods.get(podUid)?.get(container) ?? [];
    const instance = opts.previous ? list.at(-2) : list.at(-1);
    if (!instance) return undefined;
    const tail = opts.tailLines;
    return tail === undefined ? [...instance.lines] : tail <= 0 ? [] : instance.lines.slice(-tail);
  }

  /** Whether the current instance is still writing (a follower keeps waiting for lines). */
  isLive(podUid: string, container: string): boolean {
    const current = this.pods.get(podUid)?.get(container)?.at(-1);
    return current !== undefined && !current.ended;
  }

  subscribe(listener: (event: LogEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: LogEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }
}

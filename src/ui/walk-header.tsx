/**
 * The pinned header: what the commands will target (context / namespace / server), PRODUCTION or
 * DRILL, the severity and the clock, on the first line at every size; the incident and the phase
 * rail under it when there is room. Abbreviated on a small terminal, never dropped.
 */
import { Box, Text } from "ink";
import { formatDuration } from "../runbooks/duration.js";
import { useView, useGlyphs } from "./context.js";
import { UNICODE, type Glyphs } from "./glyphs.js";
import { PhaseRail } from "./phase-rail.js";
import { Quiet } from "./quiet.js";
import type { SharedView } from "./store.js";

/** Within this much of the deadline the clock turns amber. */
export const CLOCK_AMBER_MS = 2 * 60_000;

export function clockText(dueAt: number, now: number): { text: string; color: "green" | "yellow" | "red" } {
  const left = dueAt - now;
  if (left < 0) return { text: `breached ${formatDuration(-left)} ago`, color: "red" };
  return { text: `${formatDuration(Math.max(1000, Math.round(left / 1000) * 1000))} left`, color: left <= CLOCK_AMBER_MS ? "yellow" : "green" };
}

/** The namespace the steps use: the incident's `namespace` input when it has one, else the kube target's. */
function useTargetNamespace(): string | undefined {
  return useView((v) => {
    const input = v.incident?.inputs.namespace;
    return typeof input === "string" ? input : v.kube.namespace;
  });
}

/** `⎈ context / namespace` in at most `width` columns: the context is shortened first, the namespace kept whole. */
export function targetLabel(context: string | undefined, namespace: string | undefined, width: number, g: Glyphs = UNICODE): string {
  const ns = namespace ? ` / ${namespace}` : "";
  const full = `${g.kube} ${context ?? "no cluster"}${ns}`;
  if (full.length <= width) return full;
  const room = Math.max(4, width - ns.length - g.kube.length - 2);
  const ctx = context ?? "no cluster";
  return `${g.kube} ${ctx.length > room ? `${ctx.slice(0, room - g.ellipsis.length)}${g.ellipsis}` : ctx}${ns}`;
}

/** The first line: marker, severity, clock, target; one line at every width, the target abbreviated to fit. */
export function StatusLine({ columns }: { columns: number }) {
  const kube = useView((v) => v.kube);
  const namespace = useTargetNamespace();
  const production = useView((v) => v.production?.production === true);
  const severity = useView((v) => v.incident?.severity);
  const resolved = useView((v) => v.incident?.resolved !== undefined);
  const clock = useView((v) => v.clock);
  const now = useView((v) => v.now);
  const dryRun = useView((v) => v.dryRun);
  const drill = useView((v) => v.drill);
  const shared = useView((v) => v.shared);
  const g = useGlyphs();
  const c = clock && !resolved ? clockText(clock.dueAt, now) : undefined;
  // Offline or driven by someone else: said on the first line, which every size of terminal shows.
  const alarm = shared ? storeText(shared) : undefined;
  const marks = [drill ? " DRILL " : "", production ? " PRODUCTION " : "", dryRun ? " DRY RUN " : ""].filter(Boolean);
  const clockPart = c ? `${g.clock} ${c.text}` : resolved ? "resolved" : "";
  const used = marks.reduce((n, m) => n + m.length + 1, 0) + (severity ? severity.length + 1 : 0) + (clockPart ? clockPart.length + 1 : 0);
  return (
    <Text wrap="truncate-end">
      {drill ? <Text backgroundColor="magenta" color="white" bold>{" DRILL "}</Text> : null}
      {drill ? " " : null}
      {production ? <Text backgroundColor="red" color="white" bold>{" PRODUCTION "}</Text> : null}
      {production ? " " : null}
      {dryRun ? <Text backgroundColor="yellow" color="black" bold>{" DRY RUN "}</Text> : null}
      {dryRun ? " " : null}
      {severity ? <Text bold color={severity === "critical" ? "red" : severity === "high" ? "yellow" : undefined}>{`${severity.toUpperCase()} `}</Text> : null}
      {c ? <Text color={c.color}>{`${clockPart} `}</Text> : resolved ? <Text color="green">{`${clockPart} `}</Text> : null}
      {alarm?.alarm ? <Text color={alarm.alarm} bold>{`${alarm.text} `}</Text> : null}
      <Text color={production ? "red" : "cyan"} bold={production}>
        {targetLabel(kube.context, namespace, Math.max(12, columns - used - (alarm?.alarm ? alarm.text.length + 1 : 0) - 4), g)}
      </Text>
    </Text>
  );
}

/** The shared store's state in words, and whether it needs the operator's eye (offline, or someone else drives). */
export function storeText(shared: SharedView): { text: string; alarm?: "yellow" | "red" } {
  const events = (n: number) => `${n} event${n === 1 ? "" : "s"}`;
  if (shared.drivenBy !== undefined) return { text: `store: ${shared.drivenBy} drives now; this console runs no further step`, alarm: "red" };
  if (shared.state === "offline") return { text: `store: offline (${events(shared.queued)} queued)`, alarm: "yellow" };
  return { text: shared.queued > 0 ? `store: online, sending ${events(shared.queued)}` : "store: online" };
}

/** Rows the header takes: a framed block when the terminal is big enough, two bare lines when not. */
export function headerRows(rows: number, columns: number): "full" | "compact" {
  return rows >= 24 && columns >= 70 ? "full" : "compact";
}

export function WalkHeader({ rows, columns }: { rows: number; columns: number }) {
  const production = useView((v) => v.production?.production === true);
  const drill = useView((v) => v.drill);
  const id = useView((v) => v.incident?.id);
  const file = useView((v) => v.incidentFile);
  const why = useView((v) => v.production?.why);
  const server = useView((v) => v.kube.server);
  const shared = useView((v) => v.shared);
  const g = useGlyphs();
  if (headerRows(rows, columns) === "compact") {
    return (
      <Box flexDirection="column" flexShrink={0}>
        <StatusLine columns={columns} />
        <Box height={1} overflow="hidden">
          <PhaseRail />
        </Box>
      </Box>
    );
  }
  // A drill's frame is magenta: never the red of production, never the grey of a real incident.
  return (
    <Box flexDirection="column" flexShrink={0} borderStyle={production ? g.border.strong : drill ? g.border.drill : g.border.plain} borderColor={production ? "red" : drill ? "magenta" : "gray"} paddingX={1}>
      <StatusLine columns={columns} />
      <Quiet wrap="truncate-end">{`${id ?? ""} · ${file ?? ""}${shared ? ` · ${storeText(shared).text} at ${shared.where}` : ""}${server ? ` · ${server}` : ""}${why ? ` · production: ${why}` : ""}`}</Quiet>
      <PhaseRail />
    </Box>
  );
}

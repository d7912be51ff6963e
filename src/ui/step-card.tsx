/** The current step: its title, instructions, the exact command and how risky it is. */
import { Box, Text, useStdout } from "ink";
import { useGlyphs, useView } from "./context.js";
import { linkText } from "./glyphs.js";
import type { CurrentView } from "./store.js";
import { Quiet } from "./quiet.js";

const RISK_COLOR: Record<string, string> = { low: "green", medium: "yellow", high: "red", critical: "magenta" };

function DrillSummary({ lines }: { lines: readonly string[] }) {
  const g = useGlyphs();
  const healthy = lines[0]?.includes("HEALTHY") === true && !lines[0].includes("STILL BROKEN");
  return (
    <Box flexDirection="column" borderStyle={g.border.drill} borderColor={healthy ? "green" : "magenta"} paddingX={1}>
      {lines.map((l, i) => (
        <Text key={i} bold={i === 0} color={i === 0 ? (healthy ? "green" : "red") : undefined} wrap="wrap">
          {l}
        </Text>
      ))}
    </Box>
  );
}

function ResolvedReport() {
  const g = useGlyphs();
  const report = useView((v) => v.report);
  const file = useView((v) => v.incidentFile);
  const drill = useView((v) => v.drill);
  const summary = useView((v) => v.drillSummary);
  const rows = useStdout().stdout.rows || 24;
  const lines = (report ?? "").split("\n");
  // The drill's verdict stays on screen: the report gets what is left below it.
  const room = Math.max(5, rows - 16 - (summary ? summary.length + 2 : 0));
  return (
    <Box flexDirection="column">
      <Text color="green">{`Resolved. Incident file: ${file ?? ""}`}</Text>
      {summary ? <DrillSummary lines={summary} /> : drill ? <Text color="magenta">Judging the drill…</Text> : null}
      <Box flexDirection="column" borderStyle={g.border.pane} borderColor="green" paddingX={1}>
        {lines.slice(0, room).map((l, i) => (
          <Text key={i} wrap="truncate-end">
            {l}
          </Text>
        ))}
        {lines.length > room ? <Quiet>… the full report: handrail report {file ?? ""}</Quiet> : null}
      </Box>
    </Box>
  );
}

/** The end of the walk, told as it is: "Every step is done" only when every step passed or found its symptom. */
export function walkEndText(v: CurrentView["verdict"]): { text: string; clean: boolean } {
  const few = (keys: string[]) => `${keys.slice(0, 6).join(", ")}${keys.length > 6 ? ", …" : ""}`;
  const gaps = [v?.failed.length ? `${v.failed.length} did not pass (${few(v.failed)})` : "", v?.skipped.length ? `${v.skipped.length} skipped` : "", v?.notRun.length ? `${v.notRun.length} never ran` : ""].filter(Boolean);
  if (gaps.length === 0) return { text: "Every step is done.", clean: true };
  return { text: `The walk reached its end, but not every step passed: ${gaps.join("; ")}. j goes back to a phase.`, clean: false };
}

function WalkEnd({ verdict }: { verdict: CurrentView["verdict"] }) {
  const { text, clean } = walkEndText(verdict);
  return (
    <Box flexDirection="column">
      <Text color={clean ? "green" : "yellow"}>{text}</Text>
      <Text>Press x to resolve: root cause, action items and impact go into the report.</Text>
    </Box>
  );
}

export function StepCard() {
  const current = useView((v) => v.current);
  const g = useGlyphs();
  if (!current) return null;
  if (current.type === "complete") return <WalkEnd verdict={current.verdict} />;
  if (current.type === "resolved") return <ResolvedReport />;
  if (current.type === "choose") return <Text bold>{`${current.phase}: choose how to proceed`}</Text>;
  return (
    <Box flexDirection="column" marginTop={1} flexShrink={0}>
      {/* One line of text that wraps as a whole: flex boxes side by side squeeze each other on a narrow terminal. */}
      <Text wrap="wrap">
        <Text bold>{`${current.phase} ${g.step} ${current.title}`}</Text>
        {current.risk ? <Text color={RISK_COLOR[current.risk] ?? "white"}>{` [${current.risk} risk]`}</Text> : null}
        {current.retry ? <Text color="yellow"> (again)</Text> : null}
      </Text>
      {current.type === "halted" ? <Text color="red">{`stopped: ${current.status ?? ""} — r runs it again, e edits it, s skips it`}</Text> : null}
      {current.because ? <Quiet color="cyan">{`runs because ${current.because}`}</Quiet> : null}
      {current.description ? <Quiet>{current.description}</Quiet> : null}
      {current.requires?.length ? <Text color="yellow">{`expects on PATH: ${current.requires.join(", ")}`}</Text> : null}
      {current.links?.map((l, i) => (
        <Text key={`link-${i}`} color="blue" wrap="wrap">{`${g.link} ${linkText(g, l.title, l.url)}`}</Text>
      ))}
      {current.kind === "notify" && current.notify ? (
        <Box flexDirection="column">
          <Text color="magenta">{`${g.mail} notify ${current.notify.channel}${current.notify.severity ? ` · ${current.notify.severity}` : ""}`}</Text>
          <Text>{current.notify.message}</Text>
        </Box>
      ) : current.kind === "manual" ? (
        <Text>{current.command}</Text>
      ) : (
        <Text color="cyan">{`$ ${current.command ?? ""}`}</Text>
      )}
      {current.kind === "manual" ? <Quiet>Press y when done.</Quiet> : null}
      {current.checks?.map((c, i) => (
        <Text key={i} color={c.passed ? "green" : "red"}>{`${c.passed ? g.passed : g.failed} ${c.passed ? c.check : (c.reason ?? c.check)}`}</Text>
      ))}
      {current.diagnosis ? <Text color="yellow">{`${current.diagnosis.summary} — ${current.diagnosis.hint}`}</Text> : null}
    </Box>
  );
}

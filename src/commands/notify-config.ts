/**
 * Notification settings for this run: `$XDG_CONFIG_HOME/handrail/config.yaml` (default
 * `~/.config/handrail/config.yaml`), each value overridden by its HANDRAIL_* variable. Read
 * here, in the command layer, and handed down: executors never read the environment.
 */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { UsageError } from "../errors.js";
import { emptySettings, SETTINGS, type NotifySettings } from "../executors/notify/settings.js";
import { DURATION_PATTERN } from "../runbooks/schema.js";
import { parseDuration } from "../runbooks/duration.js";
import { formatPath, formatProblem, type PathSegment } from "../runbooks/problems.js";
import { explainIssues } from "../runbooks/schema-issues.js";
import { locate } from "../runbooks/yaml-locate.js";

const value = z.string().min(1, { error: "must not be empty" });
const duration = z.string().regex(DURATION_PATTERN, { error: 'expected a duration such as "500ms", "10s"' });

export const configSchema = z.strictObject({
  slack: z.strictObject({ webhookUrl: value.optional() }).optional(),
  pagerduty: z.strictObject({ routingKey: value.optional(), url: value.optional() }).optional(),
  github: z.strictObject({ token: value.optional(), repo: value.optional(), apiUrl: value.optional() }).optional(),
  email: z.strictObject({ smtpUrl: value.optional(), from: value.optional(), to: z.union([value, z.array(value).min(1)]).optional() }).optional(),
  webhook: z.strictObject({ url: value.optional() }).optional(),
  delivery: z.strictObject({ attempts: z.number().int().min(1).max(10).optional(), backoff: duration.optional(), timeout: duration.optional() }).optional(),
  // Settings that are environment variables too (src/commands/settings.ts); the variable wins.
  runbooks: z.union([value, z.array(value).min(1)]).optional(),
  incidents: value.optional(),
  productionPattern: value.optional(),
  operator: value.optional(),
  theme: z.enum(["default", "high-contrast", "no-color"]).optional(),
  // The shared incident store (HANDRAIL_STORE_URL): postgres://user:password@host:5432/database?sslmode=…
  store: z.strictObject({ url: value.optional() }).optional(),
});

export { configPath } from "./config-path.js";
import { configPath } from "./config-path.js";

export function readConfig(file: string, shown: string): z.infer<typeof configSchema> {
  let src: string;
  try {
    src = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return {};
    throw new UsageError(`${shown}: cannot read the config file: ${code ?? (e as Error).message}`);
  }
  const counter = new LineCounter();
  const doc = parseDocument(src, { lineCounter: counter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const pos = counter.linePos(e.pos[0]);
    throw new UsageError(`${shown}:${pos.line}:${pos.col} invalid YAML: ${e.message.split("\n")[0]}`);
  }
  const data: unknown = doc.toJS() ?? {};
  const parsed = configSchema.safeParse(data);
  if (parsed.success) return parsed.data;
  const lines = explainIssues(configSchema, data, parsed.error.issues).map((i) => {
    const where = locate(doc, counter, i.path as PathSegment[], i.atKey);
    return formatProblem({ file: shown, line: where.line, column: where.column, path: formatPath(i.path as PathSegment[]), message: i.message });
  });
  throw new UsageError(lines.join("\n"), "Fix the config file, or set the HANDRAIL_* variables instead.");
}

/** The settings every notify step and escalation of this run uses. Bad input is a UsageError naming file:line:col. */
export function loadNotifySettings(env: Record<string, string | undefined>, home = homedir()): NotifySettings {
  const { file, shown } = configPath(env, home);
  const config = readConfig(file, shown);
  const settings = emptySettings(shown);
  const fromFile = config as Record<string, Record<string, unknown> | undefined>;
  for (const spec of SETTINGS) {
    const raw = fromFile[spec.channel]?.[spec.key];
    const fileValue = Array.isArray(raw) ? raw.join(",") : typeof raw === "string" ? raw : undefined;
    const envValue = env[spec.env];
    const chosen = envValue !== undefined && envValue !== "" ? envValue : fileValue;
    if (chosen !== undefined) (settings[spec.channel] as Record<string, string>)[spec.key] = chosen;
  }
  const d = config.delivery;
  if (d?.attempts !== undefined) settings.delivery.attempts = d.attempts;
  if (d?.backoff !== undefined) settings.delivery.backoffMs = parseDuration(d.backoff) ?? settings.delivery.backoffMs;
  if (d?.timeout !== undefined) settings.delivery.timeoutMs = parseDuration(d.timeout) ?? settings.delivery.timeoutMs;
  for (const spec of SETTINGS) {
    const v = (settings[spec.channel] as Record<string, string | undefined>)[spec.key];
    if (v === undefined || !/url/i.test(spec.key)) continue;
    const smtp = spec.key === "smtpUrl";
    if (!(smtp ? /^smtps?:\/\/[^/]/ : /^https?:\/\/[^/]/).test(v)) {
      const from = env[spec.env] ? spec.env : `${spec.channel}.${spec.key} in ${shown}`;
      // The value itself is not echoed: it may be a secret.
      throw new UsageError(`${from}: expected ${smtp ? "an smtp:// or smtps://" : "an http:// or https://"} URL`);
    }
  }
  return settings;
}

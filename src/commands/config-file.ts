/**
 * The config file (`$XDG_CONFIG_HOME/handrail/config.yaml`) read and checked: YAML with positions,
 * the schema, every problem at file:line:column. Loaded only when the file exists (notify-config.ts).
 */
import { readFileSync } from "node:fs";
import { LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { UsageError } from "../errors.js";
import { DURATION_PATTERN } from "../runbooks/schema.js";
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

export type ConfigData = z.infer<typeof configSchema>;

export function readConfig(file: string, shown: string): ConfigData {
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


/**
 * The handrail/v1 runbook format. Field names are fixed by DESIGN.md: tools outside
 * the project read these files, so fields are only ever added, never renamed.
 */
import { z } from "zod";
import { conditionSchema } from "./condition-schema.js";
import { SEVERITIES } from "./severity.js";
import { REGEX_DEADLINE_MS } from "../util/regex-deadline.js";
import { durationRangeProblem } from "./duration.js";
import { PATTERN_LINE_CHARS, PATTERN_WINDOW_CHARS } from "./patterns.js";
import { DELAY_MIN_MS, DURATION_MIN_MS, MAX_RETRIES, phaseIssue, stepKindIssue } from "./schema-rules.js";

export { DELAY_MIN_MS, DURATION_MIN_MS, MAX_RETRIES, phaseIssue, stepKindIssue } from "./schema-rules.js";

export { DEFAULT_RESPONSE_TIMES, SEVERITIES } from "./severity.js";
export const PHASE_KINDS = ["assess", "diagnose", "remediate", "verify", "communicate", "review"] as const;
export const RISKS = ["low", "medium", "high", "critical"] as const;
export const INPUT_TYPES = ["string", "name", "enum", "int", "duration", "url", "secret", "list"] as const;
export const LIST_ITEM_TYPES = ["string", "name", "int", "url"] as const;
export const K8S_ACTIONS = ["pods", "rollout-status", "scale", "rollout-restart", "rollout-undo", "events"] as const;
export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] as const;
export const NOTIFY_CHANNELS = ["slack", "pagerduty", "github", "email", "webhook"] as const;

export type { Severity } from "./severity.js";
export type PhaseKind = (typeof PHASE_KINDS)[number];
export type Risk = (typeof RISKS)[number];
export type InputType = (typeof INPUT_TYPES)[number];
export type NotifyChannel = (typeof NOTIFY_CHANNELS)[number];


const ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const INPUT_NAME = /^[a-z][a-z0-9_]*$/;

const id = z.string().regex(ID, { error: "expected a kebab-case id (lowercase letters, digits and single dashes)" });
const text = z.string().min(1, { error: "must not be empty" });
// A pattern rather than a refinement so that the exported JSON Schema checks it too.
export const DURATION_PATTERN = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;
// The bounds are a refinement: a pattern cannot say "at most 24d", so the JSON Schema only describes them.
const boundedDuration = (minMs: number) =>
  z
    .string()
    .regex(DURATION_PATTERN, { error: 'expected a duration such as "30s", "5m", "1h30m"' })
    .refine((text) => durationRangeProblem(text, minMs) === undefined, { error: (issue) => durationRangeProblem(String(issue.input), minMs) });
const duration = boundedDuration(DURATION_MIN_MS).describe("A duration such as 500ms, 30s, 5m, 1h30m or 2d, from 1ms to 24d (the longest a timer can wait).");
// An escalation may be due at once (after: 0s); a timeout or a response time of 0 would be over before it starts.
const delay = boundedDuration(DELAY_MIN_MS).describe("How long after the incident opened, such as 0s, 15m or 1h, at most 24d.");
const severityList = z.array(z.enum(SEVERITIES)).min(1, { error: "list at least one severity" });
const oneOrMany = <T extends z.ZodType>(schema: T) => z.union([schema, z.array(schema).min(1)]);

const severityPolicy = z.strictObject({
  respondWithin: duration,
  criteria: text.optional(),
  label: text.optional(),
});

export const escalationSchema = z.strictObject({
  after: delay,
  severities: severityList.optional(),
  to: text,
  reason: text.optional(),
  /** A channel the SLA clock notifies when the escalation falls due (e.g. pagerduty pages). */
  notify: z.enum(NOTIFY_CHANNELS).optional(),
  /** The message sent with it; `$name` references as in a notify step. */
  message: text.optional(),
});

const scalar = z.union([z.string(), z.number(), z.boolean()]);

export const inputSchema = z.strictObject({
  type: z.enum(INPUT_TYPES),
  prompt: text.optional(),
  description: text.optional(),
  default: z.union([scalar, z.array(scalar)]).optional(),
  values: z.array(z.union([z.string(), z.number()])).min(1).optional(),
  items: z.enum(LIST_ITEM_TYPES).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  pattern: text.optional().describe(`A regular expression a string input must match in full. Matching that takes more than ${REGEX_DEADLINE_MS / 1000} s is stopped and the value refused; validate refuses patterns that can backtrack exponentially.`),
  required: z.boolean().optional(),
});

// Not toLocaleString: loading ICU's number formats costs every start-up ≈ 8 MB of memory.
const chars = (n: number) => String(n).replace(/\B(?=(\d{3})+$)/g, ",");
// The limits are part of the format: the JSON Schema carries them to the runbook's author.
const PATTERN_RULE =
  `Applied to each line of the whole output (colour codes and the line ending removed); a line longer than ${chars(PATTERN_LINE_CHARS)} characters is matched on its first ${chars(PATTERN_LINE_CHARS)}. ` +
  `A pattern that names a newline (\\n) is applied across lines instead, with ^ and $ at line ends: any run of whole lines up to ${chars(PATTERN_WINDOW_CHARS)} characters in all is seen together. ` +
  `Matching that takes more than ${REGEX_DEADLINE_MS / 1000} s on one piece of output is stopped and the check fails, saying so; validate refuses patterns that can backtrack exponentially.`;

const outputCheck = z.strictObject({
  contains: oneOrMany(z.string()).optional().describe("Text the whole output must contain (colour codes removed); it may span lines."),
  notContains: oneOrMany(z.string()).optional().describe("Text the whole output must not contain (colour codes removed)."),
  matches: z.string().optional().describe(`A regular expression some line must match. ${PATTERN_RULE}`),
  notMatches: z.string().optional().describe(`A regular expression no line may match. ${PATTERN_RULE}`),
  min: z.number().optional().describe("Lowest value of the output read as a number: its last non-blank line."),
  max: z.number().optional().describe("Highest value of the output read as a number: its last non-blank line."),
  empty: z.boolean().optional().describe("Whether the output is empty (nothing but white space and colour codes)."),
});

const jsonCheck = z.strictObject({
  path: text,
  equals: scalar.optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  exists: z.boolean().optional(),
});

const expectation = z.strictObject({
  exitCode: oneOrMany(z.number().int()).optional(),
  stdout: outputCheck.optional(),
  stderr: outputCheck.optional(),
  status: oneOrMany(z.number().int().min(100).max(599)).optional(),
  json: oneOrMany(jsonCheck).optional(),
  latencyMs: z.strictObject({ max: z.number().positive() }).optional(),
});

const k8sTarget = { namespace: text.optional(), context: text.optional() };
const k8sStep = z.discriminatedUnion("action", [
  z.strictObject({ action: z.literal("pods"), selector: text, ...k8sTarget }),
  z.strictObject({ action: z.literal("rollout-status"), deployment: text, ...k8sTarget }),
  z.strictObject({ action: z.literal("scale"), deployment: text, replicas: z.union([z.number().int().min(0), text]), ...k8sTarget }),
  z.strictObject({ action: z.literal("rollout-restart"), deployment: text, ...k8sTarget }),
  z.strictObject({ action: z.literal("rollout-undo"), deployment: text, toRevision: z.number().int().min(1).optional(), ...k8sTarget }),
  z.strictObject({ action: z.literal("events"), name: text, kind: text.optional(), ...k8sTarget }),
]);

const httpStep = z.strictObject({
  url: text,
  method: z.enum(HTTP_METHODS).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  query: z.record(z.string(), z.string()).optional(),
  body: z.string().optional(),
});

// Endpoints and tokens are never here: they come from the config file or HANDRAIL_* variables.
const notifyStep = z.strictObject({
  channel: z.enum(NOTIFY_CHANNELS),
  message: text,
  /** The severity sent (PagerDuty severity, Slack colour, GitHub label); default the incident's. */
  severity: z.enum(SEVERITIES).optional(),
  /** Email recipients instead of the configured ones. */
  to: oneOrMany(text).optional(),
  /** GitHub issue title, email subject; default the message's first line. */
  title: text.optional(),
});

/** A dashboard or document: `url` may use the runbook's inputs (`$service`), substituted when shown. */
const link = z.strictObject({ title: text, url: text });

const onFail = z.string().regex(/^(stop|continue|goto:[a-z0-9]+(?:-[a-z0-9]+)*)$/, {
  error: "expected stop | continue | goto:<step-id>",
});

export { STEP_KINDS, stepKind, type StepKind } from "./step-kind.js";

export const stepSchema = z
  .strictObject({
    id,
    title: text,
    description: text.optional(),
    run: text.optional(),
    manual: text.optional(),
    k8s: k8sStep.optional(),
    http: httpStep.optional(),
    notify: notifyStep.optional(),
    requires: z.array(text).optional(),
    /** Dashboards and documents for this step, shown on its card and in the report. */
    links: z.array(link).optional(),
    /** A run step that needs the terminal itself (kubectl exec -it, $EDITOR, psql): output is not captured. */
    interactive: z.boolean().optional(),
    /** A run step that starts a daemon on purpose: what it leaves running is not ended with the step. */
    detach: z.boolean().optional(),
    risk: z.enum(RISKS).optional(),
    target: text.optional(),
    timeout: duration.optional(),
    expect: expectation.optional(),
    /** A diagnose check: when its checks hold (and expect passes) the symptom is present and the step is `found`, not failed. */
    found: expectation.optional(),
    /** The step's output is evidence: the incident report quotes its first and last lines and links the full output. */
    evidence: z.boolean().describe("The incident report quotes this step's output (first and last lines) as evidence, with a link to the full output.").optional(),
    onFail: onFail.optional(),
    // A goto that can come back to this step loops: the walk must know when to stop (lint-goto.ts requires it there).
    retries: z
      .number()
      .int()
      .min(1)
      .max(MAX_RETRIES)
      .describe("How many more times the walk may come back to this step through its onFail goto (1-10); required when the goto goes back.")
      .optional(),
    severities: severityList.optional(),
    /** The step appears only when this holds, judged when the walk reaches it (else it is skipped, reason "condition"). */
    when: conditionSchema.optional(),
    forEach: z.string().regex(INPUT_NAME, { error: "expected the name of a list input" }).optional(),
    reverse: z.boolean().optional(),
  })
  .superRefine((step, ctx) => {
    const issue = stepKindIssue(step);
    if (issue) ctx.addIssue({ code: "custom", ...issue });
  });

const optionSchema = z.strictObject({
  id,
  title: text,
  description: text.optional(),
  severities: severityList.optional(),
  /** Offered only when this holds at the choice (e.g. roll back the train only when a participant failed). */
  when: conditionSchema.optional(),
  /** The option the cursor starts on; a condition recommends it only when it holds. Never taken without a choice. */
  recommended: z.union([z.boolean(), conditionSchema]).optional(),
  steps: z.array(stepSchema).min(1, { error: "an option needs at least one step" }),
});

export const phaseSchema = z
  .strictObject({
    id,
    kind: z.enum(PHASE_KINDS),
    title: text,
    description: text.optional(),
    severities: severityList.optional(),
    /** The whole phase is walked only when this holds when the walk reaches it. */
    when: conditionSchema.optional(),
    /** This phase is what stops the harm (a rollback), as opposed to the work that caused it (a release): drills time diagnosis from it. */
    mitigates: z.boolean().optional(),
    forEach: z.string().regex(INPUT_NAME, { error: "expected the name of a list input" }).optional(),
    reverse: z.boolean().optional(),
    steps: z.array(stepSchema).optional(),
    options: z.array(optionSchema).min(1).optional(),
  })
  .superRefine((phase, ctx) => {
    const message = phaseIssue(phase);
    if (message !== undefined) ctx.addIssue({ code: "custom", message });
  });

export const runbookSchema = z.strictObject({
  apiVersion: z.literal("handrail/v1"),
  kind: z.literal("Runbook"),
  id,
  title: text,
  summary: text.optional(),
  description: text.optional(),
  tags: z.array(text).optional(),
  owner: text.optional(),
  source: text.optional(),
  links: z.array(link).optional(),
  /**
   * When an incident on this runbook is production (besides a production kube context, or an input
   * named environment set to production/prod): the frame turns red and risky steps need their target typed back.
   */
  production: conditionSchema.optional(),
  severities: z.partialRecord(z.enum(SEVERITIES), severityPolicy).optional(),
  escalations: z.array(escalationSchema).optional(),
  inputs: z.record(z.string().regex(INPUT_NAME, { error: "input names are lowercase identifiers (a-z, 0-9, _)" }), inputSchema).optional(),
  phases: z.array(phaseSchema).min(1, { error: "a runbook needs at least one phase" }),
});

export type Runbook = z.infer<typeof runbookSchema>;
export type Phase = z.infer<typeof phaseSchema>;
export type PhaseOption = z.infer<typeof optionSchema>;
export type Step = z.infer<typeof stepSchema>;
export type InputSpec = z.infer<typeof inputSchema>;
export type Expectation = z.infer<typeof expectation>;
export type OutputCheck = z.infer<typeof outputCheck>;
export type K8sStep = z.infer<typeof k8sStep>;
export type HttpStep = z.infer<typeof httpStep>;
export type NotifyStep = z.infer<typeof notifyStep>;
export type Escalation = z.infer<typeof escalationSchema>;

/** The kind of a step (exactly one is set once the schema has passed). */

/**
 * The handrail/v1 scenario format (`kind: Scenario`): a drill's broken world written as data, beside
 * the runbooks. It compiles to the sandbox's Scenario (src/sandbox/scenarios/compile.ts); what the
 * schema cannot say (references between fields, a runbook's phases) is checked in scenario-lint.ts.
 */
import { z } from "zod";
import { DURATION_PATTERN } from "./schema.js";
import { SEVERITIES } from "./severity.js";

const ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const INPUT_NAME = /^[a-z][a-z0-9_]*$/;
// A DNS-1123 label: what Kubernetes accepts as a namespace, and what deployments are named here.
const K8S_NAME = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;
const LABEL_KEY = /^(?:[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

const id = z.string().regex(ID, { error: "expected a kebab-case id (lowercase letters, digits and single dashes)" });
const text = z.string().min(1, { error: "must not be empty" });
const name = z.string().max(63).regex(K8S_NAME, { error: "expected a Kubernetes name (lowercase letters, digits and dashes, at most 63)" });
const image = z.string().regex(/^[^\s]+$/, { error: "expected an image reference such as shop/api:1.4.2" });
const labels = z.record(z.string().regex(LABEL_KEY, { error: "expected a label key such as app or app.kubernetes.io/name" }), z.string());
const duration = z.string().regex(DURATION_PATTERN, { error: 'expected a duration such as "20s" or "1m30s"' });
/** `shop/api` (namespace/name) or `api` (in the namespace default). */
export const OBJECT_REF = /^(?:[a-z0-9](?:[-a-z0-9]*[a-z0-9])?\/)?[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;
const ref = z.string().regex(OBJECT_REF, { error: "expected namespace/name, such as shop/api (or a name in the namespace default)" });
const scalar = z.union([z.string(), z.number(), z.boolean()]);

const logs = z.array(z.string()).optional().describe("Lines the container writes each time it starts.");
/** How the simulated kubelet treats containers running an image. */
export const IMAGE_BEHAVIOURS = ["crashloop", "never-ready", "pull-error", "healthy", "slow-start"] as const;
const imageBehaviour = z.discriminatedUnion("behaviour", [
  z.strictObject({ behaviour: z.literal("crashloop").describe("Exits shortly after each start and restarts with back-off (CrashLoopBackOff)."), exitCode: z.number().int().min(1).max(255).optional(), logs }),
  z.strictObject({ behaviour: z.literal("never-ready").describe("Runs, but its readiness probe never passes."), logs }),
  z.strictObject({ behaviour: z.literal("pull-error").describe("Cannot be pulled: ErrImagePull, then ImagePullBackOff; the pod stays Pending.") }),
  z.strictObject({ behaviour: z.literal("healthy").describe("Starts and becomes ready at once (also for a tag containing bad or missing, which misbehave otherwise)."), logs }),
  z.strictObject({ behaviour: z.literal("slow-start").describe("Runs, and becomes ready after readyAfter."), readyAfter: duration.describe("How long a started container stays not ready, e.g. 20s (at drill speed)."), logs }),
]);

const deployment = z.strictObject({
  name,
  namespace: name.optional().describe("default unless given"),
  image,
  replicas: z.number().int().min(0).max(50).optional().describe("1 unless given"),
  strategy: z.enum(["RollingUpdate", "Recreate"]).optional(),
  progressDeadlineSeconds: z.number().int().min(1).optional(),
  labels: labels.optional().describe("Labels of the pods and the selector; { app: <name> } unless given."),
  port: z.number().int().min(1).max(65535).optional(),
  env: z.record(z.string(), z.string()).optional(),
});

const servicePort = z.union([z.number().int().min(1).max(65535), z.strictObject({ port: z.number().int().min(1).max(65535), targetPort: z.union([z.number().int().min(1).max(65535), text]).optional(), name: name.optional(), protocol: z.enum(["TCP", "UDP"]).optional() })]);
const service = z.strictObject({
  name,
  namespace: name.optional(),
  type: z.enum(["ClusterIP", "NodePort", "LoadBalancer"]).optional(),
  selector: labels.optional().describe("{ app: <name> } unless given."),
  ports: z.array(servicePort).min(1),
});

const configMap = z.strictObject({ name, namespace: name.optional(), data: z.record(z.string(), z.string()) });

const event = z.strictObject({
  namespace: name.optional(),
  object: z.string().regex(/^(deployment|service)\/[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/, { error: "expected deployment/<name> or service/<name>" }),
  type: z.enum(["Normal", "Warning"]).optional().describe("Warning unless given."),
  reason: z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/, { error: "expected a reason such as BackOff or FailedMount" }),
  message: text,
  count: z.number().int().min(1).max(1000).optional(),
});

/** A statement about the simulated world: the health of the incident, the state the incident settles into, when an endpoint answers. */
export interface WorldCondition {
  all?: WorldCondition[];
  any?: WorldCondition[];
  not?: WorldCondition;
  deployment?: string;
  pods?: string;
  endpoint?: string;
  image?: string;
  readyReplicas?: number;
  replicas?: number;
  status?: string | number | number[];
  ready?: boolean;
  restarted?: boolean;
  count?: number;
  every?: boolean;
}

// One object with every field optional rather than a union: an unknown or misplaced field is then
// reported where it is, with the closest name, instead of "no branch of the union matched".
export const worldConditionSchema: z.ZodType<WorldCondition> = z.lazy(() =>
  z.strictObject({
    all: z.array(worldConditionSchema).min(1).optional().describe("Holds when every condition listed holds."),
    any: z.array(worldConditionSchema).min(1).optional().describe("Holds when one of the conditions listed holds."),
    not: worldConditionSchema.optional().describe("Holds when the condition does not."),
    deployment: ref.optional().describe("A deployment of the scenario (namespace/name): ready pods, on an image, with replicas."),
    pods: ref.optional().describe("The pods of a deployment of the scenario (namespace/name) that match image, status, ready, restarted."),
    endpoint: z.string().regex(/^\/\S*$/, { error: "expected a path such as /health" }).optional().describe("An endpoint of the scenario, by its path; with status."),
    image: image.optional().describe("deployment: every pod runs it; pods: the pods that run it."),
    readyReplicas: z.number().int().min(0).optional().describe("deployment: at least this many pods ready (on image when given); the replicas it was created with unless given."),
    replicas: z.number().int().min(0).optional().describe("deployment: the replicas it wants (spec.replicas) are exactly this."),
    status: z.union([z.string(), z.number().int().min(100).max(599), z.array(z.number().int().min(100).max(599)).min(1)]).optional().describe("pods: what kubectl get pods shows in STATUS (Running, CrashLoopBackOff, ImagePullBackOff); endpoint: the HTTP status (or one of several)."),
    ready: z.boolean().optional().describe("pods: ready (or not)."),
    restarted: z.boolean().optional().describe("pods: restarted at least once (or never)."),
    count: z.number().int().min(0).optional().describe("pods: at least this many match (1 unless given)."),
    every: z.boolean().optional().describe("pods: every live pod of the deployment matches (and there is one)."),
  }),
);

const change = z.strictObject({
  setImage: ref.optional().describe("A deployment whose image changes (what kubectl set image does), starting a rollout."),
  image: image.optional(),
  scale: ref.optional().describe("A deployment scaled to replicas."),
  replicas: z.number().int().min(0).max(50).optional(),
});

const endpointBody = z.union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())]);
const answer = z.strictObject({
  when: worldConditionSchema.optional().describe("This answer is given while the condition holds; the first that holds answers. The last answer has no when."),
  status: z.number().int().min(100).max(599),
  body: endpointBody.optional().describe("Text, or a mapping or list sent as JSON."),
  headers: z.record(z.string(), z.string()).optional(),
});
const endpoint = z.strictObject({
  path: z.string().regex(/^\/[^\s?#]*$/, { error: "expected a path such as /health" }),
  input: z.string().regex(INPUT_NAME, { error: "expected the name of a runbook input" }).optional().describe("The runbook input that gets the endpoint's URL (http://127.0.0.1:PORT/path)."),
  answers: z.array(answer).min(1),
});

export const scenarioSchema = z.strictObject({
  apiVersion: z.literal("handrail/v1"),
  kind: z.literal("Scenario"),
  id,
  runbook: id.describe("The id of the runbook this scenario drills."),
  title: text,
  briefing: text.describe("What the operator is told at the start: the page they got, not the answer."),
  severity: z.enum(SEVERITIES),
  inputs: z.record(z.string().regex(INPUT_NAME, { error: "input names are lowercase identifiers (a-z, 0-9, _)" }), z.union([scalar, z.array(scalar)])).optional().describe("The runbook inputs the drill opens with."),
  fixes: z.record(id, id).describe("The documented fix: phase id → the option that heals it."),
  alsoFixes: z.array(z.record(id, id)).optional().describe("Other choices that heal it too, each a phase id → option map."),
  images: z.record(image, imageBehaviour).optional().describe("How containers running each image behave; any other image is healthy."),
  cluster: z.strictObject({
    namespaces: z.array(name).optional(),
    deployments: z.array(deployment).optional(),
    services: z.array(service).optional(),
    configMaps: z.array(configMap).optional(),
    events: z.array(event).optional(),
  }).describe("The world before the incident; it settles (every deployment whose image can get ready has its pods ready) before the incident."),
  incident: z.strictObject({
    changes: z.array(change).min(1),
    until: worldConditionSchema.optional().describe("The drill begins once this holds (the cluster is stepped until it does)."),
  }).optional().describe("The change that breaks the world."),
  endpoints: z.array(endpoint).optional().describe("HTTP endpoints the drill serves on 127.0.0.1, answering from the world's state."),
  files: z
    .record(z.string().regex(/^(?!\/)(?!.*(?:^|\/)\.\.(?:\/|$))[^\0]+$/, { error: "expected a path inside the drill directory, such as manifests/api.yaml (relative, no ..)" }), z.string())
    .optional()
    .describe("Files written into the drill's working directory (the cwd of every step), path → text: a fixed manifest, a config."),
  health: worldConditionSchema.describe("When the incident is over: checked at the end of the drill."),
});

export type ScenarioSpec = z.infer<typeof scenarioSchema>;
export type ImageBehaviourSpec = z.infer<typeof imageBehaviour>;
export type DeploymentSpecOf = z.infer<typeof deployment>;
export type ServiceSpecOf = z.infer<typeof service>;
export type ScenarioChange = z.infer<typeof change>;
export type EndpointSpec = z.infer<typeof endpoint>;

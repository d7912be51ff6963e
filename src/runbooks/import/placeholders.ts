/**
 * Placeholders become typed inputs. `<service-name>`, `<POD_NAME>`, `$NAMESPACE`, `${VAR:-x}` and
 * `VAR="staging|production"` are named as lowercase identifiers, and the command is rewritten to
 * read the environment variable handrail exports, quoted for where it stands (never spliced).
 * Single-quoted text, quoted heredocs, comments and `{{ … }}` templates are left alone.
 */
import { checkInputValue } from "../inputs.js";
import type { InputSpec, InputType } from "../schema.js";
import { scriptAssignments } from "../script-vars.js";
import { scriptContexts, type Ctx } from "./shell-lex.js";
import { humanize } from "./text.js";

type Hint = "secret" | "enum" | "int" | "duration" | "url" | "name" | "string";

interface InputDraft {
  name: string;
  original: string;
  hints: Set<Hint>;
  values?: string[];
  default?: string;
  lines: number[];
}

export interface ImportNote {
  line: number;
  message: string;
}

const NOT_PLACEHOLDERS = new Set(
  "none unknown nil null pending invalid missing empty true false html head body div span br p a b i ul ol li table tr td th script style title meta link pre code em strong img form input button label option select textarea hr tbody thead".split(" "),
);
const WELL_KNOWN = new Set(
  "HOME PATH USER LOGNAME SHELL PWD OLDPWD HOSTNAME HOST RANDOM SECONDS LINENO IFS TERM TMPDIR TMP LANG UID EUID GID PPID REPLY OPTARG OPTIND PIPESTATUS EDITOR VISUAL PAGER KUBECONFIG DOCKER_HOST DISPLAY CI GOPATH JAVA_HOME BASH FUNCNAME HOSTTYPE OSTYPE MACHTYPE".split(" "),
);
const WELL_KNOWN_PREFIX = /^(?:BASH_|GITHUB_|XDG_|AWS_|LC_|SSH_|GOOGLE_|AZURE_|ARM_|CI_|RUNNER_|HANDRAIL_)/;
/** Set by handrail for every step (lint.ts BUILTIN_VARIABLES, minus `item` which only exists in forEach). */
const HANDRAIL_VARS = new Set(["severity", "incident_id", "runbook_id"]);
const RENAMES: Record<string, string> = { item: "item_name", severity: "severity_level", incident_id: "incident_ref", runbook_id: "runbook_ref" };
const K8S_KINDS = "deployments?|deploy|pods?|po|svc|services?|statefulsets?|sts|daemonsets?|ds|jobs?|cronjobs?|configmaps?|cm|secrets?|nodes?|replicasets?|rs|ingress(?:es)?|ing|ns|namespaces?|pvc|hpa";
const K8S_NAME_PREFIX = [
  new RegExp(`\\b(?:${K8S_KINDS})/$`),
  /(?:^|\s)(?:-n|--namespace|--context|--cluster)[= ]$/,
  /\b(?:app|app\.kubernetes\.io\/name|name|release)=$/,
  new RegExp(`\\bkubectl\\s+(?:-\\S+\\s+)*(?:get|describe|delete|scale|edit|label|annotate|patch|logs|exec|top|port-forward|autoscale|expose|cordon|drain|uncordon|rollout\\s+\\w+|set\\s+\\w+)\\s+(?:-\\S+\\s+)*(?:(?:${K8S_KINDS})\\s+)?$`),
];

/** A lowercase identifier for a placeholder, clear of handrail's own variables. */
export function inputName(raw: string): string {
  let n = raw
    .replace(/^[<$]\{?|[>}]$/g, "")
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  if (n === "") n = "value";
  if (/^\d/.test(n)) n = `v_${n}`;
  return RENAMES[n] ?? n;
}

function hintFromName(name: string): Hint | undefined {
  if (/(?:token|password|passwd|secret|api_?key|credential|private_key)/.test(name)) return "secret";
  if (/(?:^|_)(?:url|uri|endpoint)$/.test(name)) return "url";
  if (/(?:^|_)(?:count|replicas|port|num|number|lines|limit)$/.test(name)) return "int";
  if (/(?:duration|timeout|interval)$/.test(name)) return "duration";
  if (/(?:^|_)namespace$/.test(name)) return "name";
  return undefined;
}

const HINT_ORDER: Hint[] = ["secret", "enum", "int", "duration", "url", "name", "string"];

interface Edit {
  start: number;
  end: number;
  text: string;
}

export class InputRegistry {
  private readonly drafts = new Map<string, InputDraft>();
  /** Variables the document asks a value for (`ENVIRONMENT="staging|production"`): inputs wherever they are read. */
  private readonly asked = new Map<string, string>();
  readonly notes: ImportNote[] = [];

  /** `docAssigned`: variables some command of the document sets, with the line it does. */
  constructor(private readonly docAssigned: ReadonlyMap<string, number>) {}

  get size(): number {
    return this.drafts.size;
  }

  /** Rewrite one script (first line `line`) so its placeholders read inputs. */
  rewrite(script: string, line: number): string {
    const ctx = scriptContexts(script);
    const local = scriptAssignments(script);
    const edits: Edit[] = [];
    const lineAt = (offset: number) => line + (script.slice(0, offset).match(/\n/g)?.length ?? 0);
    const free = (start: number, end: number) => edits.every((e) => end <= e.start || start >= e.end);

    // VAR="staging|production" / SERVICE_NAME="service-name": the document asking for a value.
    for (const m of script.matchAll(/^([ \t]*(?:export[ \t]+)?)([A-Za-z_][A-Za-z0-9_]*)=(["']?)([^"'$`\s<>;&]+)\3[ \t]*(?=$|#|\n)/gm)) {
      if (ctx[m.index] !== "code" || (m[3] === "" && m[4]!.includes("|"))) continue;
      const [, lead, variable, , value] = m as unknown as [string, string, string, string, string];
      const name = inputName(variable);
      const alternatives = value.split("|");
      const asks = alternatives.length > 1 && alternatives.every((v) => /^[\w.-]+$/.test(v));
      const looksPlaceholder = inputName(value) === name || /^(?:your|my)[-_]|^(?:x{3,}|changeme|todo|tbd|placeholder|replace[-_]?me)$/i.test(value);
      if (!asks && !looksPlaceholder) continue;
      const start = m.index + lead.length + variable.length + 1;
      edits.push({ start, end: m.index + m[0].trimEnd().length, text: `"$${name}"` });
      const draft = this.draft(name, `${variable}=${m[3]}${value}${m[3]}`, lineAt(m.index));
      this.asked.set(variable, name);
      if (asks) {
        draft.hints.add("enum");
        draft.values ??= alternatives;
      } else draft.hints.add("string");
    }

    // <service-name>, <POD_NAME>, <staging|production>
    for (const m of script.matchAll(/<([A-Za-z][A-Za-z0-9_.-]*(?: [A-Za-z0-9_.-]+){0,3}|[A-Za-z0-9_.-]+(?:\|[A-Za-z0-9_.-]+)+)>/g)) {
      const start = m.index;
      const end = start + m[0].length;
      const c = ctx[start];
      const prev = script[start - 1] ?? "";
      const inner = m[1]!;
      if (c === undefined || c === "comment" || c === "template" || prev === "<" || /[A-Za-z0-9]/.test(prev)) continue;
      if (NOT_PLACEHOLDERS.has(inner.toLowerCase()) || script.includes(`</${inner}>`) || !free(start, end)) continue;
      if (c === "heredoc-quoted") {
        this.notes.push({ line: lineAt(start), message: `${m[0]} is inside a quoted heredoc (<<'EOF'), where no variable expands: left as written` });
        continue;
      }
      const choices = inner.includes("|") ? inner.split("|") : undefined;
      const flag = /(?:--?([A-Za-z][\w-]*)[= ]|\b([A-Za-z][\w-]*)=)$/.exec(script.slice(Math.max(0, start - 40), start));
      const name = choices ? inputName(flag?.[1] ?? flag?.[2] ?? "choice") : inputName(inner);
      edits.push({ start, end, text: this.quoted(name, c) });
      const draft = this.draft(name, m[0], lineAt(start));
      if (choices) {
        draft.hints.add("enum");
        draft.values ??= choices;
      }
      draft.hints.add(this.usageHint(name, script, start, end));
    }

    // $NAMESPACE, ${VAR}, ${VAR:-default} that nothing in the document sets.
    for (const m of script.matchAll(/\$\{(#?)([A-Za-z_][A-Za-z0-9_]*)((?:[:#%/^,]|:?[-=?+])[^}]*)?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g)) {
      const start = m.index;
      const end = start + m[0].length;
      const c = ctx[start];
      const variable = m[2] ?? m[4]!;
      if (c !== "code" && c !== "double" && c !== "heredoc") continue;
      if (script[start - 1] === "\\" || local.has(variable) || WELL_KNOWN.has(variable) || WELL_KNOWN_PREFIX.test(variable) || HANDRAIL_VARS.has(variable)) continue;
      const setAt = this.asked.has(variable) ? undefined : this.docAssigned.get(variable);
      if (setAt !== undefined) {
        this.notes.push({ line: lineAt(start), message: `$${variable} is set by another step (line ${setAt}); steps do not share shell variables` });
        continue;
      }
      if (!free(start, end)) continue;
      const name = this.asked.get(variable) ?? inputName(variable);
      const suffix = m[3] ?? "";
      const ref = m[2] !== undefined ? `\${${m[1]}${name}${suffix}}` : `$${name}`;
      if (!(c === "code" || ref !== m[0])) {
        this.draft(name, m[0], lineAt(start)).hints.add(this.usageHint(name, script, start, end));
        continue;
      }
      edits.push({ start, end, text: c === "code" ? `"${ref}"` : ref });
      const draft = this.draft(name, m[0], lineAt(start));
      const dflt = /^:?-(.*)$/.exec(suffix);
      if (dflt && !/[$`]/.test(dflt[1]!) && dflt[1] !== "") draft.default ??= dflt[1]!.replace(/^(["'])(.*)\1$/, "$2");
      draft.hints.add(this.usageHint(name, script, start, end));
    }

    let out = script;
    for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
    return out;
  }

  private quoted(name: string, c: Ctx): string {
    if (c === "double" || c === "heredoc") return `\${${name}}`;
    if (c === "single") return `'"\${${name}}"'`;
    return `"$${name}"`;
  }

  private draft(name: string, original: string, line: number): InputDraft {
    let d = this.drafts.get(name);
    if (!d) {
      d = { name, original, hints: new Set(), lines: [] };
      this.drafts.set(name, d);
    }
    if (!d.lines.includes(line)) d.lines.push(line);
    return d;
  }

  private usageHint(name: string, script: string, start: number, end: number): Hint {
    const byName = hintFromName(name);
    if (byName) return byName;
    const lineStart = script.lastIndexOf("\n", start - 1) + 1;
    const prefix = script.slice(lineStart, start).replace(/["']+$/, "");
    const after = script.slice(end).replace(/^["']+/, "")[0];
    const standalone = after === undefined || /[\s;|&)]/.test(after);
    if (/--replicas[= ]$/.test(prefix)) return "int";
    if (standalone && K8S_NAME_PREFIX.some((r) => r.test(prefix))) return "name";
    return "string";
  }

  /** The inputs, typed by their strongest usage, in order of first use. */
  specs(): Record<string, InputSpec> {
    const out: Record<string, InputSpec> = {};
    for (const d of this.drafts.values()) {
      let type: InputType = "string";
      for (const h of HINT_ORDER) {
        if (d.hints.has(h)) {
          type = h;
          break;
        }
      }
      const lines = d.lines.length > 6 ? `${d.lines.slice(0, 6).join(", ")}…` : d.lines.join(", ");
      const spec: InputSpec = { type, prompt: humanize(d.name), description: `From ${d.original} in the markdown (line ${lines}).` };
      if (type === "enum") spec.values = d.values ?? ["value"];
      if (d.default !== undefined && type !== "secret") {
        if (checkInputValue(spec, d.default).ok) spec.default = d.default;
        else if (type !== "enum" && checkInputValue({ type: "string" }, d.default).ok) {
          spec.type = "string";
          spec.default = d.default;
        }
      }
      out[d.name] = spec;
    }
    return out;
  }
}

/** Variables the document's commands set themselves, with the first line that does. */
export function documentAssignments(commands: ReadonlyArray<{ text: string; line: number }>): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of commands) for (const name of scriptAssignments(c.text)) if (!out.has(name)) out.set(name, c.line);
  return out;
}

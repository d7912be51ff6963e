/**
 * Settings that are environment variables (HANDRAIL_PATH, HANDRAIL_INCIDENTS, …) may also live in
 * the config file (`$XDG_CONFIG_HOME/handrail/config.yaml`, the notify settings' file); a variable
 * that is set wins. Applied once, before a command runs, as defaults of the environment the
 * command sees; `handrail config` prints each effective setting and where it came from.
 */
import { homedir } from "node:os";
import path from "node:path";
import { SETTINGS as NOTIFY } from "../executors/notify/settings.js";
import { UsageError } from "../errors.js";
import { existsSync } from "node:fs";
import { configPath } from "./config-path.js";
import { maskUrl } from "../incident/store/url.js";

/** The config file's data; the YAML parser and the schema load only when there is a file to read. */
export async function readConfigData(env: Record<string, string | undefined>, home = homedir()): Promise<{ file: string; shown: string; config: Record<string, unknown> }> {
  const { file, shown } = configPath(env, home);
  if (!existsSync(file)) return { file, shown, config: {} };
  const { readConfigFile } = await import("./notify-config.js");
  return { file, shown, config: (await readConfigFile(file, shown)) as Record<string, unknown> };
}

interface Setting {
  /** The config file's key; a dotted one (store.url) is nested. */
  key: "runbooks" | "incidents" | "productionPattern" | "operator" | "theme" | "store.url";
  env: string;
  what: string;
  /** A directory or directories: `~` expanded, relative ones resolved against the config file's directory. */
  paths?: boolean;
  fallback: string;
  /** A URL that may carry a password: shown with the password masked. */
  url?: boolean;
}

export const SETTING_VARS: readonly Setting[] = [
  { key: "runbooks", env: "HANDRAIL_PATH", what: "runbook directories, searched after --runbooks and before ./runbooks", paths: true, fallback: "(none)" },
  { key: "incidents", env: "HANDRAIL_INCIDENTS", what: "the incident store", paths: true, fallback: "./incidents" },
  { key: "productionPattern", env: "HANDRAIL_PRODUCTION_PATTERN", what: "kube context names that mean production (a regular expression)", fallback: "prod" },
  { key: "operator", env: "HANDRAIL_OPERATOR", what: "who you are in incident files and reports", fallback: "user@host" },
  { key: "theme", env: "HANDRAIL_THEME", what: "default | high-contrast | no-color", fallback: "default" },
  { key: "store.url", env: "HANDRAIL_STORE_URL", what: "the shared incident store (postgres://…), replicated from the local file", fallback: "(none: the local file alone)", url: true },
];

export interface EffectiveSetting {
  name: string;
  env: string;
  value: string | undefined;
  source: string;
}

const expand = (p: string, base: string, home: string) => path.resolve(base, p === "~" ? home : p.startsWith("~/") ? path.join(home, p.slice(2)) : p);

/** What the first applySettings of this process saw, before the config's values were exported. */
let first: EffectiveSetting[] | undefined;

/** The environment a command sees (config values as defaults of unset variables) and where each setting came from. */
export async function applySettings(env: NodeJS.ProcessEnv, home = homedir()): Promise<{ env: NodeJS.ProcessEnv; settings: EffectiveSetting[] }> {
  const { file, shown, config } = await readConfigData(env, home);
  const out: NodeJS.ProcessEnv = { ...env };
  const settings: EffectiveSetting[] = [];
  for (const s of SETTING_VARS) {
    const set = env[s.env];
    if (s.key === "theme" && set !== undefined && set !== "" && !["default", "high-contrast", "no-color"].includes(set)) throw new UsageError(`HANDRAIL_THEME: expected default | high-contrast | no-color, got "${set}"`);
    const shownValue = (v: string) => (s.url ? maskUrl(v) : v);
    if (set !== undefined && set !== "") {
      settings.push({ name: s.key, env: s.env, value: shownValue(set), source: `$${s.env}` });
      continue;
    }
    const raw = s.key.split(".").reduce<unknown>((at, k) => (at !== null && typeof at === "object" ? (at as Record<string, unknown>)[k] : undefined), config);
    if (raw === undefined) {
      settings.push({ name: s.key, env: s.env, value: undefined, source: `default: ${s.fallback}` });
      continue;
    }
    const list = Array.isArray(raw) ? raw.map(String) : [String(raw)];
    const value = s.paths ? list.map((p) => expand(p, path.dirname(file), home)).join(":") : list.join(":");
    out[s.env] = value;
    settings.push({ name: s.key, env: s.env, value: shownValue(value), source: shown });
  }
  first ??= settings;
  return { env: out, settings };
}

/** `handrail config`: every setting, its value (credentials masked) and where it came from. */
export async function configCommand(env: NodeJS.ProcessEnv, opts: { json?: boolean }): Promise<void> {
  // Loaded here, not with the module: every command applies the settings, and string-width costs tens of ms to load.
  const { table } = await import("../util/table.js");
  const settings = [...(first ?? (await applySettings(env)).settings)];
  const { shown, config: data } = await readConfigData(env);
  const config = data as Record<string, Record<string, unknown> | undefined>;
  for (const spec of NOTIFY) {
    const fromEnv = process.env[spec.env];
    const fromFile = config[spec.channel]?.[spec.key];
    const value = fromEnv !== undefined && fromEnv !== "" ? fromEnv : fromFile === undefined ? undefined : Array.isArray(fromFile) ? fromFile.join(",") : String(fromFile);
    settings.push({
      name: `${spec.channel}.${spec.key}`,
      env: spec.env,
      // A credential is never printed, only that it is set.
      value: value === undefined ? undefined : spec.secret ? "•••••• (set)" : value,
      source: fromEnv ? `$${spec.env}` : fromFile !== undefined ? shown : "not set",
    });
  }
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ file: shown, settings }, null, 2)}\n`);
    return;
  }
  const rows = [["SETTING", "VALUE", "FROM", "VARIABLE"], ...settings.map((s) => [s.name, s.value ?? "", s.source, s.env])];
  process.stdout.write(`config file: ${shown}\n${table(rows).join("\n")}\n`);
}

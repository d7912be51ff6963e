/**
 * Notification settings for this run: `$XDG_CONFIG_HOME/handrail/config.yaml` (default
 * `~/.config/handrail/config.yaml`), each value overridden by its HANDRAIL_* variable. Read
 * here, in the command layer, and handed down: executors never read the environment.
 */
import { statSync } from "node:fs";
import { homedir } from "node:os";
import { UsageError } from "../errors.js";
import { emptySettings, SETTINGS, type NotifySettings } from "../executors/notify/settings.js";
import { parseDuration } from "../runbooks/duration.js";
import type { ConfigData } from "./config-file.js";

export { configPath } from "./config-path.js";
import { configPath } from "./config-path.js";

/** The config file's data; with no file, nothing, and neither YAML nor the schema is loaded. */
export async function readConfigFile(file: string, shown: string): Promise<ConfigData> {
  try {
    statSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return {};
  }
  return (await import("./config-file.js")).readConfig(file, shown);
}

/** The settings every notify step and escalation of this run uses. Bad input is a UsageError naming file:line:col. */
export async function loadNotifySettings(env: Record<string, string | undefined>, home = homedir()): Promise<NotifySettings> {
  const { file, shown } = configPath(env, home);
  const config = await readConfigFile(file, shown);
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

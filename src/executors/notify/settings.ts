/**
 * Where each channel's endpoint and credentials come from: one table for the config loader
 * (which reads them) and the executors (which name them when one is missing).
 */
import type { NotifyChannel } from "../../runbooks/schema.js";

export interface NotifySettings {
  slack: { webhookUrl?: string };
  pagerduty: { routingKey?: string; url?: string };
  github: { token?: string; repo?: string; apiUrl?: string };
  email: { smtpUrl?: string; from?: string; to?: string };
  webhook: { url?: string };
  delivery: DeliveryPolicy;
  /** The config file as the operator knows it (`~/.config/handrail/config.yaml`), for messages. */
  configFile: string;
}

export interface DeliveryPolicy {
  attempts: number;
  /** Before the second attempt; doubled for each one after. */
  backoffMs: number;
  /** Each attempt on its own. */
  timeoutMs: number;
}

/** Three attempts, 0.5 s then 1 s apart, 10 s each: a page goes out within half a minute or says why not. */
export const NOTIFY_ATTEMPTS = 3;
export const NOTIFY_BACKOFF_MS = 500;
export const NOTIFY_TIMEOUT_MS = 10_000;
export const PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue";
export const GITHUB_API_URL = "https://api.github.com";

export interface SettingSpec {
  channel: NotifyChannel;
  key: string;
  env: string;
  /** Endpoints, keys and tokens: masked wherever handrail writes or shows text. */
  secret: boolean;
}

/** The fixed environment variable names (tools outside the project rely on them). */
export const SETTINGS: readonly SettingSpec[] = [
  { channel: "slack", key: "webhookUrl", env: "HANDRAIL_SLACK_WEBHOOK_URL", secret: true },
  { channel: "pagerduty", key: "routingKey", env: "HANDRAIL_PAGERDUTY_ROUTING_KEY", secret: true },
  { channel: "pagerduty", key: "url", env: "HANDRAIL_PAGERDUTY_URL", secret: false },
  { channel: "github", key: "token", env: "HANDRAIL_GITHUB_TOKEN", secret: true },
  { channel: "github", key: "repo", env: "HANDRAIL_GITHUB_REPO", secret: false },
  { channel: "github", key: "apiUrl", env: "HANDRAIL_GITHUB_API_URL", secret: false },
  { channel: "email", key: "smtpUrl", env: "HANDRAIL_SMTP_URL", secret: true },
  { channel: "email", key: "from", env: "HANDRAIL_EMAIL_FROM", secret: false },
  { channel: "email", key: "to", env: "HANDRAIL_EMAIL_TO", secret: false },
  { channel: "webhook", key: "url", env: "HANDRAIL_WEBHOOK_URL", secret: true },
];

/** Settings with nothing configured (a run with no config file and no variables). */
export function emptySettings(configFile = "~/.config/handrail/config.yaml"): NotifySettings {
  return {
    slack: {},
    pagerduty: {},
    github: {},
    email: {},
    webhook: {},
    delivery: { attempts: NOTIFY_ATTEMPTS, backoffMs: NOTIFY_BACKOFF_MS, timeoutMs: NOTIFY_TIMEOUT_MS },
    configFile,
  };
}

/** The value of one setting, or the sentence naming both places it can be set. */
export function setting(settings: NotifySettings, channel: NotifyChannel, key: string): { value: string } | { missing: string } {
  const value = (settings[channel] as Record<string, string | undefined>)[key];
  if (value !== undefined && value !== "") return { value };
  const spec = SETTINGS.find((s) => s.channel === channel && s.key === key);
  return { missing: `${spec?.env ?? key} is not set (or ${channel}.${key} in ${settings.configFile})` };
}

/** Every secret value configured, for the redactor. */
export function secretValues(settings: NotifySettings): string[] {
  const out: string[] = [];
  for (const spec of SETTINGS) {
    const v = (settings[spec.channel] as Record<string, string | undefined>)[spec.key];
    if (!spec.secret || !v) continue;
    out.push(v);
    // An SMTP URL's password, or a webhook URL's path token, can appear on its own in an error.
    try {
      const u = new URL(v);
      if (u.password) out.push(decodeURIComponent(u.password));
      if (u.pathname.length > 8) out.push(u.pathname);
    } catch {
      // Not a URL (a routing key, a token): the whole value is the secret.
    }
  }
  return out;
}

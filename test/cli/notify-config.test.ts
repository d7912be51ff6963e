/** Where notification settings come from: the XDG config file, overridden by the fixed HANDRAIL_* variables. */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { configPath, loadNotifySettings } from "../../src/commands/notify-config.js";
import { NOTIFY_ATTEMPTS, NOTIFY_BACKOFF_MS, NOTIFY_TIMEOUT_MS } from "../../src/executors/notify/settings.js";
import { scratchDir } from "../helpers/cli.js";

function home(config?: string): string {
  const dir = scratchDir(onTestFinished);
  if (config !== undefined) {
    mkdirSync(path.join(dir, ".config/handrail"), { recursive: true });
    writeFileSync(path.join(dir, ".config/handrail/config.yaml"), config);
  }
  return dir;
}

describe("notification settings", () => {
  it("default to ~/.config/handrail/config.yaml, or $XDG_CONFIG_HOME/handrail/config.yaml", () => {
    expect(configPath({}, "/home/op")).toEqual({ file: "/home/op/.config/handrail/config.yaml", shown: "~/.config/handrail/config.yaml" });
    expect(configPath({ XDG_CONFIG_HOME: "/etc/xdg" }, "/home/op")).toEqual({ file: "/etc/xdg/handrail/config.yaml", shown: "/etc/xdg/handrail/config.yaml" });
    // A relative XDG_CONFIG_HOME is invalid by the spec and ignored.
    expect(configPath({ XDG_CONFIG_HOME: "rel" }, "/home/op").file).toBe("/home/op/.config/handrail/config.yaml");
  });

  it("no file and no variables: nothing configured, the default delivery policy", async () => {
    const s = await loadNotifySettings({}, home());
    expect(s.slack).toEqual({});
    expect(s.delivery).toEqual({ attempts: NOTIFY_ATTEMPTS, backoffMs: NOTIFY_BACKOFF_MS, timeoutMs: NOTIFY_TIMEOUT_MS });
    expect(s.configFile).toBe("~/.config/handrail/config.yaml");
  });

  it("the file sets values, each variable overrides its own", async () => {
    const dir = home(["slack: { webhookUrl: https://hooks.example/file }", "github: { token: file-token, repo: acme/ops }", "email: { smtpUrl: 'smtp://127.0.0.1:25', from: a@x.test, to: [b@x.test, c@x.test] }", "delivery: { attempts: 5, backoff: 2s, timeout: 3s }", ""].join("\n"));
    const s = await loadNotifySettings({ HANDRAIL_GITHUB_TOKEN: "env-token", HANDRAIL_PAGERDUTY_ROUTING_KEY: "env-key", HANDRAIL_SLACK_WEBHOOK_URL: "" }, dir);
    expect(s.slack.webhookUrl).toBe("https://hooks.example/file");
    expect(s.github).toEqual({ token: "env-token", repo: "acme/ops" });
    expect(s.pagerduty).toEqual({ routingKey: "env-key" });
    expect(s.email.to).toBe("b@x.test,c@x.test");
    expect(s.delivery).toEqual({ attempts: 5, backoffMs: 2_000, timeoutMs: 3_000 });
  });

  it.each([
    ["slack: [1, 2]\n", "~/.config/handrail/config.yaml:1:8 slack: expected a mapping, got a list"],
    ["delivery: { attempts: 0 }\n", "~/.config/handrail/config.yaml:1:23 delivery.attempts:"],
    ["slack: { webhookUrl: 'a\n", "~/.config/handrail/config.yaml:2:1 invalid YAML: Missing closing 'quote"],
    ["email: { smtpUrl: 'http://x' }\n", "email.smtpUrl in ~/.config/handrail/config.yaml: expected an smtp:// or smtps:// URL"],
  ])("a bad file is a usage error naming the place: %j", async (config, message) => {
    await expect(loadNotifySettings({}, home(config))).rejects.toThrow(message);
  });
});

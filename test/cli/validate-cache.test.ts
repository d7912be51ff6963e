/** validate's cache: an unchanged file is answered from it, a changed one is checked again, --no-cache checks everything. */
import { readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { runCli, scratchDir } from "../helpers/cli.js";

const RB = (title: string) => `apiVersion: handrail/v1\nkind: Runbook\nid: cached\ntitle: ${title}\nphases:\n  - { id: a, kind: diagnose, title: A, steps: [{ id: s, title: S, run: "true" }] }\n`;

describe("validate cache", () => {
  it("keyed by content: the cached verdict is used while the file is unchanged, a change is checked again, --no-cache bypasses it", async () => {
    const dir = scratchDir(onTestFinished);
    const env = { XDG_CACHE_HOME: path.join(dir, "cache") };
    writeFileSync(path.join(dir, "cached.yaml"), RB("Cached"));
    expect((await runCli(["validate", "cached.yaml"], { cwd: dir, env })).stdout).toBe("1 runbook valid");
    const cacheDir = path.join(dir, "cache", "handrail");
    const [name] = readdirSync(cacheDir);
    expect(name).toMatch(/^validate-.+\.json$/);
    // Proof the second run reads the cache and not the file: a verdict planted in it is what comes back.
    const file = path.join(cacheDir, name!);
    const entries = JSON.parse(readFileSync(file, "utf8")) as Record<string, { problems: unknown[] }>;
    const key = Object.keys(entries).find((k) => !k.startsWith("#"))!;
    expect(key).toMatch(/^[0-9a-f]{64} cached\.yaml$/);
    entries[key]!.problems = [{ file: "cached.yaml", line: 1, column: 1, path: "", message: "planted in the cache" }];
    writeFileSync(file, JSON.stringify(entries));
    const cached = await runCli(["validate", "cached.yaml"], { cwd: dir, env });
    expect([cached.exitCode, cached.stderr]).toEqual([2, expect.stringContaining("cached.yaml:1:1 planted in the cache")]);
    const bypassed = await runCli(["validate", "--no-cache", "cached.yaml"], { cwd: dir, env });
    expect([bypassed.exitCode, bypassed.stdout]).toEqual([0, "1 runbook valid"]);
    // A change of content is a new key: checked for real.
    writeFileSync(path.join(dir, "cached.yaml"), RB("Cached again").replace("kind: diagnose", "kind: diagnoze"));
    const changed = await runCli(["validate", "cached.yaml"], { cwd: dir, env });
    expect(changed.exitCode).toBe(2);
    expect(changed.stderr).toContain("phases[0].kind");
    expect(changed.stderr).not.toContain("planted");
  });

  it("an unchanged file is not even read; a change behind a restored mtime (same size) is still found", async () => {
    const dir = scratchDir(onTestFinished);
    const env = { XDG_CACHE_HOME: path.join(dir, "cache") };
    const rb = path.join(dir, "cached.yaml");
    writeFileSync(rb, RB("Cached"));
    expect((await runCli(["validate", "cached.yaml"], { cwd: dir, env })).stdout).toBe("1 runbook valid");
    const cacheDir = path.join(dir, "cache", "handrail");
    const file = path.join(cacheDir, readdirSync(cacheDir)[0]!);
    const stored = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    const index = stored["#stat-index"] as Record<string, string>;
    expect(Object.keys(index)).toEqual([expect.stringMatching(/^\d+:\d+:\d+:\d+:\d+ cached\.yaml$/)]);
    // Proof the file is not read: the index is pointed at a planted verdict under another content key, and that is what comes back.
    const plantedKey = `${"0".repeat(64)} cached.yaml`;
    stored[plantedKey] = { kind: "Runbook", id: "cached", problems: [{ file: "cached.yaml", line: 1, column: 1, path: "", message: "planted behind the stat index" }] };
    stored["#stat-index"] = { [Object.keys(index)[0]!]: plantedKey };
    writeFileSync(file, JSON.stringify(stored));
    const unread = await runCli(["validate", "cached.yaml"], { cwd: dir, env });
    expect(unread.stderr).toContain("planted behind the stat index");
    // Same size, mtime put back: the ctime still moved, so the file is read, hashed and checked again.
    const before = statSync(rb);
    writeFileSync(rb, RB("Cached").replace("kind: diagnose", "kind: diagnozE"));
    expect(statSync(rb).size).toBe(before.size);
    utimesSync(rb, before.atime, before.mtime);
    const forged = await runCli(["validate", "cached.yaml"], { cwd: dir, env });
    expect(forged.exitCode).toBe(2);
    expect(forged.stderr).toContain("phases[0].kind");
  });

  it("a cache that cannot be written is not used, and validate still answers", async () => {
    const dir = scratchDir(onTestFinished);
    writeFileSync(path.join(dir, "cached.yaml"), RB("Cached"));
    writeFileSync(path.join(dir, "not-a-dir"), "");
    const r = await runCli(["validate", "cached.yaml"], { cwd: dir, env: { XDG_CACHE_HOME: path.join(dir, "not-a-dir") } });
    expect([r.exitCode, r.stdout]).toEqual([0, "1 runbook valid"]);
  });

  it("the library (list, the console, run) reads a runbook that loaded clean from its cache while its content is unchanged", async () => {
    const dir = scratchDir(onTestFinished);
    const env = { XDG_CACHE_HOME: path.join(dir, "cache") };
    writeFileSync(path.join(dir, "cached.yaml"), RB("Cached"));
    expect((await runCli(["--runbooks", dir, "list", "--json"], { cwd: dir, env })).exitCode).toBe(0);
    const cacheDir = path.join(dir, "cache", "handrail");
    const name = readdirSync(cacheDir).find((n) => n.startsWith("library-"))!;
    const file = path.join(cacheDir, name);
    const entries = JSON.parse(readFileSync(file, "utf8")) as Record<string, { runbook: { title: string } }>;
    const key = Object.keys(entries).find((k) => k.endsWith(" cached.yaml"))!;
    entries[key]!.runbook.title = "Planted in the cache";
    writeFileSync(file, JSON.stringify(entries));
    const title = async () => (JSON.parse((await runCli(["--runbooks", dir, "list", "--json"], { cwd: dir, env })).stdout) as Array<{ id: string; title: string }>).find((r) => r.id === "cached")!.title;
    expect(await title()).toBe("Planted in the cache");
    writeFileSync(path.join(dir, "cached.yaml"), RB("Changed"));
    expect(await title()).toBe("Changed");
  });
});

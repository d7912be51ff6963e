import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import * as nodeModule from "node:module";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { enableCompileCache, type CompileCacheApi } from "../../src/util/compile-cache.js";
import { scratchDir } from "../helpers/cli.js";

/** node:module's enableCompileCache as Node ≥ 22.1 answers it: the directory it was given, enabled (status 1). */
function recordingApi(answer: (dir: string) => { status: number; directory?: string } = (dir) => ({ status: 1, directory: dir })): CompileCacheApi & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    enableCompileCache: (dir: string) => {
      calls.push(dir);
      return answer(dir);
    },
  };
}

describe("the compile cache (Node ≥ 22.1)", () => {
  it("is kept in handrail's cache directory, one per build, and replaces another build's", () => {
    const root = scratchDir(onTestFinished);
    const env = { XDG_CACHE_HOME: path.join(root, "xdg") };
    const base = path.join(root, "xdg", "handrail");
    mkdirSync(path.join(base, "compile-0.1.0-old", "v22.23.5-x64-1-0"), { recursive: true });
    writeFileSync(path.join(base, "library-0.1.0-new.json"), "{}");
    writeFileSync(path.join(base, "validate-0.1.0-new.json"), "{}");
    const api = recordingApi();
    expect(enableCompileCache(env, { api, build: "0.1.0-new" })).toBe(path.join(base, "compile-0.1.0-new"));
    expect(api.calls).toEqual([path.join(base, "compile-0.1.0-new")]);
    expect(existsSync(path.join(base, "compile-0.1.0-old"))).toBe(false);
    // The other caches are this build's and stay.
    expect(existsSync(path.join(base, "library-0.1.0-new.json"))).toBe(true);
    expect(existsSync(path.join(base, "validate-0.1.0-new.json"))).toBe(true);
  });

  it("prunes only when this build's directory is first made, and never from a worker thread", () => {
    const root = scratchDir(onTestFinished);
    const env = { XDG_CACHE_HOME: path.join(root, "xdg") };
    const base = path.join(root, "xdg", "handrail");
    mkdirSync(path.join(base, "compile-0.1.0-this"), { recursive: true });
    // Another build running beside this one (two checkouts): its cache is left to it while this one's exists.
    mkdirSync(path.join(base, "compile-0.1.0-other"));
    enableCompileCache(env, { api: recordingApi(), build: "0.1.0-this" });
    expect(existsSync(path.join(base, "compile-0.1.0-other"))).toBe(true);
    enableCompileCache(env, { api: recordingApi(), build: "0.1.0-third", prune: false });
    expect(existsSync(path.join(base, "compile-0.1.0-other"))).toBe(true);
    expect(existsSync(path.join(base, "compile-0.1.0-this"))).toBe(true);
  });

  it("does nothing without a build (the sources) or on a Node without the API (Node 20)", () => {
    const root = scratchDir(onTestFinished);
    const env = { XDG_CACHE_HOME: path.join(root, "xdg") };
    const api = recordingApi();
    expect(enableCompileCache(env, { api, build: undefined })).toBeUndefined();
    expect(api.calls).toEqual([]);
    expect(enableCompileCache(env, { api: {}, build: "0.1.0-x" })).toBeUndefined();
    expect(existsSync(path.join(root, "xdg"))).toBe(false);
    // The module itself, on the Node running these tests: the API exactly when Node has it.
    const has = "enableCompileCache" in nodeModule;
    expect(has).toBe(Number(process.versions.node.split(".")[0]) > 22 || (process.versions.node.startsWith("22.") && Number(process.versions.node.split(".")[1]) >= 1));
  });

  it("never throws: a cache directory that cannot be made, or a Node that cannot use it, leaves the start as it was", () => {
    const root = scratchDir(onTestFinished);
    // XDG_CACHE_HOME under a regular file: nothing can be made there.
    writeFileSync(path.join(root, "file"), "");
    const env = { XDG_CACHE_HOME: path.join(root, "file", "xdg") };
    const api = recordingApi(() => ({ status: 0 }));
    expect(enableCompileCache(env, { api, build: "0.1.0-x" })).toBeUndefined();
    expect(api.calls).toEqual([path.join(root, "file", "xdg", "handrail", "compile-0.1.0-x")]);
  });

  it("falls back to ~/.cache/handrail when XDG_CACHE_HOME is unset or relative, as the other caches do, made private", () => {
    const root = scratchDir(onTestFinished);
    const api = recordingApi();
    enableCompileCache({ HOME: root, XDG_CACHE_HOME: "relative/cache" }, { api, build: "0.1.0-x" });
    expect(api.calls).toEqual([path.join(root, ".cache", "handrail", "compile-0.1.0-x")]);
    // Compiled code of handrail's, read back by every start: only its owner may write there.
    expect(statSync(path.join(root, ".cache", "handrail")).mode & 0o777).toBe(0o700);
  });
});

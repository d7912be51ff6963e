import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { loadLibrary, MAX_CACHED_FILES, type SearchDir } from "../../src/runbooks/library.js";
import { scratchDir } from "../helpers/cli.js";

const SHIPPED = path.join(import.meta.dirname, "../../runbooks");

/** A library of one runbook and the scenario that drills it, as the shipped ones are. */
function library(root: string): SearchDir[] {
  const dir = path.join(root, "lib");
  mkdirSync(path.join(dir, "scenarios"), { recursive: true });
  copyFileSync(path.join(SHIPPED, "emergency-rollback.yaml"), path.join(dir, "emergency-rollback.yaml"));
  copyFileSync(path.join(SHIPPED, "scenarios/crashloop-rollback.yaml"), path.join(dir, "scenarios/crashloop-rollback.yaml"));
  return [{ dir, origin: "--runbooks" }];
}

describe("the library cache", () => {
  it("answers runbooks and scenarios that loaded clean from the cache, by their content", async () => {
    const root = scratchDir(onTestFinished);
    const dirs = library(root);
    const cacheFile = path.join(root, "cache", "library-test.json");
    const first = await loadLibrary(dirs, root, cacheFile);
    expect(first.entries.map((e) => e.runbook.id)).toEqual(["emergency-rollback"]);
    expect(first.scenarios.map((s) => s.scenario.spec.id)).toEqual(["crashloop-rollback"]);
    const cached = JSON.parse(readFileSync(cacheFile, "utf8")) as Record<string, { runbook?: { title: string }; scenario?: { spec: { title: string } } }>;
    const values = Object.values(cached);
    expect(values.filter((v) => v.runbook)).toHaveLength(1);
    expect(values.filter((v) => v.scenario)).toHaveLength(1);
    // What the second load returns comes from the cache: marked there, the mark shows.
    for (const v of values) {
      if (v.runbook) v.runbook.title = "from the cache";
      if (v.scenario) v.scenario.spec.title = "scenario from the cache";
    }
    writeFileSync(cacheFile, JSON.stringify(cached));
    const second = await loadLibrary(dirs, root, cacheFile);
    expect(second.entries[0]!.runbook.title).toBe("from the cache");
    const scenario = second.scenarios[0]!.scenario;
    expect(scenario.spec.title).toBe("scenario from the cache");
    expect(scenario.checkAgainst(new Map(second.entries.map((e) => [e.runbook.id, e.runbook])))).toEqual([]);
  });

  it("a cached scenario broken by a changed runbook is parsed again, so its problems have their places", async () => {
    const root = scratchDir(onTestFinished);
    const dirs = library(root);
    const cacheFile = path.join(root, "cache", "library-test.json");
    await loadLibrary(dirs, root, cacheFile);
    // The scenario file is unchanged (a cache hit); the runbook it drills is now another id.
    const rb = path.join(dirs[0]!.dir, "emergency-rollback.yaml");
    writeFileSync(rb, readFileSync(rb, "utf8").replace(/^id: emergency-rollback$/m, "id: emergency-rollback-v2"));
    const cachedLib = await loadLibrary(dirs, root, cacheFile);
    const uncachedLib = await loadLibrary(dirs, root);
    const problems = (lib: typeof cachedLib) => lib.scenarios[0]!.scenario.checkAgainst(new Map(lib.entries.map((e) => [e.runbook.id, e.runbook])));
    const found = problems(cachedLib);
    expect(found.length).toBeGreaterThan(0);
    expect(found).toEqual(problems(uncachedLib));
    // `runbook: emergency-rollback` is line 8 of the shipped scenario.
    expect(found[0]).toMatchObject({ line: 8, path: "runbook" });
  });

  it("keeps another search path's entries: a load from elsewhere does not evict this library", async () => {
    // Once it did: a run from another directory (or with another --runbooks) left only its own files in the cache.
    const root = scratchDir(onTestFinished);
    const here = library(path.join(root, "here"));
    const elsewhere: SearchDir[] = [{ dir: SHIPPED, origin: "shipped" }];
    const cacheFile = path.join(root, "cache", "library-test.json");
    await loadLibrary(here, root, cacheFile);
    const marked = JSON.parse(readFileSync(cacheFile, "utf8")) as Record<string, { runbook?: { title: string } }>;
    for (const v of Object.values(marked)) if (v.runbook) v.runbook.title = "from the cache";
    writeFileSync(cacheFile, JSON.stringify(marked));
    const other = await loadLibrary(elsewhere, root, cacheFile);
    expect(other.entries.length).toBeGreaterThan(1);
    expect(other.entries.every((e) => e.runbook.title !== "from the cache")).toBe(true);
    const again = await loadLibrary(here, root, cacheFile);
    expect(again.entries[0]!.runbook.title).toBe("from the cache");
  });

  it("an edited runbook's older version leaves the cache", async () => {
    const root = scratchDir(onTestFinished);
    const dirs = library(root);
    const cacheFile = path.join(root, "cache", "library-test.json");
    const file = path.join(root, "lib", "emergency-rollback.yaml");
    const text = readFileSync(file, "utf8");
    for (const title of ["First edit", "Second edit"]) {
      writeFileSync(file, text.replace(/^title: .*$/m, `title: ${title}`));
      expect((await loadLibrary(dirs, root, cacheFile)).entries[0]!.runbook.title).toBe(title);
    }
    const cached = JSON.parse(readFileSync(cacheFile, "utf8")) as Record<string, { runbook?: { title: string } }>;
    expect(Object.values(cached).flatMap((v) => (v.runbook ? [v.runbook.title] : []))).toEqual(["Second edit"]);
  });

  it("keeps others' entries only up to MAX_CACHED_FILES: the whole file is read at every start", async () => {
    const root = scratchDir(onTestFinished);
    const dirs = library(root);
    const cacheFile = path.join(root, "cache", "library-test.json");
    const others = Object.fromEntries(Array.from({ length: MAX_CACHED_FILES }, (_, i) => [`${"0".repeat(64)} elsewhere/r${i}.yaml`, { runbook: { id: `r${i}` } }]));
    mkdirSync(path.dirname(cacheFile), { recursive: true });
    writeFileSync(cacheFile, JSON.stringify(others));
    await loadLibrary(dirs, root, cacheFile);
    const kept = Object.keys(JSON.parse(readFileSync(cacheFile, "utf8")) as object);
    expect(kept.some((k) => k.includes("elsewhere/"))).toBe(false);
    expect(kept).toHaveLength(2);
  });
});

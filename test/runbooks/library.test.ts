import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { loadLibrary, searchPath } from "../../src/runbooks/library.js";
import { scratchDir } from "../helpers/cli.js";

const EXAMPLE = readFileSync(path.join(import.meta.dirname, "../fixtures/design-example.yaml"), "utf8");

function writeRunbook(dir: string, file: string, id: string, title = id): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, file), EXAMPLE.replace("id: deployment-failure", `id: ${id}`).replace("title: Deployment Failure", `title: ${title}`));
}

describe("the runbook search path", () => {
  it("is --runbooks, then HANDRAIL_PATH, then ./runbooks, then the shipped runbooks", () => {
    const dirs = searchPath({ cliDirs: ["a", "b"], envPath: "/x:/y", cwd: "/work", shippedDir: "/pkg/runbooks" });
    expect(dirs).toEqual([
      { dir: "/work/a", origin: "--runbooks" },
      { dir: "/work/b", origin: "--runbooks" },
      { dir: "/x", origin: "HANDRAIL_PATH" },
      { dir: "/y", origin: "HANDRAIL_PATH" },
      { dir: "/work/runbooks", origin: "./runbooks" },
      { dir: "/pkg/runbooks", origin: "shipped" },
    ]);
  });

  it("the first runbook with an id wins and the later one is reported as shadowed", async () => {
    const root = scratchDir(onTestFinished);
    writeRunbook(path.join(root, "team"), "df.yaml", "deployment-failure", "Team version");
    writeRunbook(path.join(root, "shipped"), "df.yaml", "deployment-failure", "Shipped version");
    writeRunbook(path.join(root, "shipped", "nested"), "other.yml", "other-runbook");
    const lib = await loadLibrary(searchPath({ cliDirs: ["team"], cwd: root, shippedDir: path.join(root, "shipped") }), root);
    expect(lib.entries.map((e) => [e.runbook.id, e.runbook.title, e.file])).toEqual([
      ["deployment-failure", "Team version", "team/df.yaml"],
      ["other-runbook", "other-runbook", "shipped/nested/other.yml"],
    ]);
    expect(lib.shadowed).toEqual([{ id: "deployment-failure", file: "shipped/df.yaml", shadowedBy: "team/df.yaml" }]);
  });

  it("reads a directory reached twice only once, keeps going past broken files, and names missing directories", async () => {
    const root = scratchDir(onTestFinished);
    writeRunbook(path.join(root, "runbooks"), "a.yaml", "a-runbook");
    writeFileSync(path.join(root, "runbooks", "broken.yaml"), "apiVersion: handrail/v1\n");
    const lib = await loadLibrary(
      searchPath({ envPath: "runbooks:missing", cwd: root, shippedDir: path.join(root, "runbooks") }),
      root,
    );
    expect(lib.entries.map((e) => e.runbook.id)).toEqual(["a-runbook"]);
    expect(lib.shadowed).toEqual([]);
    expect(lib.broken.map((b) => b.file)).toEqual(["runbooks/broken.yaml"]);
    expect(lib.missing.map((m) => [path.basename(m.dir), m.origin])).toEqual([["missing", "HANDRAIL_PATH"]]);
  });
});

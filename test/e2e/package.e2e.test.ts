/**
 * The package as a user gets it: `npm pack`, installed into an empty prefix with no network, then
 * run from an empty directory — no source tree, no node_modules of ours. Everything is bundled, so
 * the install is the tarball alone.
 */
import { execa } from "execa";
import { mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { ROOT, scratchDir } from "../helpers/cli.js";

/** Bytes under a directory (files as stored; what `du` counts, near enough). */
function sizeOf(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) total += sizeOf(p);
    else if (entry.isFile()) total += statSync(p).size;
  }
  return total;
}

describe("npm pack → npm install -g into an empty prefix", () => {
  it("installs offline with nothing else, under 40 MB, and --version, list, validate and a headless drill work from an empty directory", async () => {
    const dir = scratchDir(onTestFinished);
    // dist/ is already built by `npm test`; prepack would rebuild it under the feet of other tests.
    const pack = await execa("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], { cwd: ROOT });
    const [info] = JSON.parse(pack.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const files = info!.files.map((f) => f.path);
    expect(files).toContain("dist/handrail.js");
    expect(files).toContain("dist/vendor/recheck.cjs");
    expect(files).toContain("schema/handrail-v1.schema.json");
    expect(files.filter((f) => f.endsWith(".map"))).toEqual([]);
    expect(files.some((f) => f.startsWith("src/") || f.startsWith("test/"))).toBe(false);

    const prefix = path.join(dir, "prefix");
    await execa("npm", ["install", "-g", "--offline", "--no-audit", "--no-fund", "--prefix", prefix, path.join(dir, info!.filename)], { cwd: dir });
    const installed = path.join(prefix, "lib/node_modules/handrail");
    // No dependencies to fetch: the bundle is the install.
    expect(readdirSync(installed).sort()).toEqual(["README.md", "dist", "package.json", "runbooks", "schema"].sort());
    expect(sizeOf(installed)).toBeLessThan(40 * 1024 * 1024);
    // The shipped runbooks' $schema line resolves inside the package.
    const schemaLine = readFileSync(path.join(installed, "runbooks/emergency-rollback.yaml"), "utf8").split("\n")[0]!;
    expect(statSync(path.resolve(installed, "runbooks", schemaLine.replace(/^.*\$schema=/, ""))).isFile()).toBe(true);

    const empty = path.join(dir, "empty");
    mkdirSync(empty);
    const bin = path.join(prefix, "bin/handrail");
    const env = { HOME: empty, HANDRAIL_PATH: undefined, XDG_CONFIG_HOME: path.join(empty, ".config"), KUBECONFIG: path.join(empty, "none") };
    const version = await execa(bin, ["--version"], { cwd: empty, env });
    expect(version.stdout).toBe(JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).version);
    const list = await execa(bin, ["list"], { cwd: empty, env });
    for (const id of ["canary-release", "deployment-failure", "emergency-rollback", "release-train-troubleshooting", "release-train"]) expect(list.stdout).toContain(id);
    // Validation needs the bundled recheck: a pattern that backtracks exponentially is refused.
    const redos = path.join(empty, "redos.yaml");
    await execa("sh", ["-c", `printf '%s\\n' 'apiVersion: handrail/v1' 'kind: Runbook' 'id: redos' 'title: R' 'phases:' '  - { id: a, kind: diagnose, title: A, steps: [{ id: s, title: S, run: "true", expect: { stdout: { matches: "(a+)+$" } } }] }' > ${JSON.stringify(redos)}`]);
    const validate = await execa(bin, ["validate", redos], { cwd: empty, env, reject: false });
    expect([validate.exitCode, validate.stderr]).toEqual([2, expect.stringContaining("catastrophic backtracking")]);
    // k8s steps need the bundled client-node: the drill of emergency-rollback has them.
    const drill = await execa(bin, ["run", "emergency-rollback", "--drill", "stuck-rollout", "--yes", "--option", "rollback=service"], { cwd: empty, env, reject: false, timeout: 120_000 });
    expect(drill.exitCode, drill.stdout + drill.stderr).toBe(0);
    expect(drill.stdout).toContain("DRILL stuck-rollout: HEALTHY — 3/3 pods of api ready on shop/api:1.4.2");
  }, 180_000);
});

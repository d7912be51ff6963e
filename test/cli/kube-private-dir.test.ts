/**
 * The private kubeconfig copy, through the built binary: it never lands in a directory another
 * user made first under $TMPDIR, its own directory has a name no one can guess, and the per-user
 * parent is put back to 0700 when it is ours.
 */
import { chmodSync, chownSync, lstatSync, mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { runCli, scratchDir } from "../helpers/cli.js";

const NOBODY = 65534;

const RUNBOOK = `apiVersion: handrail/v1
kind: Runbook
id: kc
title: Kubeconfig copy
summary: Where the private kubeconfig copy lives.
phases:
  - id: work
    kind: assess
    title: Work
    steps:
      - { id: where, title: Where, run: 'echo "KC=$KUBECONFIG"; stat -c "DIR=%u %a" "$(dirname "$KUBECONFIG")"; stat -L -c "PARENT=%u %a" "$(dirname "$(dirname "$KUBECONFIG")")"' }
`;

const KUBECONFIG = `apiVersion: v1
kind: Config
current-context: x
clusters: [{ name: c, cluster: { server: "https://127.0.0.1:1" } }]
contexts: [{ name: x, context: { cluster: c, user: u } }]
users: [{ name: u, user: {} }]
`;

/** Run the step that shows where KUBECONFIG points, with TMPDIR in a scratch directory. */
async function whereIsTheCopy(prepare: (tmp: string, root: string) => void): Promise<{ tmp: string; root: string; kc: string; dir: string; parent: string }> {
  const dir = scratchDir(onTestFinished);
  const tmp = path.join(dir, "tmp");
  mkdirSync(tmp);
  const root = path.join(tmp, `handrail-${process.getuid!()}`);
  prepare(tmp, root);
  writeFileSync(path.join(dir, "kc.yaml"), RUNBOOK);
  writeFileSync(path.join(dir, "config"), KUBECONFIG);
  const r = await runCli(["run", "kc.yaml", "--kubeconfig", "config"], { cwd: dir, env: { TMPDIR: tmp } });
  expect(r.exitCode).toBe(0);
  const field = (name: string) => new RegExp(`^${name}=(.*)$`, "m").exec(r.stdout)?.[1] ?? "";
  return { tmp, root, kc: field("KC"), dir: field("DIR"), parent: field("PARENT") };
}

describe("the private kubeconfig copy", () => {
  it("a handrail-<uid> directory another user made first is never written into", async () => {
    const seen = await whereIsTheCopy((_tmp, root) => {
      mkdirSync(root);
      chownSync(root, NOBODY, NOBODY);
      chmodSync(root, 0o777);
    });
    expect(seen.kc.startsWith(`${seen.root}/`)).toBe(false);
    expect(seen.kc.startsWith(`${seen.tmp}/`)).toBe(true);
    expect([seen.dir, seen.parent]).toEqual(["0 700", "0 700"]);
    expect(readdirSync(seen.root)).toEqual([]);
    // The stand-in parent goes with the process.
    expect(readdirSync(seen.tmp)).toEqual([path.basename(seen.root)]);
  });

  it("a handrail-<uid> symlink to another user's directory is never followed", async () => {
    const seen = await whereIsTheCopy((tmp, root) => {
      const theirs = path.join(tmp, "theirs");
      mkdirSync(theirs);
      chownSync(theirs, NOBODY, NOBODY);
      chmodSync(theirs, 0o777);
      symlinkSync(theirs, root);
    });
    expect(seen.kc.startsWith(`${seen.root}/`)).toBe(false);
    expect([seen.dir, seen.parent]).toEqual(["0 700", "0 700"]);
    expect(readdirSync(path.join(seen.tmp, "theirs"))).toEqual([]);
    expect(lstatSync(seen.root).isSymbolicLink()).toBe(true);
  });

  it("our own handrail-<uid> left open to others is put back to 0700 and used; the copy's directory is not guessable", async () => {
    const seen = await whereIsTheCopy((_tmp, root) => {
      mkdirSync(root);
      chmodSync(root, 0o777);
    });
    expect(path.dirname(path.dirname(seen.kc))).toBe(seen.root);
    expect(path.basename(path.dirname(seen.kc))).toMatch(/^kube-\d+-[A-Za-z0-9]{6}$/);
    expect([seen.dir, seen.parent]).toEqual(["0 700", "0 700"]);
    expect(statSync(seen.root).mode & 0o777).toBe(0o700);
    expect(readdirSync(seen.root)).toEqual([]);
  });
});

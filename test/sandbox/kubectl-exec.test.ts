/** The real `kubectl exec` against the sandbox: output, exit codes, defaults for curl, a scenario's own answers. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pollFor, readyPods, startHarness, waitForStore, type SandboxHarness } from "./harness.js";

let h: SandboxHarness;

beforeAll(async () => {
  h = await startHarness({
    seed: (store) => {
      store.createDeployment({ name: "api", image: "shop/api:1.0", replicas: 2 });
      store.createDeployment({ name: "gateway", image: "shop/gateway:1.0", replicas: 1 });
      store.createDeployment({ name: "broken", image: "shop/broken:1.0-bad", replicas: 1 });
    },
  });
  await waitForStore(h.store, () => readyPods(h.store, "default", "api") === 2 && readyPods(h.store, "default", "gateway") === 1, "api and gateway ready");
});

afterAll(async () => {
  await h?.stop();
});

describe("kubectl exec", () => {
  it("curl to the container's own health endpoint answers while it is ready", async () => {
    const r = await h.kubectl(["exec", "deployment/api", "--", "curl", "-f", "http://localhost:8080/health"]);
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^\{"status":"ok","pod":"api-[a-z0-9]+-[a-z0-9]+"\}$/);
  });

  it("curl to another deployment by name follows that deployment's pods", async () => {
    const ok = await h.kubectl(["exec", "deployment/api", "--", "curl", "-f", "http://gateway/health"]);
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toContain('"service":"gateway"');
    const down = await h.kubectl(["exec", "deployment/api", "--", "curl", "-f", "http://broken:8080/health"]);
    expect(down.exitCode).toBe(7);
    expect(down.stderr).toContain("curl: (7) Failed to connect to broken port 8080");
    expect(down.stderr).toContain("command terminated with exit code 7");
    const unknown = await h.kubectl(["exec", "deployment/api", "--", "curl", "-f", "http://nowhere/health"]);
    expect(unknown.exitCode).toBe(6);
    expect(unknown.stderr).toContain("Could not resolve host: nowhere");
  });

  it("a program the image does not have exits 126", async () => {
    const r = await h.kubectl(["exec", "deployment/api", "--", "pg_isready"]);
    expect(r.exitCode).toBe(126);
    expect(r.stderr).toContain('exec: "pg_isready": executable file not found in $PATH');
  });

  it("a scenario's handler answers first, and removing it restores the default", async () => {
    const remove = h.store.onExec(({ pod, command }) => (command[0] === "pg_isready" ? { stdout: `/var/run/postgresql:5432 - accepting connections (${pod.metadata.labels?.app})\n`, exitCode: 0 } : undefined));
    const r = await h.kubectl(["exec", "deployment/api", "--", "pg_isready"]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe("/var/run/postgresql:5432 - accepting connections (api)");
    remove();
    expect((await h.kubectl(["exec", "deployment/api", "--", "pg_isready"])).exitCode).toBe(126);
  });

  it("a handler that throws, or rejects, fails the command and says why", async () => {
    const remove = h.store.onExec(({ command }) => {
      if (command[0] === "throws") throw new Error("the scenario broke at once");
      return command[0] === "rejects" ? Promise.reject(new Error("the scenario broke later")) : undefined;
    });
    try {
      const thrown = await h.kubectl(["exec", "deployment/api", "--", "throws"]);
      expect(thrown.exitCode).toBe(1);
      expect(thrown.stderr).toContain("drill exec handler failed: the scenario broke at once");
      const rejected = await h.kubectl(["exec", "deployment/api", "--", "rejects"]);
      expect(rejected.exitCode).toBe(1);
      expect(rejected.stderr).toContain("drill exec handler failed: the scenario broke later");
    } finally {
      remove();
    }
  });

  it("a handler can answer later: kubectl waits for it, then prints the answer", async () => {
    let answer: ((r: { stdout: string; exitCode: number }) => void) | undefined;
    const remove = h.store.onExec(({ command }) => (command[0] === "slow-check" ? new Promise((resolve) => (answer = resolve)) : undefined));
    const child = h.spawnKubectl(["exec", "deployment/api", "--", "slow-check"]);
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => (out += chunk.toString()));
    await pollFor(async () => (answer ? true : undefined), "the handler to be asked");
    expect(child.exitCode).toBeNull();
    answer!({ stdout: "done\n", exitCode: 0 });
    const r = await child;
    remove();
    expect(r.exitCode).toBe(0);
    expect(out).toBe("done\n");
  });

  it("into a pod by name, and an unknown pod is NotFound", async () => {
    const pod = h.store.podsOf("default", "gateway")[0]!.metadata.name;
    const r = await h.kubectl(["exec", pod, "--", "curl", "http://localhost:8080/health"]);
    expect({ exitCode: r.exitCode, stderr: r.stderr }).toEqual({ exitCode: 0, stderr: "" });
    const missing = await h.kubectl(["exec", "nope", "--", "true"]);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('pods "nope" not found');
  });
});

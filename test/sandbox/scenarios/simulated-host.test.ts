/** The drill's simulated host: ssh that never connects, docker answered by the scenario, drill-time sleep. */
import { execa } from "execa";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, onTestFinished } from "vitest";
import { startDrill, type Drill } from "../../../src/sandbox/drill.js";
import { ComposeProject } from "../../../src/sandbox/scenarios/compose-project.js";
import { startSimulatedHost, type HostCommand } from "../../../src/sandbox/scenarios/simulated-host.js";
import type { Scenario } from "../../../src/sandbox/scenarios/types.js";

let drill: Drill | undefined;
afterEach(async () => {
  await drill?.stop();
  drill = undefined;
});

const seen: HostCommand[] = [];
let compose: ComposeProject;

const hostScenario: Scenario = {
  id: "simulated-host-test",
  runbook: "deployment-failure",
  title: "a host and nothing else",
  briefing: "",
  severity: "low",
  remedy: {},
  async setup(world) {
    compose = new ComposeProject("demo", [
      { name: "web", image: "demo/web:2", container: "demo-web" },
      { name: "web-canary", image: "demo/web:3", file: "docker-compose.canary.yml" },
    ]);
    await startSimulatedHost(world, {
      sshHosts: ["ops@box.drill"],
      run: (cmd) => {
        seen.push(cmd);
        return compose.run(cmd);
      },
    });
    return {};
  },
  health: () => ({ healthy: true, detail: "" }),
};

async function sh(d: Drill, script: string) {
  const r = await execa("bash", ["-c", script], { reject: false, cwd: d.world.dir, env: d.world.env, timeout: 20_000 });
  return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe("the simulated host", () => {
  it("docker compose and docker-compose reach the scenario with their arguments and the step's cwd", async () => {
    const d = (drill = await startDrill(hostScenario, { tickMs: 0 }));
    seen.length = 0;
    expect((await sh(d, "docker compose up -d web")).stderr).toContain("Container demo-web  Started");
    expect((await sh(d, "mkdir -p sub && cd sub && docker-compose ps")).stdout).toMatch(/demo-web +demo\/web:2 +web +Up/);
    expect(seen.map((c) => [c.tool, c.argv.join(" "), c.cwd.endsWith("sub")])).toEqual([
      ["compose", "up -d web", false],
      ["compose", "ps", true],
    ]);
  });

  it("compose's own errors: an unknown service, a service of a file not given, exec into a stopped one", async () => {
    const d = (drill = await startDrill(hostScenario, { tickMs: 0 }));
    expect(await sh(d, "docker compose restart nope")).toMatchObject({ exitCode: 1, stderr: "no such service: nope" });
    expect(await sh(d, "docker compose up -d web-canary")).toMatchObject({ exitCode: 1, stderr: "no such service: web-canary" });
    await sh(d, "docker compose stop web");
    expect(await sh(d, "docker compose exec -T web true")).toMatchObject({ exitCode: 1, stderr: 'service "web" is not running' });
    expect((await sh(d, "docker frobnicate")).stderr).toContain("not a docker command the drill's simulated host knows");
  });

  it("ssh runs the remote command in the host's home for its own host only, with ssh's options skipped", async () => {
    const d = (drill = await startDrill(hostScenario, { tickMs: 0 }));
    const pwd = await sh(d, 'ssh -t -o BatchMode=yes ops@box.drill -- "pwd; echo \\$0"');
    expect(pwd.exitCode).toBe(0);
    expect(pwd.stdout.split("\n")[0]).toMatch(/\/\.drill\/host$/);
    expect(await sh(d, "ssh root@prod-db-1 -- uptime")).toMatchObject({ exitCode: 255 });
    expect((await sh(d, "ssh ops@box.drill")).stderr).toContain("runs commands only");
  });

  it("sleep runs at drill time and passes what it cannot scale to the real sleep", async () => {
    const d = (drill = await startDrill(hostScenario, { tickMs: 0 }));
    // `sleep 30` finishing inside this test's 20 s timeout is the proof; `sleep 0.1s` is the real one's syntax.
    expect((await sh(d, "sleep 30 && sleep 0.1s && echo done")).stdout).toBe("done");
    expect((await sh(d, "command -v sleep")).stdout).toMatch(/\.drill\/bin\/sleep$/);
  });

  it("once the drill is stopped, the docker commands say so instead of hanging", async () => {
    const d = await startDrill(hostScenario, { tickMs: 0 });
    // Keep a copy of the shim: stop() removes the drill directory with it.
    const keep = mkdtempSync(path.join(tmpdir(), "handrail-shim-"));
    onTestFinished(() => rmSync(keep, { recursive: true, force: true }));
    writeFileSync(path.join(keep, "docker"), readFileSync(path.join(d.world.env.PATH!.split(":")[0]!, "docker")), { mode: 0o755 });
    await d.stop();
    const r = await execa(path.join(keep, "docker"), ["ps"], { reject: false, cwd: keep, timeout: 10_000 });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("the simulated docker host is gone");
  });

  it("ssh hands the server's shell one string, as OpenSSH does: words split, quotes and backslashes removed, globs expanded there", async () => {
    const d = (drill = await startDrill(hostScenario, { tickMs: 0 }));
    await sh(d, 'ssh ops@box.drill -- touch one.txt two.txt');
    // Unquoted for the remote side: the local shell's quoting is gone by the time the remote shell parses.
    const raw = await sh(d, "ssh ops@box.drill -- printf '%s,' 'a b' '\\dt' '*.txt'");
    expect(raw.stdout).toBe("a,b,dt,one.txt,two.txt,");
    // Quoted for the remote side with printf %q: every argument arrives as it was written.
    const quoted = await sh(d, `ssh ops@box.drill -- "$(printf '%q ' printf '%s,' 'a b' '\\dt' '*.txt')"`);
    expect(quoted.stdout).toBe("a b,\\dt,*.txt,");
    // A remote script on stdin (bash -s), its values as arguments.
    const script = await sh(d, `ssh ops@box.drill -- bash -s -- "$(printf '%q ' 'x y' 'z')" <<'EOF'\nprintf '<%s>' "$@"\nEOF`);
    expect(script.stdout).toBe("<x y><z>");
  });

  it("docker exec -i hands the container what it reads from a pipe; without -i nothing is read", async () => {
    const d = (drill = await startDrill(hostScenario, { tickMs: 0 }));
    seen.length = 0;
    await sh(d, "docker compose up -d web");
    await sh(d, "printf 'SELECT 1;\\n' | docker exec -i demo-web psql");
    await sh(d, "printf 'ignored' | docker exec demo-web true");
    expect(seen.slice(1).map((c) => [c.argv.join(" "), c.stdin])).toEqual([
      ["exec -i demo-web psql", "SELECT 1;\n"],
      ["exec demo-web true", undefined],
    ]);
  });
});

/**
 * A drill's simulated docker host. Runbooks that drive docker compose on a server (`ssh "$host" --
 * docker-compose …`, `docker compose …`) reach it through drill-only commands put first on the
 * steps' PATH: `ssh` accepts only the drill's own host names and runs the remote command here,
 * `docker` / `docker-compose` hand their arguments to the scenario over HTTP on 127.0.0.1, and
 * `sleep` runs at drill speed. Nothing here can reach a real server or a real Docker engine.
 */
import { chmod, mkdir, writeFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { existsSync } from "node:fs";
import path from "node:path";
import type { DrillWorld } from "./types.js";

/** One docker or docker-compose invocation as a step made it. */
export interface HostCommand {
  /** `docker compose …` arrives as tool "compose" like `docker-compose …`. */
  tool: "docker" | "compose";
  argv: string[];
  cwd: string;
  /** What `docker exec -i …` read from its stdin (a pipe, not a terminal), e.g. a dump fed to psql. */
  stdin?: string;
}

export interface HostReply {
  stdout?: string;
  stderr?: string;
  exitCode?: number;
}

export interface SimulatedHostOptions {
  /** ssh destinations (user@host) this drill plays; any other is refused without connecting. */
  sshHosts?: string[];
  /** Drill time: a `sleep N` lasts N × timeScale seconds (default 0.02, so `sleep 30` is 0.6 s). */
  timeScale?: number;
  /** Answer one docker / compose command from the scenario's state. */
  run(cmd: HostCommand): HostReply | Promise<HostReply>;
}

export interface SimulatedHost {
  /** The directory on PATH that holds the drill's docker, docker-compose, ssh and sleep. */
  bin: string;
  /** Where `ssh HOST -- …` runs its command (the simulated server's home). */
  home: string;
  /** Every command the steps sent, in order (for world tests and health checks). */
  log: HostCommand[];
}

export const DEFAULT_TIME_SCALE = 0.02;

function realCommand(name: string, exclude: string): string {
  for (const dir of (process.env.PATH ?? "/usr/bin:/bin").split(":")) {
    const full = path.join(dir, name);
    if (dir && dir !== exclude && existsSync(full)) return full;
  }
  return `/bin/${name}`;
}

function dockerShim(url: string, tool: HostCommand["tool"]): string {
  return `#!${process.execPath}
// handrail drill: the simulated docker host (not a Docker CLI). It sends its arguments to the drill on 127.0.0.1.
const argv = process.argv.slice(2);
const compose = ${JSON.stringify(tool)} === "compose" || argv[0] === "compose";
const args = ${JSON.stringify(tool)} === "docker" && compose ? argv.slice(1) : argv;
// \`docker exec -i\` hands the container its stdin: read it (a pipe only; a terminal is never read).
let interactive = false;
for (let i = 1; !compose && args[0] === "exec" && i < args.length && args[i].startsWith("-"); i++) {
  if (args[i] === "--interactive" || /^-[a-z]*i[a-z]*$/.test(args[i])) interactive = true;
  if (["-e", "--env", "-u", "--user", "-w", "--workdir"].includes(args[i])) i++;
}
const stdin = interactive && !process.stdin.isTTY ? new Promise((resolve, reject) => {
  const chunks = [];
  process.stdin.on("data", (c) => chunks.push(c)).on("end", () => resolve(Buffer.concat(chunks).toString("utf8"))).on("error", reject);
}) : Promise.resolve(undefined);
stdin
  .then((input) => fetch(${JSON.stringify(`${url}/run`)}, { method: "POST", body: JSON.stringify({ tool: compose ? "compose" : "docker", argv: args, cwd: process.cwd(), ...(input === undefined ? {} : { stdin: input }) }), headers: { "content-type": "application/json" } }))
  .then((r) => r.json())
  .then((r) => {
    if (r.stdout) process.stdout.write(r.stdout);
    if (r.stderr) process.stderr.write(r.stderr);
    process.exitCode = r.exitCode ?? 0;
  })
  .catch((e) => {
    process.stderr.write("handrail drill: the simulated docker host is gone (" + e.message + ")\\n");
    process.exitCode = 1;
  });
`;
}

function sshShim(hosts: string[], home: string): string {
  return `#!/bin/sh
# handrail drill: the simulated host's ssh. It never connects anywhere: for one of the drill's own
# host names it runs the remote command here, in the simulated server's home, like sshd's shell would.
while [ $# -gt 0 ]; do
  case "$1" in
    -o|-p|-i|-l|-F|-J) shift 2 ;;
    -*) shift ;;
    *) break ;;
  esac
done
host="$1"
[ $# -gt 0 ] && shift
case " ${hosts.join(" ")} " in
  *" $host "*) ;;
  *) echo "ssh: Could not resolve hostname $host: this drill simulates only ${hosts.join(", ") || "no hosts"}" >&2; exit 255 ;;
esac
[ "$1" = "--" ] && shift
[ $# -eq 0 ] && { echo "ssh: the drill's simulated host runs commands only (ssh $host -- COMMAND)" >&2; exit 255; }
cd ${JSON.stringify(home)} && exec sh -c "$*"
`;
}

function sleepShim(real: string, scale: number): string {
  return `#!/bin/sh
# handrail drill: drill time. A sleep of N seconds lasts N x ${scale} here.
case "$1" in
  ''|*[!0-9.]*) exec ${real} "$@" ;;
esac
exec ${real} "$(awk -v s="$1" 'BEGIN { printf "%.3f", s * ${scale} }')"
`;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

function isCommand(v: unknown): v is HostCommand {
  const c = v as HostCommand;
  return typeof c === "object" && c !== null && (c.tool === "docker" || c.tool === "compose") && Array.isArray(c.argv) && c.argv.every((a) => typeof a === "string") && typeof c.cwd === "string" && (c.stdin === undefined || typeof c.stdin === "string");
}

/** Put the drill's docker, docker-compose, ssh and sleep first on the steps' PATH, answered by `opts.run`. */
export async function startSimulatedHost(world: DrillWorld, opts: SimulatedHostOptions): Promise<SimulatedHost> {
  const bin = path.join(world.dir, ".drill", "bin");
  const home = path.join(world.dir, ".drill", "host");
  await mkdir(bin, { recursive: true });
  await mkdir(home, { recursive: true });
  const log: HostCommand[] = [];
  const url = await world.serve("simulated-host", (req: IncomingMessage, res: ServerResponse) => {
    const reply = (status: number, body: HostReply) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.method !== "POST" || req.url !== "/run") return reply(404, { stderr: "not found\n", exitCode: 1 });
    readJson(req)
      .then(async (body) => {
        if (!isCommand(body)) return reply(400, { stderr: "handrail drill: a malformed command\n", exitCode: 2 });
        log.push(body);
        const r = await opts.run(body);
        reply(200, { stdout: r.stdout ?? "", stderr: r.stderr ?? "", exitCode: r.exitCode ?? 0 });
      })
      .catch((e: unknown) => reply(500, { stderr: `handrail drill: ${e instanceof Error ? e.message : String(e)}\n`, exitCode: 1 }));
  });
  const scale = opts.timeScale ?? DEFAULT_TIME_SCALE;
  const files: Array<[string, string]> = [
    ["docker", dockerShim(url, "docker")],
    ["docker-compose", dockerShim(url, "compose")],
    ["ssh", sshShim(opts.sshHosts ?? [], home)],
    ["sleep", sleepShim(realCommand("sleep", bin), scale)],
  ];
  for (const [name, text] of files) {
    const file = path.join(bin, name);
    await writeFile(file, text);
    await chmod(file, 0o755);
  }
  world.env.PATH = `${bin}:${world.env.PATH ?? process.env.PATH ?? "/usr/bin:/bin"}`;
  return { bin, home, log };
}

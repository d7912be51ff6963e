/**
 * A docker compose project as a drill's simulated host sees it: services defined per compose file,
 * containers created, started, restarted, stopped and removed by the operator's own commands, and
 * logs that the scenario writes as its services act. It answers `docker compose` / `docker-compose`
 * and the plain `docker` commands the runbooks use, in the shape the real CLIs print.
 */
import type { HostCommand, HostReply } from "./simulated-host.js";

export interface ServiceSpec {
  name: string;
  image: string;
  /** The compose file that defines it. */
  file?: string;
  /** container_name; `<project>-<name>-1` otherwise. */
  container?: string;
  ports?: string;
  command?: string;
}

export interface ServiceState extends Required<Omit<ServiceSpec, "ports" | "command">> {
  ports: string;
  command: string;
  /** The container exists (up created it, down removed it). */
  created: boolean;
  running: boolean;
  /** How many times its process was started, the first start included. */
  starts: number;
  /** The configuration the container was created with (see ComposeHooks.config). */
  config?: string;
  startedAt: number;
  logs: string[];
}

export interface ComposeHooks {
  /** The service's process just started (up, start, restart). */
  onStart?(svc: ServiceState): void;
  /** The service's process just stopped (stop, restart, down). */
  onStop?(svc: ServiceState): void;
  /** A command inside the service's container; undefined means "no such command there". */
  exec?(svc: ServiceState, argv: string[]): HostReply | undefined;
  /** The health shown in ps for a running service. */
  health?(svc: ServiceState): "healthy" | "unhealthy" | "health: starting" | undefined;
  /**
   * The service's configuration as its compose files define it now (e.g. its environment as JSON);
   * undefined when the scenario does not model it. `up` records it on the container it creates and,
   * as compose does, recreates a container whose configuration changed since; restart does not.
   * A throw is compose's own error reading the files.
   */
  config?(svc: ServiceState): string | undefined;
}

export const DEFAULT_COMPOSE_FILE = "docker-compose.yml";

const ok = (stdout = "", stderr = ""): HostReply => ({ stdout, stderr, exitCode: 0 });
const fail = (stderr: string, exitCode = 1): HostReply => ({ stderr: stderr.endsWith("\n") ? stderr : `${stderr}\n`, exitCode });

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]! + 3))).join("").trimEnd()).join("\n") + "\n";
}

function ago(ms: number): string {
  const s = Math.max(1, Math.round(ms / 1000));
  return s < 60 ? `${s} seconds` : `${Math.round(s / 60)} minutes`;
}

/** Flags that take a value, per compose subcommand, so their values are not read as service names. */
const VALUED = new Set(["-f", "--file", "-p", "--project-name", "--tail", "-n", "--scale", "-t", "--timeout", "--env-file", "-w", "--workdir", "-u", "--user", "-e", "--env"]);

function split(args: string[]): { flags: Map<string, string[]>; rest: string[] } {
  const flags = new Map<string, string[]>();
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith("-") || a === "-") {
      rest.push(a);
      continue;
    }
    const [name, inline] = a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    const value = inline ?? (VALUED.has(name) ? args[++i] ?? "" : "");
    flags.set(name, [...(flags.get(name) ?? []), value]);
  }
  return { flags, rest };
}

export class ComposeProject {
  readonly services = new Map<string, ServiceState>();

  constructor(
    readonly project: string,
    specs: ServiceSpec[],
    private readonly hooks: ComposeHooks = {},
    private readonly now: () => number = Date.now,
  ) {
    for (const s of specs) {
      this.services.set(s.name, { file: DEFAULT_COMPOSE_FILE, container: `${project}-${s.name}-1`, ports: "", command: "", ...s, created: false, running: false, starts: 0, startedAt: 0, logs: [] });
    }
  }

  /** Bring services up as they were before the drill (no hooks: this is the world's past). */
  bootstrap(names: string[], at = this.now()): void {
    for (const name of names) Object.assign(this.service(name), { created: true, running: true, starts: 1, startedAt: at });
  }

  service(name: string): ServiceState {
    const s = this.services.get(name);
    if (!s) throw new Error(`no service ${name} in ${this.project}`);
    return s;
  }

  /** Append a line to a service's container log (what `logs` shows). */
  log(name: string, line: string): void {
    const s = this.service(name);
    s.logs.push(line);
    if (s.logs.length > 2000) s.logs.splice(0, s.logs.length - 2000);
  }

  private start(s: ServiceState): void {
    Object.assign(s, { created: true, running: true, starts: s.starts + 1, startedAt: this.now() });
    this.hooks.onStart?.(s);
  }

  private stop(s: ServiceState): void {
    if (!s.running) return;
    s.running = false;
    this.hooks.onStop?.(s);
  }

  private byContainer(ref: string): ServiceState | undefined {
    return [...this.services.values()].find((s) => s.created && (s.container === ref || s.name === ref));
  }

  private status(s: ServiceState): string {
    if (!s.running) return "Exited (0) 2 seconds ago";
    const health = this.hooks.health?.(s);
    return `Up ${ago(this.now() - s.startedAt)}${health ? ` (${health})` : ""}`;
  }

  /** The named services, or every service of the given files; an unknown name is compose's own error. */
  private pick(names: string[], files: string[] | undefined): ServiceState[] | string {
    const all = [...this.services.values()];
    if (names.length === 0) return files ? all.filter((s) => files.includes(s.file)) : all.filter((s) => s.created);
    const picked: ServiceState[] = [];
    for (const n of names) {
      const s = this.services.get(n);
      if (!s || (files && !files.includes(s.file))) return `no such service: ${n}`;
      picked.push(s);
    }
    return picked;
  }

  /** Answer one `docker compose …` / `docker-compose …` command. */
  compose(argv: string[]): HostReply {
    const sub = argv.findIndex((a, i) => !a.startsWith("-") && !VALUED.has(argv[i - 1] ?? ""));
    if (sub < 0) return fail("Usage:  docker compose [OPTIONS] COMMAND", 1);
    const global = split(argv.slice(0, sub)).flags;
    const files = global.get("-f") ?? global.get("--file") ?? [DEFAULT_COMPOSE_FILE];
    const command = argv[sub]!;
    const args = argv.slice(sub + 1);
    if (command === "exec" || command === "run") return this.execIn(args, "compose");
    const { flags, rest } = split(args);
    const picked = this.pick(rest, ["up", "build", "config", "down"].includes(command) ? files : undefined);
    if (typeof picked === "string") return fail(picked);
    const line = (s: ServiceState, what: string) => ` Container ${s.container}  ${what}\n`;
    switch (command) {
      case "ps":
        return ok(table([["NAME", "IMAGE", "SERVICE", "STATUS", "PORTS"], ...picked.filter((s) => s.created && (s.running || flags.has("-a"))).map((s) => [s.container, s.image, s.name, this.status(s), s.ports])]));
      case "images":
        return ok(table([["CONTAINER", "REPOSITORY", "TAG", "SIZE"], ...picked.filter((s) => s.created).map((s) => [s.container, s.image.split(":")[0]!, s.image.split(":")[1] ?? "latest", "142MB"])]));
      case "logs": {
        const tail = Number(flags.get("--tail")?.[0] ?? flags.get("-n")?.[0] ?? NaN);
        const width = Math.max(...picked.map((s) => s.container.length));
        const out = picked.flatMap((s) => (Number.isFinite(tail) ? s.logs.slice(-tail) : s.logs).map((l) => `${s.container.padEnd(width)}  | ${l}`));
        return ok(out.length ? `${out.join("\n")}\n` : "");
      }
      case "restart":
        return ok("", picked.filter((s) => s.created).map((s) => (this.stop(s), this.start(s), line(s, "Started"))).join(""));
      case "stop":
        return ok("", picked.filter((s) => s.running).map((s) => (this.stop(s), line(s, "Stopped"))).join(""));
      case "start":
        return ok("", picked.filter((s) => s.created && !s.running).map((s) => (this.start(s), line(s, "Started"))).join(""));
      case "up": {
        let err = "";
        for (const s of picked) {
          let want: string | undefined;
          try {
            want = this.hooks.config?.(s);
          } catch (e) {
            return fail(e instanceof Error ? e.message : String(e));
          }
          // Compose recreates a container whose configuration changed (or on --force-recreate).
          if (s.created && (flags.has("--force-recreate") || (want !== undefined && want !== s.config))) {
            this.stop(s);
            s.config = want;
            this.start(s);
            err += line(s, "Recreated") + line(s, "Started");
            continue;
          }
          if (!s.created) s.config = want;
          err += s.running ? line(s, "Running") : (this.start(s), line(s, "Started"));
        }
        return ok("", err);
      }
      case "down": {
        // Like compose itself, down removes only the services of the files given; with
        // --remove-orphans also the project's containers that those files do not define.
        const orphans = [...this.services.values()].filter((s) => s.created && !files.includes(s.file));
        const removed = flags.has("--remove-orphans") ? [...picked, ...orphans] : picked;
        let err = removed.filter((s) => s.created).map((s) => (this.stop(s), (s.created = false), line(s, "Removed"))).join("");
        if (!flags.has("--remove-orphans") && orphans.length > 0) {
          err = `WARN[0000] Found orphan containers ([${orphans.map((s) => s.container).join(" ")}]) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.\n${err}`;
        }
        return ok("", err);
      }
      case "build":
        return ok(picked.map((s) => `#1 [${s.name}] building ${s.image}${flags.has("--no-cache") ? " (no cache)" : ""}\n#1 DONE 0.4s\n`).join(""), "");
      case "config":
        // `--services`: the names alone, one a line, as compose prints them.
        if (flags.has("--services")) return ok(picked.map((s) => `${s.name}\n`).join(""));
        return ok(picked.map((s) => `  ${s.name}:\n    image: ${s.image}\n`).join("").replace(/^/, "services:\n"));
      default:
        return fail(`docker: '${command}' is not a docker compose command the drill's simulated host knows`);
    }
  }

  private execIn(args: string[], how: "compose" | "docker"): HostReply {
    let i = 0;
    while (i < args.length && args[i]!.startsWith("-")) i += VALUED.has(args[i]!) ? 2 : 1;
    const ref = args[i];
    const command = args.slice(i + 1);
    const s = ref === undefined ? undefined : how === "compose" ? this.services.get(ref) : this.byContainer(ref);
    if (!s || !s.created) return fail(how === "compose" ? `service "${ref ?? ""}" is not running` : `Error response from daemon: No such container: ${ref ?? ""}`);
    if (!s.running) return fail(how === "compose" ? `service "${s.name}" is not running` : `Error response from daemon: container ${s.container} is not running`);
    if (command.length === 0) return fail("requires at least 2 arguments");
    const r = this.hooks.exec?.(s, command);
    if (r) return r;
    if (command[0] === "sh" || command[0] === "env" || command[0] === "true") return ok();
    return fail(`OCI runtime exec failed: exec failed: unable to start container process: exec: "${command[0]}": executable file not found in $PATH: unknown`, 126);
  }

  /** Answer one plain `docker …` command (ps, logs, exec, stats, images, rename …). */
  docker(argv: string[]): HostReply {
    const [command, ...args] = argv;
    const { flags, rest } = split(args);
    const running = [...this.services.values()].filter((s) => s.running);
    switch (command) {
      case "ps":
        return ok(table([["CONTAINER ID", "IMAGE", "STATUS", "NAMES"], ...(flags.has("-a") ? [...this.services.values()].filter((s) => s.created) : running).map((s, i) => [`5e${String(i).padStart(10, "0")}`, s.image, this.status(s), s.container])]));
      case "stats":
        return ok(table([["CONTAINER", "NAME", "CPU %", "MEM USAGE / LIMIT", "MEM %"], ...running.map((s, i) => [`5e${String(i).padStart(10, "0")}`, s.container, `${(1.5 + i * 0.7).toFixed(2)}%`, `${120 + i * 11}MiB / 7.7GiB`, `${(1.5 + i * 0.14).toFixed(2)}%`])]));
      case "images":
        return ok(table([["REPOSITORY", "TAG", "IMAGE ID", "SIZE"], ...[...new Set([...this.services.values()].map((s) => s.image))].map((img, i) => [img.split(":")[0]!, img.split(":")[1] ?? "latest", `a1b2c3d4e5f${i}`, "142MB"])]));
      case "logs": {
        const s = rest[0] === undefined ? undefined : this.byContainer(rest[0]);
        if (!s) return fail(`Error response from daemon: No such container: ${rest[0] ?? ""}`);
        return ok(s.logs.length ? `${s.logs.join("\n")}\n` : "");
      }
      case "exec":
        return this.execIn(args, "docker");
      case "rename": {
        const s = rest[0] === undefined ? undefined : this.byContainer(rest[0]);
        if (!s || rest[1] === undefined) return fail(`Error response from daemon: No such container: ${rest[0] ?? ""}`);
        s.container = rest[1];
        return ok();
      }
      default:
        return fail(`docker: '${command ?? ""}' is not a docker command the drill's simulated host knows`);
    }
  }

  /** Dispatch a command from the simulated host. */
  run(cmd: HostCommand): HostReply {
    return cmd.tool === "compose" ? this.compose(cmd.argv) : this.docker(cmd.argv);
  }
}

/**
 * A real Docker engine for tests (ENVIRONMENT.md): a private dockerd with its own data root and
 * socket, no bridge, no iptables, and a busybox image imported from busybox-static (no registry here).
 */
import { execa } from "execa";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, copyFileSync } from "node:fs";
import path from "node:path";

export const TEST_IMAGE = "handrail-test/busybox:local";

export interface DockerEngine {
  /** DOCKER_HOST value for this engine. */
  host: string;
  dir: string;
  stop(): Promise<void>;
}

export type DockerStart = { engine: DockerEngine } | { skip: string };

function which(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    const full = path.join(dir, cmd);
    if (dir && existsSync(full)) return full;
  }
  return undefined;
}

async function waitForEngine(host: string, deadline: number): Promise<boolean> {
  while (Date.now() < deadline) {
    const r = await execa("docker", ["version", "--format", "{{.Server.Version}}"], { env: { DOCKER_HOST: host }, reject: false });
    if (r.exitCode === 0) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

async function importBusybox(host: string, dir: string): Promise<void> {
  const busybox = which("busybox") ?? "/bin/busybox";
  const rootfs = path.join(dir, "rootfs");
  mkdirSync(path.join(rootfs, "bin"), { recursive: true });
  mkdirSync(path.join(rootfs, "tmp"), { recursive: true });
  copyFileSync(busybox, path.join(rootfs, "bin/busybox"));
  const applets = (await execa(busybox, ["--list"])).stdout.split("\n").filter((a) => a && a !== "busybox");
  for (const applet of applets) symlinkSync("busybox", path.join(rootfs, "bin", applet));
  await execa("sh", ["-c", `tar -C "$1" -c . | docker import -c 'CMD ["/bin/sh"]' -c 'ENV PATH=/bin' - "$2"`, "sh", rootfs, TEST_IMAGE], { env: { DOCKER_HOST: host } });
}

/** Start the engine, or say why it cannot start here; under CI=true not starting is a failure. */
export async function startDockerEngine(): Promise<DockerStart> {
  const why = (reason: string): DockerStart => {
    if (process.env.CI === "true") throw new Error(`CI needs the Docker engine for these tests, but ${reason}`);
    return { skip: reason };
  };
  if (!which("dockerd")) return why("dockerd is not installed (apt-get install docker.io)");
  if (!which("docker")) return why("the docker CLI is not installed");
  if (!which("busybox") && !existsSync("/bin/busybox")) return why("busybox is not installed (apt-get install busybox-static)");
  if (process.getuid?.() !== 0) return why("dockerd needs root here");
  // Short path: the socket path must fit in 108 bytes.
  const dir = mkdtempSync("/tmp/hrd-");
  const host = `unix://${dir}/docker.sock`;
  const daemon = execa(
    "dockerd",
    ["--iptables=false", "--ip6tables=false", "--bridge=none", "--storage-driver=vfs", "--data-root", `${dir}/data`, "--exec-root", `${dir}/exec`, "--pidfile", `${dir}/dockerd.pid`, "-H", host],
    { detached: true, stdin: "ignore", stdout: { file: `${dir}/dockerd.log` }, stderr: { file: `${dir}/dockerd.log` }, reject: false, cleanup: true },
  );
  const stop = async () => {
    if (daemon.pid !== undefined && daemon.exitCode === null) {
      process.kill(daemon.pid, "SIGTERM");
      const killer = setTimeout(() => daemon.kill("SIGKILL"), 15_000);
      await daemon;
      clearTimeout(killer);
    }
    await execa("umount", [`${dir}/exec/netns/default`], { reject: false });
    rmSync(dir, { recursive: true, force: true });
  };
  if (!(await waitForEngine(host, Date.now() + 30_000))) {
    const log = existsSync(`${dir}/dockerd.log`) ? readFileSync(`${dir}/dockerd.log`, "utf8").split("\n").slice(-5).join("\n") : "";
    await stop();
    return why(`dockerd did not start: ${log}`);
  }
  try {
    await importBusybox(host, dir);
  } catch (e) {
    await stop();
    return why(`could not import the busybox image: ${(e as Error).message}`);
  }
  return { engine: { host, dir, stop } };
}

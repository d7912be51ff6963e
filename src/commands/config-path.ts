/** Where the config file is: a module of its own, so that a command without one loads no YAML parser for it. */
import { homedir } from "node:os";
import path from "node:path";

/** The config file's path, and how to name it in messages (`~` for the home directory). */
export function configPath(env: Record<string, string | undefined>, home = homedir()): { file: string; shown: string } {
  const base = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(home, ".config");
  const file = path.join(base, "handrail", "config.yaml");
  const shown = home && file.startsWith(`${home}${path.sep}`) ? `~${file.slice(home.length)}` : file;
  return { file, shown };
}


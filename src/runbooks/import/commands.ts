/** What the importer knows about commands: which binaries are operations tools, which open another shell, how risky a command is. */
import type { Risk } from "../schema.js";

/** Operations binaries: an inline `code span` starting with one of these is a command. */
export const OPS_BINARIES = new Set(
  (
    "kubectl oc helm docker docker-compose podman crictl ctr nerdctl minikube kind istioctl linkerd argocd flux kustomize " +
    "terraform tofu vault consul nomad etcdctl aws gcloud gsutil az doctl eksctl velero stern curl wget ssh scp " +
    "systemctl journalctl service redis-cli psql pg_dump pg_restore pg_isready pg_ctl mysql mysqldump mongo mongosh " +
    "dig nslookup ping traceroute nc telnet openssl tcpdump df du free top ps lsof netstat ss dmesg uptime tail kill " +
    "sudo git gh kafka-topics kcat kafkacat nvidia-smi nodetool cqlsh iptables ip supervisorctl pm2 ansible ansible-playbook"
  ).split(" "),
);

/** Anything that plausibly starts a shell command (for untagged blocks). */
const COMMON = new Set(
  (
    "cat less more head grep egrep jq yq awk sed find ls mkdir rm cp mv tar gzip gunzip zcat chmod chown echo printf export " +
    "cd source sleep watch date env mount umount lsblk iostat vmstat sar nproc hostname whoami id open xdg-open npm npx yarn " +
    "pnpm node python python3 pip pip3 go make cargo java mvn gradle bundle rails rake crontab xargs sort uniq wc tee base64 " +
    "diff test true false for while if until case export set unset alias sh bash zsh time timeout nohup kubectx kubens " +
    "sqlite3 celery nginx apachectl sysctl ulimit ssh-keygen htop killall pkill dropdb createdb redis-server"
  ).split(" "),
);

export function firstWord(command: string): string {
  let text = command.trim();
  // Skip leading assignments (`FOO=1 cmd`) and sudo.
  for (;;) {
    const m = /^(?:[A-Za-z_][A-Za-z0-9_]*=(?:'[^']*'|"[^"]*"|\S*)\s+|sudo\s+(?:-\S+\s+)*)/.exec(text);
    if (!m) break;
    text = text.slice(m[0].length);
  }
  return /^\S*/.exec(text)![0];
}

/** True when a line reads like a shell command rather than prose or data. */
export function looksLikeCommand(line: string): boolean {
  const t = line.trim();
  if (t === "" || t.startsWith("#")) return false;
  if (/^[A-Za-z_][A-Za-z0-9_]*=\S/.test(t)) return true;
  const w = firstWord(t);
  if (/^(?:\.{0,2}\/|~\/)\S+/.test(w) && !/^\/\/|^\/[a-z-]+\/?$/i.test(w)) return true;
  return OPS_BINARIES.has(w) || COMMON.has(w);
}

/** Inline code in a bullet that is an operations command with at least one argument. */
export function isInlineOpsCommand(code: string): boolean {
  const t = code.trim();
  return /\s/.test(t) && OPS_BINARIES.has(firstWord(t)) && !/[<>]\s*$/.test(t);
}

export type Opener = { kind: "shell"; shell: string } | { kind: "ssh"; dest: string };

const SHELL_NAMES = /^(?:\/(?:usr\/)?bin\/)?(?:ba|z|a|k|fi|da)?sh$/;

/** The command a `kubectl exec` / `docker exec` / `docker compose exec` runs inside, or the command itself. */
function innerArgs(words: string[]): string[] {
  const [a, b, c] = words;
  if (a === "kubectl" && (b === "exec" || b === "run" || b === "debug")) {
    const dash = words.indexOf("--");
    return dash >= 0 ? words.slice(dash + 1) : [];
  }
  let rest: string[] | undefined;
  if ((a === "docker" || a === "podman") && (b === "exec" || b === "run")) rest = words.slice(2);
  else if (a === "docker" && b === "compose" && (c === "exec" || c === "run")) rest = words.slice(3);
  else if (a === "docker-compose" && (b === "exec" || b === "run")) rest = words.slice(2);
  if (rest === undefined) return words;
  // Skip options (and the values of those that take one), then the container or service name.
  const takesValue = new Set(["-u", "--user", "-w", "--workdir", "-e", "--env", "--env-file", "--name", "--entrypoint", "-p", "--network", "-v", "--volume"]);
  let k = 0;
  while (k < rest.length && rest[k]!.startsWith("-")) k += takesValue.has(rest[k]!) ? 2 : 1;
  return rest.slice(k + 1);
}

/** A command that opens an interactive session whose next lines are typed into it (psql, rails c, a container shell, ssh). */
export function sessionOpener(original: string): Opener | undefined {
  if (original.includes("\n")) return undefined;
  const command = original.replace(/<[A-Za-z][\w.-]*>/g, "X");
  const stages = command.split(/\s*(?:\|\||&&|;|\|)\s*/);
  if (stages.length > 1) return undefined;
  const words = command.trim().split(/\s+/).filter((w) => !/^[A-Za-z_]\w*=/.test(w));
  if (words[0] === "sudo" && /^-[is]$/.test(words[1] ?? "") && words.length === 2) return { kind: "shell", shell: "root shell" };
  if (words[0] === "sudo") words.shift();
  if (words[0] === "ssh") {
    const originalWords = original.trim().split(/\s+/).filter((w) => w !== "sudo");
    const takesValue = /^-[bcDEeFIiJLlmOopQRSWw]$/;
    let k = 1;
    while (k < words.length && words[k]!.startsWith("-")) k += takesValue.test(words[k]!) ? 2 : 1;
    const dest = originalWords[k];
    return dest !== undefined && k === words.length - 1 && originalWords.length === words.length ? { kind: "ssh", dest } : undefined;
  }
  if (/[<>]/.test(command)) return undefined;
  const inner = innerArgs(words);
  const [w0, w1] = inner;
  if (w0 === undefined) return undefined;
  const has = (...flags: string[]) => inner.some((w) => flags.some((f) => w === f || w.startsWith(`${f}=`) || (f.length === 2 && w.startsWith(f) && !w.startsWith("--"))));
  const bare = inner.slice(1).every((w) => w.startsWith("-"));
  if (w0 === "psql" && !has("-c", "--command", "-f", "--file", "-l", "--list")) return { kind: "shell", shell: "psql" };
  if (w0 === "mysql" && !has("-e", "--execute")) return { kind: "shell", shell: "mysql" };
  if (w0 === "redis-cli" && positional(inner.slice(1), /^-[hpanu]$/).length === 0) return { kind: "shell", shell: "redis-cli" };
  if ((w0 === "mongo" || w0 === "mongosh") && !has("--eval") && !inner.some((w) => w.endsWith(".js"))) return { kind: "shell", shell: w0 };
  if (w0 === "sqlite3" && inner.length <= 2) return { kind: "shell", shell: "sqlite3" };
  if ((w0 === "rails" || w0 === "bin/rails") && /^(?:c|console|dbconsole|db)$/.test(w1 ?? "")) return { kind: "shell", shell: "rails console" };
  if (w0 === "bundle" && inner[2] === "rails" && /^(?:c|console)$/.test(inner[3] ?? "")) return { kind: "shell", shell: "rails console" };
  if (/^(?:irb|pry|python3?|node|cqlsh)$/.test(w0) && bare) return { kind: "shell", shell: w0 };
  if (SHELL_NAMES.test(w0) && bare && inner !== words) return { kind: "shell", shell: "container shell" };
  if (w0 === "su" && (w1 === "-" || w1 === undefined)) return { kind: "shell", shell: "root shell" };
  return undefined;
}

function positional(args: string[], takesValue: RegExp): string[] {
  const out: string[] = [];
  for (let k = 0; k < args.length; k++) {
    if (takesValue.test(args[k]!)) k++;
    else if (!args[k]!.startsWith("-")) out.push(args[k]!);
  }
  return out;
}

/** A line that ends an interactive session. */
export function isSessionExit(line: string): boolean {
  return /^\s*(?:\\q|\\quit|exit|quit|logout|exit\(\)|quit\(\)|\.exit|\.quit|exit;|quit;)\s*$/i.test(line);
}

/** A step that needs the terminal itself: its output cannot be captured. */
export function needsTerminal(command: string): boolean {
  return (
    /\b(?:exec|run|debug)\s+(?:\S+\s+)*?-(?:it|ti)\b/.test(command) ||
    /\b(?:exec|run)\s+(?:\S+\s+)*?-i\s+-t\b/.test(command) ||
    /(?:^|[;&|]\s*)(?:sudo\s+)?(?:vi|vim|nano|emacs|htop|less|more|\$EDITOR|\$\{EDITOR\})\b/.test(command) ||
    /\bkubectl\s+edit\b/.test(command) ||
    /(?:^|[;&|]\s*)top(?:\s|$)(?!.*-b)/.test(command) ||
    /\bdocker(?:-compose|\s+compose)?\s+stats\b(?!.*--no-stream)/.test(command) ||
    /\bdocker\s+login\b(?!.*--password-stdin)/.test(command)
  );
}

const CRITICAL = [/\bkubectl\s+delete\s+(?:ns|namespaces?)\b/, /\bterraform\s+destroy\b/, /\bDROP\s+(?:DATABASE|SCHEMA)\b/i, /\brm\s+-[a-z]*r[a-z]*f?\s+\/(?:\s|$)/];
const HIGH = [
  /\bkubectl\s+(?:delete|drain)\b/,
  /\brollout\s+undo\b/,
  /--replicas[= ]0\b/,
  /"replicas"\s*:\s*0\b/,
  /\bdocker(?:-compose|\s+compose)?\s+(?:down|rm|kill|system\s+prune)\b/,
  /\b(?:pg_restore|dropdb|pg_ctl\s+stop)\b/,
  /\b(?:DROP|TRUNCATE)\s+TABLE\b|\bDELETE\s+FROM\b/i,
  /\bgit\s+push\s+(?:.*\s)?(?:--force|-f)\b/,
  /\bhelm\s+(?:rollback|uninstall|delete)\b/,
  /\brm\s+-[a-z]*r/,
  /\|\s*(?:docker\s+exec\s+-i\s+\S+\s+)?psql\b/,
  /\bkill\s+-9\b/,
  /\bFLUSHALL\b/i,
  /\brollback\w*(?:\.py|\.sh)?\b.*--(?:full|emergency|automated|service|failed)/,
];
const MEDIUM = [
  /\bkubectl\s+(?:apply|patch|scale|set|rollout\s+restart|cordon|uncordon|label|annotate|autoscale|replace|create|edit)\b/,
  /\bdocker(?:-compose|\s+compose)?\s+(?:restart|up|stop|start|rename|build|push|tag|pull)\b/,
  /\bhelm\s+(?:upgrade|install)\b/,
  /\bgit\s+(?:push|commit|tag|checkout|reset|revert|merge)\b/,
  /\bsystemctl\s+(?:restart|stop|start|reload)\b/,
  /\bmigrat\w*(?::|\s+)(?:up|down|run|apply|latest|rollback|redo|reset|deploy)\b/,
  /\b(?:npm run|rake|rails|manage\.py) (?:db:)?migrate\b(?!:status)/,
  /\bterraform\s+apply\b/,
  /\b(?:pip3?|npm)\s+(?:install|audit\s+fix|ci)\b/,
  /\brollback\w*/,
  /\bUPDATE\s+\w+\s+SET\b/i,
];

/** How much confirmation a command deserves; undefined for a read-only check. */
export function commandRisk(command: string): Risk | undefined {
  const code = command.replace(/^\s*#.*$/gm, "");
  if (CRITICAL.some((r) => r.test(code))) return "critical";
  if (HIGH.some((r) => r.test(code))) return "high";
  if (MEDIUM.some((r) => r.test(code))) return "medium";
  return undefined;
}

const RISK_ORDER: Array<Risk | undefined> = [undefined, "low", "medium", "high", "critical"];
export function maxRisk(a: Risk | undefined, b: Risk | undefined): Risk | undefined {
  return RISK_ORDER.indexOf(a) >= RISK_ORDER.indexOf(b) ? a : b;
}

export const SHELL_LANGS = new Set(["bash", "sh", "shell", "console", "zsh", "shell-session", "shellsession", "terminal", "ksh", "fish", "shell-script", "bash-session", "sh-session", "cli", "cmd-line"]);
const SNIFF_LANGS = new Set(["", "text", "txt", "plain", "plaintext", "none"]);

export type BlockClass = { kind: "shell" } | { kind: "reference"; language: string; why: string };

/** Whether a fenced block is shell to run or text to keep for reference, and why. */
export function classifyBlock(lang: string, lines: readonly string[]): BlockClass {
  const content = lines.map((l) => l.trim()).filter((l) => l !== "");
  const commandish = content.filter((l) => !l.startsWith("#"));
  if (SHELL_LANGS.has(lang)) {
    if (commandish.length === 0) return content.length === 0 ? { kind: "reference", language: lang, why: "empty block" } : { kind: "shell" };
    const first = commandish[0]!;
    if (/^(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+(?:\/|https?:)\S*/.test(first)) return { kind: "reference", language: "http", why: `an HTTP request in a ${lang} block, not a shell command` };
    if (commandish.every((l) => /^(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*=/.test(l))) return { kind: "reference", language: "env", why: "only variable assignments, nothing to run" };
    if (/^[{[]/.test(first) && !commandish.some(looksLikeCommand)) return { kind: "reference", language: "json", why: `JSON in a ${lang} block` };
    if (/^[\w.-]+:(?:\s|$)/.test(first) && !commandish.some(looksLikeCommand)) return { kind: "reference", language: "yaml", why: `YAML in a ${lang} block` };
    return { kind: "shell" };
  }
  if (SNIFF_LANGS.has(lang)) {
    const prompts = commandish.filter((l) => /^(?:\$|[\w.-]+@[\w.-]+(?::\S*)?\s?[$#])\s/.test(l));
    const cmds = commandish.filter((l) => looksLikeCommand(l));
    if (commandish.length > 0 && (prompts.length > 0 || (looksLikeCommand(commandish[0]!) && cmds.length * 2 >= commandish.length))) return { kind: "shell" };
    return { kind: "reference", language: lang === "" ? "text" : lang, why: "untagged text that does not read as commands" };
  }
  return { kind: "reference", language: lang, why: `${lang} is not a shell language` };
}

/**
 * `handrail completion bash|zsh|fish`: shell completion generated from the command definitions
 * (commander's own commands and options), never written by hand per shell, so a new flag is
 * completed the day it is added. Runbook ids complete from `handrail list --ids` (the search
 * path as the shell's working directory sees it), scenarios from the first column of `handrail drill --list`.
 */
import type { Command, Option } from "commander";
import { UsageError } from "../errors.js";

interface Spec {
  name: string;
  description: string;
  /** Every flag spelling (`-n`, `--namespace`) with whether it takes a value. */
  options: Array<{ flags: string[]; takesValue: boolean; description: string }>;
  /** What the first argument names: runbook ids, scenario ids, files, or nothing to complete. */
  argument: "runbook" | "scenario" | "file" | "none";
}

const ARGUMENT: Record<string, Spec["argument"]> = { open: "runbook", run: "runbook", test: "runbook", drill: "scenario", validate: "file", import: "file", report: "file", resolve: "file", resume: "file" };

function optionsOf(cmd: Command): Spec["options"] {
  return (cmd.options as readonly Option[]).filter((o) => !o.hidden).map((o) => ({ flags: [o.short, o.long].filter((f): f is string => f !== undefined), takesValue: o.required || o.optional, description: o.description }));
}

function specsOf(program: Command): { global: Spec; commands: Spec[] } {
  const global: Spec = { name: "", description: program.description(), options: [...optionsOf(program), { flags: ["-h", "--help"], takesValue: false, description: "help" }], argument: "none" };
  const commands = (program.commands as readonly Command[]).map((c) => ({ name: c.name(), description: c.description(), options: [...optionsOf(c), { flags: ["-h", "--help"], takesValue: false, description: "help" }], argument: ARGUMENT[c.name()] ?? "none" }));
  // commander's implicit help command.
  if (!commands.some((c) => c.name === "help")) commands.push({ name: "help", description: "help for a command", options: [], argument: "none" });
  return { global, commands };
}

const single = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

function bash(program: Command): string {
  const { global, commands } = specsOf(program);
  const words = (s: Spec) => s.options.flatMap((o) => o.flags).join(" ");
  const valued = [global, ...commands].flatMap((s) => s.options.filter((o) => o.takesValue).flatMap((o) => o.flags));
  const cases = commands.map((c) => {
    const arg = c.argument === "runbook" ? `$(handrail list --ids 2>/dev/null)` : c.argument === "scenario" ? `$(handrail drill --list 2>/dev/null | awk 'NR > 1 { print $1 }')` : c.name === "help" ? commands.map((x) => x.name).join(" ") : "";
    const files = c.argument === "file" ? "      compopt -o default 2>/dev/null; COMPREPLY=()\n      [[ $cur == -* ]] || return 0\n" : "";
    return `    ${c.name})\n${files}      COMPREPLY=($(compgen -W "${words(c)} ${words(global)} ${arg}" -- "$cur")) ;;`;
  });
  return `# handrail completion for bash: source <(handrail completion bash)
_handrail() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} cmd="" i
  case " ${valued.join(" ")} " in *" $prev "*) COMPREPLY=(); compopt -o default 2>/dev/null; return 0 ;; esac
  for ((i = 1; i < COMP_CWORD; i++)); do
    case \${COMP_WORDS[i]} in
      -*) case " ${valued.join(" ")} " in *" \${COMP_WORDS[i]} "*) ((i++)) ;; esac ;;
      *) cmd=\${COMP_WORDS[i]}; break ;;
    esac
  done
  case $cmd in
    "") COMPREPLY=($(compgen -W "${commands.map((c) => c.name).join(" ")} ${words(global)}" -- "$cur")) ;;
${cases.join("\n")}
  esac
}
complete -F _handrail handrail
`;
}

function zsh(program: Command): string {
  const { global, commands } = specsOf(program);
  const esc = (s: string) => s.replace(/[[\]:'\\]/g, (c) => `\\${c}`);
  const args = (s: Spec) => s.options.flatMap((o) => o.flags.map((f) => `'${f}[${esc(o.description)}]${o.takesValue ? ":value:_default" : ""}'`)).join(" \\\n        ");
  const cases = commands.map((c) => {
    const arg = c.argument === "runbook" ? "'*:runbook:_handrail_runbooks'" : c.argument === "scenario" ? "'*:scenario:_handrail_scenarios'" : c.argument === "file" ? "'*:file:_files'" : "";
    return `    ${c.name})\n      _arguments \\\n        ${[args(c), arg].filter(Boolean).join(" \\\n        ")} ;;`;
  });
  return `#compdef handrail
# handrail completion for zsh: handrail completion zsh > "\${fpath[1]}/_handrail" (or source <(handrail completion zsh))
_handrail_runbooks() { local -a ids; ids=(\${(f)"$(handrail list --ids 2>/dev/null)"}); _describe 'runbook' ids }
_handrail_scenarios() { local -a ids; ids=(\${(f)"$(handrail drill --list 2>/dev/null | awk 'NR > 1 { print $1 }')"}); _describe 'scenario' ids }
_handrail() {
  local -a commands
  commands=(
${commands.map((c) => `    ${single(`${c.name}:${c.description}`)}`).join("\n")}
  )
  _arguments -C \\
        ${args(global)} \\
        '1:command:->command' '*::arg:->args'
  case $state in
    command) _describe 'command' commands ;;
    args)
      case $words[1] in
${cases.map((c) => c.replace(/^/gm, "    ")).join("\n")}
      esac ;;
  esac
}
compdef _handrail handrail
`;
}

function fish(program: Command): string {
  const { global, commands } = specsOf(program);
  const flag = (f: string) => (f.startsWith("--") ? `-l ${f.slice(2)}` : `-s ${f.slice(1)}`);
  const lines = ["# handrail completion for fish: handrail completion fish > ~/.config/fish/completions/handrail.fish", "complete -c handrail -f"];
  for (const o of global.options) lines.push(`complete -c handrail ${o.flags.map(flag).join(" ")}${o.takesValue ? " -r" : ""} -d ${single(o.description)}`);
  const names = commands.map((c) => c.name).join(" ");
  for (const c of commands) {
    lines.push(`complete -c handrail -n "not __fish_seen_subcommand_from ${names}" -a ${c.name} -d ${single(c.description)}`);
    for (const o of c.options) lines.push(`complete -c handrail -n "__fish_seen_subcommand_from ${c.name}" ${o.flags.map(flag).join(" ")}${o.takesValue ? " -r" : ""} -d ${single(o.description)}`);
    if (c.argument === "runbook") lines.push(`complete -c handrail -n "__fish_seen_subcommand_from ${c.name}" -a "(handrail list --ids 2>/dev/null)"`);
    if (c.argument === "scenario") lines.push(`complete -c handrail -n "__fish_seen_subcommand_from ${c.name}" -a "(handrail drill --list 2>/dev/null | awk 'NR > 1 { print \$1 }')"`);
    if (c.argument === "file") lines.push(`complete -c handrail -n "__fish_seen_subcommand_from ${c.name}" -F`);
  }
  return `${lines.join("\n")}\n`;
}

export function completionScript(program: Command, shell: string | undefined): string {
  switch (shell) {
    case "bash":
      return bash(program);
    case "zsh":
      return zsh(program);
    case "fish":
      return fish(program);
    default:
      throw new UsageError(`completion: ${shell === undefined ? "name a shell" : `unknown shell "${shell}"`}: bash, zsh or fish`, "For example: source <(handrail completion bash)");
  }
}

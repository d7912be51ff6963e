/** Argument parsing and wiring: the only place that decides which command (and later, UI or headless) runs. */
import { Command, CommanderError, Option } from "commander";
import { fileURLToPath } from "node:url";
// Command modules are imported inside their actions: `validate` or `run` never loads Ink and React
// (the bundle splits them into chunks of their own), and `--help` loads no command at all.
import type { ConsoleOptions } from "./commands/console.js";
import type { DrillCommandOptions } from "./commands/drill.js";
import type { RunOptions } from "./commands/run.js";
import type { CommandContext, GlobalOptions } from "./commands/context.js";
import { EXIT, renderError } from "./errors.js";
import { closest } from "./runbooks/suggest.js";

declare const HANDRAIL_VERSION: string | undefined;
const version = typeof HANDRAIL_VERSION === "string" ? HANDRAIL_VERSION : "0.0.0-dev";

// dist/handrail.js and src/cli.ts both sit one level below the package root (the bundle keeps this module's URL as its own).
const shippedDir = fileURLToPath(new URL("../runbooks", import.meta.url));

const EXAMPLES = `
Examples:
  handrail list                              the runbooks on the search path
  handrail validate runbooks/                check runbook files (exit 2 on any problem)
  handrail schema > handrail.schema.json     JSON Schema for your editor (handrail schema scenario: of scenario files)
  HANDRAIL_PATH=~/team-runbooks handrail list

Runbooks are looked up in --runbooks DIR (repeatable), HANDRAIL_PATH (colon-separated),
./runbooks, then the runbooks shipped with handrail; the first runbook with an id wins.
Drill scenarios (kind: Scenario files) are looked up on the same path, before the built-in ones.
Exit codes: 0 success, 1 a step or check failed, 2 bad input, 130 interrupted.`;

/** Set by commands whose exit code carries a result (run: 1 when a step failed). */
let exitCodeOverride: number | undefined;

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function buildProgram(ctxFor: (cmd: Command) => CommandContext): Command {
  const program = new Command("handrail")
    .description("A terminal runbook console for on-call engineers.")
    .version(version, "-V, --version")
    .addOption(new Option("--runbooks <dir>", "look for runbooks in DIR first (repeatable)").argParser(collect))
    .option("--incidents <dir>", "the incident store (default ./incidents, or HANDRAIL_INCIDENTS)")
    .option("--kubeconfig <file>", "the kubeconfig every kubectl step and Kubernetes call uses")
    .option("--context <name>", "the kubeconfig context to use")
    .option("-n, --namespace <name>", "the default namespace for kubectl steps")
    .option("--store <url>", "the shared incident store, postgres://user:password@host:5432/db (or HANDRAIL_STORE_URL); default: the local file alone")
    .showSuggestionAfterError(true)
    .helpCommand("help [command]", "help for a command, as `handrail help run`")
    .allowExcessArguments(true)
    .addHelpText("after", EXAMPLES)
    .exitOverride();

  program
    .command("list")
    .description("list the runbooks on the search path")
    .option("--json", "print JSON")
    .option("--ids", "the ids alone, one a line (for scripts and shell completion)")
    .action(async (opts: { json?: boolean; ids?: boolean }, cmd: Command) => (await import("./commands/list.js")).listCommand(ctxFor(cmd), opts));

  program
    .command("validate")
    .description("check runbook files and report every problem with file:line:column")
    .argument("[paths...]", "runbook files or directories (default: the search path)")
    .option("--json", "print JSON")
    .option("--no-cache", "check every file again (by default a file whose content is unchanged is answered from the cache)")
    .option("--threads <n>", "threads that check files (default: one for every two cores, at most four, and on 2 or 3 cores a worker beside it that reads the scripts; one below 2 MB of runbooks)")
    .action(async (paths: string[], opts: { json?: boolean; cache?: boolean; threads?: string }, cmd: Command) => (await import("./commands/validate.js")).validateCommand(ctxFor(cmd), paths, opts));

  program
    .command("open")
    .description("start an incident on a runbook in the console")
    .argument("<runbook>", "runbook id or file")
    .option("--set <name=value>", "an input value (repeatable)", collect)
    .option("--severity <level>", "critical | high | medium | low (default high)")
    .option("--dry-run", "show every command, run nothing")
    .action(async (ref: string, opts: ConsoleOptions, cmd: Command) => {
      exitCodeOverride = await (await import("./commands/console.js")).consoleCommand(ctxFor(cmd), { ...opts, open: ref });
    });

  program
    .command("resume")
    .description("pick an incident up where it stopped, in the console")
    .argument("<incident>", "incident id or file")
    .option("--force-unlock", "take the incident's lock even from a handrail that looks alive (recorded in the incident)")
    .option("--ask", "on a shared store: ask whoever drives to hand over, wait for their answer (up to a minute), then drive")
    .action(async (ref: string, opts: { forceUnlock?: boolean; ask?: boolean }, cmd: Command) => {
      exitCodeOverride = await (await import("./commands/console.js")).consoleCommand(ctxFor(cmd), { resume: ref, ...(opts.forceUnlock ? { forceUnlock: true } : {}), ...(opts.ask ? { ask: true } : {}) });
    });

  program
    .command("run")
    .description("walk a runbook without the console, for scripts and CI")
    .argument("[runbook]", "runbook id or file (not needed with --resume: the incident names it)")
    .option("--set <name=value>", "an input value (repeatable)", collect)
    .option("--severity <level>", "critical | high | medium | low (default high)")
    .option("--option <phase=option>", "the option to take in a phase (repeatable)", collect)
    .option("--yes", "run steps of risk high and critical, and acknowledge manual steps")
    .option("--dry-run", "show every command, run nothing (still writes the incident file)")
    .option("--resume <incident>", "continue an incident where it stopped (its file names the runbook)")
    .option("--accept-changed", "with --resume: go on although the runbook changed since the incident was opened")
    .option("--force-unlock", "with --resume: take the incident's lock even from a handrail that looks alive (recorded in the incident)")
    .option("--json", "the transcript to stderr, and at the end a JSON summary on stdout (status, steps, outcome, incident file)")
    .option("--keep-going", "go on past a step that stops the walk (recorded as skipped), e.g. to see the verification after a failed fix")
    .option("--drill <scenario>", "walk it against a simulated incident (handrail drill --list); exit 0 only when it ends healthy")
    .option("--store-optional", "when the shared store cannot be used at start, warn and go on with the local file alone (instead of exit 2)")
    .option("--take-over", "with --resume on a shared store: take driving from whoever drives now (agree with them first); logged as driver.changed")
    .action(async (ref: string | undefined, opts: RunOptions, cmd: Command) => {
      exitCodeOverride = await (await import("./commands/run.js")).runCommand(ctxFor(cmd), ref, opts);
    });

  program
    .command("drill")
    .description("rehearse a runbook against a simulated incident (labelled DRILL; incidents go to <incidents>/drills)")
    .argument("[scenario]", "the scenario id (without it: pick one)")
    .option("--list", "list the scenarios")
    .option("--json", "with --list: print JSON")
    .option("--ids", "with --list: the ids alone, one a line")
    .action(async (id: string | undefined, opts: DrillCommandOptions, cmd: Command) => {
      exitCodeOverride = await (await import("./commands/drill.js")).drillCommand(ctxFor(cmd), id, opts);
    });

  program
    .command("report")
    .description("the incident report (Markdown, or --format json | html)")
    .argument("<incident>", "incident id or file")
    .option("--format <format>", "markdown | json | html (one self-contained file)", "markdown")
    .option("-o, --output <file>", "write to FILE instead of standard output")
    .option("--to <target>", "send it where postmortems live: github (updates the incident's issue, else opens one) | webhook")
    .action(async (ref: string, opts: { format?: string; output?: string; to?: string }, cmd: Command) => (await import("./commands/report.js")).reportCommand(ctxFor(cmd), ref, opts));

  program
    .command("resolve")
    .description("close an incident with its root cause and action items")
    .argument("<incident>", "incident id or file")
    .option("--root-cause <text>", "what caused it")
    .option("--impact <text>", "who or what was hurt, and for how long")
    .option("--action-item <text>", 'a follow-up, optionally "… @owner YYYY-MM-DD" (repeatable)', collect)
    .option("--force-unlock", "take the incident's lock even from a handrail that looks alive (recorded in the incident)")
    .option("--take-over", "on a shared store: take driving from whoever drives now (agree with them first)")
    .action(async (ref: string, opts: { rootCause?: string; actionItem?: string[]; impact?: string; forceUnlock?: boolean; takeOver?: boolean }, cmd: Command) => (await import("./commands/incidents.js")).resolveCommand(ctxFor(cmd), ref, opts));

  program
    .command("incidents")
    .description("the incidents in the store: open ones most urgent first, the rest newest first")
    .option("--json", "print JSON")
    .option("--newest", "all newest first, urgent or not")
    .action(async (opts: { json?: boolean; newest?: boolean }, cmd: Command) => (await import("./commands/incidents.js")).incidentsCommand(ctxFor(cmd), opts));

  program
    .command("import")
    .description("turn markdown runbooks into handrail/v1 YAML (a fidelity summary goes to stderr)")
    .argument("<paths...>", "markdown files or directories, or - for standard input")
    .option("-o, --output <path>", "the YAML file, or a directory for several inputs")
    .action(async (paths: string[], opts: { output?: string }, cmd: Command) => (await import("./commands/import.js")).importCommand(ctxFor(cmd), paths, opts));

  program
    .command("test")
    .description("prove runbooks against their drill scenarios: the documented fix heals, other choices do not, verification never passes on a broken world, bash reads every run script")
    .argument("[runbooks...]", "runbook ids (default: every runbook with a scenario)")
    .option("--json", "print JSON")
    .option("--junit <file>", "also write JUnit XML for CI")
    .option("--jobs <n>", "runs at once (default: four a core, at most 32: a drill mostly waits on its simulated world)")
    .option("--timeout <duration>", "how long one run may take before it is stopped and reported (default 3m)")
    .option("--scenario <id>", "only this scenario (repeat for several)", (v: string, acc: string[] = []) => [...acc, v])
    .action(async (refs: string[], opts: { json?: boolean; junit?: string; jobs?: string; timeout?: string; scenario?: string[] }, cmd: Command) => {
      exitCodeOverride = await (await import("./commands/test-runbooks.js")).testCommand(ctxFor(cmd), refs, opts);
    });

  program
    .command("completion")
    .description("shell completion, generated from these commands: source <(handrail completion bash)")
    .argument("<shell>", "bash | zsh | fish")
    .action(async (shell: string) => {
      process.stdout.write((await import("./commands/completion.js")).completionScript(program, shell));
    });

  program
    .command("follow")
    .description("a shared incident, read-only and live: every event as it reaches the store, until Ctrl-C (needs --store)")
    .argument("<incident>", "incident id")
    .option("--json", "one JSON event a line (with its actor)")
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
      exitCodeOverride = await (await import("./commands/follow.js")).followCommand(ctxFor(cmd), id, opts);
    });

  const store = program.command("store").description("the shared incident store (PostgreSQL): see README, Working as a team");
  store
    .command("init")
    .description("create or migrate the shared store's schema (versioned, idempotent, one transaction)")
    .action(async (_opts: unknown, cmd: Command) => (await import("./commands/store.js")).storeInitCommand(ctxFor(cmd)));

  program
    .command("config")
    .description("the settings in effect and where each came from (config file, environment, default)")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }, cmd: Command) => (await import("./commands/settings.js")).configCommand(ctxFor(cmd).env, opts));

  program
    .command("schema")
    .description("print the JSON Schema of the runbook format (handrail/v1), or of scenario files")
    .argument("[kind]", "runbook (default) or scenario")
    .action(async (kind: string | undefined) => (await import("./commands/schema.js")).schemaCommand(kind));

  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  // The environment with the config file's settings as defaults of unset variables (preAction, before any command module loads).
  let env: NodeJS.ProcessEnv = process.env;
  const ctxFor = (cmd: Command): CommandContext => ({
    cwd: process.cwd(),
    env,
    shippedDir,
    options: cmd.optsWithGlobals<GlobalOptions>(),
  });
  const program = buildProgram(ctxFor);
  program.hook("preAction", async () => {
    env = (await (await import("./commands/settings.js")).applySettings(process.env)).env;
    // As if exported: the config's values become the variables they stand for (only those unset), so
    // every layer that reads one (the operator's name in session.ts) sees the same value.
    for (const [k, v] of Object.entries(env)) if (k.startsWith("HANDRAIL_") && process.env[k] === undefined && v !== undefined) process.env[k] = v;
    // The colour library reads FORCE_COLOR when it loads, which is after this (command modules load lazily).
    if (env.HANDRAIL_THEME === "no-color" && process.env.FORCE_COLOR === undefined) process.env.FORCE_COLOR = "0";
  });
  try {
    // No command: the console's home screen (global options still apply).
    program.action(async (_opts: unknown, cmd: Command) => {
      const word = cmd.args[0];
      if (word !== undefined) {
        const hint = closest(word, program.commands.map((c) => c.name()));
        program.error(`error: unknown command '${word}'${hint ? `\n(Did you mean ${hint}?)` : ""}`, { exitCode: EXIT.usage });
      }
      exitCodeOverride = await (await import("./commands/console.js")).consoleCommand(ctxFor(cmd), {});
    });
    await program.parseAsync([...argv], { from: "user" });
    return exitCodeOverride ?? EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed its message; help and version are not failures.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const { text, exitCode } = renderError(error);
    if (text) process.stderr.write(`${text}\n`);
    return exitCode;
  }
}

// `handrail list | head` closes the pipe early; that is the reader's choice, not an error.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(EXIT.ok);
  // The terminal went away (ssh dropped, window closed): nothing can be drawn, and the SIGHUP handler is already
  // cancelling the running step and releasing the lock. A write failing now must not crash that.
  if (e.code === "EIO") return;
  throw e;
});

const exitCode = await main(process.argv.slice(2));
process.exitCode = exitCode;

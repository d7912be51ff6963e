/** `handrail import FILE.md|DIR|- [-o OUT]`: markdown runbooks to handrail/v1 YAML, with a fidelity summary on stderr. */
import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { UsageError } from "../errors.js";
import { formatSummary, importMarkdown, type ImportSummary } from "../runbooks/import/index.js";
import { displayPath } from "../runbooks/library.js";
import type { CommandContext } from "./context.js";
import { byName } from "../util/compare.js";

export interface ImportOptions {
  output?: string;
}

/** Where text comes from and goes to; tests pass their own. */
export interface ImportIo {
  readStdin(): Promise<string>;
  stdout(text: string): void;
  stderr(text: string): void;
}

const MARKDOWN = /\.(?:md|markdown|mdown|mkd|txt)$/i;

const processIo: ImportIo = {
  async readStdin() {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
    return Buffer.concat(chunks).toString("utf8");
  },
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

interface Source {
  /** Absolute path, or "-" for standard input. */
  file: string;
  shown: string;
}

async function markdownFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => byName(a.name, b.name))) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await markdownFiles(full)));
    else if (entry.isFile() && MARKDOWN.test(entry.name)) files.push(full);
  }
  return files;
}

async function sourcesFor(ctx: CommandContext, paths: readonly string[]): Promise<{ sources: Source[]; fromDir: boolean }> {
  const sources: Source[] = [];
  let fromDir = false;
  for (const p of paths) {
    if (p === "-") {
      if (sources.some((s) => s.file === "-")) throw new UsageError("-: standard input can be read only once");
      sources.push({ file: "-", shown: "-" });
      continue;
    }
    const abs = path.resolve(ctx.cwd, p);
    let isDir: boolean;
    try {
      isDir = (await stat(abs)).isDirectory();
    } catch {
      throw new UsageError(`${p}: no such file or directory`, "Name a markdown file, a directory of them, or - for standard input.");
    }
    if (!isDir) {
      sources.push({ file: abs, shown: p });
      continue;
    }
    fromDir = true;
    const found = await markdownFiles(abs);
    if (found.length === 0) throw new UsageError(`${p}: no markdown files (*.md, *.markdown, *.txt) in this directory`);
    sources.push(...found.map((f) => ({ file: f, shown: displayPath(f, ctx.cwd) })));
  }
  return { sources, fromDir };
}

async function readSource(src: Source, io: ImportIo): Promise<string> {
  if (src.file === "-") return io.readStdin();
  try {
    return await readFile(src.file, "utf8");
  } catch (e) {
    throw new UsageError(`${src.shown}: cannot read the file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Why a text cannot be imported, or undefined. */
function unusable(text: string): string | undefined {
  if (text.includes("\0")) return "not a text file";
  if (text.trim() === "") return "the file is empty";
  return undefined;
}

async function write(file: string, text: string, flag: string): Promise<void> {
  try {
    await writeFile(file, text);
  } catch (e) {
    throw new UsageError(`${flag}: cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

export async function importCommand(ctx: CommandContext, paths: string[], opts: ImportOptions, io: ImportIo = processIo): Promise<void> {
  if (paths.length === 0) throw new UsageError("import needs a markdown file, a directory, or - for standard input", "handrail import runbook.md -o runbook.yaml");
  const { sources, fromDir } = await sourcesFor(ctx, paths);
  const outAbs = opts.output !== undefined ? path.resolve(ctx.cwd, opts.output) : undefined;

  if (sources.length === 1 && !fromDir) {
    const src = sources[0]!;
    const text = await readSource(src, io);
    const why = unusable(text);
    if (why) throw new UsageError(`${src.shown === "-" ? "standard input" : src.shown}: ${why}`, "Import a markdown runbook.");
    const result = importMarkdown(text, { fileName: src.shown });
    if (outAbs === undefined) {
      io.stdout(result.yaml);
      io.stderr(formatSummary(result.summary, { output: "standard output" }));
      return;
    }
    const target = (await isDirectory(outAbs)) ? path.join(outAbs, `${result.runbook.id}.yaml`) : outAbs;
    await write(target, result.yaml, `-o ${opts.output}`);
    io.stderr(formatSummary(result.summary, { output: displayPath(target, ctx.cwd) }));
    return;
  }

  if (outAbs === undefined) throw new UsageError("importing several files writes one YAML file for each: name a directory with -o DIR", "handrail import docs/runbooks -o runbooks/");
  try {
    await mkdir(outAbs, { recursive: true });
  } catch (e) {
    throw new UsageError(`-o ${opts.output}: cannot create the directory: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (!(await isDirectory(outAbs))) throw new UsageError(`-o ${opts.output}: not a directory`, "Several files import into a directory, one YAML file each.");
  const used = new Set<string>();
  const done: ImportSummary[] = [];
  let skipped = 0;
  for (const src of sources) {
    const text = await readSource(src, io);
    const why = unusable(text);
    if (why) {
      io.stderr(`import: skipped ${src.shown}: ${why}\n`);
      skipped++;
      continue;
    }
    let result = importMarkdown(text, { fileName: src.shown });
    if (used.has(result.runbook.id)) {
      let n = 2;
      while (used.has(`${result.runbook.id}-${n}`)) n++;
      result = importMarkdown(text, { fileName: src.shown, id: `${result.runbook.id}-${n}` });
    }
    used.add(result.runbook.id);
    const target = path.join(outAbs, `${result.runbook.id}.yaml`);
    await write(target, result.yaml, `-o ${opts.output}`);
    io.stderr(formatSummary(result.summary, { output: displayPath(target, ctx.cwd) }));
    done.push(result.summary);
  }
  const steps = done.reduce((n, s) => n + s.runSteps + s.manualSteps, 0);
  io.stderr(`imported ${done.length} of ${sources.length} files into ${displayPath(outAbs, ctx.cwd)} (${steps} steps${skipped > 0 ? `, ${skipped} skipped` : ""})\n`);
}

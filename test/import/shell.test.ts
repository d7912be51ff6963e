/** The pieces under the importer: the markdown scanner, the shell lexer and splitter, placeholder rewriting. */
import { describe, expect, it } from "vitest";
import { classifyBlock, commandRisk, sessionOpener } from "../../src/runbooks/import/commands.js";
import { scanMarkdown } from "../../src/runbooks/import/markdown.js";
import { InputRegistry } from "../../src/runbooks/import/placeholders.js";
import { ShellLexer } from "../../src/runbooks/import/shell-lex.js";
import { splitShell, type ShellCommand } from "../../src/runbooks/import/shell-split.js";
import { kindOf } from "../../src/runbooks/import/sections.js";

const complete = (...lines: string[]): boolean[] => {
  const lexer = new ShellLexer();
  return lines.map((l) => {
    lexer.feed(l);
    return lexer.complete;
  });
};
const commands = (src: string): string[] =>
  splitShell(src.split("\n"), 1)
    .filter((i): i is ShellCommand => i.kind === "command")
    .map((c) => c.text);

describe("markdown scanner", () => {
  it("keeps exact line numbers for headings, fences, items, tables and bold labels", () => {
    const { blocks } = scanMarkdown("# T\n\n**Diagnosis:**\n\n  ```bash\n  ls\n  ```\n- [ ] a\n  more\n\n| a | b |\n|---|---|\n| 1 | 2 |\n");
    expect(blocks.map((b) => [b.type, b.line])).toEqual([
      ["heading", 1],
      ["heading", 3],
      ["code", 5],
      ["item", 8],
      ["table", 11],
    ]);
    expect(blocks[1]).toMatchObject({ pseudo: true, text: "Diagnosis", level: 7 });
    expect(blocks[2]).toMatchObject({ lang: "bash", lines: ["ls"], indent: 2, endLine: 7 });
    expect(blocks[3]).toMatchObject({ checked: false, text: "a\nmore" });
  });

  it("reads setext headings and front matter, and a fence left open runs to the end", () => {
    const { blocks, frontMatter } = scanMarkdown("---\ntitle: x\n---\nTitle\n=====\n```sh\nls");
    expect(frontMatter?.text).toBe("title: x");
    expect(blocks[0]).toMatchObject({ type: "heading", level: 1, text: "Title", line: 4 });
    expect(blocks[1]).toMatchObject({ type: "code", closed: false, lines: ["ls"] });
  });
});

describe("shell lexer", () => {
  it("knows when a command is complete", () => {
    expect(complete("ls")).toEqual([true]);
    expect(complete("ls \\", "-l")).toEqual([false, true]);
    expect(complete("echo 'a", "b'")).toEqual([false, true]);
    expect(complete("cat <<EOF", "$x", "EOF")).toEqual([false, false, true]);
    expect(complete("cat <<-'END'", "\tEND")).toEqual([false, true]);
    expect(complete("if true; then", "  echo done", "fi")).toEqual([false, false, true]);
    expect(complete("case $a in", " x) echo;;", "esac")).toEqual([false, false, true]);
    expect(complete("x=$(", "date)")).toEqual([false, true]);
    expect(complete("echo done # for")).toEqual([true]);
    expect(complete("kubectl wait --for=condition=ready pod/x")).toEqual([true]);
  });
});

describe("shell splitter", () => {
  it("gives each command the comment above it, and later comment lines become notes or manual items", () => {
    const items = splitShell(["# Restart", "# the API", "kubectl rollout restart deploy/api", "# done when ready", "", "# Tell the team"], 10);
    expect(items).toEqual([
      { kind: "command", text: "kubectl rollout restart deploy/api", line: 12, endLine: 12, title: "the API", comments: ["Restart"], notes: ["done when ready"], output: [] },
      { kind: "note", lines: ["Tell the team"], line: 15 },
    ]);
  });

  it("does not take a location comment as the title", () => {
    const [cmd] = splitShell(["# On staging server", "docker-compose restart"], 1) as ShellCommand[];
    expect(cmd).toMatchObject({ comments: ["On staging server"] });
    expect(cmd?.title).toBeUndefined();
  });

  it("reads prompts, with output after them", () => {
    expect(commands("$ ls\nfile-a\n$ echo hi \\\n> there\nhi there")).toEqual(["ls", "echo hi \\\nthere"]);
  });

  it("keeps crontab lines apart", () => {
    expect(splitShell(["*/5 * * * * /opt/check.sh"], 1)).toEqual([{ kind: "cron", text: "*/5 * * * * /opt/check.sh", line: 1 }]);
  });

  it("knows which commands open another shell", () => {
    expect(sessionOpener("kubectl exec -it <db-pod> -- psql -U app")).toEqual({ kind: "shell", shell: "psql" });
    expect(sessionOpener('docker exec db psql -U app -c "select 1"')).toBeUndefined();
    expect(sessionOpener("redis-cli -h cache -p 6379")).toEqual({ kind: "shell", shell: "redis-cli" });
    expect(sessionOpener("redis-cli -h cache ping")).toBeUndefined();
    expect(sessionOpener("docker compose exec web bash")).toEqual({ kind: "shell", shell: "container shell" });
    expect(sessionOpener("ssh -i key.pem ops@<host>")).toEqual({ kind: "ssh", dest: "ops@<host>" });
    expect(sessionOpener("ssh ops@host uptime")).toBeUndefined();
  });
});

describe("placeholders", () => {
  it("leaves variables the document sets elsewhere and notes it", () => {
    const registry = new InputRegistry(new Map([["RUN_ID", 3]]));
    expect(registry.rewrite('echo "$RUN_ID" $TARGET', 9)).toBe('echo "$RUN_ID" "$target"');
    expect(registry.notes).toEqual([{ line: 9, message: "$RUN_ID is set by another step (line 3); steps do not share shell variables" }]);
    expect(Object.keys(registry.specs())).toEqual(["target"]);
  });

  it("does not take redirections, heredocs or generics for placeholders", () => {
    const registry = new InputRegistry(new Map());
    const script = "sort <input.txt >out.txt\ncat <<EOF > f\nx\nEOF\njava -cp a Map<String> 2>&1";
    expect(registry.rewrite(script, 1)).toBe(script);
    expect(registry.size).toBe(0);
  });
});

describe("command knowledge", () => {
  it("classifies blocks and rates risk", () => {
    expect(classifyBlock("", ["kubectl get pods"])).toEqual({ kind: "shell" });
    expect(classifyBlock("", ["Error rate > 1%"]).kind).toBe("reference");
    expect(classifyBlock("bash", ["apiVersion: v1", "kind: Pod"])).toMatchObject({ kind: "reference", language: "yaml" });
    expect(commandRisk("kubectl delete pod x")).toBe("high");
    expect(commandRisk("kubectl delete namespace x")).toBe("critical");
    expect(commandRisk("kubectl get pods")).toBeUndefined();
  });

  it("maps heading words to phase kinds, the last one winning", () => {
    expect(kindOf("Rollback Verification")).toBe("verify");
    expect(kindOf("Post-Deployment")).toBe("verify");
    expect(kindOf("Possible checks")).toBe("diagnose");
    expect(kindOf("Meaning")).toBe("assess");
    expect(kindOf("Post-incident review")).toBe("review");
    expect(kindOf("Notify stakeholders")).toBe("communicate");
    expect(kindOf("Release notes")).toBeUndefined();
  });
});

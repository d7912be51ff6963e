/** The importer never throws, and whatever it emits validates: random markdown, truncated files, a public-style directory. */
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { formatSummary, importMarkdown } from "../../src/runbooks/import/index.js";
import { loadRunbookText } from "../../src/runbooks/load.js";
import { rng } from "../helpers/random.js";
import { FIXTURES, fixture, importFixture } from "./helpers.js";

const WORDS = ["Diagnosis", "Mitigation", "Option 1", "Approach B", "Step 2:", "Severity", "critical", "Rollback", "Verify", "the", "pod", "item", "severity", "incident_id", "$", "<", ">", "{{", "}}", "|", "`", "'", '"', "\\", "#", "**", "- [ ]", "1.", "—", "ü", "\t"];
const SHELL = [
  "kubectl get pods -n $NAMESPACE",
  "kubectl logs <pod-name> --tail=<lines>",
  "echo '<service-name>' \"$X\" ${Y:-z} ${item}",
  "cat <<EOF",
  "EOF",
  "cat <<'END'",
  "for i in 1 2; do",
  "done",
  "if true; then",
  "fi",
  "curl -d '{",
  "}'",
  "psql -U app",
  "SELECT 1;",
  "\\q",
  "ssh ops@host",
  "exit",
  "$ kubectl top nodes",
  "NAME CPU",
  "# a comment",
  "  # indented comment \\",
  "kubectl get pods \\",
  "x=$(date) && echo $x",
  "awk '{print $1}' | sort |",
  "0 * * * * /bin/true",
  "echo $item $severity $incident_id $runbook_id $Item $iteem",
  "kubectl exec -it <pod> -- sh",
  "{{ $labels.job }} $labels",
  "",
];
const LANGS = ["bash", "sh", "console", "", "sql", "yaml", "promql", "text", "json", "zsh"];

function randomMarkdown(r: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
  const phrase = () => Array.from({ length: 1 + Math.floor(r() * 5) }, () => pick(WORDS)).join(" ");
  const out: string[] = [];
  const blocks = 1 + Math.floor(r() * 25);
  for (let b = 0; b < blocks; b++) {
    const kind = r();
    if (kind < 0.2) out.push(`${"#".repeat(1 + Math.floor(r() * 7))} ${phrase()}`);
    else if (kind < 0.45) {
      out.push(`${" ".repeat(Math.floor(r() * 3))}\`\`\`${pick(LANGS)}`);
      for (let k = Math.floor(r() * 8); k > 0; k--) out.push(r() < 0.85 ? pick(SHELL) : phrase());
      if (r() < 0.9) out.push("```");
    } else if (kind < 0.6) out.push(`${pick(["- ", "* ", "1. ", "- [ ] ", "- [x] ", "  - "])}${phrase()}${r() < 0.4 ? ` \`${pick(SHELL)}\`` : ""}`);
    else if (kind < 0.68) out.push(`| ${pick(["Severity", "Situation", "a"])} | ${phrase()} |`, "|---|---|", `| ${pick(["SEV1", "High", "x"])} | ${phrase()} > 10 min |`);
    else if (kind < 0.75) out.push(`**${phrase()}**`);
    else if (kind < 0.8) out.push(pick(["---", "<!-- x", "-->", "> quote", "Severity: high", "===", "**Maintained by**: Ops"]));
    else out.push(phrase());
    if (r() < 0.5) out.push("");
  }
  return out.join(r() < 0.1 ? "\r\n" : "\n");
}

function check(text: string, name: string): void {
  const result = importMarkdown(text, { fileName: name });
  const loaded = loadRunbookText(result.yaml, name);
  expect(loaded.problems, `${name}: ${loaded.problems.map((p) => `${p.path} ${p.message}`).join("; ")}\n--- input ---\n${text}`).toEqual([]);
  expect(result.summary.repaired, name).toEqual([]);
  expect(formatSummary(result.summary)).toMatch(/^import: /);
}

describe("fuzz", () => {
  it("imports 300 random documents into valid runbooks", () => {
    for (let seed = 1; seed <= 300; seed++) check(randomMarkdown(rng(seed)), `random-${seed}.md`);
  });

  it("imports every fixture cut short at random points", () => {
    const files = ["structure.md", "prompts.md", "continuations.md", "sessions.md", "placeholders.md", "severity.md", ...readdirSync(path.join(FIXTURES, "seeds")).map((f) => `seeds/${f}`)];
    const r = rng(7);
    for (const file of files) {
      const text = fixture(file);
      for (let k = 0; k < 15; k++) check(text.slice(0, Math.floor(r() * text.length)), `${file}@${k}`);
    }
  });

  it("imports binary-looking and degenerate input without a crash", () => {
    for (const text of ["", " ", "\n\n\n", "```", "```bash\n", "#", "# \n## \n###", "- [ ]", "|", "**\n**", "\u0000\u0001\u0002", "$".repeat(500), "<".repeat(300) + ">".repeat(300), "`".repeat(99)]) {
      check(text, "degenerate.md");
    }
  });
});

describe("a directory of public-style runbooks", () => {
  const files = readdirSync(path.join(FIXTURES, "public")).filter((f) => f.endsWith(".md"));

  it.each(files)("%s imports with a readable summary", (file) => {
    const { summary, runbook } = importFixture(`public/${file}`);
    const text = formatSummary(summary);
    expect(text.split("\n")[0]).toBe(`import: public/${file} → ${runbook.id}.yaml`);
    expect(text).toMatch(/\n {2}\d+ shell blocks?, \d+ commands?/);
    expect(runbook.phases.length).toBeGreaterThan(0);
  });

  it("reads front matter, links, sessions and the owner line", () => {
    expect(importFixture("public/kube-pod-crash-looping.md").runbook.tags).toEqual(["kubernetes", "alert"]);
    const redis = importFixture("public/redis-memory.md");
    expect(redis.runbook.owner).toBe("Data Platform team");
    expect(redis.summary.otherShell).toEqual([{ shell: "redis-cli", line: 19 }]);
    const broken = importFixture("public/broken.md");
    expect(broken.summary.notes.map((n) => n.line)).toEqual([21, 29]);
  });
});

/** A `run` script's commands whose failure nothing handles: found where the step would pass anyway, not where something checks. */
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { uncheckedCommands } from "../../src/runbooks/lint-unchecked.js";

const texts = (script: string) => uncheckedCommands(script)?.map((c) => c.text);

describe("commands whose failure a run script ignores", () => {
  it.each([
    ["four git tags, only the last one decides", 'git tag -a "v1-a" -m a\ngit tag -a "v1-b" -m b\ngit tag v1-c', ['git tag -a "v1-a" -m a', 'git tag -a "v1-b" -m b']],
    ["a cd before a delete, on one line", "cd /srv/app; rm -rf cache", ["cd /srv/app"]],
    ["an apply before a status", 'kubectl apply -f app.yaml\nkubectl rollout status deployment/app -n "$ns"', ["kubectl apply -f app.yaml"]],
    ["an && chain that is not the last: its failure is ignored too", "make build && make push\necho done", ["make build && make push"]],
    ["a pipeline before the last line", "kubectl logs api | grep ERROR\necho checked", ["kubectl logs api | grep ERROR"]],
    ["a command after a continued line", "kubectl scale deployment/api \\\n  --replicas=0\nkubectl rollout undo deployment/api", ["kubectl scale deployment/api \\"]],
    ["set +e turns the check off again", "set -e\nstep-one\nset +e\nstep-two\nstep-three", ["step-two"]],
    ["a redirection before the command", '> out.txt kubectl get pods\ncat out.txt', ["> out.txt kubectl get pods"]],
  ])("%s", (_, script, expected) => {
    expect(texts(script)).toEqual(expected);
  });

  it.each([
    ["set -e first", "set -e\ngit tag a\ngit tag b"],
    ["set -eu -o pipefail", "set -eu -o pipefail\nkubectl apply -f x\nkubectl get pods"],
    ["set -o errexit", "set -o errexit\ncd /srv\nrm -rf cache"],
    ["|| exit after each", "cd /srv || exit 1\nrm -rf cache"],
    ["|| { …; exit 1; } across lines", 'kubectl get secret s -o name ||\n  { echo "create it first" >&2; exit 1; }\nkubectl patch deployment api -p "{}"'],
    ["a single command", 'kubectl get pods -n "$namespace"'],
    ["assignments, even from a command", 'n=$(kubectl get deploy api -o jsonpath="{.spec.replicas}")\necho "$n"'],
    ["assignments then a separator", 'deadline=$((SECONDS + 600)); last=""\ncurl -fsS "$url"'],
    ["builtins that print or set", 'echo "rolling back"\nprintf "%s\\n" x\nexport KUBECONFIG=/k\nsleep 2\nkubectl rollout undo deployment/api'],
    ["a test heading an && list: false is the condition", '[ -f docker-compose.canary.yml ] && files="$files -f docker-compose.canary.yml"\ndocker compose $files ps'],
    ["the next line reads its status", 'grep -inE "error|warn" app.log | tail -n 50\nrc=$?; [ "$rc" -le 1 ] || exit "$rc"'],
    ["compound commands are their own business", 'for i in 1 2 3; do\n  curl -fsS "$url" && exit 0\n  sleep 2\ndone\necho "no answer" >&2\nexit 1'],
    ["if / case / while", 'if [ -n "$x" ]; then\n  a\n  b\nfi\ncase "$env" in\n  prod) other=staging ;;\n  *) other=prod ;;\nesac\nwhile read -r l; do c "$l"; done < f\nfinal'],
    ["a background job", "server &\nclient"],
    ["a heredoc whose body holds command-like lines", 'cat > f.log <<EOF || exit 1\nrm -rf /\ngit tag x\nEOF\ncat f.log'],
    ["a quoted heredoc and a <<- one", "cat <<'EOF' || exit 1\n$(not run)\nEOF\ncat <<-END || exit 1\n\tgit tag y\n\tEND\ndone-cmd"],
    ["comments and blank lines", "# set up\n\nset -e # stop at the first failure\n\nstep-one\nstep-two"],
    ["a multi-line $( ) inside double quotes", 'set -e\nout="$(kubectl get pods |\n  grep api)"\necho "$out"'],
    ["a subshell and a function", '( cd /tmp && make ) || exit 1\nf() { a; b; }\nf'],
    ["arrays, arithmetic, $'…', [[ … && … ]], process substitution", "a=(1 2 3)\nn=$((1 + (2 * 3)))\nsep=$'\\t'\n[[ -n \"$x\" && -z \"$y\" ]] && echo both\ndiff <(sort a) <(sort b)"],
  ])("none: %s", (_, script) => {
    expect(texts(script)).toEqual([]);
  });

  it("whatever the text, it answers without throwing (every prefix of a script full of constructs)", () => {
    const script = `set -o pipefail\nf() { local x="$(printf '%s' "a)b" | tr -d '"')"; echo "$x"; }\ncase "$1" in (a|b) f ;; *) : ;; esac\ncat <<-'EOF' | grep x\n\tbody $(not) \`run\`\n\tEOF\nfor i in {1..3}; do [ "$i" -gt 1 ] && break; done\necho \${x:-"y"} # done`;
    for (let k = 0; k <= script.length; k++) expect(() => uncheckedCommands(script.slice(0, k))).not.toThrow();
  });

  it("a script beyond the lexer (an unclosed quote, a stray fi) says nothing rather than guess", () => {
    expect(uncheckedCommands("echo 'open\ngit tag a\ngit tag b")).toBeUndefined();
    expect(uncheckedCommands("a\nfi\nb")).toBeUndefined();
    // check-batch.ts hands such scripts to bash -n: this one bash reads, the lexer cannot.
    expect(uncheckedCommands('kind=$(case "$1" in a) echo A ;; *) echo other ;; esac)\necho "$kind"')).toBeUndefined();
  });

  it("a quote inside ${…} quotes as bash reads it, double quotes around or not", () => {
    // bash: unexpected EOF while looking for matching `'' (the form three shipped steps had).
    expect(uncheckedCommands(`psql -d "\${db:?the service's database}" -c 'select 1'\necho done`)).toBeUndefined();
    // Closed inside the braces, or quoted by double quotes there: read on as one word (bash -n reads both).
    expect(texts(`psql -d "\${db:?'db_name' is unset}" -c 'select 1'\necho done`)).toEqual([`psql -d "\${db:?'db_name' is unset}" -c 'select 1'`]);
    expect(texts(`psql -d \${db:?"it's unset"}\necho done`)).toEqual([`psql -d \${db:?"it's unset"}`]);
  });

  it("the lines it reports are the ones bash runs on past a failure (checked against bash itself)", async () => {
    // Each reported command fails for real; the script still exits 0, which is the lie the warning is about.
    const script = "false-cmd() { return 3; }\nfalse-cmd\ngit-like() { return 1; }\ngit-like\ntrue";
    expect(texts(script)).toEqual(["false-cmd", "git-like"]);
    expect((await execa("bash", ["-c", script], { reject: false })).exitCode).toBe(0);
    // With what the warning says to add, bash stops at the first and the step fails.
    expect((await execa("bash", ["-c", `set -e\n${script}`], { reject: false })).exitCode).toBe(3);
    expect(texts(`set -e\n${script}`)).toEqual([]);
  });
});

/** One fixture per markdown construct the importer handles, each imported into a valid runbook. */
import { describe, expect, it } from "vitest";
import { importMarkdown } from "../../src/runbooks/import/index.js";
import { importFixture, phase, runs, stepTitled, steps } from "./helpers.js";

describe("structure", () => {
  const { runbook } = importFixture("structure.md");

  it("maps heading words to phase kinds and folds Symptoms into Diagnosis", () => {
    expect(runbook.phases.map((p) => [p.id, p.kind])).toEqual([
      ["impact", "assess"],
      ["diagnosis", "diagnose"],
      ["mitigation", "remediate"],
      ["verification", "verify"],
      ["communication", "communicate"],
      ["post-incident-review", "review"],
      ["approaches", "diagnose"],
    ]);
    expect(phase(runbook, "diagnosis").steps?.[0]).toMatchObject({ title: "Symptoms", manual: "- Alert `CheckoutErrorRate` fires\n- Error budget burn above 10x" });
  });

  it("takes the title from the H1 and the summary from the first paragraph", () => {
    expect(runbook.title).toBe("High Error Rate on Checkout");
    expect(runbook.summary).toBe("Checkout returns 5xx to more than 1% of requests.");
  });

  it("makes options of Option 1 / 2 and Approach A / B", () => {
    expect(phase(runbook, "mitigation").options?.map((o) => [o.id, o.steps.map((s) => s.run)])).toEqual([
      ["roll-back-the-release", ["kubectl rollout undo deployment/checkout -n shop"]],
      ["scale-out", ["kubectl scale deployment/checkout -n shop --replicas=6"]],
    ]);
    expect(phase(runbook, "approaches").options?.map((o) => o.title)).toEqual(["Feature flag", "Maintenance page"]);
  });

  it("puts prose before a command in its description, and checklist items become manual steps", () => {
    expect(stepTitled(runbook, "Pods that are not running")).toMatchObject({ description: "Look at the pods first.", run: "kubectl get pods -n shop -l app=checkout" });
    expect(stepTitled(runbook, "Confirm the payment provider status page is green").manual).toBe("Confirm the payment provider status page is green");
    expect(stepTitled(runbook, "Communication").manual).toBe("Post an update in #status every 30 minutes.");
  });

  it("rates risky commands", () => {
    expect(stepTitled(runbook, "Undo the last rollout").risk).toBe("high");
    expect(stepTitled(runbook, "Rollout finished").risk).toBeUndefined();
  });
});

describe("prompts", () => {
  const { runbook, summary } = importFixture("prompts.md");

  it("runs prompt lines and keeps the lines after them as expected output", () => {
    expect(runs(runbook)).toEqual(["kubectl get nodes", "kubectl top nodes", "systemctl status postgresql", 'journalctl -u postgresql --since "10 min ago"', "sudo -s"]);
    // The heading right above the block titles its first command; the next keeps the command as its title.
    expect(steps(runbook).map((s) => s.title)).toEqual(["Check the nodes", "kubectl top nodes", "On the host", 'journalctl -u postgresql --since "10 min ago"', "As root", "In root shell: whoami"]);
    expect(stepTitled(runbook, "Check the nodes").description).toBe("Expected output:\nNAME     STATUS   ROLES\nnode-1   Ready    worker");
  });

  it("treats lines after a root shell as typed into it", () => {
    expect(summary.otherShell).toEqual([{ shell: "root shell", line: 28 }]);
    expect(steps(runbook).at(-1)?.manual).toBe("In the root shell session opened above, run:\nwhoami\n\nExpected output:\nroot");
  });
});

describe("continuations, heredocs, quotes and loops", () => {
  const { runbook, summary } = importFixture("continuations.md");

  it("joins backslash continuations and lifts out a comment-only continued line", () => {
    expect(stepTitled(runbook, "Pods on the bad node")).toMatchObject({
      run: "kubectl get pods \\\n  --all-namespaces \\\n  --field-selector spec.nodeName=node-7",
      description: "only the ones on node-7",
    });
  });

  it("keeps pipes, heredocs, multi-line quotes and loops whole", () => {
    const all = runs(runbook);
    expect(all).toContain("kubectl get events -A |\n  grep -i oomkilled |\n  tail -20");
    expect(stepTitled(runbook, "Apply a quota").run).toMatch(/^kubectl apply -f - <<EOF\napiVersion: v1\n[\s\S]*\n {4}pods: "10"\nEOF$/);
    expect(stepTitled(runbook, "Check it").run).toBe("kubectl get quota emergency");
    expect(all).toContain(`curl -X POST https://hooks.example.com/alert -d '{\n  "text": "checkout degraded",\n  "channel": "#incidents"\n}'`);
    expect(all.filter((r) => /^(?:for|while) /.test(r))).toHaveLength(2);
  });

  it("keeps a variable (or cd) and the commands that rely on it in one shell", () => {
    expect(stepTitled(runbook, "Remember when we started").run).toBe(
      'STARTED=$(date +%s)\ncd /var/log/app\ngrep -c ERROR app.log\necho "took $(( $(date +%s) - STARTED ))s since ${STARTED}"',
    );
    expect(runbook.inputs).toBeUndefined();
    expect(summary.commands).toBe(11);
    expect(summary.runSteps).toBe(8);
  });
});

describe("sessions in another shell", () => {
  const { runbook, summary } = importFixture("sessions.md");

  it("opens psql as an interactive step and keeps its SQL as manual steps until \\q", () => {
    expect(stepTitled(runbook, "Open psql in the pod")).toMatchObject({ run: "kubectl exec -it postgres-0 -n db -- psql -U app", interactive: true });
    expect(stepTitled(runbook, "Long-running queries").manual).toContain("SELECT pid, now() - query_start");
    expect(stepTitled(runbook, "In psql: SELECT count(*) FROM locks;").manual).toContain("SELECT count(*) FROM locks;");
    expect(runs(runbook)).toContain("kubectl logs postgres-0 -n db --tail=50");
    expect(summary.otherShell.map((o) => o.shell)).toEqual(["psql", "psql", "rails console", "container shell"]);
  });

  it("runs the commands of an ssh session through ssh, and the ones after exit locally", () => {
    expect(stepTitled(runbook, "Disk space there").run).toBe("ssh ops@bastion.example.com -- 'df -h /data'");
    expect(runs(runbook)).toContain(`ssh ops@bastion.example.com -- 'docker ps --filter '\\''name=api'\\'''`);
    expect(stepTitled(runbook, "Back home").run).toBe("kubectl get nodes");
  });
});

describe("reference text", () => {
  const { runbook, summary } = importFixture("reference.md");

  it("keeps other languages, prose-like untagged blocks and HTTP requests as reference, with why", () => {
    expect(summary.reference.map((r) => [r.language, r.line])).toEqual([
      ["promql", 5],
      ["sql", 11],
      ["yaml", 19],
      ["json", 28],
      ["text", 41],
      ["http", 47],
      ["env", 54],
    ]);
    expect(summary.reference.find((r) => r.language === "http")?.why).toBe("an HTTP request in a bash block, not a shell command");
    expect(stepTitled(runbook, "Find slow queries").manual).toBe("```sql\nSELECT query, calls FROM pg_stat_statements ORDER BY mean_time DESC LIMIT 10;\n```");
    expect(stepTitled(runbook, "Set this in values.yaml").manual).toMatch(/^Set this in `values.yaml`:\n\n```yaml\nreplicaCount: 3/);
  });

  it("runs untagged blocks that read as commands", () => {
    expect(runs(runbook)).toEqual(["kubectl get pods -n shop", "kubectl describe pod checkout-0 -n shop"]);
  });
});

describe("inline commands in bullets", () => {
  const { runbook, summary } = importFixture("inline.md");

  it("turns code spans that start with an operations binary into steps", () => {
    expect(runs(runbook)).toEqual([
      'kubectl describe pod "$pod" -n "$namespace"',
      'kubectl logs "$pod" -n "$namespace" --previous',
      'kubectl get events -n "$namespace"',
      'kubectl rollout restart deployment/web -n "$namespace"',
    ]);
    expect(summary.inlineCommands).toBe(4);
    expect(runbook.inputs?.pod?.type).toBe("name");
    expect(runbook.inputs?.namespace?.type).toBe("name");
  });
});

describe("placeholders", () => {
  const { runbook, summary } = importFixture("placeholders.md");

  it("become typed inputs, quoted for where they stand", () => {
    expect(Object.fromEntries(Object.entries(runbook.inputs ?? {}).map(([k, v]) => [k, v.type]))).toEqual({
      service_name: "name",
      previous_version: "string",
      namespace: "name",
      timeout: "duration",
      pod_name: "name",
      lines: "int",
      api_token: "secret",
      env: "enum",
    });
    expect(runbook.inputs?.timeout?.default).toBe("120s");
    expect(runbook.inputs?.env?.values).toEqual(["staging", "production"]);
    expect(runs(runbook).slice(0, 6)).toEqual([
      'kubectl set image deployment/"$service_name" "$service_name"=registry.example.com/"$service_name":"$previous_version" -n "$namespace"',
      'kubectl rollout status deployment/"${service_name}" -n "${namespace}" --timeout="${timeout:-120s}"',
      'kubectl logs "$pod_name" -n "$namespace" --tail="$lines"',
      `kubectl patch deployment "$service_name" -p '{"spec":{"template":{"metadata":{"labels":{"app":"'"\${service_name}"'"}}}}}'`,
      'curl -H "Authorization: Bearer ${api_token}" -d "service ${service_name} rolled back" https://hooks.example.com/notify',
      'helm upgrade web ./chart --set env="$env"',
    ]);
  });

  it("never touch templates, awk fields, literal <none>, variables the script sets or a quoted heredoc", () => {
    const untouched = runs(runbook).slice(6).join("\n");
    expect(untouched).toBe(
      [
        `kubectl get pods -o go-template='{{range .items}}{{.metadata.name}}{{"\\n"}}{{end}}'`,
        `kubectl get pods -o go-template="{{range .items}}{{\\$x := .metadata.name}}{{\\$x}}{{end}}"`,
        `amtool alert add --annotation=summary='{{ $labels.instance }} is down'`,
        `kubectl get pods | awk '{print $1, $NF}'`,
        `kubectl get pods | grep '<none>'`,
        `DEPLOY_ID=$(date +%s)\necho "deploy \${DEPLOY_ID} for $HOME"`,
        `cat <<'EOF'\nliteral <service-name> and $NAMESPACE\nEOF`,
      ].join("\n"),
    );
    expect(summary.notes.map((n) => n.message)).toContain("<service-name> is inside a quoted heredoc (<<'EOF'), where no variable expands: left as written");
  });
});

describe("severity", () => {
  const { runbook, summary } = importFixture("severity.md");

  it("reads a severity table, a severity heading and a Severity: field", () => {
    expect(runbook.severities).toEqual({
      critical: { respondWithin: "10m", criteria: "Full outage", label: "SEV1" },
      high: { respondWithin: "30m", criteria: "Partial outage", label: "SEV2" },
      medium: { respondWithin: "4h", criteria: "Degraded latency on a non-critical path." },
      low: { respondWithin: "24h" },
    });
    expect(summary.notPlaced.map((n) => [n.what, n.line, n.why])).toEqual([
      ["table", 5, "became severities"],
      ["section", 10, "became severities"],
    ]);
  });

  it("turns escalation rows with a time into escalations, for the severities the situation reads like", () => {
    // "Outage" is in SEV1's "Full outage" and SEV2's "Partial outage": not raised for a medium or low incident.
    expect(runbook.escalations).toEqual([{ after: "20m", severities: ["critical", "high"], to: "Director of Engineering", reason: "Outage > 20 min" }]);
  });
});

describe("names", () => {
  it("takes the id from a meaningful file name, else from the H1 without 'Runbook'", () => {
    expect(importMarkdown("# Disk Full Runbook\n\ntext", { fileName: "runbooks/disk-full.md" }).runbook.id).toBe("disk-full");
    expect(importMarkdown("# Disk Full Runbook\n\ntext", { fileName: "runbooks/README.md" }).runbook.id).toBe("disk-full");
    expect(importMarkdown("# Disk Full Runbook\n\ntext", { fileName: "007_abc.txt" }).runbook.id).toBe("disk-full");
    expect(importMarkdown("no heading", { fileName: "-" }).runbook.id).toBe("imported-runbook");
    expect(importMarkdown("# x", { fileName: "a.md", id: "forced-id" }).runbook.id).toBe("forced-id");
  });
});

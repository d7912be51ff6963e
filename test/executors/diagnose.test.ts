/** The messages below are what the real tools print (ENVIRONMENT.md); the kubectl ones are also produced live in the kubectl tests. */
import { describe, expect, it } from "vitest";
import { diagnose } from "../../src/executors/diagnose.js";

describe("diagnoses", () => {
  it.each([
    ["bash: line 1: kubectl: command not found", 127, "command-not-found", "kubectl is not installed or not on PATH"],
    ["bash: line 3: docker: command not found", 127, "command-not-found", "docker is not installed or not on PATH"],
    ["The connection to the server 127.0.0.1:41234 was refused - did you specify the right host or port?", 1, "cluster-unreachable", "the Kubernetes API server at 127.0.0.1:41234 refused the connection"],
    ["The connection to the server localhost:8080 was refused - did you specify the right host or port?", 1, "no-kubeconfig", "kubectl has no cluster configured (it fell back to localhost:8080)"],
    ["error: context was not found for specified context: prod-eu", 1, "unknown-context", 'no context named "prod-eu" in the kubeconfig'],
    ['Error from server (Forbidden): pods is forbidden: User "sandbox" cannot list resource "pods" in API group "" in the namespace "forbidden"', 1, "forbidden", "forbidden by RBAC: sandbox cannot list pods in namespace forbidden"],
    ["Unable to connect to the server: context deadline exceeded", 1, "cluster-timeout", "the Kubernetes API server did not answer in time"],
    ["Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?", 1, "docker-daemon-down", "the Docker daemon is not running (unix:///var/run/docker.sock)"],
    ['Error from server (NotFound): deployments.apps "nope" not found', 1, "not-found", 'deployments.apps "nope" not found'],
    ["error: You must be logged in to the server (Unauthorized)", 1, "unauthorized", "the cluster rejected the credentials (expired or missing)"],
    ["Unable to connect to the server: getting credentials: exec: executable sso-login failed with exit code 2", 1, "credentials", "the kubeconfig's credential plugin sso-login failed (exit code 2)"],
    ["Unable to connect to the server: getting credentials: exec: fork/exec /home/me/.kube/token.sh: no such file or directory", 1, "credentials", "the kubeconfig's credential plugin /home/me/.kube/token.sh cannot run: no such file or directory"],
  ])("%s", (stderr, code, expected, summary) => {
    expect(diagnose(code, stderr)).toMatchObject({ code: expected, summary });
    expect(diagnose(code, stderr)?.hint).toMatch(/\S/);
  });

  it("says nothing for a success or an unknown failure", () => {
    expect(diagnose(0, "The connection to the server x:1 was refused")).toBeUndefined();
    expect(diagnose(1, "something else went wrong")).toBeUndefined();
  });
});

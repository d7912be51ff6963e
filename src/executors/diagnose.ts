/** Recognise the failures on-call actually meets and say, in one line, what it is and what to do. */
import type { Diagnosis } from "./types.js";

const INSTALL_HINTS: Record<string, string> = {
  kubectl: "Install kubectl (https://kubernetes.io/docs/tasks/tools/) or put it on PATH.",
  docker: "Install the Docker CLI (Debian: apt-get install docker.io) or put it on PATH.",
  "docker-compose": "Install docker-compose (Debian: apt-get install docker-compose) or use `docker compose`.",
  curl: "Install curl (Debian: apt-get install curl).",
  jq: "Install jq (Debian: apt-get install jq).",
  psql: "Install the PostgreSQL client (Debian: apt-get install postgresql-client).",
  ssh: "Install the OpenSSH client (Debian: apt-get install openssh-client).",
  python: "Install Python 3, or run the script with python3.",
};

interface Rule {
  test: RegExp;
  make: (m: RegExpExecArray) => Diagnosis;
}

const RULES: Rule[] = [
  {
    test: /(?:^|\n)(?:bash: (?:line \d+: )?)?([^\s:]+): (?:command not found|No such file or directory)/,
    make: (m) => ({
      code: "command-not-found",
      summary: `${m[1]} is not installed or not on PATH`,
      hint: INSTALL_HINTS[m[1]!] ?? `Install ${m[1]} or put it on PATH (or check the script path).`,
    }),
  },
  {
    test: /The connection to the server (localhost:8080) was refused/,
    make: () => ({
      code: "no-kubeconfig",
      summary: "kubectl has no cluster configured (it fell back to localhost:8080)",
      hint: "Pass --kubeconfig or set KUBECONFIG, and check the context with `kubectl config current-context`.",
    }),
  },
  {
    test: /The connection to the server (\S+) was refused/,
    make: (m) => ({
      code: "cluster-unreachable",
      summary: `the Kubernetes API server at ${m[1]} refused the connection`,
      hint: "Check the context (--context), the VPN or tunnel, and that the API server is up.",
    }),
  },
  {
    test: /context was not found for specified context: (\S+)/,
    make: (m) => ({
      code: "unknown-context",
      summary: `no context named "${m[1]}" in the kubeconfig`,
      hint: "List contexts with `kubectl config get-contexts` and pass the right one with --context.",
    }),
  },
  {
    test: /User "([^"]*)" cannot (\w+) resource "([^"]+)"(?: in API group "[^"]*")?(?: in the namespace "([^"]+)")?/,
    make: (m) => ({
      code: "forbidden",
      summary: `forbidden by RBAC: ${m[1]} cannot ${m[2]} ${m[3]}${m[4] ? ` in namespace ${m[4]}` : ""}`,
      hint: `Check the namespace and context, or ask for access: kubectl auth can-i ${m[2]} ${m[3]}${m[4] ? ` -n ${m[4]}` : ""}`,
    }),
  },
  {
    test: /You must be logged in to the server|\(Unauthorized\)/,
    make: () => ({
      code: "unauthorized",
      summary: "the cluster rejected the credentials (expired or missing)",
      hint: "Log in again (refresh the cloud provider token or kubeconfig credentials).",
    }),
  },
  {
    // client-go prints the plugin's installHint after its docs link, only when the plugin is missing.
    test: /getting credentials: exec: executable (\S+) not found(?:[\s\S]*#client-go-credential-plugins\n\n([\s\S]+?)\s*$)?/,
    make: (m) => ({
      code: "credentials",
      summary: `the kubeconfig's credential plugin ${m[1]} is not installed`,
      hint: m[2]?.trim() || `Install ${m[1]} or fix the exec command of the kubeconfig's user.`,
    }),
  },
  {
    test: /getting credentials: exec: (?:executable (\S+) failed with exit code (\d+)|fork\/exec (\S+): ([^\n]+))/,
    make: (m) => ({
      code: "credentials",
      summary: m[1] ? `the kubeconfig's credential plugin ${m[1]} failed (exit code ${m[2]})` : `the kubeconfig's credential plugin ${m[3]} cannot run: ${m[4]}`,
      hint: "Run the plugin by hand to see why (often: log in again), or fix the exec command of the kubeconfig's user.",
    }),
  },
  {
    test: /Unable to connect to the server: (?:context deadline exceeded|net\/http: TLS handshake timeout|dial tcp [^:]+:\d+: i\/o timeout|.*Client\.Timeout exceeded)/,
    make: () => ({
      code: "cluster-timeout",
      summary: "the Kubernetes API server did not answer in time",
      hint: "The server accepts connections but does not respond: check its health, the network path and the VPN.",
    }),
  },
  {
    test: /Unable to connect to the server: (?:dial tcp [^\n]*: (?:connect: )?(?:no route to host|network is unreachable)|dial tcp: lookup (\S+))/,
    make: () => ({
      code: "cluster-unreachable",
      summary: "the Kubernetes API server cannot be reached",
      hint: "Check the VPN or network route and the server address in the kubeconfig.",
    }),
  },
  {
    test: /Unable to connect to the server: (?:x509|tls): ([^\n]*)/,
    make: (m) => ({
      code: "cluster-tls",
      summary: `TLS to the API server failed: ${m[1]}`,
      hint: "The kubeconfig's certificate authority does not match the server; refresh the kubeconfig.",
    }),
  },
  {
    test: /Cannot connect to the Docker daemon at (\S+?)\.? Is the docker daemon running\?/,
    make: (m) => ({
      code: "docker-daemon-down",
      summary: `the Docker daemon is not running (${m[1]})`,
      hint: "Start it (systemctl start docker) or point DOCKER_HOST at the right engine.",
    }),
  },
  {
    test: /permission denied while trying to connect to the Docker daemon socket/,
    make: () => ({
      code: "docker-permission",
      summary: "not allowed to use the Docker daemon socket",
      hint: "Add the user to the docker group or run with the right privileges.",
    }),
  },
  {
    test: /Error from server \(NotFound\): (?:(\S+) )?"([^"]+)" not found/,
    make: (m) => ({
      code: "not-found",
      summary: `${m[1] ?? "object"} "${m[2]}" not found`,
      hint: "Check the name and the namespace (-n); list what exists with kubectl get.",
    }),
  },
  {
    test: /ssh: Could not resolve hostname (\S+?):/,
    make: (m) => ({ code: "ssh-unknown-host", summary: `cannot resolve host ${m[1]}`, hint: "Check the host input and DNS or ~/.ssh/config." }),
  },
  {
    test: /Permission denied \(publickey[^)]*\)/,
    make: () => ({ code: "ssh-denied", summary: "SSH refused the key", hint: "Load the right key into ssh-agent or check ~/.ssh/config." }),
  },
  {
    test: /curl: \((?:6|7|28)\) ([^\n]*)/,
    make: (m) => ({ code: "http-unreachable", summary: m[1]!, hint: "Check that the service is up and the URL is right." }),
  },
];

/** One diagnosis for a failed step, from its stderr (and exit code), or none when nothing is recognised. */
export function diagnose(exitCode: number | null, stderr: string): Diagnosis | undefined {
  if (exitCode === 0) return undefined;
  for (const rule of RULES) {
    const m = rule.test.exec(stderr);
    if (m) return rule.make(m);
  }
  if (exitCode === 127) return { code: "command-not-found", summary: "a command was not found", hint: "Check the command name and PATH." };
  return undefined;
}

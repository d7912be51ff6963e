/** Services and config maps in the simulated cluster, as scenario files create them: the real kubectl reads, creates and edits them. */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseTable, startHarness, type SandboxHarness } from "./harness.js";

let h: SandboxHarness;

beforeAll(async () => {
  h = await startHarness({
    seed: (store) => {
      store.ensureNamespace("shop");
      store.create("services", { metadata: { name: "api", namespace: "shop" }, spec: { selector: { app: "api" }, ports: [{ port: 80, targetPort: 8080 }] } });
      store.create("configmaps", { metadata: { name: "api-config", namespace: "shop" }, data: { LOG_LEVEL: "info", POOL_SIZE: "20" } });
    },
  });
});

afterAll(async () => {
  await h?.stop();
});

describe("services", () => {
  it("kubectl get svc shows type, a stable cluster IP and the ports", async () => {
    const r = await h.kubectl(["get", "svc", "-n", "shop"]);
    expect(r.exitCode, r.stderr).toBe(0);
    const table = parseTable(r.stdout);
    expect(table.headers).toEqual(["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"]);
    expect(table.rows[0]).toMatchObject({ NAME: "api", TYPE: "ClusterIP", "EXTERNAL-IP": "<none>", "PORT(S)": "80/TCP" });
    expect(table.rows[0]?.["CLUSTER-IP"]).toMatch(/^10\.96\.\d+\.\d+$/);
    const json = JSON.parse((await h.kubectl(["get", "service", "api", "-n", "shop", "-o", "json"])).stdout) as { spec: { ports: Array<{ targetPort: number; protocol: string }> } };
    expect(json.spec.ports[0]).toMatchObject({ targetPort: 8080, protocol: "TCP" });
  });

  it("kubectl apply -f and delete work; a bad port is refused as the API server refuses it", async () => {
    const manifest = path.join(h.dir, "web-svc.yaml");
    writeFileSync(manifest, "apiVersion: v1\nkind: Service\nmetadata: { name: web, namespace: shop }\nspec:\n  selector: { app: web }\n  ports: [{ port: 8080 }]\n");
    const created = await h.kubectl(["apply", "-f", manifest]);
    expect(created.exitCode, created.stderr).toBe(0);
    expect(h.store.peek("services", "shop", "web")?.spec.clusterIP).toMatch(/^10\.96\./);
    expect(() => h.store.create("services", { metadata: { name: "bad", namespace: "shop" }, spec: { ports: [{ port: 0 }] } })).toThrow(/spec\.ports\[0\]\.port: Invalid value/);
    const deleted = await h.kubectl(["delete", "svc", "web", "-n", "shop"]);
    expect(deleted.exitCode, deleted.stderr).toBe(0);
    expect(h.store.peek("services", "shop", "web")).toBeUndefined();
  });
});

describe("config maps", () => {
  it("kubectl get cm counts the keys; get -o jsonpath reads a value; patch changes it", async () => {
    const table = parseTable((await h.kubectl(["get", "cm", "-n", "shop"])).stdout);
    expect(table.headers).toEqual(["NAME", "DATA", "AGE"]);
    expect(table.rows[0]).toMatchObject({ NAME: "api-config", DATA: "2" });
    const value = await h.kubectl(["get", "configmap", "api-config", "-n", "shop", "-o", "jsonpath={.data.LOG_LEVEL}"]);
    expect(value.stdout).toBe("info");
    const patched = await h.kubectl(["patch", "configmap", "api-config", "-n", "shop", "--type", "merge", "-p", '{"data":{"LOG_LEVEL":"debug"}}']);
    expect(patched.exitCode, patched.stderr).toBe(0);
    expect(h.store.peek("configmaps", "shop", "api-config")?.data).toEqual({ LOG_LEVEL: "debug", POOL_SIZE: "20" });
  });
});

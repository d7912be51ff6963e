// One-file bundle (plus client-node, loaded lazily from node_modules): start-up is measured in ms at 3 a.m.
import { build } from "esbuild";
import { chmodSync, mkdirSync, readFileSync } from "node:fs";
import { bundleOptions } from "./bundle-options.mjs";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
mkdirSync("dist", { recursive: true });
await build({
  ...bundleOptions({ HANDRAIL_VERSION: JSON.stringify(pkg.version) }),
  entryPoints: ["src/main.ts"],
  outfile: "dist/handrail.js",
});
chmodSync("dist/handrail.js", 0o755);

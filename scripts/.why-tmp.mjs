import { build } from "esbuild";
import { bundleOptions } from "./bundle-options.mjs";
const [entry, target] = process.argv.slice(2);
const r = await build({ ...bundleOptions(), entryPoints: [entry], outdir: "/tmp/why-out", splitting: true, metafile: true, write: false });
const ins = r.metafile.inputs;
const prev = new Map([[entry, null]]);
const q = [entry];
while (q.length) {
  const k = q.shift();
  if (k.includes(target)) { const chain = []; for (let c = k; c; c = prev.get(c)) chain.push(c); console.log(chain.reverse().join("\n  -> ")); process.exit(0); }
  for (const i of ins[k]?.imports ?? []) if (i.kind === "import-statement" && !prev.has(i.path)) { prev.set(i.path, k); q.push(i.path); }
}
console.log("not statically reachable");

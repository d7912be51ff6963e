/** A worker thread of check-files.ts: checks the batches it is sent, or reads the scripts, and posts the results back. */
import { parentPort } from "node:worker_threads";
import { enableCompileCache } from "../util/compile-cache.js";
import type { FromWorker, ToWorker } from "./check-files.js";

// Node's compile cache is per thread; the main thread has made its directory already.
enableCompileCache(process.env, { prune: false });

const port = parentPort;
if (port === null) throw new Error("check-worker.js runs as a worker thread of handrail validate");
port.on("message", (m: ToWorker) => {
  if ("done" in m) {
    port.close();
    return;
  }
  // The pool sends `done` only once every batch's results are back: none is in flight when the port closes.
  // A worker that only reads scripts loads only their lexer.
  if ("reading" in m) {
    void import("./lint-unchecked.js").then(({ uncheckedCommands }) => port.postMessage({ reading: m.reading, found: m.scripts.map((s) => uncheckedCommands(s)) } satisfies FromWorker));
    return;
  }
  void import("./check-batch.js").then(({ checkBatch }) => checkBatch(m.files)).then((results) => port.postMessage({ from: m.from, results } satisfies FromWorker));
});

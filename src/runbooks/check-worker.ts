/** A worker thread of check-files.ts: checks the batches it is sent and posts the results back. */
import { parentPort } from "node:worker_threads";
import { checkBatch } from "./check-batch.js";
import type { FromWorker, ToWorker } from "./check-files.js";

const port = parentPort;
if (port === null) throw new Error("check-worker.js runs as a worker thread of handrail validate");
port.on("message", (m: ToWorker) => {
  if ("done" in m) {
    port.close();
    return;
  }
  // The pool sends `done` only once every batch's results are back: none is in flight when the port closes.
  void checkBatch(m.files).then((results) => port.postMessage({ from: m.from, results } satisfies FromWorker));
});

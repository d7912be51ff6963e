// The least any Node process must do to keep a step's output the way DESIGN.md asks (a file beside the
// incident, its sha256 in step.finished, flushed before the step is reported finished): read the
// pipe, hash it, write it, fsync. No runbook, no line count, no incident. The headless suite times
// it beside `seq | tee` and handrail, as the floor under handrail's figure.
// With MASK, a module exporting handrail's Redactor (src/incident/redact.ts, bundled by the suite),
// each chunk is also scanned as handrail scans a step's output before writing it (masked where a
// rule applies): the floor of what DESIGN.md asks with secrets never written.
// Usage: node bench/durable-copy.mjs LINES FILE [MASK]
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { Buffer } from "node:buffer";
import { closeSync, fsyncSync, openSync, writev } from "node:fs";

const [lines, file, mask] = process.argv.slice(2);
if (!/^\d+$/.test(lines ?? "") || !file) {
  console.error("usage: node bench/durable-copy.mjs LINES FILE [MASK]");
  process.exit(2);
}
const redactor = mask ? new (await import(mask)).Redactor().stream() : undefined;
const fd = openSync(file, "wx", 0o600);
const hash = createHash("sha256");
// Written in the background, in order, as handrail's output file is: the pipe is read while the kernel copies.
let queue = [];
let writing = false;
let ended = false;
const finish = () => {
  fsyncSync(fd);
  closeSync(fd);
  hash.digest("hex");
};
const writeQueued = () => {
  if (writing) return;
  if (queue.length === 0) {
    if (ended) finish();
    return;
  }
  writing = true;
  const chunks = queue;
  queue = [];
  let rest = chunks;
  const next = () =>
    writev(fd, rest, (err, written) => {
      if (err) throw err;
      let n = written;
      while (n > 0 && rest.length > 0) {
        if (rest[0].length <= n) {
          n -= rest[0].length;
          rest = rest.slice(1);
        } else {
          rest = [rest[0].subarray(n), ...rest.slice(1)];
          n = 0;
        }
      }
      if (rest.length > 0) return next();
      writing = false;
      writeQueued();
    });
  next();
};
const child = spawn("bash", ["-c", `seq 1 ${lines}`], { stdio: ["ignore", "pipe", "inherit"] });
child.stdout.on("data", (raw) => {
  // As StepRecorder.emit: latin1 is a cheap test; decoded and masked only where a rule may apply.
  const chunk = redactor?.mayApply(raw.toString("latin1")) ? Buffer.from(redactor.chunk(raw.toString("utf8")), "utf8") : raw;
  hash.update(chunk);
  queue.push(chunk);
  writeQueued();
});
child.on("close", (code) => {
  if (code !== 0) process.exit(1);
  ended = true;
  writeQueued();
});

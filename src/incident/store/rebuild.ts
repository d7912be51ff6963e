/**
 * Resume anywhere: an incident opened on one laptop is picked up on another from the shared
 * store. Its events are written to a new local incident file (created exclusively, fsync'ed,
 * in a store directory only the user can write), which the resume then opens as usual.
 */
import { closeSync, fsyncSync, mkdirSync } from "node:fs";
import path from "node:path";
import type { IncidentEvent } from "../events.js";
import { checkStoreDir, FLAGS, IncidentFileError, openStoreFile, writeAll } from "../store-file.js";

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Write the store's events of an incident as `<dir>/<id>.jsonl`; refuses an id that is not a plain file name, or a file that exists. */
export function writeRebuilt(dir: string, incidentId: string, events: readonly IncidentEvent[]): string {
  if (!ID.test(incidentId)) throw new IncidentFileError(`${incidentId} is not an incident id`, dir);
  const file = path.join(dir, `${incidentId}.jsonl`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  checkStoreDir(dir);
  const fd = openStoreFile(file, FLAGS.createAppend);
  try {
    writeAll(fd, Buffer.from(events.map((e) => `${JSON.stringify(e)}\n`).join("")));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return file;
}

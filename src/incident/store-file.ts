/**
 * Opening files in the incident store without being steered by whoever else can write there:
 * the store must be the user's own and not writable by others, store files are opened without
 * following symlinks and created exclusively, and a write the disk refuses becomes one line.
 */
import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, statSync, writeSync, type Stats } from "node:fs";

export class IncidentFileError extends Error {
  constructor(
    message: string,
    readonly file: string,
    /** The errno code behind it, when there is one (ENOSPC, ELOOP, ENOENT...). */
    readonly code?: string,
  ) {
    super(message);
    this.name = "IncidentFileError";
  }
}

const { O_APPEND, O_CREAT, O_EXCL, O_NOFOLLOW, O_RDONLY, O_RDWR, O_WRONLY } = constants;

/** Open flags for store files: O_NOFOLLOW everywhere, O_EXCL for every file handrail creates. */
export const FLAGS = {
  read: O_RDONLY | O_NOFOLLOW,
  append: O_RDWR | O_APPEND | O_NOFOLLOW,
  createAppend: O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_NOFOLLOW,
  createWrite: O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW,
} as const;

function codeOf(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

/** Why a directory may not hold incident files, or undefined when it may. */
function unsafeDirReason(st: Stats): string | undefined {
  if (!st.isDirectory()) return "is not a directory";
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) return `is owned by uid ${st.uid}, not by you (uid ${uid}): its owner could replace the files in it`;
  if ((st.mode & 0o002) !== 0) return `is writable by every user (mode ${(st.mode & 0o7777).toString(8)}): anyone could plant files in it; chmod o-w it`;
  return undefined;
}

/** Refuse a store directory that another user could write; a symlinked store is judged by its target. */
export function checkStoreDir(dir: string): void {
  let st: Stats;
  let via = "";
  try {
    st = lstatSync(dir);
    if (st.isSymbolicLink()) {
      st = statSync(dir);
      via = " (through a symlink)";
    }
  } catch (e) {
    throw new IncidentFileError(`cannot use the incident store ${dir}: ${codeOf(e)}`, dir);
  }
  const reason = unsafeDirReason(st);
  if (reason) throw new IncidentFileError(`refusing the incident store ${dir}${via}: it ${reason}`, dir);
}

/** Create a directory inside the store (mode 0700), or accept an existing one only when it is a real directory of ours. */
export function ensurePrivateSubdir(dir: string): void {
  try {
    mkdirSync(dir, { mode: 0o700 });
    return;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw new IncidentFileError(`cannot create ${dir}: ${codeOf(e)}`, dir);
  }
  const st = lstatSync(dir);
  const reason = st.isSymbolicLink() ? "is a symlink" : unsafeDirReason(st);
  if (reason) throw new IncidentFileError(`refusing ${dir}: it ${reason}; handrail writes only into directories it made`, dir);
}

/** Open a store file without following a symlink; what is found must be a regular file. */
export function openStoreFile(file: string, flags: number, mode = 0o600): number {
  let fd: number;
  try {
    fd = openSync(file, flags, mode);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ELOOP") throw new IncidentFileError(`refusing ${file}: it is a symlink, and handrail never opens a store file through one`, file, code);
    if (code === "EEXIST") throw new IncidentFileError(`refusing ${file}: it already exists (${describeExisting(file)}), and handrail never overwrites a file in the store`, file, code);
    throw new IncidentFileError(`cannot open ${file}: ${code ?? (e as Error).message}`, file, code);
  }
  if (!fstatSync(fd).isFile()) {
    closeSync(fd);
    throw new IncidentFileError(`refusing ${file}: not a regular file`, file);
  }
  return fd;
}

function describeExisting(file: string): string {
  try {
    return lstatSync(file).isSymbolicLink() ? "a symlink" : "a file";
  } catch {
    return "gone again";
  }
}

/** Write every byte (a write may be partial). */
export function writeAll(fd: number, data: Buffer): void {
  let off = 0;
  while (off < data.length) off += writeSync(fd, data, off);
}

/** One line for a write the disk refused; `lost` says what is missing because of it. */
export function writeFailure(e: unknown, file: string, lost: string): string {
  const code = codeOf(e);
  switch (code) {
    case "ENOSPC":
      return `the disk holding ${file} is full (ENOSPC): ${lost}; free some space, then resume the incident`;
    case "EDQUOT":
      return `the disk quota for ${file} is used up (EDQUOT): ${lost}; free some space, then resume the incident`;
    case "EFBIG":
      return `${file} reached the file size limit (EFBIG): ${lost}; raise the limit (ulimit -f), then resume the incident`;
    default:
      return `cannot write ${file} (${code}): ${lost}`;
  }
}

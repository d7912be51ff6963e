/** Problems placed at file:line:col in a parsed YAML document: shared by runbook and scenario files. */
import type { Document, LineCounter } from "yaml";
import { formatPath, type PathSegment, type RunbookProblem } from "./problems.js";
import { locate, positionOf } from "./yaml-locate.js";

/** A file with more problems than this is not being written by hand: the rest are counted, not listed. */
export const MAX_PROBLEMS_PER_FILE = 200;

/** A parsed document and what locating in it needs. */
export interface LocatedDoc {
  file: string;
  doc: Document;
  counter: LineCounter;
  src: string;
}

/** The problem at a field path: at its key when asked (unknown fields), at `token` inside the value when given. */
export function problemAt(at: LocatedDoc, path: PathSegment[], message: string, atKey = false, token?: string): RunbookProblem {
  const where = locate(at.doc, at.counter, path, atKey);
  let { line, column } = where;
  if (token !== undefined && where.range) {
    const idx = at.src.slice(where.range[0], where.range[1]).indexOf(token);
    if (idx >= 0) ({ line, column } = positionOf(at.counter, where.range[0] + idx));
  }
  return { file: at.file, line, column, path: formatPath(path), message };
}

/** Problems in the order of the text, at most MAX_PROBLEMS_PER_FILE of them. */
export function sortProblems(problems: RunbookProblem[]): { problems: RunbookProblem[]; moreProblems?: number } {
  problems.sort((a, b) => a.line - b.line || a.column - b.column);
  if (problems.length <= MAX_PROBLEMS_PER_FILE) return { problems };
  return { problems: problems.slice(0, MAX_PROBLEMS_PER_FILE), moreProblems: problems.length - MAX_PROBLEMS_PER_FILE };
}

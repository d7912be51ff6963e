/** Find where a field path sits in a parsed YAML document, for file:line:col messages. */
import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from "yaml";
import type { PathSegment } from "./problems.js";

export interface Located {
  line: number;
  column: number;
  /** The source offset range of the node found, when one was found. */
  range?: [number, number];
}

interface Found {
  node: Node | null;
  key: Node | null;
  /** How many segments of the path were found. */
  depth: number;
}

function walk(doc: Document, path: readonly PathSegment[]): Found {
  let node = doc.contents as Node | null;
  let key: Node | null = null;
  let depth = 0;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      key = pair.key as Node;
      node = (pair.value as Node | null) ?? null;
      if (node === null) {
        depth++;
        break;
      }
    } else if (isSeq(node) && typeof seg === "number" && node.items[seg] !== undefined) {
      key = null;
      node = node.items[seg] as Node;
    } else {
      break;
    }
    depth++;
  }
  return { node, key, depth };
}

/**
 * The position for a path: the value when the path exists, the key when asked for
 * (unknown fields) or when the value is empty, else the nearest enclosing node (missing fields).
 */
export function locate(doc: Document, counter: LineCounter, path: readonly PathSegment[], preferKey = false): Located {
  const found = walk(doc, path);
  const complete = found.depth === path.length;
  let target: Node | null = null;
  if (complete) target = preferKey || found.node === null ? (found.key ?? found.node) : found.node;
  else target = found.node ?? found.key;
  const range = target?.range;
  if (!range) return { line: 1, column: 1 };
  const pos = counter.linePos(range[0]);
  return { line: pos.line, column: pos.col, range: [range[0], range[1]] };
}

/** Line and column of a source offset. */
export function positionOf(counter: LineCounter, offset: number): { line: number; column: number } {
  const pos = counter.linePos(offset);
  return { line: pos.line, column: pos.col };
}

/** Find where a field path sits in a parsed YAML document, for file:line:col messages. */
import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair, type YAMLMap } from "yaml";
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

// A file can hold 100,000 keys in one mapping, each reported: a search per problem would be quadratic.
const pairIndex = new WeakMap<YAMLMap, Map<string, Pair>>();

/** The pair of a key; the last of duplicates, as the data built from the document holds the last. */
function pairOf(map: YAMLMap, key: string): Pair | undefined {
  let index = pairIndex.get(map);
  if (index === undefined) {
    index = new Map();
    for (const p of map.items) if (isPair(p) && isScalar(p.key)) index.set(String(p.key.value), p);
    pairIndex.set(map, index);
  }
  return index.get(key);
}

function walk(doc: Document, path: readonly PathSegment[]): Found {
  let node = doc.contents as Node | null;
  let key: Node | null = null;
  let depth = 0;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = pairOf(node, String(seg));
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

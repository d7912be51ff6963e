/**
 * What the located parse checks before it builds data: duplicate keys, and aliases that repeat too
 * much (a "billion laughs" file) or repeat the node they sit in. One pass in document order, with
 * its own stack: a deeply nested file must not overflow ours after yaml accepted it.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from "yaml";

import { MAX_ALIAS_NODES, MAX_ALIAS_TEXT } from "./alias-limits.js";

export { MAX_ALIAS_NODES, MAX_ALIAS_TEXT } from "./alias-limits.js";

export interface ShapeProblem {
  /** Source offset of the key or alias at fault. */
  offset: number;
  message: string;
  /** The data cannot be built safely (it would be enormous or endless): report this alone. */
  fatal: boolean;
}

interface Size {
  nodes: number;
  text: number;
}

function childrenOf(node: Node): Node[] {
  const out: Node[] = [];
  if (isMap(node) || isSeq(node)) {
    for (const item of node.items as unknown[]) {
      if (isPair(item)) {
        if (item.key !== null && typeof item.key === "object") out.push(item.key as Node);
        if (item.value !== null && typeof item.value === "object") out.push(item.value as Node);
      } else if (item !== null && typeof item === "object") out.push(item as Node);
    }
  }
  return out;
}

/**
 * What a node amounts to once its aliases are expanded, remembered per node so that a bomb's
 * levels are each counted once. Only called for the target of an alias: a file without aliases
 * pays nothing for it.
 */
class Sizes {
  private readonly known = new Map<Node, Size>();
  constructor(private readonly resolve: (alias: Node) => Node | undefined) {}

  of(root: Node): Size {
    // One child at a time (`next`), so that what is on the stack is a path: the cycle check below relies on it.
    const stack: Array<{ node: Node; children?: Node[]; next: number }> = [];
    // checkYamlShape reports an alias inside what it names before asking: met here, it is a bug, not a hang.
    const onStack = new Set<Node>();
    const push = (node: Node) => {
      if (onStack.has(node)) throw new Error("an alias cycle reached the size count");
      onStack.add(node);
      stack.push({ node, next: 0 });
    };
    push(root);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (this.known.has(top.node)) {
        onStack.delete(stack.pop()!.node);
        continue;
      }
      const node = isAlias(top.node) ? this.resolve(top.node) : top.node;
      if (node === undefined || node !== top.node) {
        // An alias is as large as what it names (which comes before it, so never the alias itself).
        if (node !== undefined && !this.known.has(node)) {
          push(node);
          continue;
        }
        this.known.set(top.node, node === undefined ? { nodes: 1, text: 0 } : this.known.get(node)!);
        continue;
      }
      if (isScalar(node)) {
        this.known.set(node, { nodes: 1, text: node.range ? node.range[1] - node.range[0] : 0 });
        continue;
      }
      top.children ??= childrenOf(node);
      while (top.next < top.children.length && this.known.has(top.children[top.next]!)) top.next++;
      if (top.next < top.children.length) {
        push(top.children[top.next]!);
        continue;
      }
      const size = { nodes: 1, text: 0 };
      for (const child of top.children) {
        const s = this.known.get(child)!;
        size.nodes += s.nodes;
        size.text += s.text;
      }
      this.known.set(node, size);
    }
    return this.known.get(root)!;
  }
}

/** Duplicate keys (each a problem), then the first alias that repeats its own container or too much (fatal). */
export function checkYamlShape(doc: Document, counter: LineCounter): ShapeProblem[] {
  const problems: ShapeProblem[] = [];
  const root = doc.contents as Node | null;
  if (root === null) return problems;
  // Walked in document order, so the anchor of a name is the one most recently defined before the alias, as YAML resolves it.
  const anchors = new Map<string, Node>();
  const byAlias = new Map<Node, Node>();
  const sizes = new Sizes((alias) => byAlias.get(alias));
  const added: Size = { nodes: 0, text: 0 };
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (target === undefined) {
        // YAML resolves an alias only to an anchor set before it: the data cannot be built.
        problems.push({ offset: node.range?.[0] ?? 0, fatal: true, message: `the alias *${node.source} comes before its anchor &${node.source} (or there is none): an anchor must be set before it is used` });
        return problems;
      }
      byAlias.set(node, target);
      const at = node.range?.[0] ?? 0;
      const span = target.range;
      if (span && span[0] <= at && at < span[2]) {
        problems.push({ offset: at, fatal: true, message: `the alias *${node.source} is inside the node it names (&${node.source}): it would repeat forever` });
        return problems;
      }
      const size = sizes.of(target);
      added.nodes += size.nodes;
      added.text += size.text;
      if (added.nodes > MAX_ALIAS_NODES || added.text > MAX_ALIAS_TEXT) {
        const what = added.nodes > MAX_ALIAS_NODES ? `${MAX_ALIAS_NODES} nodes` : `${MAX_ALIAS_TEXT / 1_000_000} MB of text`;
        problems.push({ offset: at, fatal: true, message: `aliases repeat more than ${what} (an alias bomb?): write the repeated part out, or reuse it less` });
        return problems;
      }
      continue;
    }
    if (node.anchor) anchors.set(node.anchor, node);
    if (isMap(node)) duplicateKeys(node.items as unknown[], counter, problems);
    const children = childrenOf(node);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return problems;
}

function duplicateKeys(pairs: unknown[], counter: LineCounter, problems: ShapeProblem[]): void {
  const seen = new Map<string, Node>();
  for (const pair of pairs) {
    if (!isPair(pair) || !isScalar(pair.key)) continue;
    const key = String(pair.key.value);
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, pair.key);
      continue;
    }
    const line = counter.linePos(first.range?.[0] ?? 0).line;
    problems.push({ offset: pair.key.range?.[0] ?? 0, fatal: false, message: `duplicate key "${key}" (first at line ${line})` });
  }
}

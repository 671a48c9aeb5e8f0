import { SyntaxNode } from './syntaxNode';
import { lineStartAt } from './lineIndex';

/**
 * Recovers calls that tree-sitter's error recovery leaves as loose tokens. While someone types
 * `subprocess.call(cmd, shell=True` the parenthesis is not closed yet, and the parser returns an ERROR node
 * holding `subprocess.call`, `(`, the arguments and, often, the next lines. Rules look for `call` nodes, so
 * without this step they would go blind exactly while the user types.
 *
 * Inside ERROR nodes, a callee expression followed by `(` becomes a `call` whose arguments run to the matching
 * `)` or, failing that, up to the first sibling that starts a new statement (a later line indented no deeper than
 * the call's own line).
 */
const CALLEES = new Set(['identifier', 'attribute', 'call', 'subscript']);

/** Recovers the calls inside a tree's ERROR nodes, given in pre-order (`copyTree` collects them as it makes them). */
export function recoverCalls(errors: readonly SyntaxNode[]): void {
  for (const error of errors) recoverIn(error);
}

function recoverIn(error: SyntaxNode): void {
  const children = error.children;
  const rebuilt: SyntaxNode[] = [];
  let i = 0;
  while (i < children.length) {
    const callee = children[i]!;
    const open = children[i + 1];
    if (!CALLEES.has(callee.type) || !open || open.isNamed || open.type !== '(' || open.start !== callee.end) {
      rebuilt.push(callee);
      i++;
      continue;
    }
    const indent = lineIndent(callee.source, callee.start);
    let j = i + 2;
    const args: SyntaxNode[] = [];
    let close: SyntaxNode | undefined;
    for (; j < children.length; j++) {
      const next = children[j]!;
      if (!next.isNamed && next.type === ')') {
        close = next;
        j++;
        break;
      }
      if (startsNewStatement(callee, next, indent)) break;
      args.push(next.type === 'ERROR' && next.namedChildren.length === 1 && next.children.length === 1 ? next.children[0]! : next);
    }
    const last = close ?? args[args.length - 1] ?? open;
    const call = new SyntaxNode(callee.frame, 'call', callee.start, last.end, callee.field, true, false);
    const list = new SyntaxNode(callee.frame, 'argument_list', open.start, last.end, 'arguments', true, false);
    adopt(call, [withField(callee, 'function'), list]);
    adopt(list, [open, ...args, ...(close ? [close] : [])]);
    call.parent = error;
    rebuilt.push(call);
    i = j;
  }
  // Not `splice(..., ...rebuilt)`: spreading a 100,000-element list as arguments overflows the stack.
  error.children.length = 0;
  for (const node of rebuilt) error.children.push(node);
  error.childrenChanged();
}

function adopt(parent: SyntaxNode, children: SyntaxNode[]): void {
  for (const child of children) {
    child.parent = parent;
    parent.children.push(child);
  }
  parent.childrenChanged();
}

/** A copy of `node` (same children) that fills `field` in its new parent. */
function withField(node: SyntaxNode, field: string): SyntaxNode {
  if (node.field === field) return node;
  const copy = new SyntaxNode(node.frame, node.type, node.start, node.end, field, node.isNamed, node.isMissing);
  for (const child of node.children) {
    child.parent = copy;
    copy.children.push(child);
  }
  return copy;
}

function lineStart(source: string, offset: number): number {
  return lineStartAt(source, offset);
}

function lineIndent(source: string, offset: number): number {
  const start = lineStart(source, offset);
  let column = 0;
  while (start + column < offset && (source[start + column] === ' ' || source[start + column] === '\t')) column++;
  return column;
}

function startsNewStatement(callee: SyntaxNode, next: SyntaxNode, indent: number): boolean {
  const start = lineStart(next.source, next.start);
  if (start <= callee.start) return false; // same line as the call
  const column = next.start - start;
  return column <= indent && next.source.slice(start, next.start).trim() === '';
}

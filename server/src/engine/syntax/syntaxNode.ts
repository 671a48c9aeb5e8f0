import type { Tree as TsTree, TreeCursor } from 'web-tree-sitter';
import { recoverCalls } from './recovery';

/**
 * An immutable JavaScript copy of a tree-sitter syntax tree.
 *
 * Why a copy: tree-sitter nodes live in WASM memory and die with their tree; a rule that kept one after the
 * tree was deleted would read freed memory. The copy is made once per parse with a single cursor walk, is
 * plain data (safe to cache, cheap to traverse) and keeps the engine's rules free of parser lifetimes.
 *
 * Offsets are UTF-16 code units into the source text, like LSP positions and JavaScript strings.
 */
export class SyntaxNode {
  readonly children: SyntaxNode[] = [];
  parent: SyntaxNode | null = null;

  constructor(
    readonly source: string,
    readonly type: string,
    readonly start: number,
    readonly end: number,
    /** The grammar field this node fills in its parent (`function`, `arguments`, `left`…), if any. */
    readonly field: string | null,
    readonly isNamed: boolean,
    /** A token the parser invented to recover from an error (e.g. a missing `)`). */
    readonly isMissing: boolean,
  ) {}

  get text(): string {
    return this.source.slice(this.start, this.end);
  }

  get isError(): boolean {
    return this.type === 'ERROR';
  }

  get namedChildren(): SyntaxNode[] {
    return this.children.filter((child) => child.isNamed && child.type !== 'comment');
  }

  /** The first child filling `field`. */
  child(field: string): SyntaxNode | null {
    for (const child of this.children) if (child.field === field) return child;
    return null;
  }

  childrenOf(field: string): SyntaxNode[] {
    return this.children.filter((child) => child.field === field);
  }

  firstNamedChild(type?: string): SyntaxNode | null {
    for (const child of this.children) {
      if (child.isNamed && child.type !== 'comment' && (type === undefined || child.type === type)) return child;
    }
    return null;
  }

  /** Whether an anonymous token with this text (an operator or keyword) is a direct child. */
  hasToken(token: string): boolean {
    return this.children.some((child) => !child.isNamed && child.type === token);
  }

  /** The nearest ancestor (not this node) whose type is one of `types`. */
  ancestor(...types: string[]): SyntaxNode | null {
    for (let node = this.parent; node; node = node.parent) if (types.includes(node.type)) return node;
    return null;
  }

  contains(other: SyntaxNode): boolean {
    return this.start <= other.start && other.end <= this.end;
  }

  /** Depth-first pre-order walk; `visit` returns false to skip a node's children. */
  walk(visit: (node: SyntaxNode) => boolean | void): void {
    const stack: SyntaxNode[] = [this];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (visit(node) === false) continue;
      for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
    }
  }

  descendantsOfType(...types: string[]): SyntaxNode[] {
    const found: SyntaxNode[] = [];
    this.walk((node) => {
      if (node !== this && types.includes(node.type)) found.push(node);
    });
    return found;
  }
}

export interface SyntaxTree {
  readonly root: SyntaxNode;
  /** All comments in source order, including those inside error regions. */
  readonly comments: SyntaxNode[];
  /** Whether the parser had to recover from at least one syntax error. */
  readonly hasErrors: boolean;
}

/** Copies a tree-sitter tree into `SyntaxNode`s with one cursor walk (no recursion: deep nesting is fine). */
export function copyTree(tree: TsTree, source: string): SyntaxTree {
  const cursor: TreeCursor = tree.walk();
  const comments: SyntaxNode[] = [];
  let hasErrors = false;
  const makeNode = (): SyntaxNode => {
    const type = cursor.nodeType;
    const node = new SyntaxNode(
      source,
      type,
      cursor.startIndex,
      cursor.endIndex,
      cursor.currentFieldName,
      cursor.nodeIsNamed,
      cursor.nodeIsMissing,
    );
    if (type === 'comment') comments.push(node);
    else if (type === 'ERROR' || node.isMissing) hasErrors = true;
    return node;
  };
  try {
    const root = makeNode();
    let current = root;
    for (;;) {
      if (cursor.gotoFirstChild()) {
        const child = makeNode();
        child.parent = current;
        current.children.push(child);
        current = child;
        continue;
      }
      for (;;) {
        if (current === root) {
          if (hasErrors) recoverCalls(root);
          return { root, comments, hasErrors };
        }
        if (cursor.gotoNextSibling()) {
          const sibling = makeNode();
          sibling.parent = current.parent;
          current.parent!.children.push(sibling);
          current = sibling;
          break;
        }
        cursor.gotoParent();
        current = current.parent!;
      }
    }
  } finally {
    cursor.delete();
  }
}

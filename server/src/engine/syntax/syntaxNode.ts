import type { Language, Tree as TsTree } from 'web-tree-sitter';
import { walkTree } from './cursor';
import { indentationStart } from './lineIndex';
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
const NAMED = 1;
const MISSING = 2;
const HAS_ERROR = 4;

/**
 * The text the nodes of one tree read, one object shared by all of them. An incremental copy (`copyTree` with a
 * previous copy) gives its tree the previous tree's holder with the new text: every reused node then reads the new
 * text without being visited. Nodes of the previous copy that were not reused read the new text too: a previous copy
 * is consumed by the next one and must not be read after it (see `copyTree`).
 */
export class SourceText {
  constructor(public text: string) {}
}

/**
 * A copy of `text` that does not keep alive the string it was cut from. V8 makes a long `slice` a view of the whole
 * string: a piece of a document kept by a cache across edits (a unit's own text, a definition's header) would
 * otherwise hold every old version of the document. Joining with one character and cutting it off again makes V8
 * flatten the text into a string of its own.
 */
export function detachedText(text: string): string {
  return text.length < 13 ? text : (text + ' ').slice(0, -1);
}

/**
 * Remembers a value computed from a definition's text across edits. tree-sitter rebuilds most `def` and `class` nodes
 * around an edit while reusing their bodies, and a copy it reused keeps its identity (`copyTree`): so the key is the
 * body, and the text before it (decorators, name, parameters) is compared as text; the same body and header are the
 * same text. The root (the module, whatever its type) is its own key.
 */
export class DefinitionMemo<T extends NonNullable<unknown>> {
  private readonly known = new WeakMap<SyntaxNode, { readonly header: string; readonly value: T }>();
  /**
   * By the definition's copy itself: a copy is only ever moved to another tree with the same text (`copyTree`), so a
   * copy seen before needs no header compared (most definitions of a keystroke's tree are such copies).
   */
  private readonly byCopy = new WeakMap<SyntaxNode, T>();

  /** The value for a definition (or the root: the module), computed when neither its copy nor its text was seen. */
  get(node: SyntaxNode, compute: () => T): T {
    const seen = this.byCopy.get(node);
    if (seen !== undefined) return seen;
    const body = node.parent === null ? null : node.child('body');
    const header = body ? node.source.slice(node.start, body.start) : '';
    const key = body ?? node;
    const known = this.known.get(key);
    const value = known && known.header === header ? known.value : compute();
    if (known?.value !== value) this.known.set(key, { header: detachedText(header), value });
    this.byCopy.set(node, value);
    return value;
  }
}

/**
 * Where a group of nodes is: their offsets are stored relative to the frame, which moves them all at once. `copyTree`
 * gives each reusable copy (`ReuseEntry`) a frame of its own for the nodes it makes inside it, up to the reusable
 * copies inside it (which have theirs); every other node shares the tree's base frame, which never moves. Reusing a
 * copy after an edit moves its frames (one per reusable copy inside it), not its nodes: a keystroke costs the number
 * of reused statements after the edit, not the number of their nodes.
 */
export class Frame {
  constructor(
    readonly source: SourceText,
    /** UTF-16 units added to the stored offsets of the frame's nodes. */
    public delta = 0,
  ) {}
}

export class SyntaxNode {
  /**
   * The children in source order. Leaves made by `copyTree` share one frozen empty array (most nodes are tokens,
   * and an array each would be a third of a copy's memory): `copyTree` gives a node its own array with its first
   * child; nodes made with `new SyntaxNode` get their own array.
   */
  readonly children: SyntaxNode[];
  parent: SyntaxNode | null = null;
  /**
   * tree-sitter's id of the subtree this node was copied from, always its id in the tree the copy mirrors (0 for nodes
   * Vigil made and in one-shot copies): the next incremental parse shares unchanged subtrees with the same id, and
   * `copyTree` reuses their copies and skips them when it compares shapes.
   */
  tsId = 0;
  /** `isNamed`, `isMissing` and `hasError`, one bit each: one field instead of three, on every node. */
  private flags: number;

  /** The offsets relative to `frame` (see `start`, `end`). */
  private readonly relativeStart: number;
  private readonly relativeEnd: number;

  constructor(
    /**
     * Where the node is: the whole text of the file, shared by the tree's nodes (a reused copy gets the new text
     * with its tree), and the shift of the node's group (see `Frame`).
     */
    readonly frame: Frame,
    readonly type: string,
    /** UTF-16 offsets into `source`, as they are now (stored relative to `frame`). */
    start: number,
    end: number,
    /** The grammar field this node fills in its parent (`function`, `arguments`, `left`…), if any. */
    readonly field: string | null,
    isNamed: boolean,
    /** A token the parser invented to recover from an error (e.g. a missing `)`). */
    isMissing: boolean,
    children?: SyntaxNode[],
  ) {
    this.children = children ?? [];
    this.flags = (isNamed ? NAMED : 0) | (isMissing ? MISSING : 0);
    this.relativeStart = start - frame.delta;
    this.relativeEnd = end - frame.delta;
  }

  /** UTF-16 offset of the node's first character in `source` (a reused copy is where its subtree now is). */
  get start(): number {
    return this.relativeStart + this.frame.delta;
  }

  /** UTF-16 offset just past the node's last character in `source`. */
  get end(): number {
    return this.relativeEnd + this.frame.delta;
  }

  /** The whole text of the file. */
  get source(): string {
    return this.frame.source.text;
  }

  get isNamed(): boolean {
    return (this.flags & NAMED) !== 0;
  }

  /** A token the parser invented to recover from an error (e.g. a missing `)`). */
  get isMissing(): boolean {
    return (this.flags & MISSING) !== 0;
  }

  /** Whether this node or a descendant is an ERROR or MISSING node (set when the copy is complete). */
  get hasError(): boolean {
    return (this.flags & HAS_ERROR) !== 0;
  }

  set hasError(value: boolean) {
    this.flags = value ? this.flags | HAS_ERROR : this.flags & ~HAS_ERROR;
  }

  get text(): string {
    return this.source.slice(this.start, this.end);
  }

  get isError(): boolean {
    return this.type === 'ERROR';
  }

  private named: readonly SyntaxNode[] | undefined;

  /**
   * The named children, comments left out. Computed once (rules ask again and again); shared, so read-only: call
   * recovery, the one place that rewrites children, calls `childrenChanged()`. When every child is named and no
   * comment, it is `children` itself (read-only through this type), and no array is made.
   */
  get namedChildren(): readonly SyntaxNode[] {
    return (this.named ??= namedOf(this.children));
  }

  /** Forgets `namedChildren` after `children` was rewritten. */
  childrenChanged(): void {
    this.named = undefined;
  }

  /** The first child filling `field`. */
  child(field: string): SyntaxNode | null {
    // Indexed loops in these hot helpers: `for…of` allocates an iterator whenever V8 has not optimised the caller.
    const children = this.children;
    for (let i = 0; i < children.length; i++) if (children[i]!.field === field) return children[i]!;
    return null;
  }

  childrenOf(field: string): SyntaxNode[] {
    return this.children.filter((child) => child.field === field);
  }

  firstNamedChild(type?: string): SyntaxNode | null {
    const children = this.children;
    for (let i = 0; i < children.length; i++) {
      const child = children[i]!;
      if (child.isNamed && child.type !== 'comment' && (type === undefined || child.type === type)) return child;
    }
    return null;
  }

  /** Whether an anonymous token with this text (an operator or keyword) is a direct child. */
  hasToken(token: string): boolean {
    const children = this.children;
    for (let i = 0; i < children.length; i++) if (!children[i]!.isNamed && children[i]!.type === token) return true;
    return false;
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

/** One frozen empty list, shared by every empty list the copy keeps (a leaf's children, an entry's comments). */
const NONE: never[] = Object.freeze([]) as unknown as never[];

/** The children of every leaf `copyTree` makes (frozen: nothing may add to it; see `SyntaxNode.children`). */
const NO_CHILDREN: SyntaxNode[] = NONE;

function namedOf(children: readonly SyntaxNode[]): readonly SyntaxNode[] {
  for (let i = 0; i < children.length; i++) {
    const child = children[i]!;
    if (!child.isNamed || child.type === 'comment') {
      return Object.freeze(children.filter((child) => child.isNamed && child.type !== 'comment'));
    }
  }
  return children;
}

/** Adds a child during `copyTree`: a leaf's shared empty array is replaced by the node's own. */
function addChild(parent: SyntaxNode, child: SyntaxNode): void {
  if (parent.children === NO_CHILDREN) (parent as { children: SyntaxNode[] }).children = [child];
  else parent.children.push(child);
}

export interface SyntaxTree {
  readonly root: SyntaxNode;
  /** All comments in source order, including those inside error regions. */
  readonly comments: SyntaxNode[];
  /** Whether the parser had to recover from at least one syntax error. */
  readonly hasErrors: boolean;
  /**
   * The copies the next `copyTree` may reuse: error-free subtrees with children, by tree-sitter id. Only valid
   * for the tree that is parsed next from this one's tree-sitter tree (while that tree is alive, no new subtree can
   * take one of these ids).
   */
  readonly reusable: ReuseIndex;
}

/**
 * The reusable copies of the trees of one document, by tree-sitter id: one map handed from each copy to the next, so
 * a keystroke neither rebuilds it nor visits the copies it reuses (both were a tenth of a keystroke). An entry is live
 * when its copy is in the index's current tree (its ancestors lead to that tree's root); the others are left-overs of
 * subtrees an edit replaced (their ids may since name other subtrees), never reused, and dropped when they outnumber
 * the live ones.
 */
export class ReuseIndex {
  readonly entries = new Map<number, ReuseEntry>();
  /** The root of the tree whose copies are live; undefined while there is none. */
  root: SyntaxNode | undefined;
  /** How many entries are live. */
  live = 0;
  /** Copies handed over since left-overs were last dropped. */
  sinceDrop = 0;

  /** The live entry for a tree-sitter subtree id, if any. */
  get(id: number): ReuseEntry | undefined {
    const entry = this.entries.get(id);
    return entry !== undefined && rootOf(entry.node) === this.root ? entry : undefined;
  }
}

/** The root of the tree `node` is in (itself for a root): a copy's node is in the current tree when this is its root. */
export function rootOf(node: SyntaxNode): SyntaxNode {
  let root = node;
  while (root.parent !== null) root = root.parent;
  return root;
}

/**
 * A copy the next `copyTree` may reuse, with what moving it must hand to the new tree without walking it: every
 * comment inside it (in source order) and the nearest reusable copies inside it (which hold theirs).
 */
export interface ReuseEntry {
  readonly node: SyntaxNode;
  readonly comments: readonly SyntaxNode[];
  readonly inner: readonly ReuseEntry[];
  /** How many entries it makes live when it is reused: itself and those inside it. */
  readonly size: number;
}

/** A reusable copy being made: what its entry will hold. */
interface OpenEntry {
  /** The copy; its frame is the frame of the nodes made inside it. */
  readonly node: SyntaxNode;
  comments: SyntaxNode[];
  inner: ReuseEntry[];
  size: number;
}

/** The fields `copyTree` sets after making a node; nothing else writes them. */
type Movable = { -readonly [K in 'frame' | 'field']: SyntaxNode[K] };

/**
 * Copies a tree-sitter tree into `SyntaxNode`s with one cursor walk (no recursion: deep nesting is fine).
 *
 * With `previous` (the copy of the tree this one was incrementally parsed from), every subtree tree-sitter reused
 * unchanged (same id, same length) is not copied again from WASM: its old copy is moved to its new offsets in
 * JavaScript (nodes before the edit are not even visited: the text is shared, `SourceText`, and the comments and
 * reusable copies inside are listed in its `ReuseEntry`), which is an order of magnitude cheaper than reading it
 * through the cursor. Subtrees with syntax errors are always copied afresh (call recovery rewrites them). The old
 * copy is consumed: its reused nodes now belong to the new tree, and it must not be read any more.
 *
 * `reuse: false` (a one-shot parse, whose tree is never parsed again) skips recording what the next copy could reuse.
 * `change` (where the text differs from the previous copy's) lets it also take over the copies of module-level
 * statements tree-sitter rebuilt although their text did not change (see `rebuiltInBlock`).
 */
export function copyTree(tree: TsTree, source: string, previous?: SyntaxTree, reuse = true, change?: TextChange): SyntaxTree {
  const comments: SyntaxNode[] = [];
  // The previous copy's index becomes this one's: its live entries are the candidates. Once this copy takes one, its
  // ancestors lead to this copy's root, and it cannot be taken twice.
  const reusable = previous?.reusable ?? new ReuseIndex();
  const candidates = previous !== undefined && reusable.root !== undefined ? reusable : undefined;
  const text = previous ? previous.root.frame.source : new SourceText(source);
  /** The text the previous copy's offsets are in, until its copies are moved. */
  const before = text.text;
  text.text = source;
  /** The frame of nodes outside every reusable copy: it never moves. */
  const base = new Frame(text);
  /** The ERROR nodes made, in pre-order: where call recovery looks (a reused copy holds none). */
  const errors: SyntaxNode[] = [];
  /** The reusable copies being made, innermost last. */
  const open: OpenEntry[] = [];
  let hasErrors = false;
  /** The entries of this copy's tree: those it made, and those inside the copies it took over. */
  let taken = 0;
  /** The node made last, if it is a reused copy (the walk does not descend into it). */
  let reused = false;
  // Every cursor getter is a call into WASM: read per node only what cannot be known from its type (its type id,
  // offsets, field, and its id when the next copy may compare it: `sameShape` skips what tree-sitter reused), and look
  // up the rest by type in JavaScript. A node is named when its type is (tree-sitter reads the same symbol metadata);
  // MISSING nodes exist only in trees with errors.
  const language = tree.language;
  const { types, fields } = language;
  const named = namedTypes(language);
  const isNamedType = (typeId: number): boolean => (named[typeId] ??= language.nodeTypeIsNamed(typeId));
  const mayHaveMissing = tree.rootNode.hasError;
  // After every other call into the runtime: a walk keeps its cursor in the runtime's transfer buffer (`walkTree`).
  const cursor = walkTree(tree);
  /** The previous copy's statements around the change, by their offsets in the previous text, read before any moves. */
  const around = candidates && change ? statementsAround(candidates.root!, change) : undefined;
  /** A reusable copy (moved or just made) is inside the innermost one being made: list it and its comments there. */
  const addToOuter = (entry: ReuseEntry): void => {
    const outer = open[open.length - 1];
    if (!outer) return;
    outer.inner.push(entry);
    outer.size += entry.size;
    appendAll(outer.comments, entry.comments);
  };

  const makeNode = (parent: SyntaxNode | null): SyntaxNode => {
    const typeId = cursor.typeId();
    const type = types[typeId] || 'ERROR';
    const rootType = mayBeReuseRoot(type);
    const id = reuse ? cursor.nodeId() : 0;
    const start = cursor.start();
    const end = cursor.end();
    const old = rootType && id !== 0 ? candidates?.get(id) : undefined;
    let entry = old && old.node.end - old.node.start === end - start ? old : undefined;
    if (!entry && rootType && id !== 0 && candidates) {
      if (REBUILT_AROUND_BODY.has(type)) entry = rebuiltAroundBody(start, end);
      if (!entry && around && parent !== null && holdsStatements(parent)) entry = rebuiltInBlock(type, start, end);
    }
    if (entry) {
      move(entry, start - entry.node.start, fields[cursor.fieldId()] ?? null, comments);
      taken += entry.size;
      addToOuter(entry);
      reused = true;
      return entry.node;
    }
    reused = false;
    const isNamed = isNamedType(typeId);
    const opensEntry = rootType && reuse;
    const node = new SyntaxNode(
      // Every frame in use here is new, with no shift: offsets are stored as they are.
      opensEntry ? new Frame(text) : open.length > 0 ? open[open.length - 1]!.node.frame : base,
      type,
      start,
      end,
      fields[cursor.fieldId()] ?? null,
      isNamed,
      mayHaveMissing && cursor.isMissing(),
      // ERROR nodes keep arrays of their own: call recovery rewrites their children in place.
      type === 'ERROR' ? [] : NO_CHILDREN,
    );
    node.tsId = id;
    if (type === 'comment') {
      comments.push(node);
      open[open.length - 1]?.comments.push(node);
    } else if (type === 'ERROR' || node.isMissing) {
      hasErrors = node.hasError = true;
      if (type === 'ERROR') errors.push(node);
    }
    if (opensEntry) open.push({ node, comments: [], inner: [], size: 1 });
    return node;
  };
  /**
   * The copy of a definition tree-sitter rebuilt around a body it reused (a new id, so not found by it): the previous
   * copy whose body is that body, when its text before the body is the same. Taken over under the new id, as if
   * tree-sitter had reused it. The cursor is on the definition and stays there.
   */
  const rebuiltAroundBody = (start: number, end: number): ReuseEntry | undefined => {
    if (!cursor.gotoLastChild()) return undefined;
    const bodyId = cursor.nodeId();
    const bodyStart = cursor.start();
    const bodyEnd = cursor.end();
    cursor.gotoParent();
    const bodyEntry = candidates!.get(bodyId);
    const body = bodyEntry?.node;
    const definition = body?.parent;
    if (!body || !definition || body.end - body.start !== bodyEnd - bodyStart || definition.children.at(-1) !== body) return undefined;
    if (definition.end - definition.start !== end - start || body.start - definition.start !== bodyStart - start) return undefined;
    const entry = reusable.entries.get(definition.tsId);
    if (entry?.node !== definition || !sameText(before, definition.start, source, start, bodyStart - start)) return undefined;
    if (mayHaveMissing && cursor.hasError()) return undefined;
    // The header's shape too (its body, reused, is not walked).
    if (!sameShape(definition)) return undefined;
    commitIds();
    return entry;
  };
  /**
   * The copy of a statement tree-sitter rebuilt although the edit did not touch it: of the module, or of a block that
   * holds the change (it rebuilds the upper levels of many of the module's expression statements on every keystroke, and
   * after the first edits of a freshly parsed file most methods of the edited class, bodies included, which
   * `rebuiltAroundBody` cannot find). Found as the previous copy's statement at the same place in the previous text
   * (`statementsAround`), when it has the same type and text, both are preceded on their line by the same indentation
   * only, the new one holds no error, and it has the copy's shape (`sameShape`: the same text can parse differently).
   * Its inner blocks' indentation is relative to its first line, and its extent, which the lines after it decide, is
   * compared. Taken over under the new id. The cursor is on the statement and stays there.
   */
  const rebuiltInBlock = (type: string, start: number, end: number): ReuseEntry | undefined => {
    const { start: changeStart, oldEnd, newEnd } = change!;
    let oldStart: number;
    if (end < changeStart) oldStart = start;
    else if (start > newEnd) oldStart = start - (newEnd - oldEnd);
    else return undefined;
    const statement = around!.get(oldStart);
    if (statement?.type !== type || statement.end - statement.start !== end - start) return undefined;
    const entry = candidates!.get(statement.tsId);
    if (entry?.node !== statement) return undefined;
    const lineStart = indentationStart(source, start);
    if (lineStart < 0 || indentationStart(before, oldStart) !== oldStart - (start - lineStart)) return undefined;
    // Before the change both texts are the same; after it, compare the statement and its indentation.
    if (end >= changeStart && !sameText(before, oldStart - (start - lineStart), source, lineStart, end - lineStart)) return undefined;
    if (mayHaveMissing && cursor.hasError()) return undefined;
    if (!sameShape(statement)) return undefined;
    commitIds();
    return entry;
  };
  /** The copy's nodes `sameShape` walked and their ids in the new tree, for `commitIds`. */
  const walked: SyntaxNode[] = [];
  const walkedIds: number[] = [];
  /**
   * Whether the subtree under the cursor has the shape of `copy`: the same nodes (type, whether named, field below the
   * root) in the same places. The cursor ends where it began. The same text does not always parse the same: tree-sitter
   * resolves the grammar's expression/pattern ambiguities by what it rebuilt and what it reused (`a = b, c` gets an
   * `expression_list` or a `pattern_list`), so a copy is taken over by its text only when its shape matches. The walk
   * makes no nodes, and it does not enter a subtree tree-sitter reused inside the rebuilt one (the copy's id, the same
   * length: the subtree the copy was made from), which is most of it: tree-sitter rebuilds the statement's upper
   * levels, around the reused expressions. It records the new ids of the nodes it walked; `commitIds` gives them to the
   * copy once it is taken over, so every id in a copy is one of the tree it mirrors (the next walk's skips rely on it).
   */
  const sameShape = (copy: SyntaxNode): boolean => {
    walked.length = 0;
    walkedIds.length = 0;
    const parents: SyntaxNode[] = [];
    const indices: number[] = [];
    let node = copy;
    let same = false;
    walk: for (;;) {
      const typeId = cursor.typeId();
      if ((types[typeId] || 'ERROR') !== node.type || isNamedType(typeId) !== node.isNamed) break;
      if (parents.length > 0 && (fields[cursor.fieldId()] ?? null) !== node.field) break;
      const id = cursor.nodeId();
      const children = node.children;
      if (id !== node.tsId || cursor.end() - cursor.start() !== node.end - node.start) {
        walked.push(node);
        walkedIds.push(id);
        if (cursor.gotoFirstChild()) {
          parents.push(node);
          indices.push(0);
          if (children.length === 0) break;
          node = children[0]!;
          continue;
        }
        if (children.length > 0) break;
      }
      for (;;) {
        const parent = parents[parents.length - 1];
        if (parent === undefined) {
          same = true;
          break walk;
        }
        const index = indices[indices.length - 1]! + 1;
        if (cursor.gotoNextSibling()) {
          if (index >= parent.children.length) break walk;
          indices[indices.length - 1] = index;
          node = parent.children[index]!;
          continue walk;
        }
        if (index < parent.children.length) break walk;
        parents.pop();
        indices.pop();
        cursor.gotoParent();
        node = parent;
      }
    }
    for (let i = 0; i < parents.length; i++) cursor.gotoParent();
    return same;
  };
  /**
   * Gives the nodes of a copy taken over (`sameShape` matched) their ids in the new tree, and re-keys the reusable
   * copies among them, so the index finds them by id from now on (tree-sitter tends to reuse a definition's body next
   * time while rebuilding its header again). Two live copies cannot share an id (it names one subtree of a live
   * tree); should one already hold it, this node gets none and is left out of the index.
   */
  const commitIds = (): void => {
    const { entries } = reusable;
    for (let i = 0; i < walked.length; i++) {
      const node = walked[i]!;
      const id = walkedIds[i]!;
      const entry = node.tsId === 0 ? undefined : entries.get(node.tsId);
      if (entry?.node === node) {
        entries.delete(node.tsId);
        if (reusable.get(id) === undefined) entries.set(id, entry);
        else {
          node.tsId = 0;
          continue;
        }
      }
      node.tsId = id;
    }
  };
  /** A node's subtree is complete: note whether it holds an error, and offer it for reuse if it does not. */
  const close = (node: SyntaxNode): void => {
    if (reused) return; // a moved copy, taken by `move` (closed right after `makeNode` moved it, `reused` still set)
    // Pushing grew the array's store by half plus 16 slots at a time; the copy keeps one of the exact size.
    if (node.children.length > 1) (node as { children: SyntaxNode[] }).children = node.children.slice();
    if (!node.hasError) {
      const children = node.children;
      for (let i = 0; i < children.length; i++) {
        if (children[i]!.hasError) {
          node.hasError = true;
          break;
        }
      }
    }
    if (open.length === 0 || open[open.length - 1]!.node !== node) return;
    const made = open.pop()!;
    // An error: not reusable, and neither is any copy around it (an error is in it too).
    if (node.hasError) return;
    if (node.children.length === 0) {
      // Not reusable, but a copy around it may be: it joins that copy's frame, to move with it (both have no shift).
      (node as Movable).frame = open.length > 0 ? open[open.length - 1]!.node.frame : base;
      return;
    }
    const entry: ReuseEntry = {
      node,
      comments: made.comments.length > 0 ? made.comments : NONE,
      inner: made.inner.length > 0 ? made.inner : NONE,
      size: made.size,
    };
    reusable.entries.set(node.tsId, entry);
    taken++;
    addToOuter(entry);
  };
  try {
    const root = makeNode(null);
    let current = root;
    for (;;) {
      if (!reused && cursor.gotoFirstChild()) {
        const child = makeNode(current);
        child.parent = current;
        addChild(current, child);
        current = child;
        continue;
      }
      for (;;) {
        close(current);
        if (current === root) {
          if (errors.length > 0) recoverCalls(errors);
          handOver(reusable, root, taken);
          return { root, comments, hasErrors, reusable };
        }
        if (cursor.gotoNextSibling()) {
          const sibling = makeNode(current.parent);
          sibling.parent = current.parent;
          addChild(current.parent!, sibling);
          current = sibling;
          break;
        }
        reused = false;
        cursor.gotoParent();
        current = current.parent!;
      }
    }
  } finally {
    cursor.delete();
  }
}

/**
 * Definitions tree-sitter rebuilds after an edit while reusing their bodies (most `def` and `class` nodes of the
 * edited class or module, each time): their copies are found by their body (see `copyTree`).
 */
const REBUILT_AROUND_BODY: ReadonlySet<string> = new Set(['function_definition', 'class_definition']);

/**
 * Where the text of one document changed between two copies of its tree: `[start, oldEnd)` of the previous text
 * became `[start, newEnd)` of the new one (UTF-16 offsets; one range covering every edit in between).
 */
export interface TextChange {
  readonly start: number;
  readonly oldEnd: number;
  readonly newEnd: number;
}

/** Whether a node's children are statements: the root's (the module's) and a block's. */
function holdsStatements(node: SyntaxNode): boolean {
  return node.parent === null || node.type === 'block';
}

/**
 * The statements of a copy that tree-sitter may rebuild around `change` although their text did not change: the
 * children of its root and of every block that holds or touches the change (in the previous text), by their start
 * offsets. Read before the copy's nodes move. Each level is one line of the path down to the change: a few hundred
 * nodes at most for a large class, not the file.
 */
function statementsAround(root: SyntaxNode, change: TextChange): Map<number, SyntaxNode> {
  const byStart = new Map<number, SyntaxNode>();
  const pending = [root];
  while (pending.length > 0) {
    const node = pending.pop()!;
    const listed = holdsStatements(node);
    for (const child of node.children) {
      if (listed) byStart.set(child.start, child);
      if (child.start <= change.oldEnd && child.end >= change.start && child.children.length > 0) pending.push(child);
    }
  }
  return byStart;
}

/** Whether `a` from `aStart` and `b` from `bStart` hold the same `length` UTF-16 units (compared in place, no slices). */
function sameText(a: string, aStart: number, b: string, bStart: number, length: number): boolean {
  if (aStart + length > a.length || bStart + length > b.length) return false;
  for (let i = 0; i < length; i++) if (a.charCodeAt(aStart + i) !== b.charCodeAt(bStart + i)) return false;
  return true;
}

const REUSE_ROOT = /(_statement|_definition|_clause)$|^(block|parameters|decorator)$/;
const reuseRoots = new Map<string, boolean>();

/**
 * Whether copies of this type are offered for reuse (when error-free and with children): statements, definitions and
 * blocks, the units tree-sitter reuses whole after an edit. Smaller subtrees are cheaper to copy again than to keep an
 * index of.
 */
function mayBeReuseRoot(type: string): boolean {
  let answer = reuseRoots.get(type);
  if (answer === undefined) reuseRoots.set(type, (answer = REUSE_ROOT.test(type)));
  return answer;
}

/** Whether each type id of a language is named, filled in as types are met (one WASM call per type, not per node). */
const namedByLanguage = new WeakMap<Language, Array<boolean | undefined>>();

function namedTypes(language: Language): Array<boolean | undefined> {
  let named = namedByLanguage.get(language);
  if (!named) namedByLanguage.set(language, (named = []));
  return named;
}

/**
 * Moves a reused copy by `delta` UTF-16 units, gives its root its new field, and hands its comments and the reusable
 * copies inside it to the new tree. Its nodes are not visited: each reusable copy inside it (itself included) has a
 * frame, and moving the frames moves every node (see `Frame`). Its parent links are intact (call recovery re-parents
 * nodes only inside error regions, which are never reused), and its text is the tree's shared `SourceText`.
 */
function move(entry: ReuseEntry, delta: number, field: string | null, comments: SyntaxNode[]): void {
  (entry.node as Movable).field = field;
  appendAll(comments, entry.comments);
  if (delta === 0) return;
  const entries: ReuseEntry[] = [entry];
  while (entries.length > 0) {
    const next = entries.pop()!;
    next.node.frame.delta += delta;
    appendAll(entries, next.inner);
  }
}

/**
 * When an index drops its left-over entries: once there are more than `kept` plus `keptPerLive` per live entry, or
 * once `copies` copies have been handed over since the last drop, whichever comes first.
 */
export const LEFT_OVERS = { kept: 1024, keptPerLive: 0.5, copies: 8 };

/**
 * Makes the copies in the tree of `root` the live ones of the index, `live` of them, and drops the left-overs every
 * few copies (`LEFT_OVERS`). A drop walks the whole index, so it is not done on every keystroke; but each left-over
 * keeps the old tree it came from alive (its ancestors, and their entries' lists of comments and inner copies: ~0.3 MB
 * a version in `_pydecimal.py`), so they are dropped after a few copies even when there are few of them (a keystroke
 * inside a class leaves ~200, one elsewhere ~10).
 */
function handOver(index: ReuseIndex, root: SyntaxNode, live: number): void {
  index.root = root;
  index.live = live;
  const leftOvers = index.entries.size - live;
  if (leftOvers === 0) {
    index.sinceDrop = 0;
    return;
  }
  if (++index.sinceDrop < LEFT_OVERS.copies && leftOvers <= LEFT_OVERS.kept + live * LEFT_OVERS.keptPerLive) return;
  index.sinceDrop = 0;
  for (const [id, entry] of index.entries) if (rootOf(entry.node) !== root) index.entries.delete(id);
}

/** `target.push(...items)` without spreading (a long list would overflow the stack) or an iterator. */
function appendAll<T>(target: T[], items: readonly T[]): void {
  for (let i = 0; i < items.length; i++) target.push(items[i]!);
}

/** The deepest node whose span holds `offset` (an offset at a node's end counts for the node when nothing follows). */
export function nodeAt(root: SyntaxNode, offset: number): SyntaxNode | null {
  if (offset < root.start || offset > root.end) return null;
  let node = root;
  for (;;) {
    const { children } = node;
    let low = 0;
    let high = children.length - 1;
    let found: SyntaxNode | null = null;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const child = children[mid]!;
      if (child.end <= offset) low = mid + 1;
      else if (child.start > offset) high = mid - 1;
      else {
        found = child;
        break;
      }
    }
    if (!found || found.type === 'comment') return node;
    node = found;
  }
}

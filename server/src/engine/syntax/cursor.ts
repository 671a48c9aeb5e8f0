import type { Tree, TreeCursor } from 'web-tree-sitter';

/**
 * A walk over a tree-sitter tree: the cursor operations `copyTree` needs, and nothing else. Offsets are UTF-16 code
 * units (the parser reads the text as UTF-16); ids and type ids are tree-sitter's.
 */
export interface TreeWalk {
  /** The current node's type id (`Language.types` names it). */
  typeId(): number;
  /** The current node's id (the address of its subtree: the same in the next tree when tree-sitter reused it). */
  nodeId(): number;
  start(): number;
  end(): number;
  /** The current node's field id in its parent, 0 for none. */
  fieldId(): number;
  isMissing(): boolean;
  /** Whether the current node holds a syntax error (reads a `Node`, so it costs more than the others). */
  hasError(): boolean;
  gotoFirstChild(): boolean;
  gotoLastChild(): boolean;
  gotoNextSibling(): boolean;
  gotoParent(): boolean;
  /** Frees the cursor's WASM memory. The walk must not be used after. */
  delete(): void;
}

/**
 * The exports of web-tree-sitter's Emscripten module a walk calls directly (web-tree-sitter 0.27.1, pinned). Each
 * `_ts_tree_cursor_*_wasm` function takes the tree's address and reads the cursor from the runtime's transfer buffer;
 * the `goto` ones write the moved cursor back there. `_ts_init` returns the transfer buffer's address.
 */
interface CursorCalls {
  readonly HEAP32: Int32Array;
  _ts_init(): number;
  _ts_tree_cursor_current_node_type_id_wasm(tree: number): number;
  _ts_tree_cursor_current_node_id_wasm(tree: number): number;
  _ts_tree_cursor_start_index_wasm(tree: number): number;
  _ts_tree_cursor_end_index_wasm(tree: number): number;
  _ts_tree_cursor_current_field_id_wasm(tree: number): number;
  _ts_tree_cursor_current_node_is_missing_wasm(tree: number): number;
  _ts_tree_cursor_goto_first_child_wasm(tree: number): number;
  _ts_tree_cursor_goto_last_child_wasm(tree: number): number;
  _ts_tree_cursor_goto_next_sibling_wasm(tree: number): number;
  _ts_tree_cursor_goto_parent_wasm(tree: number): number;
}

const CALLS: ReadonlyArray<keyof CursorCalls> = [
  '_ts_init',
  '_ts_tree_cursor_current_node_type_id_wasm',
  '_ts_tree_cursor_current_node_id_wasm',
  '_ts_tree_cursor_start_index_wasm',
  '_ts_tree_cursor_end_index_wasm',
  '_ts_tree_cursor_current_field_id_wasm',
  '_ts_tree_cursor_current_node_is_missing_wasm',
  '_ts_tree_cursor_goto_first_child_wasm',
  '_ts_tree_cursor_goto_last_child_wasm',
  '_ts_tree_cursor_goto_next_sibling_wasm',
  '_ts_tree_cursor_goto_parent_wasm',
];

let calls: CursorCalls | undefined;
let transferBuffer = 0;
let direct = true;

/**
 * Lets walks call the runtime directly when `module` is web-tree-sitter's initialised Emscripten module (the object
 * given to `Parser.init`, which Emscripten fills with the module's exports) and has every call a walk needs; otherwise
 * (another runtime build, or a module initialised elsewhere) walks use the public `TreeCursor`. Call it once, right
 * after `Parser.init` (it writes the transfer buffer).
 */
export function useRuntime(module: object): void {
  const candidate = module as Partial<Record<keyof CursorCalls, unknown>>;
  if (!(candidate.HEAP32 instanceof Int32Array) || CALLS.some((name) => typeof candidate[name] !== 'function')) return;
  calls = module as CursorCalls;
  transferBuffer = calls._ts_init();
}

/** Whether walks call the runtime directly (`useRuntime` accepted its module, and `setDirectWalks` did not turn them off). */
export function directWalks(): boolean {
  return calls !== undefined && direct;
}

/** Turns direct walks off or back on: for tests that compare the two kinds of walk. */
export function setDirectWalks(on: boolean): void {
  direct = on;
}

/**
 * A walk over `tree` from its root: direct when the runtime allows it (`useRuntime`), else through `TreeCursor`.
 * Between this call and the walk's `delete`, nothing but the walk may call the runtime (no `Node` read, no parse):
 * a direct walk keeps its cursor in the runtime's transfer buffer, which any other call overwrites.
 */
export function walkTree(tree: Tree): TreeWalk {
  return calls && direct ? new DirectWalk(tree, calls) : new CursorWalk(tree.walk());
}

/** The public API: every call copies the cursor's four words into the transfer buffer, and each move copies them back. */
class CursorWalk implements TreeWalk {
  constructor(private readonly cursor: TreeCursor) {}
  typeId(): number {
    return this.cursor.nodeTypeId;
  }
  nodeId(): number {
    return this.cursor.nodeId;
  }
  start(): number {
    return this.cursor.startIndex;
  }
  end(): number {
    return this.cursor.endIndex;
  }
  fieldId(): number {
    return this.cursor.currentFieldId;
  }
  isMissing(): boolean {
    return this.cursor.nodeIsMissing;
  }
  hasError(): boolean {
    return this.cursor.currentNode.hasError;
  }
  gotoFirstChild(): boolean {
    return this.cursor.gotoFirstChild();
  }
  gotoLastChild(): boolean {
    return this.cursor.gotoLastChild();
  }
  gotoNextSibling(): boolean {
    return this.cursor.gotoNextSibling();
  }
  gotoParent(): boolean {
    return this.cursor.gotoParent();
  }
  delete(): void {
    this.cursor.delete();
  }
}

/**
 * The same walk without the copies: the cursor lives in the transfer buffer for the whole walk (a move leaves it
 * there, and a read reads it there), and the `TreeCursor` object is brought up to date only before a public call
 * (`hasError`, `delete`), which writes it back. Two thirds of a copy's time went to those copies (a profile of 300
 * chaos edits of `_pydecimal.py`: 3.3 s of 7.6 s). Safe because a walk is synchronous: nothing else uses the transfer
 * buffer between two of its calls.
 */
class DirectWalk implements TreeWalk {
  private readonly cursor: TreeCursor;
  private readonly tree: number;

  constructor(tree: Tree, private readonly calls: CursorCalls) {
    this.cursor = tree.walk();
    this.tree = (tree as unknown as { 0: number })[0];
    this.load();
  }

  /** Writes the `TreeCursor`'s words to the transfer buffer (a public read does it). */
  private load(): void {
    void this.cursor.nodeTypeId;
  }

  /** Copies the transfer buffer's words into the `TreeCursor` (the moves changed them; its stack may have moved). */
  private store(): void {
    const heap = this.calls.HEAP32;
    const at = transferBuffer >> 2;
    const words = this.cursor as unknown as Record<number, number>;
    for (let i = 0; i < 4; i++) words[i] = heap[at + i]!;
  }

  typeId(): number {
    return this.calls._ts_tree_cursor_current_node_type_id_wasm(this.tree);
  }
  nodeId(): number {
    return this.calls._ts_tree_cursor_current_node_id_wasm(this.tree);
  }
  start(): number {
    return this.calls._ts_tree_cursor_start_index_wasm(this.tree);
  }
  end(): number {
    return this.calls._ts_tree_cursor_end_index_wasm(this.tree);
  }
  fieldId(): number {
    return this.calls._ts_tree_cursor_current_field_id_wasm(this.tree);
  }
  isMissing(): boolean {
    return this.calls._ts_tree_cursor_current_node_is_missing_wasm(this.tree) === 1;
  }
  hasError(): boolean {
    this.store();
    // `currentNode` leaves a node in the transfer buffer: put the cursor back.
    const hasError = this.cursor.currentNode.hasError;
    this.load();
    return hasError;
  }
  gotoFirstChild(): boolean {
    return this.calls._ts_tree_cursor_goto_first_child_wasm(this.tree) === 1;
  }
  gotoLastChild(): boolean {
    return this.calls._ts_tree_cursor_goto_last_child_wasm(this.tree) === 1;
  }
  gotoNextSibling(): boolean {
    return this.calls._ts_tree_cursor_goto_next_sibling_wasm(this.tree) === 1;
  }
  gotoParent(): boolean {
    return this.calls._ts_tree_cursor_goto_parent_wasm(this.tree) === 1;
  }
  delete(): void {
    this.store();
    this.cursor.delete();
  }
}

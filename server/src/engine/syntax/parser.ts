import { Edit, Language, Parser, type Tree } from 'web-tree-sitter';
import { useRuntime } from './cursor';
import { LineIndex, parserView } from './lineIndex';
import { copyTree, type SyntaxTree, type TextChange } from './syntaxNode';

/**
 * The bytes of the two WebAssembly modules the parser needs. The host (server, CLI, tests) reads them, so the
 * engine itself does no I/O and does not care where it is installed.
 */
export interface GrammarFiles {
  /** `web-tree-sitter.wasm`, the tree-sitter runtime. */
  readonly runtime: Uint8Array;
  /** `tree-sitter-python.wasm`, the Python grammar. */
  readonly python: Uint8Array;
}

/** web-tree-sitter's runtime, loaded once per process: its Emscripten module is a process-wide singleton. */
let runtimeReady: Promise<ParserRuntime> | undefined;

/** The loaded runtime, for hosts that watch its memory (the benchmarks, the fuzz workers). */
export interface ParserRuntime {
  /** The size of the WASM linear memory in bytes (it grows, never shrinks). */
  readonly wasmHeapBytes: () => number;
}

/**
 * Loads web-tree-sitter's runtime from `web-tree-sitter.wasm`'s bytes, once per process (later calls, whatever their
 * bytes, share the first). `PythonParser.load` calls it; a host that times the runtime apart from the grammar may call
 * it first. Rejects when the bytes are no such runtime.
 */
export function loadParserRuntime(runtime: Uint8Array): Promise<ParserRuntime> {
  runtimeReady ??= (async () => {
    // Emscripten makes the options object the module itself, exports and heap views included: tree walks call it
    // directly (`useRuntime`), and its HEAPU8 is kept up to date when memory grows.
    const module: { wasmBinary: Uint8Array; HEAPU8?: Uint8Array } = { wasmBinary: runtime };
    await Parser.init(module as never);
    useRuntime(module);
    return { wasmHeapBytes: () => module.HEAPU8?.buffer.byteLength ?? 0 };
  })();
  return runtimeReady;
}

/** A loaded Python parser. Create one per process with `PythonParser.load` and share it. */
export class PythonParser {
  private constructor(private readonly parser: Parser) {}

  static async load(files: GrammarFiles): Promise<PythonParser> {
    await loadParserRuntime(files.runtime);
    const language = await Language.load(files.python);
    const parser = new Parser();
    parser.setLanguage(language);
    return new PythonParser(parser);
  }

  /**
   * Parses `text`, reusing `oldTree` (already edited to match `text`) when given. Never throws on bad input:
   * syntax errors become ERROR nodes. `hasCarriageReturn: false` (known from a line index) spares a search of the
   * whole text for a `\r` (`parserView`).
   */
  parse(text: string, oldTree?: Tree, hasCarriageReturn?: boolean): Tree {
    const tree = this.parser.parse(hasCarriageReturn === false ? text : parserView(text), oldTree ?? null);
    if (!tree) throw new Error('tree-sitter returned no tree (parser has no language)');
    return tree;
  }

  /** Parses and copies in one step, freeing the WASM tree at once: for one-shot analysis (CLI, tests). */
  parseOnce(text: string): SyntaxTree {
    const tree = this.parse(text);
    try {
      return copyTree(tree, text, undefined, false);
    } finally {
      tree.delete();
    }
  }
}

/**
 * A Python document being edited: its text, its tree-sitter tree (kept for incremental reparsing) and the
 * JavaScript copy of that tree that analysis reads.
 *
 * The WASM tree lives as long as the document; `dispose()` must be called when the document closes, or the
 * WASM heap grows until the module aborts.
 */
export class SourceFile {
  private tree: Tree | undefined;
  private snapshot: SyntaxTree | undefined;
  /**
   * The copy of `tree` before the last edits, which the next copy may reuse, and where the text differs from its text:
   * one range covering every edit since (undefined when none). Dropped with the copy, so the two never disagree.
   */
  private previous: { readonly copy: SyntaxTree; change: TextChange | undefined } | undefined;
  private index: LineIndex | undefined;

  constructor(
    private readonly parser: PythonParser,
    private currentText: string,
  ) {}

  get text(): string {
    return this.currentText;
  }

  get lineIndex(): LineIndex {
    return (this.index ??= new LineIndex(this.currentText));
  }

  /**
   * Whether the tree is (or will be) a fresh parse of the text: true until the first edit, and again after
   * `replaceAll` or `releaseParse`. tree-sitter's incremental reparse of text with syntax errors can recover differently from a fresh
   * parse; the server re-parses such a document from scratch when the user pauses (see `lsp/server.ts`).
   */
  get isFresh(): boolean {
    return this.fresh;
  }
  private fresh = true;

  /** Whether `tree` is the parse of the current text (false after an edit or `replaceAll`, until the next read). */
  private parsed = false;

  /** The syntax tree of the current text; reparses (incrementally, when possible) after edits. */
  get syntax(): SyntaxTree {
    if (!this.snapshot) {
      if (this.tree && this.parsed) {
        // The copy was released (`releaseSyntax`) and the text has not changed since: copy the same tree again.
        this.snapshot = copyTree(this.tree, this.currentText);
        this.previous = { copy: this.snapshot, change: undefined };
        return this.snapshot;
      }
      const next = this.parser.parse(this.currentText, this.tree, this.index?.hasCarriageReturn);
      this.tree?.delete();
      this.tree = next;
      this.parsed = true;
      // Reuse the copies of the subtrees tree-sitter reused; only the previous copy's ids are safe to match (see
      // `SyntaxTree.reusable`), so it is dropped after every parse.
      this.snapshot = copyTree(next, this.currentText, this.previous?.copy, true, this.previous?.change);
      this.previous = { copy: this.snapshot, change: undefined };
    }
    return this.snapshot;
  }

  /** Replaces the UTF-16 range `[start, end)` with `newText`, and tells the old tree so it can be reused. */
  edit(start: number, end: number, newText: string): void {
    const oldText = this.currentText;
    let from = clamp(start, 0, oldText.length);
    const to = clamp(end, from, oldText.length);
    // How the parser reads a `\r` depends on the character after it (`parserView`): an edit right after one
    // re-reads it too.
    if (from > 0 && oldText.charCodeAt(from - 1) === 13) {
      from--;
      newText = '\r' + newText;
    }
    const text = oldText.slice(0, from) + newText + oldText.slice(to);
    if (this.previous) this.previous.change = coverChange(this.previous.change, from, to, newText.length);
    if (this.tree) {
      // Without a `\r` anywhere, tree-sitter's rows are the line index's lines: no scan of the text from its start.
      const lines = this.index !== undefined && !this.index.hasCarriageReturn && !newText.includes('\r') ? this.index : undefined;
      const startPosition = lines ? indexPoint(lines, from) : treeSitterPoint(oldText, from);
      this.tree.edit(
        new Edit({
          startIndex: from,
          oldEndIndex: to,
          newEndIndex: from + newText.length,
          startPosition,
          oldEndPosition: lines ? indexPoint(lines, to) : treeSitterPoint(oldText, to),
          newEndPosition: lines ? pointAfter(startPosition, newText) : treeSitterPoint(text, from + newText.length),
        }),
      );
    }
    this.currentText = text;
    this.snapshot = undefined;
    this.index = this.index && LineIndex.afterEdit(this.index, text, from, to, newText);
    // Without a tree (never parsed, replaced or released), the next parse is from scratch: still fresh.
    if (this.tree) this.fresh = false;
    this.parsed = false;
  }

  /**
   * Drops the JavaScript copy of the tree (and the copy the next parse could reuse), keeping the text and the
   * tree-sitter tree: the next read of `syntax` copies the tree afresh, with nothing reused, so it costs a full copy
   * instead of an incremental one. For documents not edited lately (`lsp/documents.ts`), whose copy is most of
   * what they hold. A copy already handed out stays valid: the caller keeps it alive as long as it reads it.
   */
  releaseSyntax(): void {
    this.snapshot = undefined;
    this.previous = undefined;
  }

  /** Whether the document holds a JavaScript copy of its tree (see `releaseSyntax`). */
  get holdsSyntax(): boolean {
    return this.snapshot !== undefined || this.previous !== undefined;
  }

  /**
   * Drops the tree-sitter tree and the JavaScript copies, keeping the text and line index: the next read of
   * `syntax` parses the text from scratch (~10 ms for 2k lines, against ~1 ms incrementally) and copies it whole.
   * For documents not edited lately (`lsp/documents.ts`): a 2k-line file's tree is ~1 MB of WASM heap, and WASM
   * memory, once grown, is never given back to the system. A copy already handed out stays valid (it holds no WASM
   * memory). The next tree is a fresh parse, so `isFresh` is true until the next edit after it.
   */
  releaseParse(): void {
    this.releaseSyntax();
    if (!this.tree) return;
    this.tree.delete();
    this.tree = undefined;
    this.parsed = false;
    this.fresh = true;
  }

  /** Whether the document holds a tree-sitter tree (see `releaseParse`). */
  get holdsTree(): boolean {
    return this.tree !== undefined;
  }

  /** Replaces the whole text; the next read parses from scratch. */
  replaceAll(text: string): void {
    this.tree?.delete();
    this.tree = undefined;
    // Freed subtrees' ids may be given to new ones: nothing of the old copy may be matched any more.
    this.previous = undefined;
    this.currentText = text;
    this.snapshot = undefined;
    this.index = undefined;
    this.fresh = true;
    this.parsed = false;
  }

  dispose(): void {
    this.tree?.delete();
    this.tree = undefined;
    this.previous = undefined;
    this.snapshot = undefined;
  }
}

/**
 * One range covering `change` (in the current text, or none) and a new edit of it, `[from, to)` replaced by `inserted`
 * characters: its start in both texts, its end in the text of the previous copy and in the text after the edit.
 */
function coverChange(change: TextChange | undefined, from: number, to: number, inserted: number): TextChange {
  if (!change) return { start: from, oldEnd: to, newEnd: from + inserted };
  // Up to the larger end, the current text is covered; past it, offsets differ from the previous text's by a constant.
  const end = Math.max(change.newEnd, to);
  return { start: Math.min(change.start, from), oldEnd: end - (change.newEnd - change.oldEnd), newEnd: end + inserted - (to - from) };
}

function clamp(value: number, low: number, high: number): number {
  return Math.max(low, Math.min(value, high));
}

/** A line index's position as a tree-sitter point (only for text without `\r`, where the two agree). */
function indexPoint(lines: LineIndex, offset: number): { row: number; column: number } {
  const { line, character } = lines.positionAt(offset);
  return { row: line, column: character };
}

/** Where `inserted` (no `\r` in it) ends when it starts at `start`. */
function pointAfter(start: { row: number; column: number }, inserted: string): { row: number; column: number } {
  const { row, column } = treeSitterPoint(inserted, inserted.length);
  return row === 0 ? { row: start.row, column: start.column + column } : { row: start.row + row, column };
}

/**
 * tree-sitter's own point in the parser's view of the text (`parserView`): rows end at `\n` and at a lone `\r`,
 * columns count UTF-16 units from the row start.
 */
function treeSitterPoint(source: string, offset: number): { row: number; column: number } {
  const text = parserView(source);
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: offset - lineStart };
}

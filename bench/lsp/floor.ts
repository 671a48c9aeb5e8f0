import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Edit, Language, Parser, type Tree } from 'web-tree-sitter';
import type { PlacedEdit } from './text';

/**
 * The bare reparse floor: web-tree-sitter alone, with the `.wasm` files the server ships (from the dist/
 * snapshot), in the bench's own process. Per edit it does what any tree-sitter editor integration must do and
 * nothing more: `tree.edit`, `parser.parse(newText, oldTree)`, `oldTree.delete()`. No copy, no analysis, no IPC.
 */
export class BareParser {
  private constructor(private readonly parser: Parser) {}

  /**
   * Loads the grammar into the runtime the bench already initialised (bench/engine.ts's `loadEngine`, from the
   * same dist/ snapshot): `Parser.init` replaces the process-wide module, so it must run only once.
   */
  static async load(distDir: string): Promise<BareParser> {
    const language = await Language.load(readFileSync(join(distDir, 'tree-sitter-python.wasm')));
    const parser = new Parser();
    parser.setLanguage(language);
    return new BareParser(parser);
  }

  /** A document the floor edits: the first parse is not timed (the server's didOpen is timed apart). */
  open(text: string): BareDocument {
    const tree = this.parser.parse(text);
    if (!tree) throw new Error('web-tree-sitter returned no tree');
    return new BareDocument(this.parser, tree);
  }
}

export class BareDocument {
  constructor(
    private readonly parser: Parser,
    private tree: Tree,
  ) {}

  /** Applies one edit (the new text is precomputed) and returns the reparse time in ms. */
  reparse(edit: PlacedEdit, newText: string): number {
    const change = new Edit({
      startIndex: edit.start,
      oldEndIndex: edit.end,
      newEndIndex: edit.start + edit.text.length,
      startPosition: edit.startPoint,
      oldEndPosition: edit.oldEndPoint,
      newEndPosition: edit.newEndPoint,
    });
    const start = performance.now();
    this.tree.edit(change);
    const next = this.parser.parse(newText, this.tree);
    this.tree.delete();
    const elapsed = performance.now() - start;
    if (!next) throw new Error('web-tree-sitter returned no tree');
    this.tree = next;
    return elapsed;
  }

  get hasErrors(): boolean {
    return this.tree.rootNode.hasError;
  }

  dispose(): void {
    this.tree.delete();
  }
}

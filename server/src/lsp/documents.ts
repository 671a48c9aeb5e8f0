import type { Range as LspRange, TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { ACTIVE_RULES, Analyzer, SourceFile, type Finding, type PythonParser } from '../engine';

/** The last analysis of a document: which version it describes, and what it found. */
export interface DocumentAnalysis {
  readonly version: number;
  readonly findings: readonly Finding[];
  readonly hasSyntaxErrors: boolean;
}

/**
 * An open Python document: its text and tree (edited in place on every change, reparsed incrementally), its
 * per-unit findings cache, and the findings last published for it.
 */
export class OpenDocument {
  readonly source: SourceFile;
  readonly analyzer = new Analyzer(ACTIVE_RULES);
  latest: DocumentAnalysis | undefined;
  closed = false;

  constructor(
    readonly uri: string,
    public version: number,
    text: string,
    parser: PythonParser,
  ) {
    this.source = new SourceFile(parser, text);
  }

  /** Applies LSP content changes in order: ranged ones edit the tree, whole-text ones replace it. */
  applyChanges(changes: readonly TextDocumentContentChangeEvent[], version: number): void {
    for (const change of changes) {
      if ('range' in change) {
        const { lineIndex } = this.source;
        this.source.edit(lineIndex.offsetAt(change.range.start), lineIndex.offsetAt(change.range.end), change.text);
      } else {
        this.source.replaceAll(change.text);
      }
    }
    this.version = version;
  }

  /** The findings of the current version, if they have been computed. */
  get current(): DocumentAnalysis | undefined {
    return this.latest?.version === this.version ? this.latest : undefined;
  }

  dispose(): void {
    this.closed = true;
    this.source.dispose();
  }
}

export class DocumentStore {
  private readonly documents = new Map<string, OpenDocument>();

  constructor(private readonly parser: PythonParser) {}

  open(uri: string, version: number, text: string): OpenDocument {
    this.documents.get(uri)?.dispose();
    const document = new OpenDocument(uri, version, text, this.parser);
    this.documents.set(uri, document);
    return document;
  }

  get(uri: string): OpenDocument | undefined {
    return this.documents.get(uri);
  }

  close(uri: string): void {
    this.documents.get(uri)?.dispose();
    this.documents.delete(uri);
  }

  all(): OpenDocument[] {
    return [...this.documents.values()];
  }
}

export function rangeContains(range: LspRange, position: { line: number; character: number }): boolean {
  const { start, end } = range;
  if (position.line < start.line || position.line > end.line) return false;
  if (position.line === start.line && position.character < start.character) return false;
  if (position.line === end.line && position.character > end.character) return false;
  return true;
}

import type { Diagnostic, Range as LspRange, TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { ACTIVE_RULES, Analyzer, DEFAULT_BUDGET, DEFAULT_KNOWLEDGE, SourceFile, type AnalysisBudget, type Finding, type Knowledge, type PythonParser, type UnusedSuppression } from '../engine';

/** The last analysis of a document: which text (revision) and client version it describes, and what it found. */
export interface DocumentAnalysis {
  readonly revision: number;
  readonly version: number;
  readonly findings: readonly Finding[];
  readonly hasSyntaxErrors: boolean;
  /** Why the findings may be incomplete (`AnalysisResult.partial`); empty when the whole file was analysed. */
  readonly partial: readonly string[];
  /** Suppression comments that hide nothing (`AnalysisResult.unusedSuppressions`), shown as faded hints. */
  readonly unusedSuppressions?: readonly UnusedSuppression[];
  /**
   * Whether the tree analysed was a fresh parse of the text (`SourceFile.isFresh` when it was read): recorded with the
   * analysis, since the document may be released (and its next tree be fresh) while the analysis runs.
   */
  readonly freshParse?: boolean;
}

/**
 * An open Python document: its text and tree (edited in place on every change, reparsed incrementally), its
 * per-unit findings cache, and the findings last published for it.
 */
export class OpenDocument {
  readonly source: SourceFile;
  private currentAnalyzer: Analyzer;
  /**
   * Counts the states this document's findings depend on: each applied change, and each change of settings or
   * configuration (`invalidate`). Findings are cached by revision, not by the client's version number: a faulty
   * client may repeat or lower it, and an old text's findings must never be taken for the current text's.
   */
  revision = 0;
  latest: DocumentAnalysis | undefined;
  /** The revision whose diagnostics were published last: the same revision is not published twice. */
  publishedRevision = -1;
  /** The client version and the diagnostics published last. */
  publishedVersion: number | undefined;
  publishedDiagnostics: readonly Diagnostic[] | undefined;
  /**
   * The analysis under way, if any, and the revision it analyses. A newer revision makes it stop, unless the document
   * has shown nothing new for too long (`lsp/server.ts`, `OVERTAKEN_AFTER_MS`): then it finishes and is published.
   */
  running: { readonly revision: number; readonly promise: Promise<DocumentAnalysis | undefined> } | undefined;
  /** When the first edit not yet published arrived (`performance.now()`, ms); undefined when every edit is. */
  unpublishedSince: number | undefined;
  /**
   * The last revision made by something other than an edit (settings, configuration, a fresh parse): the findings of
   * an older revision are then out of date, not only late, and are never published.
   */
  lastNonEdit = 0;
  closed = false;

  private readonly budget: AnalysisBudget;

  constructor(
    readonly uri: string,
    public version: number,
    text: string,
    parser: PythonParser,
    budget: AnalysisBudget = DEFAULT_BUDGET,
    /** Told when the document is edited (`'edit'`) and when an analysis of it starts (`'analysis'`): see `DocumentStore`. */
    private readonly used?: (document: OpenDocument, how: 'edit' | 'analysis') => void,
  ) {
    this.source = new SourceFile(parser, text);
    this.currentAnalyzer = new Analyzer(ACTIVE_RULES, DEFAULT_KNOWLEDGE, budget);
    this.budget = budget;
  }

  /**
   * Applies LSP content changes in order: ranged ones edit the tree, whole-text ones replace it. Positions past
   * the end of a line or of the text are clamped (as LSP asks). Returns the version the document had, so the
   * caller can report a version that did not increase (the change is still applied: the client's text is the truth).
   */
  applyChanges(changes: readonly TextDocumentContentChangeEvent[], version: number): number {
    const previous = this.version;
    // All or nothing: a malformed change is refused before any of the batch is applied.
    for (const change of changes) {
      const valid =
        typeof change?.text === 'string' &&
        (!('range' in change) || (isPosition(change.range?.start) && isPosition(change.range?.end)));
      if (!valid) throw new Error(`malformed content change refused: ${JSON.stringify(change)?.slice(0, 200)}`);
    }
    if (!Number.isInteger(version)) throw new Error(`content change without an integer version refused: ${String(version)}`);
    for (const change of changes) {
      if ('range' in change) {
        const { lineIndex } = this.source;
        this.source.edit(lineIndex.offsetAt(change.range.start), lineIndex.offsetAt(change.range.end), change.text);
      } else {
        this.source.replaceAll(change.text);
      }
    }
    this.version = version;
    this.revision++;
    this.unpublishedSince ??= performance.now();
    this.used?.(this, 'edit');
    return previous;
  }

  /**
   * The document's analyzer (its per-unit caches) for what the flow layer knows: a project configuration that
   * changes its `extend-*` entries gets a fresh analyzer, since every cached answer may change.
   */
  analyzerFor(knowledge: Knowledge): Analyzer {
    if (this.currentAnalyzer.knowledge !== knowledge) this.currentAnalyzer = new Analyzer(ACTIVE_RULES, knowledge, this.budget);
    this.used?.(this, 'analysis');
    this.analyzerUsed = true;
    return this.currentAnalyzer;
  }

  /**
   * Drops the incrementally parsed tree: the next analysis parses the text from scratch (a new revision, same text).
   * For text with syntax errors, where tree-sitter's incremental recovery can differ from a fresh parse.
   */
  reparseFromScratch(): void {
    this.source.replaceAll(this.source.text);
    this.revision++;
    this.lastNonEdit = this.revision;
    this.reparsedRevision = this.revision;
    this.latest = undefined;
  }

  /** The revision `reparseFromScratch` made, if it is the latest: its diagnostics are sent only if they differ. */
  reparsedRevision = -1;

  /** Settings or configuration changed: the recorded findings, and any analysis under way, are out of date. */
  invalidate(): void {
    this.revision++;
    this.lastNonEdit = this.revision;
    this.latest = undefined;
  }

  /** The findings of the current text, if they have been computed. */
  get current(): DocumentAnalysis | undefined {
    return this.latest?.revision === this.revision ? this.latest : undefined;
  }

  /**
   * Drops what parsing and analysis made and the next edit can remake: the trees (`SourceFile.releaseParse`) and
   * the analyzer's caches. The text, the findings of the current revision and what was published stay.
   */
  release(): void {
    this.source.releaseParse();
    if (!this.analyzerUsed) return;
    this.currentAnalyzer = new Analyzer(ACTIVE_RULES, this.currentAnalyzer.knowledge, this.budget);
    this.analyzerUsed = false;
  }

  /** Whether the analyzer may hold cached results (it has been handed out since it was made). */
  private analyzerUsed = false;

  dispose(): void {
    this.closed = true;
    this.source.dispose();
  }
}

/**
 * Which documents keep what parsing and analysis made between analyses: the `recent` most recently opened or edited
 * ones, and also the `edited` most recently edited ones (so a file being written keeps it while the user opens a few
 * others to read). They keep their tree-sitter tree (~1 MB of WASM heap for a 2k-line file), its `SyntaxNode` copy
 * (~3 MB of JS heap) and the analyzer's per-unit caches (~0.4 MB), so their next keystroke re-parses, copies and
 * analyses only what changed. The others keep their text, line index and findings (`OpenDocument.release`): their
 * next edit parses, copies and analyses them whole (~70 ms for 2k lines instead of ~10 ms), once.
 */
export const KEPT = { recent: 4, edited: 2 } as const;

export class DocumentStore {
  private readonly documents = new Map<string, OpenDocument>();
  /** The open documents, least recently opened or edited first. */
  private readonly recent = new Set<OpenDocument>();
  /** The `kept.edited` documents edited last, least recently edited first. */
  private readonly edited: OpenDocument[] = [];

  constructor(
    private readonly parser: PythonParser,
    private readonly budget: AnalysisBudget = DEFAULT_BUDGET,
    private readonly kept: { readonly recent: number; readonly edited: number } = KEPT,
  ) {}

  open(uri: string, version: number, text: string): OpenDocument {
    this.close(uri);
    const document = new OpenDocument(uri, version, text, this.parser, this.budget, (used, how) => this.used(used, how));
    this.documents.set(uri, document);
    this.used(document, 'open');
    return document;
  }

  /**
   * A request that reads the document's tree (code actions: the editor asks for them where the cursor is) makes it the
   * most recent, as opening does: the document in view keeps its parse.
   */
  touch(document: OpenDocument): void {
    this.used(document, 'open');
  }

  /**
   * Opening or editing makes a document the most recent (editing also the most recently edited); then every document
   * outside the ones `kept` is released. Also run when an analysis starts: a document outside them that is analysed
   * anyway (settings changed) keeps what that analysis makes only until another document is used.
   */
  private used(document: OpenDocument, how: 'open' | 'edit' | 'analysis'): void {
    if (document.closed) return;
    if (how !== 'analysis') {
      this.recent.delete(document);
      this.recent.add(document);
    }
    if (how === 'edit') {
      const at = this.edited.indexOf(document);
      if (at >= 0) this.edited.splice(at, 1);
      this.edited.push(document);
      if (this.edited.length > this.kept.edited) this.edited.shift();
    }
    let excess = this.recent.size - this.kept.recent;
    for (const older of this.recent) {
      if (excess-- <= 0) break;
      if (older !== document && !this.edited.includes(older)) older.release();
    }
  }

  get(uri: string): OpenDocument | undefined {
    return this.documents.get(uri);
  }

  close(uri: string): void {
    const document = this.documents.get(uri);
    if (!document) return;
    document.dispose();
    this.recent.delete(document);
    const at = this.edited.indexOf(document);
    if (at >= 0) this.edited.splice(at, 1);
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

function isPosition(value: unknown): boolean {
  const position = value as { line?: unknown; character?: unknown } | undefined;
  return Number.isInteger(position?.line) && Number.isInteger(position?.character);
}

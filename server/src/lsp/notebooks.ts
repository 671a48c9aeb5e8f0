import {
  NotebookCellKind,
  NotebookDocuments,
  type CodeAction,
  type Connection,
  type Diagnostic,
  type NotebookDocument,
  type Position,
  type PublishDiagnosticsParams,
  type Range,
  type TextDocumentEdit,
  type TextEdit,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { cellsToPython, type NotebookLines } from '../host/notebook';

/**
 * Jupyter notebooks in the editor (LSP 3.17 notebook document sync). The Python code cells of an open notebook are
 * one module, as the CLI reads an `.ipynb` (`host/notebook.ts`, `cellsToPython`: cells joined in order, IPython
 * magics and shell escapes made `pass`): the server keeps that joined text as one open document under the
 * notebook's URI, and this module translates between it and the cells. A diagnostic is published on the cell its
 * line comes from, a hover or code action asked on a cell is answered from the joined text, and a fix's edits go
 * back to the cells they touch. The engine never knows it read a notebook.
 */

/** One analysed cell of a notebook at one text: its URI, the version of its text, and its lines. */
interface CellSnapshot {
  readonly uri: string;
  /** 1-based among all the notebook's cells (the number `cellsToPython` and `NotebookLines` use). */
  readonly number: number;
  readonly version: number;
  /** The cell's own lines (line breaks removed), to see which lines the joined text kept as they are. */
  readonly lines: readonly string[];
}

/**
 * How one text of a notebook's joined Python maps to its cells. Lines are 0-based, characters UTF-16 code units;
 * only line numbers differ between the joined text and a cell (magic lines excepted, whose text became `pass`).
 */
export class NotebookView {
  private readonly byNumber = new Map<number, CellSnapshot>();
  private readonly byUri = new Map<string, CellSnapshot>();

  constructor(
    readonly notebookUri: string,
    readonly text: string,
    readonly lines: NotebookLines,
    readonly cells: readonly CellSnapshot[],
  ) {
    for (const cell of cells) {
      this.byNumber.set(cell.number, cell);
      this.byUri.set(cell.uri, cell);
    }
  }

  /** The analysed cell with this URI, if any. */
  cell(uri: string): CellSnapshot | undefined {
    return this.byUri.get(uri);
  }

  /**
   * A range of the joined text in its cell: the cell of its start; an end in a later cell (a bracket left open at
   * the end of a cell runs on into the next one in the joined text) is cut at the end of the start's cell.
   */
  toCell(range: Range): { readonly uri: string; readonly version: number; readonly range: Range } | undefined {
    const start = this.lines.locate(range.start.line);
    const cell = this.byNumber.get(start.cell);
    if (!cell) return undefined;
    const end = this.lines.locate(range.end.line);
    const last = Math.max(cell.lines.length - 1, 0);
    const endPosition =
      end.cell === start.cell ? { line: end.line, character: range.end.character } : { line: last, character: cell.lines[last]?.length ?? 0 };
    return { uri: cell.uri, version: cell.version, range: { start: { line: start.line, character: range.start.character }, end: endPosition } };
  }

  /** A position of a cell in the joined text; undefined when the cell was not analysed or the line is past its end. */
  fromCell(uri: string, position: Position): Position | undefined {
    const cell = this.byUri.get(uri);
    if (!cell) return undefined;
    const line = this.lines.lineOf(cell.number, position.line);
    return line === null ? undefined : { line, character: position.character };
  }

  /** A range of a cell in the joined text (both ends in that cell). */
  rangeFromCell(uri: string, range: Range): Range | undefined {
    const start = this.fromCell(uri, range.start);
    const end = this.fromCell(uri, range.end) ?? (start && range.end.line >= range.start.line ? this.cellEnd(uri) : undefined);
    return start && end ? { start, end } : undefined;
  }

  private cellEnd(uri: string): Position | undefined {
    const cell = this.byUri.get(uri)!;
    const last = Math.max(cell.lines.length - 1, 0);
    const line = this.lines.lineOf(cell.number, last);
    return line === null ? undefined : { line, character: cell.lines[last]?.length ?? 0 };
  }

  /**
   * The diagnostics of the joined text as the cells' own: each on the cell of its range (related locations too),
   * one publication per analysed cell (an empty one for a cell without findings, so old ones are cleared).
   */
  split(diagnostics: readonly Diagnostic[]): PublishDiagnosticsParams[] {
    const perCell = new Map<string, Diagnostic[]>(this.cells.map((cell) => [cell.uri, []]));
    for (const diagnostic of diagnostics) {
      const placed = this.toCell(diagnostic.range);
      if (!placed) continue;
      const related = diagnostic.relatedInformation
        ?.map((info) => {
          if (info.location.uri !== this.notebookUri) return info;
          const location = this.toCell(info.location.range);
          return location ? { ...info, location: { uri: location.uri, range: location.range } } : undefined;
        })
        .filter((info) => info !== undefined);
      perCell.get(placed.uri)!.push({ ...diagnostic, range: placed.range, ...(related ? { relatedInformation: related } : {}) });
    }
    return this.cells.map((cell) => ({ uri: cell.uri, version: cell.version, diagnostics: perCell.get(cell.uri)! }));
  }

  /**
   * Code actions computed on the joined text, for a client that asked about a cell: each edit of the notebook's
   * URI goes to the cell it lies in, with that cell's version. An action whose edit spans two cells, or changes a
   * line the joined text does not hold as the cell does (a magic made `pass`), is dropped.
   */
  actionsToCells(actions: readonly CodeAction[], joinedLine: (line: number) => string): CodeAction[] {
    const mapped: CodeAction[] = [];
    for (const action of actions) {
      const changes = action.edit?.documentChanges;
      if (!changes) {
        mapped.push(action);
        continue;
      }
      const perCell = new Map<string, { version: number; edits: TextEdit[] }>();
      let usable = true;
      for (const change of changes) {
        const edit = change as TextDocumentEdit;
        if (!('textDocument' in edit) || edit.textDocument.uri !== this.notebookUri) {
          usable = false;
          break;
        }
        for (const textEdit of edit.edits as TextEdit[]) {
          const placed = this.editToCell(textEdit, joinedLine);
          if (!placed) {
            usable = false;
            break;
          }
          const entry = perCell.get(placed.uri) ?? { version: placed.version, edits: [] };
          entry.edits.push(placed.edit);
          perCell.set(placed.uri, entry);
        }
        if (!usable) break;
      }
      if (!usable) continue;
      const documentChanges = [...perCell].map(([uri, { version, edits }]) => ({ textDocument: { uri, version }, edits }));
      mapped.push({ ...action, edit: { documentChanges } });
    }
    return mapped;
  }

  private editToCell(edit: TextEdit, joinedLine: (line: number) => string): { uri: string; version: number; edit: TextEdit } | undefined {
    const start = this.lines.locate(edit.range.start.line);
    const end = this.lines.locate(edit.range.end.line);
    const cell = this.byNumber.get(start.cell);
    if (!cell || end.cell !== start.cell) return undefined;
    const insertsAtLineStart = edit.range.start.line === edit.range.end.line && edit.range.start.character === 0 && edit.range.end.character === 0;
    if (!insertsAtLineStart) {
      for (let line = edit.range.start.line; line <= edit.range.end.line; line++) {
        const own = cell.lines[this.lines.locate(line).line];
        if (own !== undefined && own !== joinedLine(line)) return undefined;
      }
    }
    return {
      uri: cell.uri,
      version: cell.version,
      edit: { range: { start: { line: start.line, character: edit.range.start.character }, end: { line: end.line, character: edit.range.end.character } }, newText: edit.newText },
    };
  }
}

/** What the notebook sync tells the server. */
export interface NotebookSyncHost {
  /** A notebook opened: its joined text (`view.text`) is to be opened as a document under the notebook's URI. */
  readonly opened: (view: NotebookView, version: number) => unknown;
  /** Its cells changed: the joined text is now `view.text`. */
  readonly changed: (view: NotebookView, version: number) => unknown;
  readonly saved: (uri: string) => unknown;
  /** Closed: the document is to be closed, and these cells' diagnostics cleared. */
  readonly closed: (uri: string, cellUris: readonly string[]) => unknown;
  /** Wraps a notification handler (errors logged, nothing after shutdown). */
  readonly guard: <A extends unknown[]>(name: string, handler: (...args: A) => unknown) => (...args: A) => Promise<void>;
  /** Logs what one of the callbacks above threw or rejected with. */
  readonly error: (context: string, error: unknown) => void;
}

/**
 * The open notebooks, kept by vscode-languageserver's `NotebookDocuments` (cells as `TextDocument`s, incremental
 * cell edits applied by vscode-languageserver-textdocument), and each one's current `NotebookView`.
 */
export class OpenNotebooks {
  private readonly documents = new NotebookDocuments(TextDocument);
  private readonly views = new Map<string, NotebookView>();
  /** Cells diagnostics were published on, per notebook: a cell removed, or no longer Python, is cleared. */
  private readonly publishedCells = new Map<string, Set<string>>();

  constructor(private readonly host: NotebookSyncHost) {
    const safely = (context: string, action: () => unknown): void => {
      try {
        void Promise.resolve(action()).catch((error: unknown) => host.error(context, error));
      } catch (error) {
        host.error(context, error);
      }
    };
    this.documents.onDidOpen((notebook) =>
      safely(`vigil: opening notebook ${notebook.uri} failed`, () => {
        const view = this.viewOf(notebook);
        this.views.set(notebook.uri, view);
        return host.opened(view, notebook.version);
      }),
    );
    this.documents.onDidChange(({ notebookDocument }) =>
      safely(`vigil: changing notebook ${notebookDocument.uri} failed`, () => {
        const view = this.viewOf(notebookDocument);
        this.views.set(notebookDocument.uri, view);
        return host.changed(view, notebookDocument.version);
      }),
    );
    this.documents.onDidSave((notebook) => safely(`vigil: saving notebook ${notebook.uri} failed`, () => host.saved(notebook.uri)));
    this.documents.onDidClose((notebook) =>
      safely(`vigil: closing notebook ${notebook.uri} failed`, () => {
        const cells = new Set([...(this.publishedCells.get(notebook.uri) ?? []), ...(this.views.get(notebook.uri)?.cells.map((cell) => cell.uri) ?? [])]);
        this.views.delete(notebook.uri);
        this.publishedCells.delete(notebook.uri);
        return host.closed(notebook.uri, [...cells]);
      }),
    );
  }

  /** Listens for the notebook notifications, each handler wrapped by the host's guard. */
  listen(connection: Connection): void {
    const sync = connection.notebooks.synchronization;
    const guarded = {
      notebooks: {
        synchronization: {
          onDidOpenNotebookDocument: (handler: Parameters<typeof sync.onDidOpenNotebookDocument>[0]) =>
            sync.onDidOpenNotebookDocument(this.host.guard('didOpenNotebook', handler)),
          onDidChangeNotebookDocument: (handler: Parameters<typeof sync.onDidChangeNotebookDocument>[0]) =>
            sync.onDidChangeNotebookDocument(this.host.guard('didChangeNotebook', handler)),
          onDidSaveNotebookDocument: (handler: Parameters<typeof sync.onDidSaveNotebookDocument>[0]) =>
            sync.onDidSaveNotebookDocument(this.host.guard('didSaveNotebook', handler)),
          onDidCloseNotebookDocument: (handler: Parameters<typeof sync.onDidCloseNotebookDocument>[0]) =>
            sync.onDidCloseNotebookDocument(this.host.guard('didCloseNotebook', handler)),
        },
      },
    };
    // NotebookDocuments registers only these four handlers on the connection it is given.
    this.documents.listen(guarded as unknown as Connection);
  }

  /** The current view of an open notebook (by the notebook's URI). */
  view(notebookUri: string): NotebookView | undefined {
    return this.views.get(notebookUri);
  }

  /** The open notebook a cell belongs to, with its current view, when the cell is one of its analysed cells. */
  viewOfCell(cellUri: string): NotebookView | undefined {
    const notebook = this.documents.findNotebookDocumentForCell(cellUri);
    const view = notebook ? this.views.get(notebook.uri) : undefined;
    return view?.cell(cellUri) ? view : undefined;
  }

  /**
   * The publications of a notebook's diagnostics (joined-text coordinates, as `toDiagnostic` made them for the
   * notebook's URI): one per analysed cell, and an empty one for each cell published before and no longer analysed.
   */
  publications(notebookUri: string, diagnostics: readonly Diagnostic[]): PublishDiagnosticsParams[] {
    const view = this.views.get(notebookUri);
    if (!view) return [];
    const publications = view.split(diagnostics);
    const now = new Set(publications.map((publication) => publication.uri));
    for (const uri of this.publishedCells.get(notebookUri) ?? []) if (!now.has(uri)) publications.push({ uri, diagnostics: [] });
    this.publishedCells.set(notebookUri, now);
    return publications;
  }

  private viewOf(notebook: NotebookDocument): NotebookView {
    const snapshots: CellSnapshot[] = [];
    const sources: Array<{ cell: number; source: string }> = [];
    notebook.cells.forEach((cell, index) => {
      if (cell.kind !== NotebookCellKind.Code) return;
      const document = this.documents.getCellTextDocument(cell);
      // Clients may sync every cell: only Python ones are analysed.
      if (!document || !/^python\d*$/i.test(document.languageId)) return;
      const text = document.getText();
      snapshots.push({ uri: document.uri, number: index + 1, version: document.version, lines: text.split(/\r\n|\r|\n/) });
      sources.push({ cell: index + 1, source: text });
    });
    const python = cellsToPython(sources);
    const analysed = new Set(python.lines.cellNumbers);
    return new NotebookView(
      notebook.uri,
      python.text,
      python.lines,
      snapshots.filter((cell) => analysed.has(cell.number)),
    );
  }
}

/**
 * The one edit that turns `before` into `after`: the span between their common prefix and suffix, as UTF-16
 * offsets into `before` (`start`, `end`) and the text to put there. Applied to an open document, it lets
 * tree-sitter reparse only the cells that changed.
 */
export function singleEdit(before: string, after: string): { readonly start: number; readonly end: number; readonly text: string } {
  let prefix = 0;
  const shorter = Math.min(before.length, after.length);
  while (prefix < shorter && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  // Never between the two halves of a surrogate pair.
  if (prefix > 0 && isHighSurrogate(before.charCodeAt(prefix - 1))) prefix--;
  let suffix = 0;
  while (suffix < shorter - prefix && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) suffix++;
  if (suffix > 0 && isLowSurrogate(before.charCodeAt(before.length - suffix))) suffix--;
  return { start: prefix, end: before.length - suffix, text: after.slice(prefix, after.length - suffix) };
}

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

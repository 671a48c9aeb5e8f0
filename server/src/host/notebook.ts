import { readPythonSource, readRegularFile, visiblePath, type FsPath } from './files';

/**
 * Jupyter notebooks (`.ipynb`, nbformat 4) as Python the engine can analyse: the code cells of a Python notebook
 * joined into one text, with a map from its lines back to `(cell, line)`. The engine never knows it read a notebook.
 *
 * IPython syntax is not Python: a line magic (`%timeit f()`), a shell escape (`!pip install x`) and their
 * assignment forms (`files = !ls`) become `pass` (or `files = None`) at the same indentation, so they are skipped
 * without a syntax error and without leaving a block empty; a cell magic that changes the cell's language
 * (`%%bash`, `%%sql`, `%%html`…) leaves the whole cell out, while `%%time`-like ones keep its Python. Markdown and
 * raw cells are left out, as are cells a notebook marks as another language and notebooks whose kernel is not
 * Python.
 */

/** Where a line of the joined text comes from: `cell` counts every cell of the notebook from 1, `line` from 0. */
export interface CellLine {
  readonly cell: number;
  readonly line: number;
}

/** The code cells that were analysed, in order: their 1-based number and first line in the joined text. */
export class NotebookLines {
  constructor(private readonly cells: ReadonlyArray<{ readonly cell: number; readonly firstLine: number; readonly lineCount: number }>) {}

  /** The cell and the line in it of a line of the joined text (lines past the end belong to the last cell). */
  locate(line: number): CellLine {
    let low = 0;
    let high = this.cells.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.cells[mid]!.firstLine <= line) low = mid;
      else high = mid - 1;
    }
    const cell = this.cells[low];
    if (!cell) return { cell: 1, line };
    return { cell: cell.cell, line: line - cell.firstLine };
  }

  /** The joined text's line of line `line` of cell `cell`, or null when that cell was not analysed. */
  lineOf(cell: number, line: number): number | null {
    const found = this.cells.find((entry) => entry.cell === cell);
    return found && line >= 0 && line < found.lineCount ? found.firstLine + line : null;
  }

  /** The analysed cells' numbers. */
  get cellNumbers(): number[] {
    return this.cells.map((cell) => cell.cell);
  }
}

export interface NotebookPython {
  readonly text: string;
  readonly lines: NotebookLines;
}

export type NotebookRead = NotebookPython | { readonly error: string; readonly fatal: boolean };

/** Cell magics whose body is still Python: only their first line is skipped. */
const PYTHON_CELL_MAGICS = new Set(['time', 'timeit', 'capture', 'prun', 'debug', 'memit', 'snakeviz', 'pyinstrument']);

const LINE_MAGIC = /^([ \t]*)(?:[%!]|\?\?|\?)/;
const ASSIGNED_MAGIC = /^([ \t]*)([A-Za-z_][\w.]*(?:[ \t]*,[ \t]*[A-Za-z_][\w.]*)*[ \t]*=[ \t]*)[%!]/;

interface NotebookJson {
  readonly nbformat?: unknown;
  readonly metadata?: { readonly kernelspec?: { readonly language?: unknown; readonly name?: unknown }; readonly language_info?: { readonly name?: unknown } };
  readonly cells?: unknown;
}

interface CellJson {
  readonly cell_type?: unknown;
  readonly source?: unknown;
  readonly metadata?: { readonly vscode?: { readonly languageId?: unknown } };
}

/** The notebook's language when it names one (`python`, `R`, `julia`…), lower case. */
function notebookLanguage(notebook: NotebookJson): string | undefined {
  const language = notebook.metadata?.language_info?.name ?? notebook.metadata?.kernelspec?.language;
  return typeof language === 'string' && language.trim() !== '' ? language.trim().toLowerCase() : undefined;
}

function cellSource(cell: CellJson): string | null {
  if (typeof cell.source === 'string') return cell.source;
  if (Array.isArray(cell.source) && cell.source.every((part) => typeof part === 'string')) return cell.source.join('');
  return null;
}

/** One cell's lines with IPython syntax made harmless; null when the cell is in another language. */
function pythonLines(source: string): string[] | null {
  const lines = source.split(/\r\n|\r|\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const first = /^%%([\w-]+)/.exec(lines[0] ?? '');
  if (first) {
    if (!PYTHON_CELL_MAGICS.has(first[1]!)) return null;
    lines[0] = '';
  }
  let continued = false; // inside a magic continued with a backslash
  return lines.map((line) => {
    const wasContinued = continued;
    const assigned = ASSIGNED_MAGIC.exec(line);
    const magic = assigned ? null : LINE_MAGIC.exec(line);
    continued = (wasContinued || assigned !== null || magic !== null) && /\\$/.test(line);
    if (wasContinued) return '';
    if (assigned) return `${assigned[1]}${assigned[2]}None`;
    if (magic) return `${magic[1]}pass`;
    return line;
  });
}

/**
 * The Python of a notebook's text (its JSON), or why there is none to analyse: not JSON, not nbformat 4, or a
 * kernel in another language.
 */
export function notebookToPython(json: string): NotebookPython | { readonly error: string } {
  let notebook: NotebookJson;
  try {
    notebook = JSON.parse(json) as NotebookJson;
  } catch (error) {
    return { error: `skipped: not a valid notebook (${(error as Error).message})` };
  }
  if (typeof notebook !== 'object' || notebook === null || !Array.isArray(notebook.cells)) {
    const format = typeof notebook === 'object' && notebook !== null ? notebook.nbformat : undefined;
    return { error: typeof format === 'number' && format < 4 ? `skipped: notebook format ${format} is not supported (only 4)` : 'skipped: not a valid notebook (no cells)' };
  }
  const language = notebookLanguage(notebook);
  if (language !== undefined && !/^i?python\d*$/.test(language)) return { error: `skipped: not a Python notebook (language: ${language})` };
  const code: Array<{ cell: number; source: string }> = [];
  (notebook.cells as unknown[]).forEach((raw, index) => {
    const cell = (typeof raw === 'object' && raw !== null ? raw : {}) as CellJson;
    if (cell.cell_type !== 'code') return;
    const cellLanguage = cell.metadata?.vscode?.languageId;
    if (typeof cellLanguage === 'string' && cellLanguage !== 'python') return;
    const source = cellSource(cell);
    if (source !== null) code.push({ cell: index + 1, source });
  });
  return cellsToPython(code);
}

/**
 * The Python of code cells given one by one (an editor's notebook document: its Python code cells, each with its
 * 1-based number among all cells): joined in order, magics made harmless, non-Python cell magics left out.
 */
export function cellsToPython(cells: ReadonlyArray<{ readonly cell: number; readonly source: string }>): NotebookPython {
  const parts: string[] = [];
  const mapped: Array<{ cell: number; firstLine: number; lineCount: number }> = [];
  let line = 0;
  for (const { cell, source } of cells) {
    const lines = pythonLines(source);
    if (lines === null) continue;
    mapped.push({ cell, firstLine: line, lineCount: Math.max(lines.length, 1) });
    // Each cell ends its last line, so that no statement runs on into the next cell; an empty cell is one empty line.
    parts.push(lines.length > 0 ? lines.join('\n') + '\n' : '\n');
    line += Math.max(lines.length, 1);
  }
  return { text: parts.join(''), lines: new NotebookLines(mapped) };
}

/** Reads a notebook file (stat-first, at most the size limit, UTF-8 JSON) and returns its Python. */
export function readNotebook(path: FsPath): NotebookRead {
  const read = readRegularFile(path);
  if ('error' in read) return read;
  if (read.bytes.subarray(0, 8192).includes(0)) return { error: 'skipped: binary file (contains NUL bytes)', fatal: false };
  let json: string;
  try {
    json = new TextDecoder('utf-8', { fatal: true }).decode(read.bytes);
  } catch (error) {
    return { error: `skipped: not valid utf-8 text (${(error as Error).message})`, fatal: false };
  }
  const python = notebookToPython(json);
  return 'error' in python ? { error: python.error, fatal: false } : python;
}

/** Whether a path names a notebook. */
export function isNotebookPath(path: string): boolean {
  return path.toLowerCase().endsWith('.ipynb');
}

/** A file Vigil analyses: its Python text, and for a notebook the cells its lines come from. */
export type SourceRead =
  | { readonly text: string; readonly lines?: NotebookLines }
  | { readonly error: string; readonly fatal: boolean };

/** Reads a Python source (`readPythonSource`) or, by its name, a notebook (`readNotebook`). */
export function readSource(path: FsPath): SourceRead {
  return isNotebookPath(visiblePath(path)) ? readNotebook(path) : readPythonSource(path);
}

import { isAbsolute, relative, resolve, sep } from 'node:path';
import {
  ChangedLines,
  KeyCounts,
  changedLinesFromGit,
  classifyChange,
  findingKeys,
  touchesChange,
  LineIndex,
  type BaselineState,
  type Finding,
  type SyntaxTree,
} from '../engine';
import type { ChangedFileReview } from '../engine/report/changeReview';
import { decodePythonSource, readPythonSource, readRegularFile } from './files';
import { baseContent, changedFiles, defaultBase, parsePatch, repositoryRoot, resolveBase, GitError, type ChangedFile, type GitBase, type PatchHunk } from './git';
import { isNotebookPath, notebookToPython } from './notebook';

/**
 * A change to review: the files it touches, the lines it added or modified in each, and a way to the base
 * versions (`git show`, or the patch itself run backwards). Hosts (the CLI, the language server) read the current
 * texts themselves; the engine (`analysis/changes.ts`) decides which findings the change introduced.
 */
export interface ChangeSet {
  /** The folder the files' paths are relative to: the repository root, or where a patch is applied. */
  readonly root: string;
  /** The commit compared with; null for a patch read from standard input. */
  readonly base: GitBase | null;
  /** How to name the base in a report: `origin/main`, `HEAD`, `the patch on standard input`. */
  readonly label: string;
  readonly files: readonly ChangedFile[];
}

/** The change between `ref` (default: the merge base with the upstream branch, else `HEAD`) and the working tree. */
export async function changeSetFromGit(cwd: string, ref?: string): Promise<ChangeSet> {
  const root = await repositoryRoot(cwd);
  const base = ref === undefined ? await defaultBase(root) : await resolveBase(root, ref);
  return { root, base, label: base.label, files: await changedFiles(root, base) };
}

/**
 * The change a unified diff describes, already applied to the files it names: paths are taken relative to the
 * repository holding `cwd` (as git writes them), or to `cwd` outside a repository.
 */
export async function changeSetFromPatch(patch: string, cwd: string): Promise<ChangeSet> {
  let root = cwd;
  try {
    root = await repositoryRoot(cwd);
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
  }
  const files = parsePatch(patch, { withHunks: true }).filter((file) => [file.path, file.oldPath].some((path) => path !== null && isReviewable(path)));
  if (files.length === 0 && patch.trim() !== '' && !/^(diff |--- |@@ )/m.test(patch)) {
    throw new GitError('standard input is not a unified diff (make one with `git diff`)');
  }
  return { root, base: null, label: 'the patch on standard input', files };
}

/** Whether a changed path is one Vigil reads: a Python source or a notebook. */
export function isReviewable(path: string): boolean {
  return path.endsWith('.py') || isNotebookPath(path);
}

/** The absolute path of a changed file's path. */
export function absolutePath(change: ChangeSet, path: string): string {
  return resolve(change.root, ...path.split('/'));
}

/** Whether `file` (absolute) is one of `paths` or inside one of them (all of them when `paths` is empty). */
export function isUnder(file: string, paths: readonly string[]): boolean {
  if (paths.length === 0) return true;
  return paths.some((path) => {
    const rel = relative(resolve(path), file);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && !rel.startsWith(`..${sep}`));
  });
}

/**
 * The review entries of the files the change deletes (Python sources and notebooks under `paths`, all when empty):
 * no text and no findings, only their status, named by `display` (given the absolute path).
 */
export function deletedFileReviews(change: ChangeSet, paths: readonly string[], display: (path: string) => string): ChangedFileReview[] {
  return change.files
    .filter((file) => file.status === 'deleted' && file.oldPath !== null && isReviewable(file.oldPath) && isUnder(absolutePath(change, file.oldPath), paths))
    .map((file) => ({
      displayPath: display(absolutePath(change, file.oldPath!)),
      text: '',
      lineIndex: new LineIndex(''),
      findings: [],
      hasSyntaxErrors: false,
      status: 'deleted',
      unchanged: 0,
    }));
}

/**
 * The lines of `file` the change added or modified, in the engine's lines of its current text. A notebook counts
 * as changed everywhere (its diff is of JSON lines): which of its findings are new is then decided by the base
 * version's findings alone.
 */
export function changedLinesOf(file: ChangedFile, text: string): ChangedLines {
  if (file.wholeFile || file.status === 'added') return ChangedLines.all();
  if (file.path !== null && isNotebookPath(file.path)) return file.added.length > 0 ? ChangedLines.all() : ChangedLines.none();
  return changedLinesFromGit(text, file.added);
}

/** What analysing one text gives, as much as base keys need. */
export interface KeyedAnalysis {
  readonly findings: readonly Finding[];
  readonly syntax: SyntaxTree;
  readonly lineIndex: LineIndex;
}

/** A changed file as a host analysed it: its current text (a notebook's joined Python), findings and their keys. */
export interface ChangedFileAnalysis {
  readonly file: ChangedFile;
  readonly text: string;
  readonly findings: readonly Finding[];
  /** `findingKeys` of `findings`. */
  readonly keys: readonly string[];
}

export interface ClassifyOptions {
  /** A file's current text by absolute path (for a patch's base; default: read from disk). An editor passes its buffers. */
  readonly currentText?: (path: string) => string | null;
  readonly warn?: (message: string) => void;
}

/**
 * Which findings of the changed files the change introduced (`new`) and which it did not (`unchanged`), in the
 * order of `files` and their findings: the changed lines of each file, then, only when some finding touches them,
 * the keys of the base versions' findings (`analyse` analyses a base text with the selection of the file at an
 * absolute path). This is what `vigil check --diff` and `review --diff` do, and what an editor's Review Changes does
 * with its own buffers and selection.
 */
export async function classifyChangedFiles(
  change: ChangeSet,
  files: readonly ChangedFileAnalysis[],
  analyse: (text: string, path: string) => KeyedAnalysis,
  options: ClassifyOptions = {},
): Promise<BaselineState[][]> {
  const keyed = files.map((file) => ({
    findings: file.findings.map((finding, index) => ({ finding, key: file.keys[index]! })),
    changed: changedLinesOf(file.file, file.text),
  }));
  // The base versions are analysed only when something touches the change.
  const touching = keyed.some((file) => file.findings.some((item) => touchesChange(item.finding, file.changed)));
  const keys = touching ? await baseKeys(change, analyse, options.currentText ?? readCurrentText, options.warn) : new KeyCounts();
  return classifyChange(keyed, keys).map((states) => states.map((item) => item.state));
}

/** A file's current text as a patch sees it: a Python source decoded, a notebook's JSON; null when unreadable. */
export function readCurrentText(path: string): string | null {
  if (isNotebookPath(path)) {
    const read = readRegularFile(path);
    return 'bytes' in read ? read.bytes.toString('utf8') : null;
  }
  const read = readPythonSource(path);
  return 'text' in read ? read.text : null;
}

/**
 * The keys of the findings of every changed file's base version (renamed and deleted files included, so that code
 * moved between files is recognised). `analyse` analyses a Python text with the selection of the file at `path`
 * (absolute). `currentText` gives a file's current text (for a patch, whose base is the current text with the
 * hunks undone). Base versions that cannot be read or decoded count as empty, with a warning.
 */
export async function baseKeys(
  change: ChangeSet,
  analyse: (text: string, path: string) => KeyedAnalysis,
  currentText: (path: string) => string | null,
  warn: (message: string) => void = () => {},
): Promise<KeyCounts> {
  const keys = new KeyCounts();
  for (const file of change.files) {
    if (file.oldPath === null || !isReviewable(file.oldPath)) continue;
    const raw = await baseText(change, file, currentText, warn);
    if (raw === null) continue;
    const python = isNotebookPath(file.oldPath) ? notebookToPython(raw) : { text: raw };
    if ('error' in python) continue;
    const path = absolutePath(change, file.path ?? file.oldPath);
    const analysis = analyse(python.text, path);
    for (const key of findingKeys(analysis.findings, analysis.syntax, analysis.lineIndex)) keys.add(key);
  }
  return keys;
}

async function baseText(
  change: ChangeSet,
  file: ChangedFile,
  currentText: (path: string) => string | null,
  warn: (message: string) => void,
): Promise<string | null> {
  const oldPath = file.oldPath!;
  if (change.base) {
    const bytes = await baseContent(change.root, change.base, oldPath);
    if (bytes === null) return null;
    if (isNotebookPath(oldPath)) return bytes.toString('utf8');
    const decoded = decodePythonSource(bytes);
    return 'text' in decoded ? decoded.text : null;
  }
  // A patch: the current text with the hunks undone, when the patch matches the file as it is.
  // A deleted file: the patch holds all its lines.
  if (file.path === null) return file.hunks ? file.hunks.flatMap((hunk) => hunk.oldText).join('\n') : null;
  const current = currentText(absolutePath(change, file.path));
  if (current === null) return null;
  const undone = undoHunks(current, file.hunks ?? []);
  if (undone === null) warn(`${file.path}: the patch does not match the file as it is; its base version is not known`);
  return undone;
}

/**
 * The text before a patch, from the text after it: each hunk's new lines replaced by its old ones. Null when the
 * text does not hold the hunk's new lines where the patch says (the patch is not of this version).
 */
export function undoHunks(text: string, hunks: readonly PatchHunk[]): string | null {
  const lines = text.split('\n');
  const same = (a: string, b: string): boolean => a.replace(/\r$/, '') === b.replace(/\r$/, '');
  // From the last hunk up, so that earlier hunks' positions stay valid.
  for (const hunk of [...hunks].sort((a, b) => b.newStart - a.newStart)) {
    const start = hunk.newLines === 0 ? hunk.newStart : hunk.newStart - 1;
    if (start < 0 || start + hunk.newText.length > lines.length) return null;
    for (let i = 0; i < hunk.newText.length; i++) if (!same(lines[start + i]!, hunk.newText[i]!)) return null;
    lines.splice(start, hunk.newText.length, ...hunk.oldText);
  }
  return lines.join('\n');
}

/** For messages: the path of a changed file as the user sees it. */
export function changedPathLabel(file: ChangedFile): string {
  if (file.status === 'renamed') return `${file.path} (renamed from ${file.oldPath})`;
  return file.path ?? `${file.oldPath} (deleted)`;
}

import { closeSync, constants, existsSync, fstatSync, lstatSync, openSync, readdirSync, readSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';

/** Folders that never hold the project's own code (ruff and Bandit skip the same kind). */
export const SKIPPED_DIRECTORIES: ReadonlySet<string> = new Set([
  '.git', '.hg', '.svn', '.bzr', '.tox', '.nox', '.venv', 'venv', '.env', '__pycache__', '.mypy_cache',
  '.pytest_cache', '.ruff_cache', '.pytype', '.eggs', '.direnv', 'node_modules', 'site-packages', '__pypackages__',
  '.ipynb_checkpoints', 'buck-out', '.vscode-test',
]);

/** Larger sources are generated code; parsing them would stall an editor. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

/**
 * A file system path. A string, except for names that are not valid UTF-8: Node can reach those only through a
 * Buffer path (a string would be re-encoded with U+FFFD and name another, missing, file).
 */
export type FsPath = string | Buffer;

/** A path that could not be walked or read, with the reason. `fatal` ones make the CLI exit with status 2. */
export interface PathProblem {
  readonly path: FsPath;
  /** A file skipped, a folder that could not be walked, or a named path that could not be resolved. */
  readonly kind: 'file' | 'folder' | 'path';
  readonly message: string;
  readonly fatal: boolean;
}

/** What the walk of one named folder found and left out (what `vigil check` reports when it found nothing). */
export interface FolderSummary {
  readonly path: string;
  /** Python files found (to be read). */
  pythonFiles: number;
  /** Python files and folders left out by .gitignore files. */
  gitignoredFiles: number;
  gitignoredFolders: number;
  /** Python files and folders left out by the `isExcluded` callback (the configuration's `exclude`). */
  excludedFiles: number;
  excludedFolders: number;
  /** Virtual environments, `.git`, `node_modules`, tool caches. */
  toolFolders: number;
  /** Symbolic links named `*.py`, which a walk does not follow. */
  symlinks: number;
}

export interface FoundFiles {
  readonly files: string[];
  /** Files whose names are not valid UTF-8, as Buffer paths (`readPythonSource` reads them). */
  readonly rawFiles: Buffer[];
  /** Named paths that do not exist. */
  readonly missing: string[];
  /** Everything that could not be walked or resolved, with the reason (the `missing` ones included). */
  readonly problems: PathProblem[];
  /** One per named folder. */
  readonly folders: FolderSummary[];
}

export interface FindOptions {
  /** Folders and files to leave out of a walk (configuration `exclude`); named paths are always kept. */
  readonly isExcluded?: (path: string) => boolean;
  /** Honour .gitignore files found on the way down (default true). */
  readonly gitignore?: boolean;
  /** Also find Jupyter notebooks (`*.ipynb`) in folders (default false). */
  readonly notebooks?: boolean;
}

interface GitIgnore {
  readonly base: string;
  readonly matcher: Ignore;
}

const FATAL_CODES = new Set(['ENOENT', 'ENOTDIR', 'EIO', 'EMFILE', 'ENFILE', 'ENOMEM']);

/** A short, true reason for a failed file system call: `permission denied (EACCES)`. */
export function describeError(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  const reason =
    code === 'ENOENT' ? 'no such file or directory'
    : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
    : code === 'ELOOP' ? 'symbolic link loop'
    : code === 'EISDIR' ? 'is a directory'
    : code === 'ENOTDIR' ? 'a part of the path is not a directory'
    : code === 'ENAMETOOLONG' ? 'name too long'
    : undefined;
  if (reason) return `${reason} (${code})`;
  return code ? `${code}: ${message.replace(/^[A-Z]+: /, '').split(',')[0]}` : message;
}

function isFatal(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === undefined || FATAL_CODES.has(code);
}

/** What kind of non-regular file `stats` describes, or undefined for a regular file. */
function specialKind(stats: Stats): string | undefined {
  if (stats.isFile()) return undefined;
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

function tooLarge(size: number, limit: number): string {
  return `skipped: ${(size / 1024 / 1024).toFixed(1)} MB is larger than the ${limit / 1024 / 1024} MB limit`;
}

export type RawRead = { readonly bytes: Buffer } | { readonly error: string; readonly fatal: boolean };

/**
 * Reads a regular file of at most `limit` bytes. The kind and size are checked with stat before opening, so a
 * FIFO, a device or a huge file is refused without being opened; the open does not block (O_NONBLOCK), the opened
 * file is checked again (it may have been replaced meanwhile), and at most `limit + 1` bytes are read.
 */
export function readRegularFile(path: FsPath, limit = MAX_FILE_BYTES): RawRead {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (error) {
    return { error: `cannot read file: ${describeError(error)}`, fatal: isFatal(error) };
  }
  const kind = specialKind(stats);
  if (kind) return { error: `skipped: not a regular file (${kind})`, fatal: false };
  if (stats.size > limit) return { error: tooLarge(stats.size, limit), fatal: false };
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    return { error: `cannot read file: ${describeError(error)}`, fatal: isFatal(error) };
  }
  try {
    const opened = fstatSync(fd);
    const openedKind = specialKind(opened);
    if (openedKind) return { error: `skipped: not a regular file (${openedKind})`, fatal: false };
    let buffer = Buffer.alloc(Math.min(opened.size, limit) + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > limit) break;
        const grown = Buffer.alloc(Math.min(buffer.length * 2, limit + 1));
        buffer.copy(grown, 0, 0, length);
        buffer = grown;
      }
      const count = readSync(fd, buffer, length, buffer.length - length, null);
      if (count === 0) break;
      length += count;
    }
    if (length > limit) return { error: tooLarge(length, limit), fatal: false };
    return { bytes: buffer.subarray(0, length) };
  } catch (error) {
    return { error: `cannot read file: ${describeError(error)}`, fatal: isFatal(error) };
  } finally {
    closeSync(fd);
  }
}

const SEPARATOR = Buffer.from(sep);
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/** `dir`/`name`, as a string when the name is valid UTF-8 and `dir` is a string, else as a Buffer. */
function childPath(dir: FsPath, name: Buffer): FsPath {
  if (typeof dir === 'string') {
    const text = name.toString('utf8');
    if (Buffer.from(text, 'utf8').equals(name)) return join(dir, text);
  }
  const base = typeof dir === 'string' ? Buffer.from(dir, 'utf8') : dir;
  const needsSeparator = base.length === 0 || base[base.length - 1] !== SEPARATOR[0];
  return Buffer.concat(needsSeparator ? [base, SEPARATOR, name] : [base, name]);
}

/**
 * The file a name given on the command line stands for. Node decodes command-line arguments as UTF-8, so a name that
 * is not valid UTF-8 arrives with U+FFFD in place of its bad bytes and names a missing file; then the one entry of its
 * folder whose name reads the same once decoded is the file meant, reached through a Buffer path. Any other name, or
 * one that matches no entry or several, is returned as it was given.
 */
export function commandLinePath(path: string): FsPath {
  if (!path.includes('\ufffd') || existsSync(path)) return path;
  const folder = dirname(path);
  const name = basename(path);
  let entries: Buffer[];
  try {
    entries = readdirSync(folder, { encoding: 'buffer' });
  } catch {
    return path;
  }
  const matches = entries.filter((entry) => entry.toString('utf8') === name);
  if (matches.length !== 1) return path;
  // Keep the name as it was given: relative stays relative (`x.py`, not `./x.py`).
  const prefix = path === name ? '' : folder.endsWith(sep) ? folder : folder + sep;
  return Buffer.concat([Buffer.from(prefix), matches[0]!]);
}

/** A path as text: bytes that are not UTF-8 are written `\xff`, so the name stays recognisable and honest. */
export function visiblePath(path: FsPath): string {
  if (typeof path === 'string') return path;
  let text = '';
  let i = 0;
  while (i < path.length) {
    const lead = path[i]!;
    const length = lead < 0x80 ? 1 : lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    if (length > 0 && i + length <= path.length) {
      try {
        text += STRICT_UTF8.decode(path.subarray(i, i + length));
        i += length;
        continue;
      } catch {
        // not a valid sequence: escape the lead byte below
      }
    }
    text += `\\x${lead.toString(16).padStart(2, '0')}`;
    i++;
  }
  return text;
}

/**
 * Expands paths into Python files: folders recursively (`*.py`, skipping virtual environments, tool caches,
 * .gitignore'd and excluded paths), files as given whatever their extension. Symbolic links inside folders are not
 * followed (named ones are). Names that are not UTF-8 are kept as Buffer paths (`rawFiles`). Nothing here opens a
 * file other than a regular `.gitignore`.
 */
export function findPythonFiles(paths: readonly string[], options: FindOptions = {}): FoundFiles {
  const files: string[] = [];
  const rawFiles: Buffer[] = [];
  const missing: string[] = [];
  const problems: PathProblem[] = [];
  const folders: FolderSummary[] = [];
  const useGitignore = options.gitignore ?? true;
  const ignoredByGit = (path: string, isDirectory: boolean, rules: readonly GitIgnore[]): boolean =>
    rules.some(({ base, matcher }) => {
      const rel = relative(base, path).split(sep).join('/');
      return rel !== '' && !rel.startsWith('..') && matcher.ignores(isDirectory ? `${rel}/` : rel);
    });
  const walk = (dir: FsPath, inherited: readonly GitIgnore[], summary: FolderSummary): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true, encoding: 'buffer' });
    } catch (error) {
      problems.push({ path: dir, kind: 'folder', message: `cannot read folder: ${describeError(error)}`, fatal: isFatal(error) });
      return;
    }
    const named = entries.map((entry) => ({ entry, name: entry.name.toString('utf8') }));
    if (named.some(({ name }) => name === 'pyvenv.cfg')) {
      summary.toolFolders++; // a virtual environment
      return;
    }
    const shownDir = visiblePath(dir);
    let rules = inherited;
    if (useGitignore && named.some(({ entry, name }) => name === '.gitignore' && entry.isFile())) {
      const read = readRegularFile(childPath(dir, Buffer.from('.gitignore')));
      // an unreadable .gitignore ignores nothing
      if ('bytes' in read) rules = [...inherited, { base: shownDir, matcher: ignore().add(read.bytes.toString('utf8')) }];
    }
    const sorted = named
      .map(({ entry, name }) => ({ entry, name, shown: visiblePath(entry.name) }))
      .sort((a, b) => a.shown.localeCompare(b.shown));
    for (const { entry, name, shown } of sorted) {
      const path = childPath(dir, entry.name);
      const text = typeof path === 'string' ? path : join(shownDir, shown);
      if (entry.isDirectory()) {
        if (SKIPPED_DIRECTORIES.has(name)) summary.toolFolders++;
        else if (ignoredByGit(text, true, rules)) summary.gitignoredFolders++;
        else if (options.isExcluded?.(text)) summary.excludedFolders++;
        else walk(path, rules, summary);
        continue;
      }
      if (!name.endsWith('.py') && !(options.notebooks && name.endsWith('.ipynb'))) continue;
      if (entry.isSymbolicLink()) {
        summary.symlinks++;
        continue;
      }
      if (ignoredByGit(text, false, rules)) summary.gitignoredFiles++;
      else if (options.isExcluded?.(text)) summary.excludedFiles++;
      else if (!entry.isFile()) {
        const kind = entry.isFIFO() ? 'a FIFO' : entry.isSocket() ? 'a socket' : entry.isCharacterDevice() ? 'a character device' : entry.isBlockDevice() ? 'a block device' : 'of an unknown kind';
        problems.push({ path, kind: 'file', message: `skipped: not a regular file (${kind})`, fatal: false });
      } else {
        summary.pythonFiles++;
        if (typeof path === 'string') files.push(path);
        else rawFiles.push(path);
      }
    }
  };
  for (const path of paths) {
    // A file named with bytes that are not UTF-8 (see `commandLinePath`): read through its Buffer path. A folder of
    // such a name is not walked (the message below says to name the folder above it).
    const named = commandLinePath(path);
    if (typeof named !== 'string' && !isFolder(named)) {
      rawFiles.push(named);
      continue;
    }
    let stats: Stats;
    try {
      stats = statSync(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        missing.push(path);
        const why = isSymbolicLink(path)
          ? ' (a broken symbolic link)'
          : path.includes('\ufffd')
            ? ' (if its name is not valid UTF-8, name the folder that holds it instead)'
            : '';
        problems.push({ path, kind: 'path', message: `no such file or directory${why}`, fatal: true });
      } else {
        problems.push({ path, kind: 'path', message: `cannot read: ${describeError(error)}`, fatal: isFatal(error) });
      }
      continue;
    }
    // Resolved, unless the working folder's own name is not UTF-8 (process.cwd() then names a missing folder).
    const absolute = resolve(path);
    const usable = absolute === path || existsSync(absolute) ? absolute : path;
    if (stats.isDirectory()) {
      const root = usable;
      const summary: FolderSummary = {
        path, pythonFiles: 0, gitignoredFiles: 0, gitignoredFolders: 0, excludedFiles: 0, excludedFolders: 0, toolFolders: 0, symlinks: 0,
      };
      folders.push(summary);
      walk(root, useGitignore ? ancestorGitignores(root) : [], summary);
    } else {
      files.push(usable); // whatever its kind: readPythonSource says why it cannot be read
    }
  }
  const rawByBytes = new Map(rawFiles.map((path) => [path.toString('latin1'), path]));
  return {
    files: [...new Set(files)],
    rawFiles: [...rawByBytes.values()],
    missing,
    problems,
    folders,
  };
}

function isFolder(path: FsPath): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isSymbolicLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** The .gitignore files above `dir`, up to the repository root (the folder holding `.git`). */
function ancestorGitignores(dir: string): GitIgnore[] {
  const found: GitIgnore[] = [];
  let current = dir;
  while (!existsSync(join(current, '.git'))) {
    const parent = dirname(current);
    if (parent === current) return []; // not in a repository: no .gitignore applies from above
    current = parent;
    const read = readRegularFile(join(current, '.gitignore'));
    // missing, unreadable or not a regular file: ignores nothing
    if ('bytes' in read) found.unshift({ base: current, matcher: ignore().add(read.bytes.toString('utf8')) });
  }
  return found;
}

export type ReadResult = { readonly text: string } | { readonly error: string; readonly fatal: boolean };

/**
 * Reads a Python source as Python would: UTF-8 by default, or the PEP 263 `coding:` declaration. Files that are
 * not regular files, oversized, binary or undecodable are refused with a reason before or instead of being read
 * whole (not fatal), as are permission errors and symbolic link loops; other I/O errors are fatal for the exit code.
 */
export function readPythonSource(path: FsPath): ReadResult {
  const read = readRegularFile(path, MAX_FILE_BYTES);
  if ('error' in read) return read;
  return decodePythonSource(read.bytes);
}

/** The text of a Python source's bytes (UTF-8, or its PEP 263 declaration), or why it is not text. */
export function decodePythonSource(bytes: Buffer): ReadResult {
  if (bytes.subarray(0, 8192).includes(0)) return { error: 'skipped: binary file (contains NUL bytes)', fatal: false };
  const encoding = declaredEncoding(bytes) ?? 'utf-8';
  try {
    return { text: new TextDecoder(encoding, { fatal: true }).decode(bytes) };
  } catch (error) {
    return { error: `skipped: not valid ${encoding} text (${(error as Error).message})`, fatal: false };
  }
}

/** PEP 263: `# -*- coding: latin-1 -*-` on line 1 or 2. */
function declaredEncoding(bytes: Buffer): string | undefined {
  const head = bytes.subarray(0, 512).toString('latin1').split(/\r\n|\r|\n/).slice(0, 2);
  for (const line of head) {
    const match = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/.exec(line);
    if (match) {
      const label = match[1]!.toLowerCase();
      try {
        new TextDecoder(label);
        return label;
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** A path as shown to the user: relative to the working folder when inside it, with `/` separators. */
export function displayPath(path: FsPath, cwd = process.cwd()): string {
  const text = visiblePath(path);
  const rel = relative(cwd, text);
  const shown = rel !== '' && !rel.startsWith('..') ? rel : text;
  return shown.split(sep).join('/');
}

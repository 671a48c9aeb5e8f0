import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';

/** Folders that never hold the project's own code (ruff and Bandit skip the same kind). */
export const SKIPPED_DIRECTORIES: ReadonlySet<string> = new Set([
  '.git', '.hg', '.svn', '.bzr', '.tox', '.nox', '.venv', 'venv', '.env', '__pycache__', '.mypy_cache',
  '.pytest_cache', '.ruff_cache', '.pytype', '.eggs', '.direnv', 'node_modules', 'site-packages', '__pypackages__',
  '.ipynb_checkpoints', 'buck-out', '.vscode-test',
]);

/** Larger sources are generated code; parsing them would stall an editor. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

export interface FoundFiles {
  readonly files: string[];
  readonly missing: string[];
}

export interface FindOptions {
  /** Folders and files to leave out of a walk (configuration `exclude`); named paths are always kept. */
  readonly isExcluded?: (path: string) => boolean;
  /** Honour .gitignore files found on the way down (default true). */
  readonly gitignore?: boolean;
}

interface GitIgnore {
  readonly base: string;
  readonly matcher: Ignore;
}

/**
 * Expands paths into Python files: folders recursively (`*.py`, skipping virtual environments, tool caches,
 * .gitignore'd and excluded paths), files as given whatever their extension. Symlinked folders are not followed.
 */
export function findPythonFiles(paths: readonly string[], options: FindOptions = {}): FoundFiles {
  const files: string[] = [];
  const missing: string[] = [];
  const useGitignore = options.gitignore ?? true;
  const ignoredByGit = (path: string, isDirectory: boolean, rules: readonly GitIgnore[]): boolean =>
    rules.some(({ base, matcher }) => {
      const rel = relative(base, path).split(sep).join('/');
      return rel !== '' && !rel.startsWith('..') && matcher.ignores(isDirectory ? `${rel}/` : rel);
    });
  const walk = (dir: string, inherited: readonly GitIgnore[]): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      missing.push(dir);
      return;
    }
    if (entries.some((entry) => entry.name === 'pyvenv.cfg')) return; // a virtual environment
    let rules = inherited;
    if (useGitignore && entries.some((entry) => entry.name === '.gitignore' && entry.isFile())) {
      try {
        rules = [...inherited, { base: dir, matcher: ignore().add(readFileSync(join(dir, '.gitignore'), 'utf8')) }];
      } catch {
        // an unreadable .gitignore ignores nothing
      }
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (SKIPPED_DIRECTORIES.has(entry.name) || ignoredByGit(path, true, rules) || options.isExcluded?.(path)) continue;
        walk(path, rules);
      } else if (entry.isFile() && entry.name.endsWith('.py')) {
        if (ignoredByGit(path, false, rules) || options.isExcluded?.(path)) continue;
        files.push(path);
      }
    }
  };
  for (const path of paths) {
    let stats;
    try {
      stats = statSync(path);
    } catch {
      missing.push(path);
      continue;
    }
    if (stats.isDirectory()) walk(resolve(path), useGitignore ? ancestorGitignores(resolve(path)) : []);
    else files.push(resolve(path));
  }
  return { files: [...new Set(files)], missing };
}

/** The .gitignore files above `dir`, up to the repository root (the folder holding `.git`). */
function ancestorGitignores(dir: string): GitIgnore[] {
  const found: GitIgnore[] = [];
  let current = dir;
  while (!existsSync(join(current, '.git'))) {
    const parent = dirname(current);
    if (parent === current) return []; // not in a repository: no .gitignore applies from above
    current = parent;
    const path = join(current, '.gitignore');
    if (existsSync(path)) {
      try {
        found.unshift({ base: current, matcher: ignore().add(readFileSync(path, 'utf8')) });
      } catch {
        // unreadable: ignores nothing
      }
    }
  }
  return found;
}

export type ReadResult = { readonly text: string } | { readonly error: string; readonly fatal: boolean };

/**
 * Reads a Python source as Python would: UTF-8 by default, or the PEP 263 `coding:` declaration. Binary and
 * oversized files are refused with a reason (not fatal); unreadable ones are I/O errors (fatal for the exit code).
 */
export function readPythonSource(path: string): ReadResult {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { error: `cannot read file (${code ?? (error as Error).message})`, fatal: true };
  }
  if (bytes.length > MAX_FILE_BYTES) {
    return { error: `skipped: ${(bytes.length / 1024 / 1024).toFixed(1)} MB is larger than the ${MAX_FILE_BYTES / 1024 / 1024} MB limit`, fatal: false };
  }
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
export function displayPath(path: string, cwd = process.cwd()): string {
  const rel = relative(cwd, path);
  const shown = rel !== '' && !rel.startsWith('..') ? rel : path;
  return shown.split(sep).join('/');
}

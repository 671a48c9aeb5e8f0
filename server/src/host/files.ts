import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

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

/**
 * Expands paths into Python files: folders recursively (`*.py`, skipping virtual environments and tool caches),
 * files as given whatever their extension. Symlinked folders are not followed (no cycles).
 */
export function findPythonFiles(paths: readonly string[]): FoundFiles {
  const files: string[] = [];
  const missing: string[] = [];
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      missing.push(dir);
      return;
    }
    if (entries.some((entry) => entry.name === 'pyvenv.cfg')) return; // a virtual environment
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) walk(path);
      } else if (entry.isFile() && entry.name.endsWith('.py')) {
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
    if (stats.isDirectory()) walk(path);
    else files.push(path);
  }
  return { files: [...new Set(files)], missing };
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

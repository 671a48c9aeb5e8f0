import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { hash } from './random';

/** One real Python file the mutations start from. */
export interface CorpusFile {
  readonly path: string;
  readonly text: string;
  /** Line starts, for cutting windows of whole lines. */
  readonly lineStarts: readonly number[];
}

export interface Corpus {
  readonly files: readonly CorpusFile[];
  /** Changes when any file or the file list changes: a resumed run over another corpus would not be the same run. */
  readonly fingerprint: string;
}

/** The repository's rule fixtures (each line a positive or negative case) and the stdlib of the machine's Python. */
export function defaultCorpusDirs(root: string): string[] {
  return [join(root, 'test', 'fixtures', 'rules'), '/usr/lib/python3.11'];
}

/** The `*.py` files directly in `dirs` (not recursive), in a stable order. Missing folders are skipped. */
export function listCorpus(dirs: readonly string[]): string[] {
  return dirs.flatMap((dir) =>
    existsSync(dir)
      ? readdirSync(dir)
          .filter((name) => name.endsWith('.py'))
          .sort()
          .map((name) => join(dir, name))
      : [],
  );
}

export function loadCorpus(paths: readonly string[]): Corpus {
  return corpusOf(paths.map((path) => ({ path, text: readFileSync(path, 'utf8') })));
}

function corpusOf(entries: ReadonlyArray<{ path: string; text: string }>): Corpus {
  const files = entries.map(({ path, text }) => {
    const lineStarts = [0];
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
    return { path, text, lineStarts };
  });
  if (files.length === 0) throw new Error('the fuzz corpus is empty');
  const fingerprint = hash(files.map((file) => `${file.path}\u0000${hash(file.text)}`).join('\n'));
  return { files, fingerprint };
}

/**
 * The corpus as one file: workers (restarted at any time) and resumed runs read this copy, so a fixture added or
 * edited by someone else mid-run does not change which buffer an index stands for.
 */
export function saveCorpusSnapshot(corpus: Corpus, path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(corpus.files.map(({ path: file, text }) => ({ path: file, text }))));
}

export function loadCorpusSnapshot(path: string): Corpus {
  return corpusOf(JSON.parse(readFileSync(path, 'utf8')) as Array<{ path: string; text: string }>);
}

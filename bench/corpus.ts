import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { findPythonFiles, readPythonSource } from '../server/src/host/files';

export interface CorpusFile {
  /** Path relative to the corpus root, with `/` separators. */
  readonly name: string;
  readonly text: string;
  readonly lines: number;
}

export interface Corpus {
  readonly root: string;
  /** Where the corpus came from, for the report (`CPython 3.11.7 stdlib`, `rule fixtures`). */
  readonly label: string;
  /** Files found before sampling. */
  readonly available: number;
  /** Every `step`-th file was kept, and the `largest` largest. */
  readonly step: number;
  readonly largest: number;
  readonly files: CorpusFile[];
  /** Files the host refused (binary, undecodable), as the CLI would. */
  readonly skipped: number;
}

/**
 * The CPython standard library of the machine's `python3`: real, varied Python that every machine of this kind
 * has, so runs compare without downloading anything. Its test suites are left out: they hold deliberately
 * broken files and dominate the count without being the code people edit.
 */
function pythonStdlib(): { root: string; label: string } | undefined {
  try {
    const out = execFileSync(
      'python3',
      ['-c', 'import sys, sysconfig; print(sysconfig.get_paths()["stdlib"]); print(sys.version.split()[0])'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const [root, version] = out.trim().split('\n');
    return root ? { root, label: `CPython ${version ?? '?'} stdlib` } : undefined;
  } catch {
    return undefined;
  }
}

/** How many of the largest files join the sample whatever the step. */
const LARGEST = 2;

const TEST_DIRECTORIES = new Set(['test', 'tests', 'idle_test']);

/**
 * Loads the corpus: `dir` if given, else the stdlib, else the repository's rule fixtures. Unless `full`, keeps
 * every N-th file (in byte-wise path order, so the same files on every run) to land near `target` files, plus
 * the few largest.
 */
export function loadCorpus(options: { dir?: string; full: boolean; target: number; repoRoot: string }): Corpus {
  const source = options.dir
    ? { root: options.dir, label: options.dir }
    : (pythonStdlib() ?? { root: join(options.repoRoot, 'test/fixtures/rules'), label: 'rule fixtures (no python3)' });
  // No .gitignore applies to a corpus: pyenv's own checkout, for one, ignores the `versions/` it sits in.
  const names = findPythonFiles([source.root], { gitignore: false })
    .files.map((path) => relative(source.root, path).split(sep).join('/'))
    .filter((name) => !name.split('/').some((part) => TEST_DIRECTORIES.has(part)))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const step = options.full ? 1 : Math.max(1, Math.ceil(names.length / options.target));
  // The largest files always join the sample: the editor path matters most where files are big.
  const size = new Map(names.map((name) => [name, statSync(join(source.root, name)).size]));
  const bySize = [...names].sort((a, b) => size.get(b)! - size.get(a)!);
  const chosen = new Set([...names.filter((_, i) => i % step === 0), ...bySize.slice(0, LARGEST)]);
  const files: CorpusFile[] = [];
  let skipped = 0;
  for (const name of names.filter((name) => chosen.has(name))) {
    const read = readPythonSource(join(source.root, name));
    if ('error' in read) {
      skipped++;
      continue;
    }
    files.push({ name, text: read.text, lines: read.text.split('\n').length });
  }
  return { root: source.root, label: source.label, available: names.length, step, largest: LARGEST, files, skipped };
}

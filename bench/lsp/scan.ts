import { spawn, spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import { findPythonFiles } from '../../server/src/host/files';

/** Test suites are left out of the corpus, as in bench/corpus.ts and engine-facts.md. */
const TEST_DIRECTORIES = new Set(['test', 'tests', 'idle_test']);

export interface ScanCorpus {
  readonly dir: string;
  readonly listFile: string;
  readonly files: number;
  readonly lines: number;
  readonly bytes: number;
}

/**
 * Copies the Python files Vigil would scan in `source` (its own file discovery: no virtual environments, no
 * symlinks that leave the tree), minus test directories, into `dest`, and writes their list. Every tool then
 * scans that copy, so all four see exactly the same files, and none needs an exclude option.
 * With `step` > 1 only every step-th file (by path) is kept (quick mode).
 */
export function prepareScanCorpus(source: string, dest: string, step = 1): ScanCorpus {
  rmSync(dest, { recursive: true, force: true });
  const names = findPythonFiles([source], { gitignore: false })
    .files.map((path) => relative(source, path).split(sep).join('/'))
    .filter((name) => !name.split('/').some((part) => TEST_DIRECTORIES.has(part)))
    .sort()
    .filter((_, i) => i % step === 0);
  let lines = 0;
  let bytes = 0;
  const paths: string[] = [];
  for (const name of names) {
    const to = join(dest, name);
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(join(source, name), to);
    const text = readFileSync(to, 'utf8');
    lines += text.split('\n').length;
    bytes += Buffer.byteLength(text);
    paths.push(to);
  }
  const listFile = `${dest}.list`;
  writeFileSync(listFile, paths.join('\n') + '\n');
  return { dir: dest, listFile, files: paths.length, lines, bytes };
}

export interface ProcessRun {
  readonly wallMs: number;
  /** user + system CPU seconds of the process (from /usr/bin/time), when available. */
  readonly cpuS: number | undefined;
  readonly maxRssKb: number | undefined;
  readonly exitCode: number | null;
  readonly stdout: string;
}

const TIME = '/usr/bin/time';
export const HAVE_TIME = existsSync(TIME);

/**
 * Runs a whole process and times it from spawn to exit, in this process's clock; /usr/bin/time (when present)
 * adds the CPU time and peak RSS, which say more than wall time on a loaded machine. stdout goes to a file
 * (as a shell redirect would), not through a pipe into this process.
 */
export function runProcess(command: string, args: readonly string[], scratch: string): Promise<ProcessRun> {
  const outFile = join(scratch, 'stdout.txt');
  const timeFile = join(scratch, 'time.txt');
  rmSync(timeFile, { force: true });
  const out = openSync(outFile, 'w');
  const argv = HAVE_TIME ? [TIME, '-f', '%e %U %S %M', '-o', timeFile, command, ...args] : [command, ...args];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', out, 'ignore'] });
    child.once('error', reject);
    child.once('exit', (code) => {
      const wallMs = performance.now() - started;
      closeSync(out);
      let cpuS: number | undefined;
      let maxRssKb: number | undefined;
      if (HAVE_TIME && existsSync(timeFile)) {
        // With a non-zero exit, time writes "Command exited with non-zero status N" first.
        const last = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
        if (last.length === 4 && last.every(Number.isFinite)) {
          cpuS = last[1]! + last[2]!;
          maxRssKb = last[3]!;
        }
      }
      resolve({ wallMs, cpuS, maxRssKb, exitCode: code, stdout: readFileSync(outFile, 'utf8') });
    });
  });
}

export function which(command: string): string | undefined {
  const result = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() || undefined : undefined;
}

export function toolVersion(command: string, args: readonly string[]): string | undefined {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  const text = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n')[0];
  return result.status === 0 || text ? text : undefined;
}

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import parseDiff from 'parse-diff';

/**
 * Git, read through its command line only: `git rev-parse`, `git merge-base`, `git diff --unified=0`,
 * `git ls-files` and `git show REF:path`, each run with `execFile` (no shell) from the repository's root. Nothing
 * here writes to the repository or runs code from it: the repository's configuration cannot start a program
 * through Vigil's calls (no file system monitor, no clean or smudge filters, no text conversion, no external diff,
 * no pager), and git takes no optional locks. Failures become a `GitError` with a message for the user.
 */

export class GitError extends Error {}

/** A file a change touches. Paths are relative to the repository root, with `/` separators. */
export interface ChangedFile {
  /** In the working tree; null when the change deletes the file. */
  readonly path: string | null;
  /** In the base; null when the change adds the file. */
  readonly oldPath: string | null;
  readonly status: 'added' | 'modified' | 'renamed' | 'deleted';
  /** Lines the change added or modified, as git counts them (1-based, lines end at `\n`). */
  readonly added: ReadonlyArray<{ readonly start: number; readonly count: number }>;
  /** Every line is new: a file git does not track yet (its lines are not listed in `added`). */
  readonly wholeFile: boolean;
  /** The hunks with their lines, when `parsePatch` was asked for them (to run a patch backwards). */
  readonly hunks?: readonly PatchHunk[];
}

/**
 * A hunk of a diff: where it sits in the new version (1-based; with no new lines, the line it follows), and its
 * lines in the old and in the new version, context included, without their `-`, `+` or ` ` marks.
 */
export interface PatchHunk {
  readonly newStart: number;
  readonly newLines: number;
  readonly oldText: readonly string[];
  readonly newText: readonly string[];
}

/** The commit a change is compared with, and how to name it. */
export interface GitBase {
  /** What the user asked for (`origin/main`), or how the default was found. */
  readonly label: string;
  readonly commit: string;
}

/** Files the diff looks at: Python sources and notebooks. */
const PATHSPECS = ['*.py', '*.ipynb'];

/** Cap on what one git call may print (a diff of a large change). */
const MAX_OUTPUT = 512 * 1024 * 1024;

interface GitOutput {
  readonly stdout: Buffer;
  readonly stderr: string;
  readonly code: number;
}

/** Settings that would make git start a program named by the repository's configuration, turned off. */
const SAFE_CONFIG = [
  'core.fsmonitor=false',
  'core.quotePath=false',
  'diff.external=',
  'diff.noprefix=false',
  'diff.relative=false',
  'diff.mnemonicPrefix=false',
  'color.ui=false',
];

let gitProgram = 'git';

/** For tests: the program to run as git (default `git` from PATH). */
export function setGitProgram(program: string): void {
  gitProgram = program;
}

function run(cwd: string, args: readonly string[], config: readonly string[] = []): Promise<GitOutput> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GIT_TERMINAL_PROMPT: '0',
    GIT_OPTIONAL_LOCKS: '0',
    GIT_PAGER: 'cat',
    PAGER: 'cat',
    LC_ALL: 'C',
    LANGUAGE: 'C',
  };
  delete env.GIT_EXTERNAL_DIFF;
  delete env.GIT_DIFF_OPTS;
  const configArgs = [...SAFE_CONFIG, ...config].flatMap((setting) => ['-c', setting]);
  return new Promise((resolve, reject) => {
    execFile(
      gitProgram,
      ['--no-pager', ...configArgs, ...args],
      { cwd, env, encoding: 'buffer', maxBuffer: MAX_OUTPUT, windowsHide: true },
      (error, stdout, stderr) => {
        const code = error ? (error as NodeJS.ErrnoException & { code?: unknown }).code : 0;
        if (error && typeof code !== 'number') {
          if (code === 'ENOENT') {
            reject(new GitError(existsSync(cwd) ? `cannot run git (${gitProgram}): it is not installed or not on PATH` : `no such folder: ${cwd}`));
          } else if (code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
            reject(new GitError(`git ${args[0]} printed more than ${MAX_OUTPUT / 1024 / 1024} MB`));
          } else {
            reject(new GitError(`cannot run git ${args[0]}: ${error.message}`));
          }
          return;
        }
        resolve({ stdout, stderr: stderr.toString('utf8'), code: typeof code === 'number' ? code : 0 });
      },
    );
  });
}

/** The first line git wrote to stderr, without its `fatal: ` prefix. */
function gitMessage(output: GitOutput): string {
  const line = output.stderr.split('\n').find((text) => text.trim() !== '') ?? `exit status ${output.code}`;
  return line.replace(/^(fatal|error): /, '').trim();
}

/** The root of the repository holding `cwd`; a clear error when there is none. */
export async function repositoryRoot(cwd: string): Promise<string> {
  const output = await run(cwd, ['rev-parse', '--show-toplevel']);
  if (output.code !== 0) {
    const message = gitMessage(output);
    if (/not a git repository/i.test(message)) {
      throw new GitError(`${cwd} is not in a git repository (reviewing a change needs one; \`--diff -\` reads a patch instead)`);
    }
    throw new GitError(`git cannot open the repository at ${cwd}: ${message}`);
  }
  return output.stdout.toString('utf8').replace(/\r?\n$/, '');
}

/** Whether `ref` could be taken for an option by git. */
function checkRef(ref: string): void {
  if (ref === '' || ref.startsWith('-') || /[\0\n]/.test(ref)) throw new GitError(`not a revision: ${JSON.stringify(ref)}`);
}

async function commitOf(root: string, ref: string): Promise<string | null> {
  const output = await run(root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  return output.code === 0 ? output.stdout.toString('utf8').trim() : null;
}

/** The commit `ref` names; a clear error when it names none. */
export async function resolveBase(root: string, ref: string): Promise<GitBase> {
  checkRef(ref);
  const commit = await commitOf(root, ref);
  if (!commit) throw new GitError(`unknown revision \`${ref}\` (not a commit, branch or tag of the repository at ${root})`);
  return { label: ref, commit };
}

/**
 * The default base: the merge base of `HEAD` with its upstream branch when there is one (what a pull request
 * would be compared with), else `HEAD` (the changes not committed yet).
 */
export async function defaultBase(root: string): Promise<GitBase> {
  const upstream = await run(root, ['rev-parse', '--abbrev-ref', '--symbolic-full-name', '@{upstream}']);
  if (upstream.code === 0) {
    const name = upstream.stdout.toString('utf8').trim();
    const mergeBase = await run(root, ['merge-base', 'HEAD', '@{upstream}']);
    if (mergeBase.code === 0) {
      const commit = mergeBase.stdout.toString('utf8').trim();
      return { label: `the merge base with ${name}`, commit };
    }
  }
  const head = await commitOf(root, 'HEAD');
  if (!head) throw new GitError(`the repository at ${root} has no commit yet: there is nothing to compare with`);
  return { label: 'HEAD', commit: head };
}

/** Configuration that turns off every filter driver the repository's configuration names (they run programs). */
async function filterOverrides(root: string): Promise<string[]> {
  const output = await run(root, ['config', '--null', '--get-regexp', '^filter\\.']);
  if (output.code !== 0) return [];
  const drivers = new Set<string>();
  for (const entry of output.stdout.toString('utf8').split('\0')) {
    const key = entry.split('\n', 1)[0]!;
    const match = /^filter\.(.+)\.[^.]+$/s.exec(key);
    if (match) drivers.add(match[1]!);
  }
  return [...drivers].flatMap((driver) => [
    `filter.${driver}.clean=`,
    `filter.${driver}.smudge=`,
    `filter.${driver}.process=`,
    `filter.${driver}.required=false`,
  ]);
}

/**
 * The Python files and notebooks that differ between `base` and the working tree, with the lines the change added
 * or modified: `git diff --unified=0 --find-renames` (a file moved keeps its history: only its edited lines are
 * new), plus the files git does not track yet and does not ignore, which are new as a whole.
 */
export async function changedFiles(root: string, base: GitBase): Promise<ChangedFile[]> {
  const config = await filterOverrides(root);
  const diff = await run(
    root,
    [
      'diff', '--unified=0', '--find-renames', '--diff-algorithm=histogram', '--no-color', '--no-ext-diff', '--no-textconv',
      '--src-prefix=a/', '--dst-prefix=b/', '--no-relative', '--end-of-options', base.commit, '--', ...PATHSPECS,
    ],
    config,
  );
  if (diff.code !== 0) throw new GitError(`git diff failed: ${gitMessage(diff)}`);
  const files = parsePatch(diff.stdout.toString('utf8'));
  const untracked = await run(root, ['ls-files', '--others', '--exclude-standard', '-z', '--', ...PATHSPECS], config);
  if (untracked.code !== 0) throw new GitError(`git ls-files failed: ${gitMessage(untracked)}`);
  for (const path of untracked.stdout.toString('utf8').split('\0')) {
    if (path !== '') files.push({ path, oldPath: null, status: 'added', added: [], wholeFile: true });
  }
  return files;
}

/**
 * The text of `path` in `base` as git stores it (no filters, no text conversion), or null when the base has no
 * such file.
 */
export async function baseContent(root: string, base: GitBase, path: string): Promise<Buffer | null> {
  const output = await run(root, ['show', '--no-textconv', '--no-color', `${base.commit}:${path}`]);
  if (output.code !== 0) {
    if (/does not exist|exists on disk, but not in|bad revision|invalid object name/i.test(output.stderr)) return null;
    throw new GitError(`git show ${base.commit.slice(0, 12)}:${path} failed: ${gitMessage(output)}`);
  }
  return output.stdout;
}

/**
 * The lines of `current` that differ from `base` (added or modified, git's 1-based `\n` lines), by `git diff
 * --no-index` over two temporary files: for a text that is not on disk, such as an editor's buffer compared with
 * `baseContent`. `changedLinesFromGit` turns them into the engine's lines.
 */
export async function changedLinesBetween(base: string, current: string): Promise<ChangedFile['added']> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-diff-'));
  try {
    writeFileSync(join(dir, 'base'), base);
    writeFileSync(join(dir, 'current'), current);
    const output = await run(dir, [
      'diff', '--no-index', '--unified=0', '--diff-algorithm=histogram', '--no-color', '--no-ext-diff', '--no-textconv',
      '--src-prefix=a/', '--dst-prefix=b/', '--', 'base', 'current',
    ]);
    // 0: no difference, 1: differences; anything else is a failure.
    if (output.code > 1) throw new GitError(`git diff --no-index failed: ${gitMessage(output)}`);
    return parsePatch(output.stdout.toString('utf8'))[0]?.added ?? [];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The files of a unified diff (git's, `diff -u`'s) with the lines it adds or modifies in each new version. Parsing
 * is parse-diff's; this adds what it leaves to callers: the status of each file and git's C-style quoting of
 * unusual names (`"a/caf\303\251.py"`).
 */
export function parsePatch(patch: string, options: { readonly withHunks?: boolean } = {}): ChangedFile[] {
  const files: ChangedFile[] = [];
  for (const file of parseDiff(patch)) {
    const from = file.from === undefined || file.from === '/dev/null' ? null : unquoteGitPath(file.from);
    const to = file.to === undefined || file.to === '/dev/null' ? null : unquoteGitPath(file.to);
    if (from === null && to === null) continue;
    const status = file.deleted || to === null ? 'deleted' : file.new || from === null ? 'added' : from !== to ? 'renamed' : 'modified';
    const added: Array<{ start: number; count: number }> = [];
    if (status !== 'deleted') {
      for (const chunk of file.chunks) {
        for (const change of chunk.changes) {
          if (change.type !== 'add') continue;
          const last = added[added.length - 1];
          if (last && last.start + last.count === change.ln) last.count++;
          else if (!last || last.start + last.count < change.ln) added.push({ start: change.ln, count: 1 });
        }
      }
    }
    const hunks = options.withHunks
      ? file.chunks.map((chunk): PatchHunk => {
          // parse-diff repeats the line before a `\ No newline at end of file` marker with the marker as content.
          const changes = chunk.changes.filter((change) => !change.content.startsWith('\\'));
          return {
            newStart: chunk.newStart,
            newLines: chunk.newLines,
            oldText: changes.filter((change) => change.type !== 'add').map((change) => change.content.slice(1)),
            newText: changes.filter((change) => change.type !== 'del').map((change) => change.content.slice(1)),
          };
        })
      : undefined;
    files.push({
      path: status === 'deleted' ? null : to,
      oldPath: status === 'added' ? null : from,
      status,
      added,
      wholeFile: false,
      ...(hunks ? { hunks } : {}),
    });
  }
  return files;
}

const C_ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };

/**
 * Undoes git's quoting of a path (parse-diff removes the quotes, not the escapes). Git quotes a name that holds a
 * backslash, a double quote or a control character, so a name with a backslash left in it was quoted.
 */
export function unquoteGitPath(name: string): string {
  if (!name.includes('\\')) return name;
  const bytes: number[] = [];
  for (let i = 0; i < name.length; i++) {
    const ch = name[i]!;
    if (ch !== '\\' || i + 1 >= name.length) {
      bytes.push(...Buffer.from(ch, 'utf8'));
      continue;
    }
    const next = name[i + 1]!;
    const octal = /^[0-3][0-7]{2}/.exec(name.slice(i + 1, i + 4));
    if (octal) {
      bytes.push(parseInt(octal[0], 8));
      i += 3;
    } else if (next in C_ESCAPES) {
      bytes.push(C_ESCAPES[next]!);
      i += 1;
    } else {
      bytes.push(92);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

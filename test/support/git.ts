import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Git for fixture repositories, untouched by the machine's global and system configuration. */
export const GIT_ENV = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };

export function git(cwd: string, ...args: string[]): string {
  const result = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'init.defaultBranch=main', ...args], {
    cwd,
    encoding: 'utf8',
    env: GIT_ENV,
  });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

/** Writes files (creating folders) under `root`. */
export function write(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');

/** Runs the built CLI in `cwd`, with `input` on its standard input. */
export function vigil(args: string[], cwd: string, input?: string): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: GIT_ENV, ...(input !== undefined ? { input } : {}) });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `path:line ID` of each line of the CLI's text output, sorted. */
export function found(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const match = /^(.*?):(\d+):\d+: (VG\d+)/.exec(line);
      assert.ok(match, `unexpected output line: ${line}`);
      return `${match[1]}:${match[2]} ${match[3]}`;
    })
    .sort();
}

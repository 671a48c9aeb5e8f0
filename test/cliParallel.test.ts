// A folder is analysed on all cores (`server/src/cli/pool.ts`): the output must be exactly what one file at a time
// gives, in the same order, whatever worker finishes first.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

const CLI = join(__dirname, '..', 'dist', 'cli.js');

describe('command line on all cores', () => {
  let dir: string;
  const names: string[] = [];
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-parallel-'));
    for (let i = 0; i < 24; i++) {
      const name = `m${String(i).padStart(2, '0')}.py`;
      names.push(name);
      // Files of very different sizes, so workers finish out of order.
      const filler = 'def helper_%d(x):\n    return x + %d\n'.repeat(i % 3 === 0 ? 400 : 1).replaceAll('%d', String(i));
      const body = i % 5 === 4 ? 'def broken(:\n    pass\n' : `import yaml\n${filler}\ndef load(fh):\n    return yaml.load(fh)\n`;
      writeFileSync(join(dir, name), body);
    }
    writeFileSync(join(dir, 'm99.py'), Buffer.from([0, 1, 2, 3, 0xff]));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const vigil = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8' });

  test('a folder gives, in order, what each file gives alone (findings, syntax-error notices, skipped files)', () => {
    const folder = vigil(['check', '.', '--format', 'json']);
    assert.equal(folder.status, 1, folder.stderr);
    const together = JSON.parse(folder.stdout) as { findings: Array<{ path: string; line: number; ruleId: string; message: string }>; notices?: unknown[] };
    const alone = names.flatMap((name) => {
      const result = vigil(['check', name, '--format', 'json']);
      return (JSON.parse(result.stdout) as typeof together).findings;
    });
    const describe = (findings: typeof alone) => findings.map((f) => `${f.path.replace(/^\.\//, '')}:${f.line}:${f.ruleId}:${f.message}`);
    assert.deepEqual(describe(together.findings), describe(alone));
    assert.equal(together.findings.length, 20);
    assert.equal((together.notices ?? []).length, 4, 'one syntax-error notice per broken file');
    assert.match(folder.stderr, /m99\.py: skipped: binary file/);
    // Text output too, and it is the same from one run to the next.
    const first = vigil(['check', '.']);
    const second = vigil(['check', '.']);
    assert.equal(first.stdout, second.stdout);
    assert.equal(first.stderr, second.stderr);
    assert.deepEqual(
      first.stdout.trim().split('\n').map((line) => line.split(':')[0]),
      [...names.filter((_, i) => i % 5 !== 4)],
    );
  });
});

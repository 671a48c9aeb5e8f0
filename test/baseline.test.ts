// Baselines (issue 9): `vigil check --write-baseline FILE` records the findings, `--baseline FILE` reports only new
// ones; fingerprints (host/baseline.ts over engine/analysis/baseline.ts) survive line shifts, comments, formatting
// and unrelated edits, and an entry nothing matches any more is reported as fixed.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, test } from 'node:test';
import { BaselineMatcher, formatBaseline, readBaseline, type BaselineEntry } from '../server/src/host/baseline';
import { readConfig } from '../server/src/host/config';
import { found, vigil, write } from './support/git';

const APP = [
  'import subprocess',
  'import yaml',
  '',
  '',
  'def run(cmd):',
  '    subprocess.call(cmd, shell=True)',
  '',
  '',
  'def load(fh):',
  '    return yaml.load(fh)',
  '',
].join('\n');

const SECRET = 'API_PASSWORD = "hunter2-very-secret-value"\n';

describe('baselines', () => {
  let dir: string;
  const all: string[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-baseline-'));
    all.push(dir);
    write(dir, {
      'src/app.py': APP,
      'src/settings.py': SECRET,
      'src/other.py': 'import pickle\n\n\ndef f(b):\n    return pickle.loads(b)\n',
      // The rules these tests count (others, such as the import rules, would change the counts, not the mechanics).
      'vigil.toml': 'select = ["VG102", "VG103", "VG201", "VG202", "VG401"]\n',
    });
  });
  after(() => {
    for (const path of all) rmSync(path, { recursive: true, force: true });
  });

  test('--write-baseline records every finding, hashed, without the code; --baseline then reports nothing new', () => {
    const written = vigil(['check', '--write-baseline', 'vigil-baseline.json', 'src'], dir);
    assert.equal(written.code, 0, written.stderr);
    assert.match(written.stderr, /baseline written: 4 findings in vigil-baseline\.json/);
    const text = readFileSync(join(dir, 'vigil-baseline.json'), 'utf8');
    assert.doesNotMatch(text, /hunter2/, 'the baseline must not quote code (here, a secret)');
    const entries = readBaseline(join(dir, 'vigil-baseline.json'));
    assert.deepEqual(entries.map((entry) => `${entry.path}:${entry.line} ${entry.ruleId}`).sort(), [
      'src/app.py:10 VG202',
      'src/app.py:6 VG102',
      'src/other.py:5 VG201',
      'src/settings.py:1 VG401',
    ]);
    assert.ok(entries.every((entry) => /^[0-9a-f]{32}$/.test(entry.fingerprint)));
    const checked = vigil(['check', '--baseline', 'vigil-baseline.json', 'src'], dir);
    assert.equal(checked.code, 0, checked.stderr);
    assert.equal(checked.stdout, '');
    assert.match(checked.stderr, /0 new findings in 3 files \(4 findings in the baseline, not shown\)\./);
  });

  test('fingerprints survive inserted lines, comments, formatting and edits elsewhere in the function', () => {
    assert.equal(vigil(['check', '--write-baseline', 'b.json', 'src'], dir).code, 0);
    write(dir, {
      'src/app.py': [
        '"""A module docstring added above everything."""',
        'import os',
        'import subprocess',
        'import yaml',
        '',
        '',
        'def run(cmd):  # run a command',
        '    print("running", cmd)',
        '    subprocess.call(cmd,',
        '                    shell=True)  # reformatted',
        '',
        '',
        'def load(fh):',
        '    return yaml.load(fh)',
        '',
        '',
        'def remove(path):',
        '    os.system("rm " + path)',
        '',
      ].join('\n'),
    });
    const { code, stdout } = vigil(['check', '--baseline', 'b.json', 'src'], dir);
    assert.equal(code, 1);
    assert.deepEqual(found(stdout), ['src/app.py:18 VG102'], 'only the new function is reported');
  });

  test('a baseline entry no longer found is reported as fixed: text, JSON and SARIF', () => {
    assert.equal(vigil(['check', '--write-baseline', 'b.json', 'src'], dir).code, 0);
    write(dir, { 'src/app.py': APP.replace('yaml.load(fh)', 'yaml.safe_load(fh)') });
    unlinkSync(join(dir, 'src', 'other.py'));
    const text = vigil(['check', '--baseline', 'b.json', 'src'], dir);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stderr, /^vigil: src\/app\.py: line 10: VG202 is in the baseline but no longer found \(fixed\)$/m);
    assert.match(text.stderr, /^vigil: src\/other\.py: line 5: VG201 is in the baseline but no longer found \(fixed\)$/m);
    assert.match(text.stderr, /2 baseline entries fixed\./);
    const json = JSON.parse(vigil(['check', '--baseline', 'b.json', '--format', 'json', 'src'], dir).stdout);
    assert.deepEqual(json.findings, []);
    assert.equal(json.unchanged, 2);
    assert.deepEqual(json.fixed, [
      { path: 'src/app.py', ruleId: 'VG202', line: 10 },
      { path: 'src/other.py', ruleId: 'VG201', line: 5 },
    ]);
    const sarif = JSON.parse(vigil(['check', '--baseline', 'b.json', '--format', 'sarif', 'src'], dir).stdout);
    const run = sarif.runs[0];
    assert.deepEqual(run.results.map((result: { baselineState: string }) => result.baselineState), ['unchanged', 'unchanged']);
    const notes = run.invocations[0].toolExecutionNotifications.map((note: { message: { text: string } }) => note.message.text);
    assert.ok(notes.includes('VG202 at line 10 is in the baseline but no longer found (fixed)'), notes.join('\n'));
  });

  test('entries of files or rules the run did not look at are not fixed', () => {
    assert.equal(vigil(['check', '--write-baseline', 'b.json', 'src'], dir).code, 0);
    const one = vigil(['check', '--baseline', 'b.json', 'src/app.py'], dir);
    assert.equal(one.code, 0);
    assert.doesNotMatch(one.stderr, /fixed/);
    const selected = vigil(['check', '--baseline', 'b.json', '--select', 'VG1', 'src'], dir);
    assert.equal(selected.code, 0);
    assert.doesNotMatch(selected.stderr, /fixed/);
  });

  test('paths are relative to the baseline file, so it works from any folder', () => {
    mkdirSync(join(dir, 'ci'));
    assert.equal(vigil(['check', '--write-baseline', 'ci/b.json', 'src'], dir).code, 0);
    assert.match(readFileSync(join(dir, 'ci', 'b.json'), 'utf8'), /"path":"\.\.\/src\/app\.py"/);
    const fromSrc = vigil(['check', '--baseline', '../ci/b.json', '.'], join(dir, 'src'));
    assert.equal(fromSrc.code, 0, fromSrc.stdout + fromSrc.stderr);
    assert.equal(fromSrc.stdout, '');
  });

  test('identical findings count: a third copy of a baselined statement is new', () => {
    write(dir, { 'src/app.py': APP.replace('    return yaml.load(fh)', '    yaml.load(fh)\n    return yaml.load(fh)') });
    assert.equal(vigil(['check', '--write-baseline', 'b.json', 'src'], dir).code, 0);
    write(dir, { 'src/app.py': APP.replace('    return yaml.load(fh)', '    yaml.load(fh)\n    yaml.load(fh)\n    return yaml.load(fh)') });
    const { code, stdout } = vigil(['check', '--baseline', 'b.json', 'src'], dir);
    assert.equal(code, 1);
    assert.equal(found(stdout).length, 1);
  });

  test('a missing or foreign baseline file is a usage error', () => {
    const missing = vigil(['check', '--baseline', 'nowhere.json', 'src'], dir);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /baseline nowhere\.json: no such file or directory/);
    writeFileSync(join(dir, 'other.json'), '{"findings": []}');
    const foreign = vigil(['check', '--baseline', 'other.json', 'src'], dir);
    assert.equal(foreign.code, 2);
    assert.match(foreign.stderr, /other\.json is not a Vigil baseline/);
    writeFileSync(join(dir, 'broken.json'), '{');
    assert.equal(vigil(['check', '--baseline', 'broken.json', 'src'], dir).code, 2);
  });

  test('the matcher takes the entry nearest to the line, and the file format is stable', () => {
    const entry = (line: number): BaselineEntry => ({ fingerprint: 'f', ruleId: 'VG202', path: 'a.py', line, severity: 'medium', confidence: 'high' });
    const matcher = new BaselineMatcher(join(dir, 'b.json'), [entry(3), entry(40)]);
    assert.equal(matcher.take('f', 38), true);
    const fixed = matcher.fixed(new Set([join(dir, 'a.py')]), () => true, () => true);
    assert.deepEqual(fixed.map((item) => item.line), [3]);
    assert.equal(matcher.take('f', 1), true);
    assert.equal(matcher.take('f', 1), false);
    assert.equal(formatBaseline([entry(40), entry(3)]), formatBaseline([entry(3), entry(40)]));
    assert.equal(formatBaseline([]), '{\n  "format": "vigil-baseline",\n  "version": 1,\n  "findings": []\n}\n');
  });
});

describe('the baseline named in the project configuration', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-baseline-config-'));
    write(dir, { 'src/app.py': APP });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('`baseline` is a path relative to the configuration file; anything else is an error naming the key', () => {
    write(dir, { 'pyproject.toml': '[tool.vigil]\nbaseline = "ci/vigil-baseline.json"\n', 'bad/vigil.toml': 'baseline = 3\n', 'empty/vigil.toml': 'baseline = ""\n' });
    const config = readConfig(join(dir, 'pyproject.toml'))!;
    assert.equal(config.baseline, join(dir, 'ci', 'vigil-baseline.json'));
    assert.deepEqual(config.warnings, []);
    const bad = readConfig(join(dir, 'bad', 'vigil.toml'))!;
    assert.equal(bad.baseline, undefined);
    assert.match(bad.errors.join('\n'), /`baseline` must be the path of a baseline file .*not an integer/);
    assert.match(readConfig(join(dir, 'empty', 'vigil.toml'))!.errors.join('\n'), /`baseline` must be .*not an empty string/);
  });

  test('`vigil check` uses it when --baseline is not given; --baseline wins; a missing file is a usage error', () => {
    assert.equal(vigil(['check', '--write-baseline', 'vigil-baseline.json', 'src'], dir).code, 0);
    write(dir, { 'pyproject.toml': '[tool.vigil]\nbaseline = "vigil-baseline.json"\n' });
    write(dir, { 'src/app.py': '\n\n' + APP + '\n\ndef again(cmd):\n    eval(cmd)\n' });
    const checked = vigil(['check', 'src'], dir);
    assert.equal(checked.code, 1, checked.stderr);
    assert.deepEqual(found(checked.stdout), ['src/app.py:16 VG103'], 'only the finding the baseline does not hold');
    assert.match(checked.stderr, /using the baseline vigil-baseline\.json \(from pyproject\.toml\)/);
    assert.match(checked.stderr, /1 new finding in 1 file \(\d+ findings in the baseline, not shown\)\./);
    // An explicit --baseline replaces it (here an empty one: every finding is new).
    writeFileSync(join(dir, 'empty.json'), formatBaseline([]));
    const explicit = found(vigil(['check', '--baseline', 'empty.json', 'src'], dir).stdout);
    for (const expected of ['src/app.py:16 VG103', 'src/app.py:8 VG102', 'src/app.py:12 VG202']) assert.ok(explicit.includes(expected), `${expected} in ${explicit.join(', ')}`);
    // Writing a baseline ignores the configured one (it records every finding).
    const rewritten = vigil(['check', '--write-baseline', 'vigil-baseline.json', 'src'], dir);
    assert.match(rewritten.stderr, /baseline written: \d+ findings/);
    assert.doesNotMatch(rewritten.stderr, /using the baseline/);
    unlinkSync(join(dir, 'vigil-baseline.json'));
    const missing = vigil(['check', 'src'], dir);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /baseline .*vigil-baseline\.json/);
  });
});


// The command line's suppression options (`--ignore-nosec`, `--report-unused-suppressions`) and the project keys
// `test-paths` and `[tool.vigil.severity]`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

const CLI = join(__dirname, '..', 'dist', 'cli.js');

function vigil(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const SUPPRESSED = [
  'import yaml',
  '',
  'a = yaml.load(fh)  # nosec',
  'b = yaml.load(fh)  # noqa: S506',
  'c = yaml.load(fh)  # vigil: ignore[VG202]',
  'd = yaml.load(',
  '    fh,  # nosec B506',
  ')',
  '',
].join('\n');

const UNUSED = [
  'import yaml',
  '',
  'a = yaml.load(fh)  # nosec B506',
  'b = 1  # nosec',
  'c = 2  # noqa: E501',
  'd = 3  # noqa: E501, S506',
  'e = 4  # vigil: ignore[VG202]',
  'f = 5  # noqa',
  '',
].join('\n');

const TESTISH = [
  'def check(user, doc):',
  '    password = "hunter2hunter2"',
  '    assert doc.owner == user, "not your document"',
  '',
].join('\n');

describe('command line: suppressions', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-suppressions-'));
    writeFileSync(join(dir, 'suppressed.py'), SUPPRESSED);
    writeFileSync(join(dir, 'unused.py'), UNUSED);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('--ignore-nosec reports what `# nosec` and `# noqa` hide, and keeps `# vigil: ignore`', () => {
    const honoured = vigil(['check', 'suppressed.py'], dir);
    assert.equal(honoured.code, 0, honoured.stdout + honoured.stderr);
    const ignored = vigil(['check', '--ignore-nosec', '--select', 'VG202', 'suppressed.py'], dir);
    assert.equal(ignored.code, 1);
    assert.deepEqual(ignored.stdout.trim().split('\n').map((line) => line.split(':').slice(0, 2).join(':')), [
      'suppressed.py:3',
      'suppressed.py:4',
      'suppressed.py:6',
    ]);
  });

  test('--report-unused-suppressions lists each unused directive like a finding and exits 1', () => {
    const quiet = vigil(['check', '--select', 'VG202', 'unused.py'], dir);
    assert.equal(quiet.code, 0, 'not reported unless asked for');
    assert.equal(quiet.stdout, '');
    const { code, stdout, stderr } = vigil(['check', '--report-unused-suppressions', 'unused.py'], dir);
    assert.equal(code, 1, stderr);
    assert.equal(
      stdout,
      [
        'unused.py:4:8: unused-suppression [low] Unused suppression `# nosec` (no finding here to suppress)',
        'unused.py:6:8: unused-suppression [low] Unused suppression `# noqa: E501, S506` (unused: S506)',
        'unused.py:7:8: unused-suppression [low] Unused suppression `# vigil: ignore[VG202]` (unused: VG202)',
        '',
      ].join('\n'),
    );
    assert.match(stderr, /0 findings in 1 file\. 3 unused suppressions\./);
    // A rule the selection leaves out still counts: its comment is needed by the runs that select it.
    const ignored = vigil(['check', '--report-unused-suppressions', '--ignore', 'VG202', 'unused.py'], dir);
    assert.doesNotMatch(ignored.stdout, /:3:\d+: unused-suppression/);
  });

  test('JSON carries them as `unused-suppression` notices, SARIF as notes, and the log stays valid', () => {
    const json = JSON.parse(vigil(['check', '--format', 'json', '--report-unused-suppressions', 'unused.py'], dir).stdout);
    assert.deepEqual(
      json.notices.filter((notice: { kind: string }) => notice.kind === 'unused-suppression').map((notice: { line: number }) => notice.line),
      [4, 6, 7],
    );
    const log = JSON.parse(vigil(['check', '--format', 'sarif', '--report-unused-suppressions', 'unused.py'], dir).stdout);
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(require.resolve('@microsoft/sarif-multitool-linux/sarif-2.1.0.json'), 'utf8')));
    const valid: boolean = validate(log);
    assert.ok(valid, JSON.stringify(validate.errors, null, 2));
    const notes = log.runs[0].invocations[0].toolExecutionNotifications.filter((note: { message: { text: string } }) => /^Unused suppression/.test(note.message.text));
    assert.deepEqual(notes.map((note: { level: string; locations: Array<{ physicalLocation: { region: { startLine: number } } }> }) => [note.level, note.locations[0]!.physicalLocation.region.startLine]), [
      ['note', 4],
      ['note', 6],
      ['note', 7],
    ]);
  });
});

describe('command line: test-paths and severity', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-testpaths-'));
    mkdirSync(join(dir, 'app', 'tests'), { recursive: true });
    mkdirSync(join(dir, 'app', 'qa'), { recursive: true });
    writeFileSync(join(dir, 'app', 'main.py'), TESTISH);
    writeFileSync(join(dir, 'app', 'tests', 'helpers.py'), TESTISH);
    writeFileSync(join(dir, 'app', 'test_main.py'), TESTISH);
    writeFileSync(join(dir, 'app', 'qa', 'checks.py'), TESTISH);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const filesWith = (stdout: string, rule: string): string[] =>
    [...new Set(stdout.trim().split('\n').filter((line) => line.includes(` ${rule} `)).map((line) => line.split(':')[0]!))].sort();

  test('by default, test folders and pytest file names are test paths: asserts and test passwords are fine there', () => {
    const { stdout } = vigil(['check', 'app'], dir);
    assert.deepEqual(filesWith(stdout, 'VG401'), ['app/main.py', 'app/qa/checks.py']);
    assert.deepEqual(filesWith(stdout, 'VG607'), ['app/main.py', 'app/qa/checks.py']);
  });

  test('`test-paths` replaces the default; an empty list turns it off', () => {
    writeFileSync(join(dir, 'vigil.toml'), 'test-paths = ["qa/"]\n');
    try {
      assert.deepEqual(filesWith(vigil(['check', 'app'], dir).stdout, 'VG401'), ['app/main.py', 'app/test_main.py', 'app/tests/helpers.py']);
      writeFileSync(join(dir, 'vigil.toml'), 'test-paths = []\n');
      assert.deepEqual(filesWith(vigil(['check', 'app'], dir).stdout, 'VG401').length, 4);
    } finally {
      rmSync(join(dir, 'vigil.toml'));
    }
  });

  test('`[tool.vigil.severity]` sets a rule\'s severity (by any of its codes) before --min-severity', () => {
    writeFileSync(join(dir, 'pyproject.toml'), '[tool.vigil.severity]\nB105 = "high"\nVG607 = "info"\n');
    try {
      const { stdout } = vigil(['check', 'app/main.py'], dir);
      assert.match(stdout, / VG401 \[high\] /);
      assert.match(stdout, / VG607 \[info\] /);
      const high = vigil(['check', '--min-severity', 'high', 'app/main.py'], dir);
      assert.doesNotMatch(high.stdout, /VG607/);
      assert.match(high.stdout, /VG401/);
      writeFileSync(join(dir, 'pyproject.toml'), '[tool.vigil.severity]\nVG401 = "critical"\nXX1 = "low"\n');
      const bad = vigil(['check', 'app/main.py'], dir);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /`severity\.VG401` must be one of "info", "low", "medium", "high", not "critical"/);
      assert.match(bad.stderr, /`severity` XX1: no rule has this ID/);
    } finally {
      rmSync(join(dir, 'pyproject.toml'));
    }
  });
});

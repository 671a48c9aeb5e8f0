import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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

const VULNERABLE = ['import yaml', '', 'def load(path):', '    with open(path) as fh:', '        return yaml.load(fh)', ''].join('\n');
const CLEAN = 'import yaml\n\nprint(yaml.safe_load("a: 1"))\n';

describe('command line', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-cli-'));
    mkdirSync(join(dir, 'src', 'pkg'), { recursive: true });
    writeFileSync(join(dir, 'src', 'pkg', 'loader.py'), VULNERABLE);
    writeFileSync(join(dir, 'src', 'clean.py'), CLEAN);
    writeFileSync(join(dir, 'src', 'blob.py'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1, 2, 3]));
    writeFileSync(join(dir, 'src', 'notes.txt'), 'yaml.load(x)\n');
    for (const skipped of ['.git', 'node_modules', '.venv', '__pycache__']) {
      mkdirSync(join(dir, 'src', skipped), { recursive: true });
      writeFileSync(join(dir, 'src', skipped, 'vendored.py'), VULNERABLE);
    }
    mkdirSync(join(dir, 'src', 'env'));
    writeFileSync(join(dir, 'src', 'env', 'pyvenv.cfg'), 'home = /usr\n');
    writeFileSync(join(dir, 'src', 'env', 'site.py'), VULNERABLE);
    symlinkSync(join(dir, 'missing-target.py'), join(dir, 'dangling.py'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('check prints `path:line:col: ID [severity] message (CWE)` and exits 1 on findings', () => {
    const { code, stdout, stderr } = vigil(['check', 'src'], dir);
    assert.equal(code, 1, stderr);
    assert.equal(
      stdout,
      'src/pkg/loader.py:5:16: VG202 [medium] `yaml.load()` without a safe `Loader` can construct arbitrary Python objects from the document (CWE-502, CWE-20)\n',
    );
    assert.match(stderr, /src\/blob\.py: skipped: binary file/);
    assert.match(stderr, /1 finding in 2 files\./, 'virtual environments, .git, node_modules and caches are skipped');
  });

  test('exit 0 without findings, 2 on usage errors, 2 (after analysing the rest) on unreadable paths', () => {
    assert.equal(vigil(['check', 'src/clean.py'], dir).code, 0);
    const badFormat = vigil(['check', '--format', 'xml', 'src'], dir);
    assert.equal(badFormat.code, 2);
    assert.match(badFormat.stderr, /xml/);
    const badRule = vigil(['check', '--select', 'XYZ999', 'src'], dir);
    assert.equal(badRule.code, 2);
    assert.match(badRule.stderr, /XYZ999/);
    assert.equal(vigil([], dir).code, 2);
    const missing = vigil(['check', 'dangling.py', 'nowhere', 'src'], dir);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /dangling\.py: no such file/);
    assert.match(missing.stderr, /nowhere: no such file/);
    assert.match(missing.stdout, /loader\.py:5:16: VG202/, 'the readable files are still analysed');
  });

  test('--select, --ignore and --min-severity filter by Vigil, Bandit and Ruff codes', () => {
    assert.equal(vigil(['check', '--ignore', 'VG202', 'src'], dir).code, 0);
    assert.equal(vigil(['check', '--ignore', 'B506', 'src'], dir).code, 0);
    assert.equal(vigil(['check', '--select', 'S506', 'src'], dir).code, 1);
    assert.equal(vigil(['check', '--select', 'VG1', 'src'], dir).code, 0);
    assert.equal(vigil(['check', '--min-severity', 'high', 'src'], dir).code, 0);
    assert.equal(vigil(['check', '--min-severity', 'medium', 'src'], dir).code, 1);
  });

  test('JSON output carries every field a CI script needs', () => {
    const { stdout } = vigil(['check', '--format', 'json', 'src'], dir);
    const report = JSON.parse(stdout);
    assert.equal(report.findings.length, 1);
    const [finding] = report.findings;
    assert.equal(finding.path, 'src/pkg/loader.py');
    assert.equal(finding.line, 5);
    assert.equal(finding.ruleId, 'VG202');
    assert.deepEqual(finding.cwe, [502, 20]);
    assert.deepEqual(finding.bandit, ['B506']);
    assert.equal(finding.fixes[0].title, 'Use `yaml.safe_load`');
    assert.ok(report.errors.some((error: { path: string }) => error.path === 'src/blob.py'));
  });

  test('SARIF output is valid SARIF 2.1.0 with CWE tags and the same rule IDs', () => {
    const { stdout } = vigil(['check', '--format', 'sarif', 'src'], dir);
    const log = JSON.parse(stdout);
    const schemaPath = require.resolve('@microsoft/sarif-multitool-linux/sarif-2.1.0.json');
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')));
    const valid: boolean = validate(log);
    assert.ok(valid, JSON.stringify(validate.errors, null, 2));
    const run = log.runs[0];
    const rule = run.tool.driver.rules.find((candidate: { id: string }) => candidate.id === 'VG202');
    assert.ok(rule.properties.tags.includes('external/cwe/cwe-502'));
    assert.match(rule.help.markdown, /## Why is this bad\?/);
    assert.equal(run.results[0].ruleId, 'VG202');
    assert.equal(run.results[0].locations[0].physicalLocation.region.startLine, 5);
    assert.equal(run.columnKind, 'utf16CodeUnits');
  });

  test('review prints the report, with the verdict first', () => {
    const vulnerable = vigil(['review', 'src/pkg/loader.py'], dir);
    assert.equal(vulnerable.code, 0);
    const lines = vulnerable.stdout.split('\n');
    assert.equal(lines[0], '# Security review: `src/pkg/loader.py`');
    assert.equal(lines[2], '**1 security defect found (1 medium).**');
    assert.match(vulnerable.stdout, /## 1\. YAML loaded with an unsafe loader \(line 5\)/);
    assert.match(vulnerable.stdout, /\*\*Why it matters\.\*\*/);
    assert.match(vulnerable.stdout, /\*\*How to fix it\.\*\*/);
    const clean = vigil(['review', 'src/clean.py'], dir);
    assert.match(clean.stdout, /\*\*No security defects are detected in the code\.\*\*/);
    assert.equal(vigil(['review', 'src/blob.py'], dir).code, 2);
  });
});

describe('command line: project configuration and .gitignore', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-config-'));
    mkdirSync(join(dir, '.git'));
    mkdirSync(join(dir, 'app', 'tests'), { recursive: true });
    mkdirSync(join(dir, 'app', 'migrations'), { recursive: true });
    mkdirSync(join(dir, 'app', 'generated'), { recursive: true });
    writeFileSync(join(dir, 'app', 'main.py'), VULNERABLE);
    writeFileSync(join(dir, 'app', 'tests', 'test_main.py'), VULNERABLE);
    writeFileSync(join(dir, 'app', 'migrations', '0001.py'), VULNERABLE);
    writeFileSync(join(dir, 'app', 'generated', 'api.py'), VULNERABLE);
    writeFileSync(join(dir, '.gitignore'), 'generated/\n');
    writeFileSync(
      join(dir, 'pyproject.toml'),
      ['[project]', 'name = "app"', '', '[tool.vigil]', 'exclude = ["migrations/"]', '', '[tool.vigil.per-file-ignores]', '"**/tests/**" = ["VG202"]', ''].join('\n'),
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('honours exclude, per-file-ignores and .gitignore from the nearest configuration', () => {
    const { code, stdout } = vigil(['check', 'app'], dir);
    assert.equal(code, 1);
    assert.deepEqual(stdout.trim().split('\n').map((line) => line.split(':')[0]), ['app/main.py']);
    assert.match(vigil(['check', '--no-gitignore', 'app'], dir).stdout, /app\/generated\/api\.py/);
    assert.match(vigil(['check', 'app/migrations/0001.py'], dir).stdout, /VG202/, 'a file named on the command line is analysed');
  });

  test('a broken configuration is a usage error with the file named', () => {
    const broken = mkdtempSync(join(tmpdir(), 'vigil-broken-'));
    try {
      writeFileSync(join(broken, 'vigil.toml'), 'select = [\n');
      writeFileSync(join(broken, 'a.py'), VULNERABLE);
      const { code, stderr } = vigil(['check', '.'], broken);
      assert.equal(code, 2);
      assert.match(stderr, /vigil\.toml/);
      writeFileSync(join(broken, 'vigil.toml'), 'ignore = ["VG202"]\nunknown-key = 1\n');
      const warned = vigil(['check', '.'], broken);
      assert.equal(warned.code, 0, 'vigil.toml ignores VG202');
      assert.match(warned.stderr, /unknown key `unknown-key`/);
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  });
});

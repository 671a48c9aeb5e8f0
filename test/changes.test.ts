// Reviewing what a change introduces (issue 9): the pure part (engine/analysis/changes.ts), git and patches
// (host/git.ts, host/changes.ts), and `vigil check --diff` / `vigil review --diff` on fixture repositories built
// here: commits on a branch, a rename, a deleted file, a CRLF file, code moved within and between files, an
// untracked file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import {
  ChangedLines,
  KeyCounts,
  analyzeText,
  changedLinesFromGit,
  classifyChange,
  findingKeys,
  touchesChange,
  type Finding,
} from '../server/src/engine';
import { undoHunks } from '../server/src/host/changes';
import { changedLinesBetween, parsePatch, unquoteGitPath } from '../server/src/host/git';
import { loadParser } from './support/engine';
import { GIT_ENV, found, git, vigil, write } from './support/git';

const APP_BASE = [
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

const APP_CHANGED = [
  '# Lines inserted above every old finding.',
  'import os',
  'import pickle',
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
  '',
  'def remove(path):',
  '    os.system("rm " + path)',
  '',
  '',
  'def restore_blob(blob):',
  '    return pickle.loads(blob)',
  '',
].join('\n');

const HELPERS_BASE = [
  'import pickle',
  '',
  '',
  'def restore_blob(blob):',
  '    return pickle.loads(blob)',
  '',
  '',
  'def unrelated():',
  '    return 1',
  '',
].join('\n');

const HELPERS_CHANGED = ['def unrelated():', '    return 1', ''].join('\n');

const OLD_BASE = ['# Evaluation helpers.', '', '', 'def evaluate(expr):', '    """Evaluate an expression."""', '    return eval(expr)', '', '', 'def double(x):', '    return 2 * x', ''].join('\n');
const RENAMED = OLD_BASE.replace('    return 2 * x', '    return x + x');

const MOVER_BASE = ['import subprocess', '', '', 'def first(cmd):', '    subprocess.call(cmd, shell=True)', '', '', 'def second(x):', '    return eval(x)', ''].join('\n');
const MOVER_CHANGED = ['import subprocess', '', '', 'def second(x):', '    return eval(x)', '', '', 'def first(cmd):', '    subprocess.call(cmd, shell=True)', ''].join('\n');

const WEB_BASE = [
  'from flask import Flask, request',
  '',
  'app = Flask(__name__)',
  '',
  '',
  '@app.route("/f")',
  'def f():',
  '    name = "fixed.txt"',
  '    path = "/data/" + name',
  '    return open(path).read()',
  '',
].join('\n');
const WEB_CHANGED = WEB_BASE.replace('    name = "fixed.txt"', '    name = request.args.get("name")');

const CRLF_BASE = ['import pickle', '', '', 'def restore(blob):', '    return pickle.loads(blob)', ''].join('\r\n');
const CRLF_CHANGED = ['import pickle', '', '', 'def restore(blob):', '    return pickle.loads(blob)', '', '', 'def again(b):', '    return pickle.loads(b)', ''].join('\r\n');

/** What `check --diff main` must report in the fixture: exactly the findings the change introduced. */
const INTRODUCED = ['app.py:17 VG102', 'crlf.py:9 VG201', 'fresh.py:2 VG103', 'scratch.py:3 VG102', 'web.py:10 VG104'];

/** A repository with `main` and a `feature` branch checked out; the feature's last edits are left uncommitted. */
function fixtureRepository(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-changes-'));
  git(dir, 'init', '-q', '-b', 'main');
  write(dir, {
    'app.py': APP_BASE,
    'helpers.py': HELPERS_BASE,
    'old.py': OLD_BASE,
    'mover.py': MOVER_BASE,
    'web.py': WEB_BASE,
    'crlf.py': CRLF_BASE,
    'gone.py': '"""Old code, deleted by the change."""\nimport json\n\nCONFIG = {"a": 1, "b": 2}\n\n\ndef gone(text):\n    return eval(text, CONFIG)\n',
    'README.md': 'A fixture.\n',
  });
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'base');
  git(dir, 'checkout', '-q', '-b', 'feature');
  git(dir, 'mv', 'old.py', 'renamed.py');
  git(dir, 'rm', '-q', 'gone.py');
  write(dir, { 'renamed.py': RENAMED, 'mover.py': MOVER_CHANGED, 'helpers.py': HELPERS_CHANGED, 'fresh.py': 'def fresh(x):\n    return eval(x)\n' });
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'feature: first part');
  // Not committed yet: the working tree is what is reviewed.
  write(dir, {
    'app.py': APP_CHANGED,
    'web.py': WEB_CHANGED,
    'crlf.py': CRLF_CHANGED,
    'README.md': 'A fixture, changed.\n',
    'scratch.py': 'import os\n\nos.system("ls " + input())\n',
  });
  return dir;
}

describe('changes: which findings touch a change', () => {
  const finding = (line: number, flow: number[] = []): Finding => ({
    ruleId: 'VG104',
    ruleName: 'path-traversal',
    message: 'm',
    severity: 'high',
    confidence: 'high',
    cwe: [22],
    range: { start: { line, character: 0 }, end: { line, character: 4 } },
    related: [],
    flow: flow.map((step) => ({ range: { start: { line: step, character: 0 }, end: { line: step, character: 1 } }, message: 's' })),
    fixes: [],
    bandit: [],
    ruff: [],
  });

  test('ChangedLines merges spans and answers for ranges', () => {
    const changed = ChangedLines.of([{ start: 5, end: 7 }, { start: 1, end: 2 }, { start: 6, end: 9 }, { start: 3, end: 3 }]);
    assert.deepEqual(changed.lineSpans, [{ start: 1, end: 2 }, { start: 5, end: 9 }]);
    assert.equal(changed.touches(0), false);
    assert.equal(changed.touches(1), true);
    assert.equal(changed.touches(2, 4), false);
    assert.equal(changed.touches(3, 5), true);
    assert.equal(changed.touches(9, 20), false);
    assert.equal(ChangedLines.all().touches(1000), true);
    assert.equal(ChangedLines.none().touches(0), false);
  });

  test('git lines become engine lines, also where a lone CR ends a line', () => {
    assert.deepEqual(changedLinesFromGit('a\nb\nc\n', [{ start: 2, count: 1 }]).lineSpans, [{ start: 1, end: 2 }]);
    // git sees `a\rb\rc\n` as one line; the engine as three.
    const text = 'x\na\rb\rc\nz\n';
    assert.deepEqual(changedLinesFromGit(text, [{ start: 2, count: 1 }]).lineSpans, [{ start: 1, end: 4 }]);
    assert.deepEqual(changedLinesFromGit(text, [{ start: 3, count: 1 }]).lineSpans, [{ start: 4, end: 5 }]);
  });

  test('a finding touches the change by its location, or by its flow source or sink, not by a middle step', () => {
    const changed = ChangedLines.of([{ start: 7, end: 8 }]);
    assert.equal(touchesChange(finding(7), changed), true);
    assert.equal(touchesChange(finding(10, [7, 8, 10]), changed), true, 'source on a changed line');
    assert.equal(touchesChange(finding(10, [3, 7, 10]), changed), false, 'only a middle step changed');
    assert.equal(touchesChange(finding(2, [1, 2]), changed), false);
  });

  test('moved code is unchanged; a copy of an old defect is new', () => {
    const a = { finding: finding(1), key: 'K' };
    const b = { finding: finding(5), key: 'K' };
    const c = { finding: finding(9), key: 'L' };
    // Base had one K: the untouched finding keeps it, the touching copy is new; L moved (in the base too).
    const states = classifyChange([{ findings: [a, b, c], changed: ChangedLines.of([{ start: 5, end: 10 }]) }], new KeyCounts(['K', 'L']));
    assert.deepEqual(states[0]!.map((item) => item.state), ['unchanged', 'new', 'unchanged']);
  });

  test('finding keys ignore line shifts, comments and formatting, not the statement or its function', async () => {
    const parser = await loadParser();
    const keysOf = (text: string): string[] => {
      const result = analyzeText(parser, text);
      return findingKeys(result.findings, result.syntax, result.lineIndex);
    };
    const base = keysOf('import yaml\n\ndef load(fh):\n    return yaml.load(fh)\n');
    assert.equal(base.length, 1);
    assert.deepEqual(keysOf('import yaml\n# note\n\n\ndef load(fh):  # loader\n    x = 1\n    return yaml.load(  fh )  # why\n'), base);
    assert.notDeepEqual(keysOf('import yaml\n\ndef load(fh):\n    return yaml.load(fh.read())\n'), base, 'the statement changed');
    assert.notDeepEqual(keysOf('import yaml\n\ndef read(fh):\n    return yaml.load(fh)\n'), base, 'another function');
  });
});

describe('changes: parsing diffs', () => {
  test('parse-diff reads --unified=0 hunks, renames, deletions, new files, CRLF lines and quoted names', () => {
    const patch = [
      'diff --git a/new.py b/new.py',
      'new file mode 100644',
      'index 0000000..3e75765',
      '--- /dev/null',
      '+++ b/new.py',
      '@@ -0,0 +1,2 @@',
      '+a',
      '+b',
      'diff --git "a/caf\\303\\251 \\"x\\".py" "b/caf\\303\\251 \\"x\\".py"',
      'index bca70f3..8a08eba 100644',
      '--- "a/caf\\303\\251 \\"x\\".py"\t',
      '+++ "b/caf\\303\\251 \\"x\\".py"\t',
      '@@ -1,0 +2 @@ q',
      '+r',
      'diff --git a/crlf.py b/crlf.py',
      'index e1587ff..abc81d9 100644',
      '--- a/crlf.py',
      '+++ b/crlf.py',
      '@@ -2 +2 @@ one',
      '-two\r',
      '+TWO\r',
      '@@ -3,0 +4,2 @@ three',
      '+four\r',
      '+five\r',
      'diff --git a/del.py b/del.py',
      'deleted file mode 100644',
      'index 286c5f5..0000000',
      '--- a/del.py',
      '+++ /dev/null',
      '@@ -1 +0,0 @@',
      '-gone',
      'diff --git a/keep.py b/keep.py',
      'index 9405325..799363e 100644',
      '--- a/keep.py',
      '+++ b/keep.py',
      '@@ -4 +3,0 @@ c',
      '-d',
      '@@ -9 +8 @@ x',
      '-last',
      '\\ No newline at end of file',
      '+LAST',
      '\\ No newline at end of file',
      'diff --git a/old.py b/renamed.py',
      'similarity index 72%',
      'rename from old.py',
      'rename to renamed.py',
      'index c659168..1f4ca07 100644',
      '--- a/old.py',
      '+++ b/renamed.py',
      '@@ -3 +3 @@ y = 2',
      '-z = 3',
      '+z = 33',
      'diff --git a/moved.py b/moved2.py',
      'similarity index 100%',
      'rename from moved.py',
      'rename to moved2.py',
      '',
    ].join('\n');
    const files = parsePatch(patch).map(({ path, oldPath, status, added }) => ({ path, oldPath, status, added }));
    assert.deepEqual(files, [
      { path: 'new.py', oldPath: null, status: 'added', added: [{ start: 1, count: 2 }] },
      { path: 'café "x".py', oldPath: 'café "x".py', status: 'modified', added: [{ start: 2, count: 1 }] },
      { path: 'crlf.py', oldPath: 'crlf.py', status: 'modified', added: [{ start: 2, count: 1 }, { start: 4, count: 2 }] },
      { path: null, oldPath: 'del.py', status: 'deleted', added: [] },
      { path: 'keep.py', oldPath: 'keep.py', status: 'modified', added: [{ start: 8, count: 1 }] },
      { path: 'renamed.py', oldPath: 'old.py', status: 'renamed', added: [{ start: 3, count: 1 }] },
      { path: 'moved2.py', oldPath: 'moved.py', status: 'renamed', added: [] },
    ]);
  });

  test('two texts that are not files are compared by git too (for an editor buffer against its base)', async () => {
    assert.deepEqual(await changedLinesBetween('a\nb\nc\n', 'a\nB\nc\nd\n'), [{ start: 2, count: 1 }, { start: 4, count: 1 }]);
    assert.deepEqual(await changedLinesBetween('same\r\n', 'same\r\n'), []);
    assert.deepEqual(await changedLinesBetween('', 'x = 1\ny = 2'), [{ start: 1, count: 2 }]);
  });

  test('git quoting is undone only where git quoted', () => {
    assert.equal(unquoteGitPath('plain name.py'), 'plain name.py');
    assert.equal(unquoteGitPath('tab\\there\\\\and\\"q\\".py'), 'tab\there\\and"q".py');
    assert.equal(unquoteGitPath('caf\\303\\251.py'), 'café.py');
  });

  test('a patch runs backwards to the base text, context lines and all; a patch of another version gives nothing', () => {
    const patch = ['--- a/x.py', '+++ b/x.py', '@@ -1,3 +1,3 @@', ' a', '-b', '+B', ' c', '@@ -6,0 +7 @@ f', '+g', ''].join('\n');
    const [file] = parsePatch(patch, { withHunks: true });
    const after = 'a\nB\nc\nd\ne\nf\ng\n';
    assert.equal(undoHunks(after, file!.hunks!), 'a\nb\nc\nd\ne\nf\n');
    assert.equal(undoHunks('a\nX\nc\nd\ne\nf\ng\n', file!.hunks!), null);
  });
});

describe('vigil check --diff and review --diff on a repository', () => {
  let dir: string;
  before(() => {
    dir = fixtureRepository();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('check --diff BASE reports exactly the findings the change introduced', () => {
    const all = vigil(['check', '.'], dir);
    assert.equal(all.code, 1);
    assert.ok(found(all.stdout).length > INTRODUCED.length + 4, all.stdout);
    const { code, stdout, stderr } = vigil(['check', '--diff', 'main'], dir);
    assert.equal(code, 1, stderr);
    // Not reported: the old findings of app.py below inserted lines, the function moved from helpers.py to app.py,
    // the functions reordered in mover.py, the renamed file's old eval, the deleted file.
    assert.deepEqual(found(stdout), INTRODUCED);
    assert.match(stderr, /5 new findings in 8 changed files \(\d+ findings not introduced by the change, not shown\)\./);
  });

  test('named paths narrow the change; a change of nothing Vigil reads is clean', () => {
    const { code, stdout } = vigil(['check', '--diff', 'main', 'app.py', 'web.py'], dir);
    assert.equal(code, 1);
    assert.deepEqual(found(stdout), ['app.py:17 VG102', 'web.py:10 VG104']);
    const none = vigil(['check', '--diff', 'main', 'README.md'], dir);
    assert.equal(none.code, 0);
    assert.match(none.stderr, /No changed Python files \(compared with main\)\./);
  });

  test('a patch on standard input gives the same answer (without the untracked file)', () => {
    const expected = INTRODUCED.filter((line) => !line.startsWith('scratch.py'));
    for (const context of ['--unified=0', '--unified=3']) {
      const patch = spawnSync('git', ['diff', context, '--find-renames', 'main'], { cwd: dir, encoding: 'utf8', env: GIT_ENV }).stdout;
      const { code, stdout, stderr } = vigil(['check', '--diff', '-'], dir, patch);
      assert.equal(code, 1, stderr);
      assert.deepEqual(found(stdout), expected, context);
      assert.doesNotMatch(stderr, /does not match/);
    }
    const notADiff = vigil(['check', '--diff', '-'], dir, 'hello\n');
    assert.equal(notADiff.code, 2);
    assert.match(notADiff.stderr, /not a unified diff/);
  });

  test('JSON marks findings new and counts the others; SARIF carries baselineState new and unchanged', () => {
    const json = JSON.parse(vigil(['check', '--diff', 'main', '--format', 'json'], dir).stdout);
    assert.equal(json.findings.length, INTRODUCED.length);
    assert.ok(json.findings.every((finding: { baselineState: string }) => finding.baselineState === 'new'));
    assert.ok(json.unchanged > 0);
    assert.deepEqual(json.fixed, []);
    const log = JSON.parse(vigil(['check', '--diff', 'main', '--format', 'sarif'], dir).stdout);
    const schema = JSON.parse(readFileSync(require.resolve('@microsoft/sarif-multitool-linux/sarif-2.1.0.json'), 'utf8'));
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    const valid: boolean = validate(log);
    assert.ok(valid, JSON.stringify(validate.errors, null, 2));
    const results = log.runs[0].results as Array<{ baselineState: string; ruleId: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }> }>;
    const at = (state: string): string[] =>
      results
        .filter((result) => result.baselineState === state)
        .map((result) => `${result.locations[0]!.physicalLocation.artifactLocation.uri}:${result.locations[0]!.physicalLocation.region.startLine} ${result.ruleId}`)
        .sort();
    assert.deepEqual(at('new'), INTRODUCED);
    assert.ok(at('unchanged').includes('app.py:9 VG102'));
    assert.ok(at('unchanged').includes('renamed.py:6 VG103'));
  });

  test('review --diff BASE: the verdict, each file with its verdict, sections for what is introduced', () => {
    const { code, stdout, stderr } = vigil(['review', '--diff', 'main'], dir);
    assert.equal(code, 0, stderr);
    const lines = stdout.split('\n');
    assert.equal(lines[0], '# Security review of a change');
    assert.match(stdout, /Compared with `main` \(commit `[0-9a-f]{12}`\)/);
    assert.match(stdout, /\*\*5 security defects are introduced by this change \(4 high, 1 medium\)\.\*\*/);
    assert.match(stdout, /^- `renamed\.py` \(renamed from `old\.py`\): No security defects introduced\. 1 earlier finding not listed\.$/m);
    assert.match(stdout, /^- `gone\.py` \(deleted\): Nothing to review\.$/m);
    assert.match(stdout, /^- `mover\.py` \(modified\): No security defects introduced\. 2 earlier findings not listed\.$/m);
    assert.match(stdout, /^- `fresh\.py` \(added\): 1 security defect introduced \(1 high\)\.$/m);
    assert.match(stdout, /^## `app\.py`$/m);
    assert.match(stdout, /^### 1\. Shell command built from data \(line 17\)$/m);
    assert.doesNotMatch(stdout, /^## `mover\.py`$/m);
    assert.doesNotMatch(stdout, /yaml\.load/, 'old findings are not listed');
  });

  test('a change that only moves code introduces nothing', () => {
    const moved = fixtureRepository();
    try {
      git(moved, 'add', '-A');
      git(moved, 'commit', '-q', '-m', 'feature: second part');
      // Reorder functions within a file and move one to another file.
      write(moved, {
        'app.py': APP_CHANGED.replace('\n\ndef restore_blob(blob):\n    return pickle.loads(blob)\n', '\n'),
        'helpers.py': 'import pickle\n\n\ndef restore_blob(blob):\n    return pickle.loads(blob)\n\n\n' + HELPERS_CHANGED,
        'mover.py': MOVER_BASE,
      });
      const check = vigil(['check', '--diff', 'HEAD'], moved);
      assert.equal(check.code, 0, check.stdout);
      assert.equal(check.stdout, '');
      const review = vigil(['review', '--diff', 'HEAD'], moved);
      assert.equal(review.code, 0);
      assert.match(review.stdout, /^\*\*No security defects are introduced by this change\.\*\*$/m);
    } finally {
      rmSync(moved, { recursive: true, force: true });
    }
  });

  test('the default base is the merge base with the upstream branch, else HEAD', () => {
    const clone = mkdtempSync(join(tmpdir(), 'vigil-clone-'));
    try {
      git(clone, 'clone', '-q', '--branch', 'main', dir, 'work');
      const work = join(clone, 'work');
      git(work, 'checkout', '-q', '-b', 'topic', '--track', 'origin/main');
      write(work, { 'added.py': 'def f(x):\n    return eval(x)\n' });
      git(work, 'add', '-A');
      git(work, 'commit', '-q', '-m', 'topic');
      // Committed on the branch: only the upstream's merge base sees it.
      const withUpstream = vigil(['check', '--diff'], work);
      assert.equal(withUpstream.code, 1, withUpstream.stderr);
      assert.deepEqual(found(withUpstream.stdout), ['added.py:2 VG103']);
      const review = vigil(['review', '--diff'], work);
      assert.match(review.stdout, /Compared with the merge base with origin\/main \(commit `[0-9a-f]{12}`\)/);
      // `--diff PATH` (a path, not a revision) is the default base and that path.
      assert.deepEqual(found(vigil(['check', '--diff', 'added.py'], work).stdout), ['added.py:2 VG103']);
      git(work, 'branch', '-q', '--unset-upstream');
      const withoutUpstream = vigil(['check', '--diff'], work);
      assert.equal(withoutUpstream.code, 0);
      assert.match(withoutUpstream.stderr, /No changed Python files \(compared with HEAD\)\./);
    } finally {
      rmSync(clone, { recursive: true, force: true });
    }
  });

  test('outside a repository, or with an unknown revision, a clear message and exit 2', () => {
    const plain = mkdtempSync(join(tmpdir(), 'vigil-norepo-'));
    try {
      write(plain, { 'a.py': 'eval(input())\n' });
      const outside = vigil(['check', '--diff', 'main'], plain);
      assert.equal(outside.code, 2);
      assert.match(outside.stderr, /^vigil: .* is not in a git repository/m);
      assert.equal(vigil(['review', '--diff', 'HEAD'], plain).code, 2);
    } finally {
      rmSync(plain, { recursive: true, force: true });
    }
    const unknown = vigil(['check', '--diff', 'no-such-branch'], dir);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown revision `no-such-branch`/);
    const option = vigil(['check', '--diff', '--output=x', '.'], dir);
    assert.equal(option.code, 2);
    assert.equal(existsSync(join(dir, 'x')), false);
    const both = vigil(['check', '--diff', 'main', '--write-baseline', 'b.json'], dir);
    assert.equal(both.code, 2);
  });

  test("git runs no program from the repository's configuration (fsmonitor, filters, text conversion, external diff)", () => {
    const repo = mkdtempSync(join(tmpdir(), 'vigil-hostile-'));
    try {
      git(repo, 'init', '-q', '-b', 'main');
      write(repo, { 'a.py': 'x = 1\n', '.gitattributes': '*.py filter=evil diff=evil\n' });
      git(repo, 'add', '-A');
      git(repo, 'commit', '-q', '-m', 'base');
      const marker = join(repo, 'ran');
      const script = join(repo, 'evil.sh');
      writeFileSync(script, `#!/bin/sh\ntouch '${marker}'\ncat\n`);
      chmodSync(script, 0o755);
      for (const setting of ['core.fsmonitor', 'filter.evil.clean', 'filter.evil.smudge', 'filter.evil.process', 'diff.evil.textconv', 'diff.evil.command', 'diff.external']) {
        git(repo, 'config', setting, script);
      }
      git(repo, 'config', 'filter.evil.required', 'true');
      write(repo, { 'a.py': 'x = 1\neval(input())\n' });
      const { code, stdout, stderr } = vigil(['check', '--diff', 'HEAD'], repo);
      assert.equal(code, 1, stderr);
      assert.deepEqual(found(stdout), ['a.py:2 VG103']);
      assert.equal(existsSync(marker), false, 'a program from the repository configuration ran');
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });
});

// Issue 9 in the editor, through the real server (dist/server.js): "Vigil: Review Changes" (`vigil/reviewChanges`)
// on fixture repositories built here, and the `vigil.showFindings: changed` filter of published diagnostics.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { normalizeSettings } from '../server/src/lsp/settings';
import { REVIEW_CHANGES_REQUEST, type ReviewChangesResult } from '../server/src/protocol';
import { git, write } from './support/git';
import { TestClient } from './support/lspClient';

const BASE = ['import os', 'import yaml', '', '', 'def load(fh):', '    return yaml.load(fh)', ''].join('\n');
/** One finding introduced (VG102 on line 10); the old VG202 on line 6 stays. */
const CHANGED = BASE + ['', '', 'def remove(path):', '    os.system("rm " + path)', ''].join('\n');

const MOVER_BASE = [
  'import pickle',
  'import yaml',
  '',
  '',
  'def load(fh):',
  '    return yaml.load(fh)',
  '',
  '',
  'def restore(blob):',
  '    return pickle.loads(blob)',
  '',
].join('\n');
/** The same functions in the other order: code moved, nothing introduced. */
const MOVER_CHANGED = [
  'import pickle',
  'import yaml',
  '',
  '',
  'def restore(blob):',
  '    return pickle.loads(blob)',
  '',
  '',
  'def load(fh):',
  '    return yaml.load(fh)',
  '',
].join('\n');

function repository(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-lsp-changes-'));
  git(dir, 'init', '-q');
  write(dir, files);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'base');
  return dir;
}

type Review = Extract<ReviewChangesResult, { markdown: string }>;

describe('Review Changes and showFindings in the language server', () => {
  let changed: string;
  let moved: string;
  let plain: string;
  let client: TestClient;
  const uri = (root: string, path: string): string => pathToFileURL(join(root, path)).href;
  const review = async (root: string, base?: string): Promise<ReviewChangesResult> => {
    const result = await client.request<ReviewChangesResult | null>(REVIEW_CHANGES_REQUEST, { folderUri: pathToFileURL(root).href, ...(base ? { base } : {}) });
    assert.ok(result, 'the request is answered');
    return result;
  };
  const report = async (root: string, base?: string): Promise<Review> => {
    const result = await review(root, base);
    assert.ok('markdown' in result, JSON.stringify(result));
    return result;
  };

  before(async () => {
    changed = repository({ 'app.py': BASE, 'other.py': BASE });
    write(changed, { 'app.py': CHANGED });
    moved = repository({ 'mover.py': MOVER_BASE });
    write(moved, { 'mover.py': MOVER_CHANGED });
    plain = mkdtempSync(join(tmpdir(), 'vigil-lsp-norepo-'));
    write(plain, { 'app.py': CHANGED });
    client = await TestClient.start({ workspaceFolders: [changed, moved, plain] });
  });
  after(async () => {
    await client.stop();
    for (const dir of [changed, moved, plain]) rmSync(dir, { recursive: true, force: true });
  });

  test('the report lists exactly the finding the change introduced, with the verdict', async () => {
    const result = await report(changed);
    assert.equal(result.findingCount, 1);
    assert.equal(result.files, 1);
    assert.equal(result.verdict, '1 security defect is introduced by this change (1 high).');
    assert.match(result.markdown, /^# Security review of a change$/m);
    assert.match(result.markdown, /Compared with `HEAD` \(commit `[0-9a-f]{12}`\)/);
    assert.match(result.markdown, /^\*\*1 security defect is introduced by this change \(1 high\)\.\*\*$/m);
    assert.match(result.markdown, /^- `app\.py` \(modified\): 1 security defect introduced \(1 high\)\. 1 earlier finding not listed\.$/m);
    assert.match(result.markdown, /\(line 10\)$/m);
    assert.match(result.markdown, /VG102/);
    assert.doesNotMatch(result.markdown, /VG202/, 'the old finding is not listed');
    // A base named in the request (here the same commit).
    const named = await report(changed, 'HEAD');
    assert.equal(named.findingCount, 1);
    const unknown = await review(changed, 'no-such-branch');
    assert.ok('error' in unknown);
    assert.match(unknown.error, /unknown revision `no-such-branch`/);
    // The setting `vigil.reviewChanges.base` is the default base; a base in the request wins.
    await client.changeSettings({ reviewChanges: { base: 'from-the-setting' } });
    try {
      const fromSetting = await review(changed);
      assert.ok('error' in fromSetting);
      assert.match(fromSetting.error, /unknown revision `from-the-setting`/);
      assert.equal((await report(changed, 'HEAD')).findingCount, 1);
    } finally {
      await client.changeSettings({});
    }
  });

  test('an open buffer is reviewed instead of its file, unsaved edits included', async () => {
    const other = uri(changed, 'other.py');
    await client.open(other, BASE + '\n\ndef run(cmd):\n    os.system(cmd + "x")\n');
    try {
      const result = await report(changed);
      assert.equal(result.findingCount, 2, result.markdown);
      assert.match(result.markdown, /^- `other\.py` \(modified\): 1 security defect introduced \(1 high\)\. 1 earlier finding not listed\.$/m);
    } finally {
      await client.close(other);
    }
    assert.equal((await report(changed)).findingCount, 1, 'closed again: the file on disk, unchanged');
  });

  test('moving code introduces nothing', async () => {
    const result = await report(moved);
    assert.equal(result.findingCount, 0);
    assert.equal(result.verdict, 'No security defects are introduced by this change.');
    assert.match(result.markdown, /^\*\*No security defects are introduced by this change\.\*\*$/m);
    assert.match(result.markdown, /^- `mover\.py` \(modified\): No security defects introduced\. 2 earlier findings not listed\.$/m);
  });

  test('a folder that is not a git repository gets a clear message', async () => {
    const result = await review(plain);
    assert.ok('error' in result, JSON.stringify(result));
    assert.match(result.error, /is not in a git repository: Review Changes compares a git working tree with a base revision\./);
  });

  test('showFindings "changed" publishes only the findings on lines changed against the base', async () => {
    const app = uri(changed, 'app.py');
    const codes = (diagnostics: Array<{ code?: unknown; range: { start: { line: number } } }>): string[] =>
      diagnostics.map((d) => `${String(d.code)}@${d.range.start.line + 1}`).sort();
    await client.open(app, CHANGED);
    assert.deepEqual(codes(await client.diagnosticsFor(app)), ['VG102@10', 'VG202@6'], 'all by default');
    await client.changeSettings({ showFindings: 'changed' });
    await client.diagnostics(app, (params) => params.diagnostics.length === 1);
    assert.deepEqual(codes(client.published.get(app)!.diagnostics), ['VG102@10'], 'the old finding in the unchanged part is not published');
    // Editing the old line makes its finding part of the change.
    await client.change(app, [{ range: { start: { line: 5, character: 4 }, end: { line: 5, character: 4 } }, text: 'x = 1; ' }]);
    assert.deepEqual(codes(await client.diagnosticsFor(app)), ['VG102@10', 'VG202@6']);
    // Against a base that already has the change (a commit of it), only the edited line is new.
    try {
      git(changed, 'commit', '-q', '-am', 'second');
      const head = git(changed, 'rev-parse', 'HEAD').trim();
      await client.changeSettings({ showFindings: 'changed', reviewChanges: { base: head } });
      await client.diagnostics(app, (params) => params.diagnostics.length === 1 && params.diagnostics[0]!.code === 'VG202');
      // A file outside any repository: every finding, and one line in the log.
      const loose = uri(plain, 'app.py');
      await client.open(loose, CHANGED);
      assert.deepEqual(codes(await client.diagnosticsFor(loose)), ['VG102@10', 'VG202@6']);
      assert.ok(client.logs.some((log) => /showFindings "changed": .*not in a git repository/.test(log.message)));
      await client.close(loose);
      await client.changeSettings({});
      await client.diagnostics(app, (params) => params.diagnostics.length === 2);
    } finally {
      await client.close(app);
    }
  });
});

describe('showFindings "changed" for renamed files and notebooks', () => {
  let repo: string;
  let client: TestClient;
  const codes = (diagnostics: Array<{ code?: unknown; range: { start: { line: number } } }>): string[] =>
    diagnostics.map((d) => `${String(d.code)}@${d.range.start.line + 1}`).sort();
  const notebookJson = (cells: string[]): string =>
    JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { language_info: { name: 'python' } },
      cells: cells.map((source) => ({ cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source })),
    });

  before(async () => {
    repo = repository({ 'old_name.py': BASE, 'analysis.ipynb': notebookJson(['import yaml\n', 'yaml.load(open("f"))\n']) });
    // Renamed in git and edited: the base text is the old name's.
    git(repo, 'mv', 'old_name.py', 'new_name.py');
    write(repo, { 'new_name.py': CHANGED });
    client = await TestClient.start({ workspaceFolders: [repo], settings: { showFindings: 'changed' } });
  });
  after(async () => {
    await client.stop();
    rmSync(repo, { recursive: true, force: true });
  });

  test('a file renamed with git mv and edited: only the lines the edit changed count', async () => {
    const renamed = pathToFileURL(join(repo, 'new_name.py')).href;
    await client.open(renamed, CHANGED);
    assert.deepEqual(codes(await client.diagnosticsFor(renamed)), ['VG102@10'], 'the old finding, unchanged under the old name, is not shown');
    await client.close(renamed);
  });

  test('a notebook compares its cells with the base version\'s cells', async () => {
    const notebook = pathToFileURL(join(repo, 'analysis.ipynb')).href;
    const cell = (n: number): string => `vscode-notebook-cell:${join(repo, 'analysis.ipynb')}#c${n}`;
    await client.notify('notebookDocument/didOpen', {
      notebookDocument: { uri: notebook, notebookType: 'jupyter-notebook', version: 1, cells: [1, 2, 3].map((n) => ({ kind: 2, document: cell(n) })) },
      cellTextDocuments: [
        { uri: cell(1), languageId: 'python', version: 1, text: 'import yaml\n' },
        { uri: cell(2), languageId: 'python', version: 1, text: 'yaml.load(open("f"))\n' },
        { uri: cell(3), languageId: 'python', version: 1, text: 'yaml.load(open("g"))\n' },
      ],
    });
    // Only the third cell is new: its finding is shown, the second cell's (in the base) is not.
    await client.diagnostics(cell(3), (params) => params.diagnostics.length === 1);
    assert.deepEqual(codes((await client.diagnostics(cell(2))).diagnostics), []);
    await client.notify('notebookDocument/didClose', { notebookDocument: { uri: notebook }, cellTextDocuments: [1, 2, 3].map((n) => ({ uri: cell(n) })) });
  });
});

describe('settings of Review Changes and showFindings', () => {
  test('are normalised: well-formed values kept, others reported and defaulted', () => {
    assert.equal(normalizeSettings({}).showFindings, 'all');
    assert.equal(normalizeSettings({}).reviewChangesBase, '');
    const good = normalizeSettings({ showFindings: 'changed', reviewChanges: { base: ' origin/main ' } });
    assert.equal(good.showFindings, 'changed');
    assert.equal(good.reviewChangesBase, 'origin/main');
    const problems: string[] = [];
    const bad = normalizeSettings({ showFindings: 'some', reviewChanges: { base: 3 } }, problems);
    assert.equal(bad.showFindings, 'all');
    assert.equal(bad.reviewChangesBase, '');
    assert.equal(problems.length, 2, problems.join('\n'));
    assert.match(problems.join('\n'), /vigil\.reviewChanges\.base/);
  });
});

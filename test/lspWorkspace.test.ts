import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { CodeAction, TextDocumentEdit, TextEdit } from 'vscode-languageserver-protocol';
import {
  EXPORT_SARIF_REQUEST,
  REVIEW_FILE_REQUEST,
  REVIEW_WORKSPACE_REQUEST,
  RULES_REQUEST,
  type ReviewFileResult,
  type ReviewWorkspaceResult,
  type RuleSummary,
} from '../server/src/protocol';
import { TestClient } from './support/lspClient';
import { applyEdits } from './support/text';

const VULNERABLE = ['import yaml', '', 'def load(path):', '    with open(path) as fh:', '        return yaml.load(fh)', ''].join('\n');

/** Server features that involve the workspace: project configuration, workspace review, exports, fix-all. */
describe('language server in a workspace', () => {
  let root: string;
  let client: TestClient;
  const uri = (path: string) => pathToFileURL(join(root, path)).href;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'vigil-ws-'));
    mkdirSync(join(root, '.git'));
    mkdirSync(join(root, 'pkg', 'tests'), { recursive: true });
    mkdirSync(join(root, 'vendored'));
    mkdirSync(join(root, 'build'));
    writeFileSync(join(root, 'pkg', 'loader.py'), VULNERABLE);
    writeFileSync(join(root, 'pkg', 'clean.py'), 'import yaml\nyaml.safe_load("a: 1")\n');
    writeFileSync(join(root, 'pkg', 'tests', 'test_loader.py'), VULNERABLE);
    writeFileSync(join(root, 'vendored', 'lib.py'), VULNERABLE);
    writeFileSync(join(root, 'build', 'gen.py'), VULNERABLE);
    writeFileSync(join(root, '.gitignore'), 'build/\n');
    writeFileSync(join(root, 'vigil.toml'), 'exclude = ["vendored/"]\n\n[per-file-ignores]\n"**/tests/**" = ["VG202"]\n');
    // A notebook: a magic, then the defect in its second code cell.
    const cell = (source: string[]) => ({ cell_type: 'code', metadata: {}, outputs: [], execution_count: null, source });
    const notebook = { cells: [cell(['%matplotlib inline\n', 'import yaml\n']), cell(['yaml.load(open(input()))\n'])], metadata: {}, nbformat: 4, nbformat_minor: 5 };
    writeFileSync(join(root, 'pkg', 'explore.ipynb'), JSON.stringify(notebook));
    client = await TestClient.start({ workspaceFolders: [root] });
  });
  after(async () => {
    await client.stop();
    rmSync(root, { recursive: true, force: true });
  });

  test('open documents follow the project configuration', async () => {
    await client.open(uri('pkg/tests/test_loader.py'), VULNERABLE);
    assert.deepEqual(await client.diagnosticsFor(uri('pkg/tests/test_loader.py')), [], 'per-file-ignores apply');
    await client.open(uri('vendored/lib.py'), VULNERABLE);
    assert.deepEqual(await client.diagnosticsFor(uri('vendored/lib.py')), [], 'excluded files get no diagnostics');
    await client.open(uri('pkg/loader.py'), VULNERABLE);
    assert.equal((await client.diagnosticsFor(uri('pkg/loader.py'))).length, 1);
    await client.changeSettings({ configurationPreference: 'editorOnly' });
    await client.diagnostics(uri('vendored/lib.py'), (params) => params.diagnostics.length === 1);
    await client.changeSettings({ exclude: ['vendored/'] , configurationPreference: 'editorOnly' });
    await client.diagnostics(uri('vendored/lib.py'), (params) => params.diagnostics.length === 0);
    await client.changeSettings({});
    for (const path of ['pkg/tests/test_loader.py', 'vendored/lib.py', 'pkg/loader.py']) await client.close(uri(path));
  });

  test('Review Workspace publishes findings for files never opened, with progress', async () => {
    const result = await client.request<ReviewWorkspaceResult>(REVIEW_WORKSPACE_REQUEST, { workDoneToken: 'review-1' });
    assert.equal(result.cancelled, false);
    assert.equal(result.files, 4, 'loader, clean, the test file and the notebook; vendored/ is excluded and build/ ignored by git');
    assert.equal(result.findings, 2, "loader.py's and the notebook's second cell's");
    assert.deepEqual(result.bySeverity, { high: 0, medium: 2, low: 0, info: 0 });
    const diagnostics = await client.diagnostics(uri('pkg/loader.py'), (params) => params.diagnostics.length === 1);
    assert.equal(diagnostics.diagnostics[0]!.code, 'VG202');
    assert.ok(client.progress.some((item) => item.token === 'review-1'), 'progress was reported on the client token');
  });

  test('Review File of a file on disk, with line links for the preview', async () => {
    const reportUri = pathToFileURL(join(root, 'reports', 'loader review.md')).href;
    const result = await client.request<ReviewFileResult>(REVIEW_FILE_REQUEST, { uri: uri('pkg/loader.py'), reportUri });
    assert.equal(result.verdict, '1 security defect found (1 medium).');
    assert.ok(result.markdown.includes('[line 5](../pkg/loader.py#L5)'), result.markdown);
  });

  test('SARIF export, the rule list and fix-all', async () => {
    const fileUri = uri('pkg/fixme.py');
    const text = [
      'import yaml',
      'a = yaml.load(x)',
      'b = yaml.load(y, Loader=yaml.Loader)',
      'c = yaml.load(z)  # vigil: ignore[VG202]',
      '',
    ].join('\n');
    await client.open(fileUri, text);
    await client.diagnosticsFor(fileUri);
    const sarif = JSON.parse((await client.request<string>(EXPORT_SARIF_REQUEST, { uri: fileUri }))!);
    assert.deepEqual(sarif.runs[0].results.map((result: { ruleId: string }) => result.ruleId), ['VG202', 'VG202']);

    const rules = await client.request<RuleSummary[]>(RULES_REQUEST, {});
    assert.ok(rules.some((rule) => rule.id === 'VG101' && rule.docsUri.endsWith('VG101-sql-string-building.md')));

    const actions = (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: fileUri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll'] },
    })) as CodeAction[];
    assert.equal(actions.length, 1);
    assert.equal(actions[0]!.kind, 'source.fixAll.vigil');
    const fixed = applyEdits(text, (actions[0]!.edit!.documentChanges![0] as TextDocumentEdit).edits as TextEdit[]);
    assert.equal(fixed, ['import yaml', 'a = yaml.safe_load(x)', 'b = yaml.safe_load(y)', 'c = yaml.load(z)  # vigil: ignore[VG202]', ''].join('\n'));
  });
});

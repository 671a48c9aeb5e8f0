import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { DiagnosticSeverity, DiagnosticTag } from 'vscode-languageserver-protocol';
import { TestClient } from './support/lspClient';

/**
 * In the editor: unused suppression comments are faded hints; the project's `severity` and `test-paths` apply as in
 * the CLI, and the editor's `vigil.severity` then maps levels to squiggles (by any rule code).
 */
describe('language server: suppressions, test paths and project severities', () => {
  let root: string;
  let client: TestClient;
  const uri = (path: string) => pathToFileURL(join(root, path)).href;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'vigil-lsp-suppressions-'));
    mkdirSync(join(root, '.git'));
    mkdirSync(join(root, 'app', 'tests'), { recursive: true });
    writeFileSync(join(root, 'vigil.toml'), '[severity]\nVG202 = "low"\n');
    client = await TestClient.start({ workspaceFolders: [root] });
  });
  after(async () => {
    await client.stop();
    rmSync(root, { recursive: true, force: true });
  });

  test('an unused `# vigil: ignore` or `# nosec` is an Unnecessary hint on the directive; `# noqa` is left to Ruff', async () => {
    const text = [
      'import yaml',
      'a = yaml.load(x)  # nosec',
      'b = 1  # nosec',
      'c = 2  # vigil: ignore[VG202]',
      'd = 3  # noqa: S506',
      'e = 4  # noqa',
      '',
    ].join('\n');
    await client.open(uri('app/module.py'), text);
    const hints = (await client.diagnosticsFor(uri('app/module.py'))).filter((d) => d.code === 'unused-suppression');
    assert.deepEqual(
      hints.map((d) => [d.range, d.severity, d.tags, d.source, d.message]),
      [
        [{ start: { line: 2, character: 7 }, end: { line: 2, character: 14 } }, DiagnosticSeverity.Hint, [DiagnosticTag.Unnecessary], 'vigil', 'Unused suppression `# nosec` (no finding here to suppress)'],
        [{ start: { line: 3, character: 7 }, end: { line: 3, character: 29 } }, DiagnosticSeverity.Hint, [DiagnosticTag.Unnecessary], 'vigil', 'Unused suppression `# vigil: ignore[VG202]` (unused: VG202)'],
      ],
    );
  });

  test('the project severity applies, then `vigil.severity` maps it (by rule, name, Bandit or Ruff code)', async () => {
    await client.open(uri('app/loader.py'), 'import yaml\nx = yaml.load(h)\n');
    const [finding] = (await client.diagnosticsFor(uri('app/loader.py'))).filter((d) => d.code === 'VG202');
    assert.equal(finding!.severity, DiagnosticSeverity.Information, 'low → information by default (project severity low)');
    await client.changeSettings({ severity: { S506: 'error' } });
    const published = await client.diagnostics(uri('app/loader.py'), (params) => params.diagnostics.some((d) => d.code === 'VG202' && d.severity === DiagnosticSeverity.Error));
    assert.ok(published);
    await client.changeSettings({});
  });

  test('in a test path, asserts and test passwords are not reported', async () => {
    const text = 'def check(user, doc):\n    password = "hunter2hunter2"\n    assert doc.owner == user, "not your document"\n';
    await client.open(uri('app/views.py'), text);
    const codes = (await client.diagnosticsFor(uri('app/views.py'))).map((d) => d.code).sort();
    assert.deepEqual(codes, ['VG401', 'VG607']);
    await client.open(uri('app/tests/helpers.py'), text);
    assert.deepEqual(await client.diagnosticsFor(uri('app/tests/helpers.py')), []);
  });
});

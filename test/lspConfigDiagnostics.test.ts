import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { DiagnosticSeverity, DidChangeWatchedFilesNotification, FileChangeType } from 'vscode-languageserver-protocol';
import { TestClient } from './support/lspClient';

const VULNERABLE = ['import yaml', '', 'def load(path):', '    with open(path) as fh:', '        return yaml.load(fh)', ''].join('\n');

/**
 * Problems of the project configuration (unknown rule codes, values of the wrong type, broken TOML) are diagnostics
 * on the configuration file itself, besides the warning message, and go away when the file is fixed.
 */
describe('language server: configuration problems as diagnostics', () => {
  let root: string;
  let client: TestClient;
  const uri = (path: string) => pathToFileURL(join(root, path)).href;
  const changed = (path: string) =>
    client.notify(DidChangeWatchedFilesNotification.type.method, { changes: [{ uri: uri(path), type: FileChangeType.Changed }] });

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'vigil-config-'));
    mkdirSync(join(root, '.git'));
    mkdirSync(join(root, 'app'));
    mkdirSync(join(root, 'lib'));
    writeFileSync(join(root, 'app', 'loader.py'), VULNERABLE);
    writeFileSync(join(root, 'lib', 'loader.py'), VULNERABLE);
    writeFileSync(join(root, 'app', 'vigil.toml'), 'select = ["VG999"]\nmin-severity = 3\n');
    writeFileSync(join(root, 'lib', 'pyproject.toml'), '[project]\nname = "lib"\n\n[tool.vigil]\nselekt = ["VG2"]\n');
    client = await TestClient.start({ workspaceFolders: [root] });
  });
  after(async () => {
    await client.stop();
    rmSync(root, { recursive: true, force: true });
  });

  test('unknown rule codes and wrong types are errors on vigil.toml; fixing the file clears them', async () => {
    await client.open(uri('app/loader.py'), VULNERABLE);
    const published = await client.diagnostics(uri('app/vigil.toml'), (params) => params.diagnostics.length > 0);
    const problems = published.diagnostics.map((d) => [d.severity, d.range.start.line, d.source, d.code, d.message]);
    assert.deepEqual(problems, [
      [DiagnosticSeverity.Error, 0, 'vigil', 'configuration', '`select` VG999: no rule has this ID, name, Bandit or Ruff code (see `vigil rules`)'],
      [DiagnosticSeverity.Error, 0, 'vigil', 'configuration', '`min-severity` must be one of "info", "low", "medium", "high", not an integer'],
    ]);
    assert.ok(client.logs.some((log) => log.message.includes('VG999')), 'still reported in the output channel too');

    // Broken TOML: one diagnostic where the parser stopped.
    writeFileSync(join(root, 'app', 'vigil.toml'), 'select = ["VG2"]\nignore = = 3\n');
    await changed('app/vigil.toml');
    const broken = await client.diagnostics(uri('app/vigil.toml'), (params) => params.diagnostics.some((d) => String(d.message).includes('invalid TOML')));
    assert.equal(broken.diagnostics.length, 1);
    assert.deepEqual(broken.diagnostics[0]!.range.start, { line: 1, character: 9 }, 'line 2, column 10 of the file');
    assert.equal(broken.diagnostics[0]!.severity, DiagnosticSeverity.Error);

    writeFileSync(join(root, 'app', 'vigil.toml'), 'select = ["VG2"]\n');
    const since = client.publications.length;
    await changed('app/vigil.toml');
    await client.diagnostics(uri('app/vigil.toml'), (params) => params.diagnostics.length === 0);
    // The document is analysed again with the fixed configuration (VG202 selected)...
    for (let waited = 0; !client.publications.slice(since).some((params) => params.uri === uri('app/loader.py')); waited += 20) {
      assert.ok(waited < 10_000, 'the document is analysed again');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.ok(client.published.get(uri('app/loader.py'))!.diagnostics.some((d) => d.code === 'VG202'));
    assert.deepEqual(client.published.get(uri('app/vigil.toml'))?.diagnostics, [], '...and the configuration file has no diagnostics');
  });

  test('an unknown key in [tool.vigil] is a warning on pyproject.toml', async () => {
    await client.open(uri('lib/loader.py'), VULNERABLE);
    const published = await client.diagnostics(uri('lib/pyproject.toml'), (params) => params.diagnostics.length > 0);
    assert.deepEqual(
      published.diagnostics.map((d) => [d.severity, d.range.start.line, d.message]),
      [[DiagnosticSeverity.Warning, 0, 'unknown key `selekt`']],
    );
  });

  test('a vigil.toml that is a FIFO is skipped and said in the output channel', { skip: process.platform === 'win32' && 'no FIFOs' }, async () => {
    mkdirSync(join(root, 'pipe'));
    writeFileSync(join(root, 'pipe', 'loader.py'), VULNERABLE);
    const made = spawnSync('mkfifo', [join(root, 'pipe', 'vigil.toml')]);
    if (made.status !== 0) return; // no mkfifo here
    await client.open(uri('pipe/loader.py'), VULNERABLE);
    const diagnostics = await client.diagnosticsFor(uri('pipe/loader.py'));
    assert.ok(diagnostics.some((d) => d.code === 'VG202'), 'the file is analysed with the defaults');
    const warning = client.logs.find((log) => log.message.includes('vigil.toml: not a regular file; ignored'));
    assert.ok(warning, JSON.stringify(client.logs.map((log) => log.message)));
    assert.equal(warning.type, 2, 'a warning');
  });
});

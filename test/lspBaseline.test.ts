// The baseline named in the project configuration (`[tool.vigil] baseline = "path"`, issue 9) in the editor,
// through the real server (dist/server.js): the findings it holds are not published, new ones are, also after
// edits that shift lines; a rewritten baseline is read again; a broken one hides nothing and is reported.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { formatBaseline } from '../server/src/host/baseline';
import { vigil, write } from './support/git';
import { TestClient } from './support/lspClient';

const APP = ['import yaml', '', '', 'def load(fh):', '    return yaml.load(fh)', ''].join('\n');
/** Two lines above the old finding, and a new one below it. */
const EDITED = ['"""Loading."""', '', ...APP.split('\n').slice(0, -1), '', '', 'def run(code):', '    eval(code)', ''].join('\n');

const codes = (params: PublishDiagnosticsParams): string[] => params.diagnostics.map((d) => `${String(d.code)}@${d.range.start.line + 1}`).sort();

describe('the configured baseline in the language server', () => {
  let dir: string;
  let client: TestClient;
  const uri = (path: string): string => pathToFileURL(join(dir, path)).href;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-lsp-baseline-'));
    write(dir, { 'src/app.py': APP, 'ci/README': 'The accepted findings.\n' });
    const written = vigil(['check', '--write-baseline', 'ci/vigil-baseline.json', 'src'], dir);
    assert.equal(written.code, 0, written.stderr);
    write(dir, { 'pyproject.toml': '[tool.vigil]\nbaseline = "ci/vigil-baseline.json"\n' });
    client = await TestClient.start({ workspaceFolders: [dir], settings: { select: ['VG103', 'VG202'] } });
  });
  after(async () => {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('findings in the baseline are not published; a new one is, after lines shifted', async () => {
    const app = uri('src/app.py');
    await client.open(app, APP);
    assert.deepEqual(await client.diagnosticsFor(app), [], 'the baselined VG202 is hidden');
    await client.change(app, [{ range: { start: { line: 0, character: 0 }, end: { line: 5, character: 0 } }, text: EDITED }]);
    const edited = await client.diagnostics(app, (params) => params.version === 2);
    assert.deepEqual(codes(edited), ['VG103@11'], 'only the new finding; the old one, moved down, is still baselined');
    // A second copy of the baselined statement is new: the baseline holds one.
    await client.change(app, [{ range: { start: { line: 8, character: 0 }, end: { line: 8, character: 0 } }, text: '\n\ndef load_again(fh):\n    return yaml.load(fh)\n' }]);
    const copied = await client.diagnostics(app, (params) => params.version === 3);
    assert.deepEqual(codes(copied), ['VG103@15', 'VG202@12']);
    await client.close(app);
  });

  test('a rewritten baseline is read again when the client says it changed', async () => {
    const app = uri('src/app.py');
    await client.open(app, APP);
    assert.deepEqual(await client.diagnosticsFor(app), []);
    writeFileSync(join(dir, 'ci', 'vigil-baseline.json'), formatBaseline([]));
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uri('ci/vigil-baseline.json'), type: 2 }] });
    const shown = await client.diagnostics(app, (params) => params.diagnostics.length > 0);
    assert.deepEqual(codes(shown), ['VG202@5']);
    // Not a baseline at all: every finding stays, and the log says why.
    writeFileSync(join(dir, 'ci', 'vigil-baseline.json'), '{"not": "a baseline"}');
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uri('ci/vigil-baseline.json'), type: 2 }] });
    await waitForLog(client, /is not a Vigil baseline.*; every finding is shown/);
    assert.deepEqual(codes(await client.diagnostics(app)), ['VG202@5']);
    await client.close(app);
  });
});

async function waitForLog(client: TestClient, pattern: RegExp, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!client.logs.some((log) => pattern.test(log.message))) {
    if (Date.now() > deadline) throw new Error(`no log line matching ${pattern}; logs: ${client.logs.map((log) => log.message).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

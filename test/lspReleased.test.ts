import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Diagnostic, Hover } from 'vscode-languageserver-protocol';
import { KEPT } from '../server/src/lsp/documents';
import { TestClient } from './support/lspClient';

/**
 * The server keeps trees and caches for the documents used last only (`KEPT` in `lsp/documents.ts`); the others are
 * released. A released document must answer like any other: hover, quick fixes, and after an edit the diagnostics of
 * a document opened fresh with the same text.
 */

const TEXT = ['import subprocess, yaml', '', 'def run(cmd):', '    subprocess.call(cmd, shell=True)', '', 'def load(data):', '    return yaml.load(data)', ''].join('\n');

const essentials = (diagnostics: readonly Diagnostic[]) =>
  diagnostics.map((d) => `${d.code}@${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.message}`).sort();

describe('language server: documents released to save memory', () => {
  let client: TestClient;
  const uris = Array.from({ length: KEPT.recent + KEPT.edited + 2 }, (_, i) => `file:///work/released/m${i}.py`);
  before(async () => {
    client = await TestClient.start();
    for (const uri of uris) {
      await client.open(uri, TEXT);
      await client.diagnosticsFor(uri);
    }
  });
  after(async () => client.stop());

  test('a released document answers hovers and offers its quick fixes', async () => {
    const uri = uris[0]!; // opened first: released by the ones opened after it
    const diagnostics = await client.diagnosticsFor(uri);
    const yaml = diagnostics.find((d) => d.range.start.line === 6);
    assert.ok(yaml, `a finding on yaml.load: ${JSON.stringify(essentials(diagnostics))}`);
    const hover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: yaml.range.start })) as Hover | null;
    assert.ok(hover, 'a hover');
    assert.match(JSON.stringify(hover.contents), new RegExp(String(yaml.code)));
    const actions = await client.codeActions(uri, yaml.range, [yaml]);
    assert.ok(actions.some((action) => /safe_load/.test(action.title)), `quick fixes: ${actions.map((a) => a.title).join(' | ')}`);
  });

  test('after an edit, a released document has the diagnostics of a fresh one with the same text', async () => {
    for (const [i, uri] of uris.slice(0, 3).entries()) {
      // Each edit makes its document the most recent, releasing another: the next one edited was released too.
      const version = await client.change(uri, [{ range: { start: { line: 7, character: 0 }, end: { line: 7, character: 0 } }, text: `eval(input())  # ${i}\n` }]);
      const edited = await client.diagnostics(uri, (params) => params.version === version);
      const fresh = `file:///work/released/fresh${i}.py`;
      await client.open(fresh, `${TEXT}eval(input())  # ${i}\n`);
      assert.deepEqual(essentials(edited.diagnostics), essentials(await client.diagnosticsFor(fresh)));
      assert.ok(edited.diagnostics.some((d) => d.range.start.line === 7), 'the new finding is there');
      await client.close(fresh);
    }
  });
});

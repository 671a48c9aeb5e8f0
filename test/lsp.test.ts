import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { TextDocumentEdit, TextEdit } from 'vscode-languageserver-protocol';
import { REVIEW_FILE_REQUEST, type ReviewFileResult } from '../server/src/protocol';
import { SERVER_PATH, TestClient } from './support/lspClient';
import { applyEdits } from './support/text';

/** The built server (dist/server.js --stdio) driven by a real LSP client library. */
describe('language server over stdio', () => {
  let client: TestClient;

  before(async () => {
    assert.ok(existsSync(SERVER_PATH), 'dist/server.js is missing: run `npm run build` first');
    client = await TestClient.start();
  });
  after(async () => client.stop());

  const SOURCE = ['import yaml', '', 'def load(path):', '    with open(path) as fh:', '        return yaml.load(fh)', ''].join('\n');

  test('publishes diagnostics with rule ID, CWE, docs link and severity on open', async () => {
    const uri = 'file:///work/open.py';
    await client.open(uri, SOURCE);
    const diagnostics = await client.diagnosticsFor(uri);
    assert.equal(diagnostics.length, 1);
    const [diagnostic] = diagnostics;
    assert.equal(diagnostic!.code, 'VG202');
    assert.equal(diagnostic!.source, 'vigil');
    assert.match(diagnostic!.message as string, /yaml\.load\(\).*\(CWE-502, CWE-20\)$/);
    assert.match(diagnostic!.codeDescription!.href, /docs\/rules\/VG202-yaml-unsafe-load\.md$/);
    assert.deepEqual(diagnostic!.range, { start: { line: 4, character: 15 }, end: { line: 4, character: 28 } });
  });

  test('follows incremental edits, including edits that break the syntax', async () => {
    const uri = 'file:///work/edits.py';
    await client.open(uri, SOURCE);
    assert.equal((await client.diagnosticsFor(uri)).length, 1);

    // Add a second defect at module level.
    await client.change(uri, [{ range: { start: { line: 5, character: 0 }, end: { line: 5, character: 0 } }, text: 'CONFIG = yaml.load(open("c.yml"))\n' }]);
    let diagnostics = await client.diagnosticsFor(uri);
    assert.deepEqual(diagnostics.map((d) => d.range.start.line), [4, 5]);

    // Half-typed line above the function: the file no longer parses, the findings must stay.
    await client.change(uri, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: 'x = (' }]);
    diagnostics = await client.diagnosticsFor(uri);
    assert.deepEqual(diagnostics.map((d) => d.code), ['VG202', 'VG202']);

    // Typing inside the call: `yaml.load(fh` — unclosed parenthesis at the end of the function.
    await client.change(uri, [{ range: { start: { line: 4, character: 27 }, end: { line: 4, character: 28 } }, text: '' }]);
    diagnostics = await client.diagnosticsFor(uri);
    assert.ok(diagnostics.some((d) => d.range.start.line === 4), 'the finding in the half-typed call is still reported');

    // Fix the line: the finding disappears.
    await client.change(uri, [{ range: { start: { line: 4, character: 20 }, end: { line: 4, character: 24 } }, text: 'safe_load' }]);
    diagnostics = await client.diagnosticsFor(uri);
    assert.ok(!diagnostics.some((d) => d.range.start.line === 4), JSON.stringify(diagnostics));
  });

  test('hover explains the finding, with its CWE and how to fix it', async () => {
    const uri = 'file:///work/hover.py';
    await client.open(uri, SOURCE);
    await client.diagnosticsFor(uri);
    const hover = await client.hover(uri, 4, 20);
    assert.ok(hover, 'hover on the finding');
    const value = (hover.contents as { value: string }).value;
    assert.match(value, /VG202/);
    assert.match(value, /CWE-502/);
    assert.match(value, /Why it matters/);
    assert.match(value, /safe_load/);
    assert.equal(await client.hover(uri, 0, 2), null, 'no hover away from findings');
  });

  test('code actions offer the fix and suppressions; applying them clears the finding', async () => {
    const uri = 'file:///work/actions.py';
    await client.open(uri, SOURCE);
    const diagnostics = await client.diagnosticsFor(uri);
    const actions = await client.codeActions(uri, diagnostics[0]!.range, diagnostics);
    const titles = actions.map((action) => action.title);
    assert.deepEqual(titles, [
      'Use `yaml.safe_load`',
      'Suppress VG202 on this line',
      'Suppress VG202 in this file',
      'Disable VG202 in settings',
      'Show documentation for VG202',
    ]);
    assert.equal(actions[0]!.isPreferred, true);

    const suppress = actions[1]!;
    const documentEdit = suppress.edit!.documentChanges![0] as TextDocumentEdit;
    assert.equal(documentEdit.textDocument.version, 1, 'edits name the version they were computed for');
    const suppressed = applyEdits(SOURCE, documentEdit.edits as TextEdit[]);
    assert.match(suppressed.split('\n')[4]!, /return yaml\.load\(fh\)  # vigil: ignore\[VG202\]$/);
    await client.change(uri, [{ text: suppressed }]);
    assert.deepEqual(await client.diagnosticsFor(uri), []);

    const fixed = applyEdits(SOURCE, (actions[0]!.edit!.documentChanges![0] as TextDocumentEdit).edits as TextEdit[]);
    assert.match(fixed, /return yaml\.safe_load\(fh\)/);
    await client.change(uri, [{ text: fixed }]);
    assert.deepEqual(await client.diagnosticsFor(uri), []);
  });

  test('honours # nosec, # noqa and vigil comments', async () => {
    const uri = 'file:///work/suppress.py';
    const text = ['import yaml', 'a = yaml.load(x)  # nosec', 'b = yaml.load(x)  # noqa: S506', 'c = yaml.load(x)  # vigil: ignore[VG202]', 'd = yaml.load(x)  # noqa: S101', ''].join('\n');
    await client.open(uri, text);
    assert.deepEqual((await client.diagnosticsFor(uri)).map((d) => d.range.start.line), [4]);
  });

  test('settings are pulled per document and a change re-analyses open files', async () => {
    const uri = 'file:///work/settings.py';
    await client.open(uri, SOURCE);
    assert.equal((await client.diagnosticsFor(uri)).length, 1);
    await client.changeSettings({ ignore: ['VG202'] });
    await client.diagnostics(uri, (params) => params.diagnostics.length === 0);
    await client.changeSettings({ severity: { VG202: 'hint' } });
    const [diagnostic] = (await client.diagnostics(uri, (params) => params.diagnostics.length === 1)).diagnostics;
    assert.equal(diagnostic!.severity, 4);
    await client.changeSettings({});
  });

  test('closing a document clears its diagnostics', async () => {
    const uri = 'file:///work/close.py';
    await client.open(uri, SOURCE);
    assert.equal((await client.diagnosticsFor(uri)).length, 1);
    await client.close(uri);
    await client.diagnostics(uri, (params) => params.diagnostics.length === 0 && params.version === undefined);
  });

  test('Review File returns the Markdown report with its verdict', async () => {
    const uri = 'file:///work/review.py';
    await client.open(uri, SOURCE);
    const result = await client.request<ReviewFileResult>(REVIEW_FILE_REQUEST, { uri });
    assert.equal(result.verdict, '1 security defect found (1 medium).');
    assert.match(result.markdown, /^# Security review: /);
    assert.match(result.markdown, /YAML loaded with an unsafe loader \(line 5\)/);

    const clean = 'file:///work/clean.py';
    await client.open(clean, 'import yaml\n\nprint(yaml.safe_load("a: 1"))\n');
    const verdict = await client.request<ReviewFileResult>(REVIEW_FILE_REQUEST, { uri: clean });
    assert.equal(verdict.verdict, 'No security defects are detected in the code.');
  });

  test('survives hostile buffers and keeps serving', async () => {
    const hostile = [
      ['binary', Array.from({ length: 4000 }, (_, i) => String.fromCharCode((i * 7919) % 256)).join('')],
      ['deep', '('.repeat(20_000) + '\n' + 'x = [' .repeat(5000)],
      ['huge', 'x = yaml.load(s)\n'.repeat(20_000)],
      ['garbage', 'def (:\n  ][ """ \'\n\tclass\x00 lambda ** ::= @@\n'],
    ] as const;
    for (const [name, text] of hostile) {
      const uri = `file:///work/hostile-${name}.py`;
      await client.open(uri, text);
      await client.diagnosticsFor(uri);
      await client.hover(uri, 0, 0);
      await client.close(uri);
    }
    const uri = 'file:///work/after-hostile.py';
    await client.open(uri, SOURCE);
    assert.equal((await client.diagnosticsFor(uri)).length, 1, 'still analysing after hostile input');
    assert.equal(client.process.exitCode, null, 'server still running');
  });
});

/** The server's own incremental path, end to end: random edit sequences, then the published diagnostics. */
describe('language server: incremental edits equal a from-scratch analysis', () => {
  test('random edit sequences through didChange', async () => {
    const { default: fc } = await import('fast-check');
    const { analyzeText, LineIndex } = await import('../server/src/engine');
    const { loadParser } = await import('./support/engine');
    const parser = await loadParser();
    const client = await TestClient.start();
    const seed = [
      'import yaml, subprocess as sp',
      'PASSWORD = "hunter2"',
      'def load(path, cmd):',
      '    with open(path) as fh:',
      '        data = yaml.load(fh)',
      '    sp.call("ls " + cmd, shell=True)',
      '    return data',
      'class Store:',
      '    def get(self, key):',
      '        try:',
      '            return eval(key)',
      '        except Exception:',
      '            pass',
      '',
    ].join('\n');
    const pieces = ['', '(', ')', '\n', '    ', '"', ':', 'yaml.load(x)\n', 'def g():\n    ', '#', 'x = ', 'é'];
    try {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), remove: fc.nat({ max: 12 }), insert: fc.constantFrom(...pieces) }), { minLength: 1, maxLength: 8 }),
          async (edits) => {
            const uri = `file:///work/property-${run++}.py`;
            let text = seed;
            await client.open(uri, text);
            for (const { at, remove, insert } of edits) {
              const start = Math.floor(at * text.length);
              const end = Math.min(text.length, start + remove);
              const index = new LineIndex(text);
              await client.change(uri, [{ range: index.rangeOf(start, end), text: insert }]);
              text = text.slice(0, start) + insert + text.slice(end);
            }
            const published = await client.diagnosticsFor(uri);
            const expected = analyzeText(parser, text).findings;
            assert.deepEqual(
              published.map((d) => [d.code, d.range, d.message]),
              expected.map((f) => [f.ruleId, f.range, `${f.message} (${f.cwe.map((cwe) => `CWE-${cwe}`).join(', ')})`]),
            );
            await client.close(uri);
          },
        ),
        { numRuns: 25, seed: 42 },
      );
    } finally {
      await client.stop();
    }
  });
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { after, before, describe, test } from 'node:test';
import { RULES_REQUEST } from '../server/src/protocol';
import { TestClient } from './support/lspClient';

/** A large module: tens of thousands of functions, each with something for the rules to look at. */
function largeModule(functions: number): string {
  const parts = ['import os, subprocess, logging', 'LOG = logging.getLogger(__name__)', ''];
  for (let i = 0; i < functions; i++) {
    parts.push(
      `def handler_${i}(a, b):`,
      `    x = a + ${i}`,
      '    if x > b:',
      "        LOG.info('x %s', x)",
      "        return os.path.join('/tmp', str(x))",
      '    subprocess.call(["ls", str(b)])',
      '    return x',
      '',
    );
  }
  parts.push('subprocess.call(cmd, shell=True)', '');
  return parts.join('\n');
}

describe('language server: one slow file does not hold up the others', () => {
  let client: TestClient;
  before(async () => {
    client = await TestClient.start();
  });
  after(async () => client.stop());

  test('while a large file is analysed, the rules list, a hover in another file and that file\'s edits are answered first', async () => {
    const small = 'file:///work/small.py';
    await client.open(small, 'import yaml\n\ndef load(fh):\n    return yaml.load(fh)\n');
    assert.equal((await client.diagnosticsFor(small)).length, 1);

    const events: string[] = [];
    const large = 'file:///work/large.py';
    const largeDone = client.diagnostics(large, () => true, 120_000).then(() => events.push('large diagnostics'));
    await client.open(large, largeModule(8000));
    // Let its analysis begin (a server that debounces would not have started it yet).
    await new Promise((resolve) => setTimeout(resolve, 300));
    const rules = client.request<unknown[]>(RULES_REQUEST, {}).then((list) => {
      events.push('rules');
      return list;
    });
    const hover = client.hover(small, 3, 20).then((answer) => {
      events.push('hover');
      return answer;
    });
    await client.change(small, [{ range: { start: { line: 3, character: 16 }, end: { line: 3, character: 20 } }, text: 'safe_load' }]);
    const edited = client.diagnosticsFor(small).then((diagnostics) => {
      events.push('small diagnostics');
      return diagnostics;
    });
    assert.ok((await rules).length > 10);
    assert.match(JSON.stringify((await hover)?.contents), /VG202/);
    assert.deepEqual(await edited, []);
    await largeDone;
    assert.equal(events.at(-1), 'large diagnostics', `order: ${events.join(', ')}`);
    assert.ok((await client.diagnosticsFor(large)).some((d) => d.code === 'VG102'));
  });
});

describe('language server: a partial analysis says so', () => {
  let client: TestClient;
  before(async () => {
    client = await TestClient.start({ initializationOptions: { budget: { fileMs: 1, ruleMs: 60_000 } } });
  });
  after(async () => client.stop());

  test('past the time budget, the findings so far come with one information diagnostic saying what was left out', async () => {
    const uri = 'file:///work/budget.py';
    await client.open(uri, largeModule(400));
    const diagnostics = await client.diagnosticsFor(uri);
    const notes = diagnostics.filter((d) => d.code === 'partial-analysis');
    assert.equal(notes.length, 1, JSON.stringify(diagnostics.map((d) => d.code)));
    assert.equal(notes[0]!.severity, 3, 'information');
    assert.match(String(notes[0]!.message), /^Vigil analysed this file only in part: the analysis stopped at its time budget \(1 ms\): \d+ of 401 parts/);
  });
});

describe('language server: a file with more findings than an editor shows', () => {
  let client: TestClient;
  before(async () => {
    client = await TestClient.start();
  });
  after(async () => client.stop());

  test('publishes the 1,000 most severe and one information diagnostic counting the rest', async () => {
    // 1,200 medium findings, then 3 high ones at the end of the file: the high ones must be among those shown.
    const lines = ['import pickle', ...Array.from({ length: 1200 }, (_, i) => `pickle.loads(x${i})`), 'eval(input())', 'eval(input())', 'eval(input())'];
    const uri = 'file:///work/many.py';
    await client.open(uri, lines.join('\n') + '\n');
    const diagnostics = await client.diagnosticsFor(uri);
    const notes = diagnostics.filter((d) => d.code === 'findings-omitted');
    assert.equal(notes.length, 1);
    assert.equal(notes[0]!.severity, 3, 'information');
    assert.match(String(notes[0]!.message), /the 1,000 most severe findings of this file; 203 more are not shown here/);
    const findings = diagnostics.filter((d) => d.code !== 'findings-omitted');
    assert.equal(findings.length, 1000);
    assert.equal(findings.filter((d) => d.code === 'VG103').length, 3, 'the high-severity findings are kept');
  });
});

describe('language server: text with syntax errors settles on what a fresh parse gives', () => {
  let client: TestClient;
  before(async () => {
    client = await TestClient.start();
  });
  after(async () => client.stop());

  // tree-sitter's incremental recovery from syntax errors can differ from a fresh parse of the same text (these edits,
  // found by `npm run fuzz`, make it so); once the user pauses, the server parses the document afresh.
  for (const name of ['divergence-selectors-docstring', 'divergence-cgitb-rename']) {
    test(`${name}: after a pause the diagnostics equal a fresh document's`, async () => {
      const recorded = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'fuzz', `${name}.edits.json`), 'utf8')) as {
        text: string;
        edits: Array<{ start: number; end: number; text: string }>;
      };
      const uri = `file:///work/${name}.py`;
      await client.open(uri, recorded.text);
      let document = TextDocument.create(uri, 'python', 1, recorded.text);
      for (const edit of recorded.edits) {
        const change = { range: { start: document.positionAt(edit.start), end: document.positionAt(edit.end) }, text: edit.text };
        document = TextDocument.update(document, [change], document.version + 1);
        await client.change(uri, [change]);
      }
      const freshUri = `file:///work/${name}-fresh.py`;
      await client.open(freshUri, document.getText());
      const expected = JSON.stringify((await client.diagnosticsFor(freshUri)).map((d) => [d.code, d.range]));
      const settled = await client.diagnostics(uri, (params) => JSON.stringify(params.diagnostics.map((d) => [d.code, d.range])) === expected, 10_000);
      assert.equal(settled.version, client.versionOf(uri));
      await client.close(uri);
      await client.close(freshUri);
    });
  }

  // The same, when the document is released to save memory (`DocumentStore`) while that analysis is paused between
  // slices: the next tree would be a fresh parse, but the one analysed was not (the server must still re-parse).
  test('divergence-cgitb-rename: also when the document is released during the analysis', async () => {
    const recorded = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'fuzz', 'divergence-cgitb-rename.edits.json'), 'utf8')) as {
      text: string;
      edits: Array<{ start: number; end: number; text: string }>;
    };
    // Thousands of functions and one that rebinds a global: editing that one re-analyses every unit (many slices).
    const padding = Array.from({ length: 3000 }, (_, i) => `def f${i}(a):\n    b = a + ${i}\n    return b\n\n`).join('') + 'def setg():\n    global G\n    G = 1\n\n';
    const uri = 'file:///work/released-mid-analysis.py';
    const others = ['b', 'c', 'd', 'e'].map((name) => `file:///work/released-other-${name}.py`);
    await client.open(uri, padding + recorded.text);
    await client.diagnosticsFor(uri);
    for (const other of others.slice(0, 2)) {
      await client.open(other, 'import yaml\nyaml.load(x)\n');
      await client.diagnosticsFor(other);
    }
    let document = TextDocument.create(uri, 'python', 1, padding + recorded.text);
    for (const [i, edit] of recorded.edits.entries()) {
      const changes = [{ range: { start: document.positionAt(edit.start + padding.length), end: document.positionAt(edit.end + padding.length) }, text: edit.text }];
      if (i === recorded.edits.length - 1) {
        const at = document.getText().indexOf('G = 1') + 4;
        changes.push({ range: { start: document.positionAt(at), end: document.positionAt(at + 1) }, text: '2' });
      }
      // Both in one didChange (the global's edit lies before the recorded one, so its position holds either way).
      document = TextDocument.update(document, changes, document.version + 1);
      await client.change(uri, changes);
    }
    // While that analysis runs: two other documents are edited and two opened, which releases this one.
    const insert = { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '#\n' };
    await client.change(others[0]!, [insert]);
    await client.change(others[1]!, [insert]);
    await client.open(others[2]!, 'x = 1\n');
    await client.open(others[3]!, 'y = 2\n');
    const freshUri = 'file:///work/released-mid-analysis-fresh.py';
    await client.open(freshUri, document.getText());
    const expected = JSON.stringify((await client.diagnosticsFor(freshUri)).map((d) => [d.code, d.range]));
    const settled = await client.diagnostics(uri, (params) => JSON.stringify(params.diagnostics.map((d) => [d.code, d.range])) === expected, 15_000);
    assert.equal(settled.version, client.versionOf(uri));
    for (const other of [uri, freshUri, ...others]) await client.close(other);
  });
});

describe('language server: edits that come faster than analyses finish', () => {
  let client: TestClient;
  before(async () => {
    client = await TestClient.start();
  });
  after(async () => client.stop());

  test('the document still gets the diagnostics of a recent version while the edits go on, then those of the last', async () => {
    const uri = 'file:///work/busy.py';
    await client.open(uri, largeModule(1500));
    await client.diagnosticsFor(uri);
    const before = client.publications.length;
    // Each edit adds an import, so every unit is analysed again (far longer than the 20 ms between two edits): without
    // a limit, each analysis would be stopped by the next edit, and nothing would be published until the edits end.
    let published: (typeof client.publications)[number] | undefined;
    const deadline = Date.now() + 15_000;
    for (let i = 0; !published && Date.now() < deadline; i++) {
      await client.change(uri, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: `import m${i}\n` }]);
      await new Promise((resolve) => setTimeout(resolve, 20));
      published = client.publications.slice(before).find((params) => params.uri === uri);
    }
    assert.ok(published, 'no diagnostics while the edits went on (15 s)');
    assert.ok(published.version! < client.versionOf(uri)!, `published version ${published.version}, last sent ${client.versionOf(uri)}`);
    assert.ok(published.diagnostics.some((d) => d.code === 'VG102'));
    const last = await client.diagnosticsFor(uri);
    assert.ok(last.some((d) => d.code === 'VG102'));
  });
});

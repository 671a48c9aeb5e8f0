import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { analyzeText, DEFAULT_KNOWLEDGE } from '../server/src/engine';
import { DocumentStore, type OpenDocument } from '../server/src/lsp/documents';
import { loadParser } from './support/engine';

/**
 * `DocumentStore` keeps the trees and caches of a few documents only (`KEPT`): the others are released and parse,
 * copy and analyse whole on their next edit. Which ones are kept, and that a released document's next analysis is
 * exactly a fresh one's.
 */

const TEXT = [
  'import subprocess, yaml',
  'def run(cmd):',
  '    subprocess.call(cmd, shell=True)',
  'def load(data):',
  '    return yaml.load(data)',
  'password = "hunter2"',
  '',
].join('\n');

function analyze(document: OpenDocument) {
  const { source } = document;
  return document.analyzerFor(DEFAULT_KNOWLEDGE).analyze({ text: source.text, syntax: source.syntax, lineIndex: source.lineIndex });
}

function type(document: OpenDocument, at: number, text: string): void {
  const position = document.source.lineIndex.positionAt(at);
  document.applyChanges([{ range: { start: position, end: position }, text }], document.version + 1);
}

describe('DocumentStore', () => {
  test('documents outside the most recently used and the most recently edited are released', async () => {
    const store = new DocumentStore(await loadParser(), undefined, { recent: 2, edited: 1 });
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((name) => {
      const document = store.open(`file:///${name}.py`, 1, TEXT);
      analyze(document);
      return document;
    }) as [OpenDocument, OpenDocument, OpenDocument, OpenDocument];
    const holding = () => [a, b, c, d].map((document) => document.source.holdsTree);
    assert.deepEqual(holding(), [false, false, true, true], 'the two opened last');

    // The user types in `a`, then opens two files to read: `a` keeps its tree, as the document edited last.
    type(a, 0, '# x\n');
    analyze(a);
    const e = store.open('file:///e.py', 1, TEXT);
    analyze(e);
    const f = store.open('file:///f.py', 1, TEXT);
    analyze(f);
    assert.deepEqual([...holding(), e.source.holdsTree, f.source.holdsTree], [true, false, false, false, true, true]);
    assert.equal(a.source.holdsSyntax, true);

    // Closing forgets a document everywhere: the next edited document takes its place.
    store.close('file:///a.py');
    type(b, 0, '# y\n');
    analyze(b);
    assert.equal(b.source.holdsTree, true);
    assert.equal(a.source.holdsTree, false);
  });

  test('a document asked for code actions (in view) is kept like one just opened; one being analysed is not released by it', async () => {
    const store = new DocumentStore(await loadParser(), undefined, { recent: 2, edited: 0 });
    const [a, b, c] = ['a', 'b', 'c'].map((name) => store.open(`file:///${name}.py`, 1, TEXT)) as [OpenDocument, OpenDocument, OpenDocument];
    // a is outside the two used last: analysing it anyway (settings changed) does not release it mid-way.
    analyze(a);
    assert.equal(a.source.holdsTree, true, 'kept while its own analysis reads it');
    analyze(b);
    assert.equal(a.source.holdsTree, false, 'released once another document is used');
    analyze(a);
    store.touch(a);
    analyze(c);
    assert.equal(a.source.holdsTree, true, 'touched: among the two used last');
    assert.equal(b.source.holdsTree, false);
  });

  test('a released document is parsed afresh: its next analysis is a from-scratch one', async () => {
    const parser = await loadParser();
    const store = new DocumentStore(parser, undefined, { recent: 1, edited: 1 });
    const a = store.open('file:///a.py', 1, TEXT);
    const b = store.open('file:///b.py', 1, TEXT);
    analyze(a);
    type(a, TEXT.indexOf('password'), 'x');
    analyze(a);
    type(b, 0, '(');
    assert.equal(a.source.holdsTree, false, 'released when b was edited');
    type(a, TEXT.indexOf('password'), '(');
    assert.equal(a.source.isFresh, true, 'a document with no tree parses from scratch');
    assert.deepEqual(analyze(a).findings, analyzeText(parser, a.source.text).findings);
  });

  test('edits spread over documents that are released all the time keep from-scratch findings', async () => {
    const parser = await loadParser();
    const pieces = ['', '(', ')', ':', '\n', '\n    ', '"', '#', 'x', 'yaml.load(d)\n', 'def g(a):\n    ', 'os.system(a)\n'];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ document: fc.nat({ max: 2 }), at: fc.double({ min: 0, max: 1, noNaN: true }), remove: fc.nat({ max: 12 }), insert: fc.constantFrom(...pieces) }), { minLength: 1, maxLength: 25 }),
        async (edits) => {
          const store = new DocumentStore(parser, undefined, { recent: 1, edited: 1 });
          const documents = [0, 1, 2].map((i) => store.open(`file:///${i}.py`, 1, TEXT));
          for (const { document: i, at, remove, insert } of edits) {
            const document = documents[i]!;
            const { lineIndex, text } = document.source;
            const start = Math.floor(at * text.length);
            const end = Math.min(text.length, start + remove);
            document.applyChanges([{ range: { start: lineIndex.positionAt(start), end: lineIndex.positionAt(end) }, text: insert }], document.version + 1);
            assert.deepEqual(analyze(document).findings, analyzeText(parser, document.source.text).findings);
          }
          for (const i of [0, 1, 2]) store.close(`file:///${i}.py`);
        },
      ),
      { numRuns: 60 },
    );
  });
});

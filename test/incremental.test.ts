import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { ACTIVE_RULES, Analyzer, analyzeText, SourceFile, type PythonParser } from '../server/src/engine';
import { loadParser } from './support/engine';
import { listFixtures } from './support/fixtures';

/**
 * The incremental path (edit the tree, reparse with it, reuse unchanged units' findings) must give exactly what
 * a from-scratch analysis of the same text gives, whatever the edits — including ones that break the syntax.
 */

/** Pieces people type, and pieces that break or re-scope code. */
const SNIPPETS = [
  '', '(', ')', '[', ']', ':', '\n', '\n    ', '    ', '"', "'", '"""', '#', ',', '\\\n', 'x', ' = ', '.',
  'yaml.load(data)\n', 'import yaml as y\n', 'from yaml import load\n', 'def f(a, b=1):\n    ', 'class C:\n    ',
  'global yaml\n', 'yaml = None\n', 'return ', 'if x:\n    ', 'try:\n    pass\nexcept Exception:\n    pass\n',
  'subprocess.call(cmd, shell=True)\n', 'password = "hunter2"\n', 'LOG.info("%s", token)\n', 'eval(s)\n',
  'requests.get(u, verify=False)\n', 'cur.execute("SELECT * FROM t WHERE a = %s" % a)\n', 'é', '😀',
];

const edit = fc.record({
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  remove: fc.nat({ max: 40 }),
  insert: fc.constantFrom(...SNIPPETS),
});

function seedText(): string {
  // A realistic mix: the start of every rule fixture, so edits land in and around real findings.
  return listFixtures()
    .map((path) => readFileSync(path, 'utf8').split('\n').slice(0, 45).join('\n'))
    .join('\n');
}

function fromScratch(parser: PythonParser, text: string) {
  return analyzeText(parser, text).findings;
}

describe('incremental analysis', () => {
  test('equals a from-scratch analysis after random edits', async () => {
    const parser = await loadParser();
    const seed = seedText();
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 12 }), (edits) => {
        const source = new SourceFile(parser, seed);
        const analyzer = new Analyzer(ACTIVE_RULES);
        try {
          for (const { at, remove, insert } of edits) {
            const start = Math.floor(at * source.text.length);
            source.edit(start, Math.min(source.text.length, start + remove), insert);
            const incremental = analyzer.analyze({ text: source.text, syntax: source.syntax, lineIndex: source.lineIndex });
            assert.deepEqual(incremental.findings, fromScratch(parser, source.text));
          }
        } finally {
          source.dispose();
        }
      }),
      { numRuns: 50, seed: 20261122 },
    );
  });

  test('reuses the findings of units an edit did not touch', async () => {
    const parser = await loadParser();
    const text = ['import yaml', '', 'def a(s):', '    return yaml.load(s)', '', 'def b(s):', '    return yaml.load(s)', ''].join('\n');
    const source = new SourceFile(parser, text);
    const analyzer = new Analyzer(ACTIVE_RULES);
    try {
      const first = analyzer.analyze({ text: source.text, syntax: source.syntax, lineIndex: source.lineIndex });
      assert.equal(first.stats.unitsReused, 0);
      // Edit inside b only: module and a are reused, b is analysed again.
      const inB = source.text.lastIndexOf('yaml.load');
      source.edit(inB, inB, '  ');
      const second = analyzer.analyze({ text: source.text, syntax: source.syntax, lineIndex: source.lineIndex });
      assert.deepEqual(second.stats, { unitsAnalyzed: 1, unitsReused: 2 });
      assert.equal(second.findings.length, 2);
      // Edit at module level (an import): every unit depends on it.
      source.edit(0, 0, 'import os\n');
      const third = analyzer.analyze({ text: source.text, syntax: source.syntax, lineIndex: source.lineIndex });
      assert.deepEqual(third.stats, { unitsAnalyzed: 3, unitsReused: 0 });
      assert.deepEqual(third.findings.map((f) => f.range.start.line), [4, 7]);
    } finally {
      source.dispose();
    }
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ACTIVE_RULES, Analyzer, analyzeText, SourceFile, type Finding } from '../server/src/engine';
import { loadParser } from './support/engine';
import { Replayer } from './support/fuzz/replay';
import { formatSummary, runFuzz } from './support/fuzz/runner';

/**
 * A short, seeded slice of `npm run fuzz` (engine mode, ordinary buffers: damaged windows of the rule fixtures and
 * the stdlib, a few hundred lines at most), then the saved regression inputs of test/fixtures/fuzz/. Every buffer runs in a child process under
 * the fuzzer's watchdog: an exception escaping the engine or the reports, a buffer over its time budget (1 s; 1 s
 * per 100k characters above that), a rule that throws, an incremental result that differs from a from-scratch one,
 * or a range outside the text fails the test.
 */

const ROOT = join(__dirname, '..');
const FIXTURES = join(__dirname, 'fixtures', 'fuzz');
const SEED = 20261129;
const COUNT = Number(process.env.VIGIL_FUZZ_COUNT ?? 200);
const out = mkdtempSync(join(tmpdir(), 'vigil-fuzz-test-'));
after(() => rmSync(out, { recursive: true, force: true }));

describe('fuzzing the engine', () => {
  test(`${COUNT} seeded buffers (seed ${SEED}): no crash, no hang, no rule error, incremental = from scratch`, async () => {
    const summary = await runFuzz({
      root: ROOT,
      mode: 'engine',
      seed: SEED,
      count: COUNT,
      jobs: 1,
      // Windows of real files (not whole stdlib files, nor the large classes: `npm run fuzz` has those).
      mix: { large: false, exclude: ['whole'] },
      checks: { incremental: 0.3, reports: 0.2 },
      outDir: out,
      maxOldSpaceMb: 1024,
    });
    const report = formatSummary(summary, out);
    assert.equal(summary.buffers, COUNT, report);
    assert.equal(summary.crashes, 0, report);
    assert.equal(summary.hangs, 0, report);
    assert.equal(summary.ruleErrorBuffers, 0, report);
    assert.equal(summary.divergences, 0, report);
    assert.equal(summary.badRanges, 0, report);
    assert.ok(summary.heap.startBytes !== null, 'the WASM heap is visible to the fuzzer');
    assert.equal(summary.heap.ordinaryGrowthAfterWarmupBytes, 0, report);
  });
});

/**
 * Inputs the fuzzer found, minimized: `*.py` as is, `*.recipe.json` expanded (`text`; `repeat` × `times`; `nested`
 * lines with one more space of indentation each; `indent` spaces before a `text`). Each must analyse within its
 * budget without a crash or a rule error. `*.edits.json` are a text and edits, checked incrementally. Known bugs are
 * `todo` with the reason, until they are fixed.
 */
const KNOWN: Record<string, string> = {
  'divergence-cgitb-rename.edits.json': 'tree-sitter\'s incremental recovery from these syntax errors differs from a fresh parse (VG602 missing); the language server re-parses such a document afresh once the user pauses (test/lspResponsive.test.ts), the engine\'s SourceFile alone does not',
  'divergence-selectors-docstring.edits.json': 'tree-sitter\'s incremental recovery from these syntax errors differs from a fresh parse (an extra VG103); the language server re-parses such a document afresh once the user pauses (test/lspResponsive.test.ts), the engine\'s SourceFile alone does not',
};

/** `*.edits.json`: a text and edits applied one by one; after each, the incremental findings must equal a fresh analysis. */
interface EditsFixture {
  readonly description: string;
  readonly text: string;
  readonly edits: ReadonlyArray<{ start: number; end: number; text: string }>;
}

interface Recipe {
  readonly description: string;
  readonly heavy?: boolean;
  /**
   * Concatenated in order: `text` (after `indent` spaces), `repeat` × `times`, `nested` lines (`{i}` numbered, each
   * indented one more), or `lines` × `times` (`{i}` numbered from 0, `{j}` = i + 1; each line after `indent` spaces).
   */
  readonly parts: ReadonlyArray<{ text?: string; repeat?: string; times?: number; nested?: string; depth?: number; indent?: number; lines?: string }>;
}

export function expandRecipe(recipe: Recipe): string {
  return recipe.parts
    .map((part) => {
      if (part.repeat !== undefined) return part.repeat.repeat(part.times ?? 1);
      if (part.nested !== undefined) return Array.from({ length: part.depth ?? 1 }, (_, i) => ' '.repeat(i) + part.nested!.replace('{i}', String(i)) + '\n').join('');
      if (part.lines !== undefined) {
        const indent = ' '.repeat(part.indent ?? 0);
        return Array.from({ length: part.times ?? 1 }, (_, i) => indent + part.lines!.replaceAll('{i}', String(i)).replaceAll('{j}', String(i + 1)) + '\n').join('');
      }
      return ' '.repeat(part.indent ?? 0) + (part.text ?? '');
    })
    .join('');
}

describe('fuzz regression inputs (test/fixtures/fuzz)', () => {
  const replayer = new Replayer(ROOT, out);
  after(() => replayer.stop());
  for (const name of readdirSync(FIXTURES).sort()) {
    const path = join(FIXTURES, name);
    const recipe = name.endsWith('.recipe.json') ? (JSON.parse(readFileSync(path, 'utf8')) as Recipe) : undefined;
    const heavy = recipe?.heavy === true && process.env.VIGIL_FUZZ_HEAVY !== '1';
    const options = heavy ? { skip: `heavy (GBs of memory): VIGIL_FUZZ_HEAVY=1 runs it; ${KNOWN[name] ?? ''}` } : KNOWN[name] ? { todo: KNOWN[name] } : {};
    if (name.endsWith('.edits.json')) {
      test(`${name}: incremental analysis after the edits equals a from-scratch one`, options, async () => {
        const fixture = JSON.parse(readFileSync(path, 'utf8')) as EditsFixture;
        const parser = await loadParser();
        const source = new SourceFile(parser, fixture.text);
        const analyzer = new Analyzer(ACTIVE_RULES);
        const ids = (findings: readonly Finding[]) => findings.map((f) => `${f.ruleId}@${f.range.start.line}:${f.range.start.character}`);
        try {
          analyzer.analyze({ text: source.text, syntax: source.syntax, lineIndex: source.lineIndex });
          for (const edit of fixture.edits) {
            source.edit(edit.start, edit.end, edit.text);
            const incremental = analyzer.analyze({ text: source.text, syntax: source.syntax, lineIndex: source.lineIndex });
            assert.deepEqual(ids(incremental.findings), ids(analyzeText(parser, source.text).findings));
          }
        } finally {
          source.dispose();
        }
      });
      continue;
    }
    test(`${name}: analysed within budget, without a crash or a rule error`, options, async () => {
      const text = recipe ? expandRecipe(recipe) : readFileSync(path, 'utf8');
      // As in the fuzzer: the watchdog allows 3× the budget, and a time over the budget is measured again once
      // (a busy machine is not a slow engine).
      let outcome = await replayer.run(text, '', 'fixture', 3);
      if (outcome.type === 'result' && outcome.result.ms > outcome.budgetMs) outcome = await replayer.run(text, '', 'fixture', 3);
      assert.notEqual(outcome.type, 'died', outcome.type === 'died' ? `the worker died (${outcome.reason}): ${outcome.stderr.slice(-500)}` : '');
      assert.notEqual(outcome.type, 'timeout', outcome.type === 'timeout' ? `no answer within ${Math.round(outcome.afterMs)} ms (budget ${outcome.budgetMs} ms)` : '');
      if (outcome.type !== 'result') return;
      const { result } = outcome;
      assert.deepEqual(result.problems.map((p) => `${p.category}: ${p.message}`), []);
      assert.deepEqual([...new Set(result.ruleErrors.map((e) => `${e.ruleId}: ${e.message}`))], []);
      // Twice the budget here: these inputs guard against crashes and blow-ups, and the suites run in parallel on
      // shared machines (the fuzzer itself holds buffers to the budget).
      assert.ok(result.ms <= 2 * outcome.budgetMs, `took ${Math.round(result.ms)} ms (budget ${outcome.budgetMs} ms)`);
    });
  }
});

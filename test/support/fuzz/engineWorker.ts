/**
 * The fuzzer's engine worker: a child process (same stack size as the CLI and the server, unlike a worker thread)
 * that regenerates buffer `index` of the run's seed, analyses it from scratch, sometimes incrementally and through
 * the reports too, and answers with what it saw. The parent's watchdog kills it if an answer is late.
 *
 * Bundled by `runner.ts` (esbuild) so a long run analyses one snapshot of the engine while others edit the source.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { ACTIVE_RULES, Analyzer, analyzeText, LineIndex, loadParserRuntime, PythonParser, SourceFile, type Finding, type Range } from '../../../server/src/engine';
import { formatJson, formatSarif, formatText } from '../../../server/src/engine/report/formats';
import { renderReview } from '../../../server/src/engine/report/review';
import { loadCorpusSnapshot } from './corpus';
import { generateCase, type FuzzCase, type MixOptions } from './generate';
import { Random } from './random';
import type { CaseResult, WorkerConfig, WorkerRequest, WorkerMessage } from './protocol';

async function main(): Promise<void> {
  const config = JSON.parse(process.env.VIGIL_FUZZ_WORKER ?? 'null') as WorkerConfig | null;
  if (!config || !process.send) throw new Error('engineWorker runs as a child of the fuzz runner');
  const send = (message: WorkerMessage) => process.send!(message);

  // The engine's runtime loader tells the WASM heap's size (as in bench/engine.ts); PythonParser.load reuses it.
  const runtime = readFileSync(config.runtimePath);
  const loaded = await loadParserRuntime(runtime);
  const parser = await PythonParser.load({ runtime, python: readFileSync(config.pythonPath) });
  const wasmHeap = () => loaded.wasmHeapBytes();

  const corpus = loadCorpusSnapshot(config.corpusSnapshot);
  const mix: MixOptions = config.mix;
  // Warm the JIT up, so the first buffers' times (and a re-run's, in a fresh worker) are not the cold start's.
  for (const file of corpus.files.slice(0, 3)) analyzeText(parser, file.text.slice(0, 8000));

  const memory = () => ({ wasm: wasmHeap(), js: process.memoryUsage().heapUsed, rss: process.memoryUsage().rss });

  process.on('message', (request: WorkerRequest) => {
    if (request.type === 'exit') process.exit(0);
    const fuzzCase = request.type === 'run' ? generateCase(corpus, config.seed, request.index, mix) : request.case;
    // Tell the watchdog first (and wait until it is written: the analysis may block the event loop for long).
    const plan = planChecks(fuzzCase, config.checks);
    // The watchdog's limit covers every analysis the checks run: one from scratch, up to four incremental ones
    // (the base, then the edits), the reports.
    const limitMs = fuzzCase.budgetMs * (1 + (plan.incremental ? 4 : 0) + (plan.reports ? 1 : 0));
    process.send!({ type: 'start', index: fuzzCase.index, budgetMs: fuzzCase.budgetMs, limitMs } satisfies WorkerMessage, undefined, {}, () => {
      const result = runCase(parser, fuzzCase, plan);
      send({ type: 'result', index: fuzzCase.index, ...result, memory: memory() });
    });
  });
  send({ type: 'ready', memory: memory(), corpusFingerprint: corpus.fingerprint });
}

export interface CheckPlan {
  readonly incremental: boolean;
  readonly reports: boolean;
  readonly rng: Random;
}

/** Which checks buffer `index` gets besides the from-scratch analysis (seeded: a re-run does the same). */
export function planChecks(fuzzCase: FuzzCase, checks: { incremental: number; reports: number }): CheckPlan {
  const rng = Random.forCase(fuzzCase.seed ^ 0x5eed5eed, fuzzCase.index);
  const incremental = !fuzzCase.large && fuzzCase.base !== fuzzCase.text && rng.chance(checks.incremental);
  const reports = rng.chance(fuzzCase.large ? checks.reports / 10 : checks.reports);
  return { incremental, reports, rng };
}

/** Everything the checks found on one buffer. Exceptions that escape the engine or the reports are crashes. */
export function runCase(parser: PythonParser, fuzzCase: FuzzCase, plan: CheckPlan): Omit<CaseResult, 'index' | 'memory'> {
  const { rng } = plan;
  const { text } = fuzzCase;
  const out: Omit<CaseResult, 'index' | 'memory'> = { kind: fuzzCase.kind, variant: fuzzCase.variant, length: text.length, ms: 0, findings: 0, ruleErrors: [], problems: [] };
  let stage = 'analyzeText';
  try {
    const start = performance.now();
    const result = analyzeText(parser, text);
    out.ms = performance.now() - start;
    out.findings = result.findings.length;
    for (const error of result.ruleErrors) out.ruleErrors.push({ ruleId: error.ruleId, message: error.message, frame: firstFrame(error.stack) });

    stage = 'ranges';
    const bad = badRange(text, result.findings);
    if (bad) out.problems.push({ category: 'bad-range', message: bad });

    if (plan.incremental) {
      stage = 'incremental';
      const divergence = incrementalDivergence(parser, fuzzCase.base, text, result.findings, rng);
      if (divergence) out.problems.push({ category: 'divergence', message: divergence });
    }
    if (plan.reports) {
      stage = 'reports';
      const files = [{ path: 'fuzz.py', findings: result.findings }];
      formatText(files);
      JSON.parse(formatJson(files, [], '0.0.0'));
      JSON.parse(formatSarif(files, [], '0.0.0'));
      renderReview({ displayPath: 'fuzz.py', text, lineIndex: result.lineIndex, findings: result.findings, hasSyntaxErrors: result.hasSyntaxErrors });
    }
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    out.problems.push({ category: 'crash', message: `${stage}: ${err.message}`, frame: firstFrame(err.stack), stack: err.stack });
  }
  return out;
}

/**
 * Edits `base` into `text` in one to three steps on a `SourceFile` (the server's path: tree edited, reparsed
 * incrementally, unchanged units' findings reused) and compares with the from-scratch findings.
 */
function incrementalDivergence(parser: PythonParser, base: string, text: string, expected: readonly Finding[], rng: Random): string | undefined {
  const source = new SourceFile(parser, base);
  const analyzer = new Analyzer(ACTIVE_RULES);
  const run = () => analyzer.analyze({ text: source.text, syntax: source.syntax, lineIndex: source.lineIndex });
  try {
    run();
    // The smallest single replacement from base to text, applied as up to three edits in order.
    let prefix = 0;
    while (prefix < base.length && prefix < text.length && base[prefix] === text[prefix]) prefix++;
    let suffix = 0;
    while (suffix < base.length - prefix && suffix < text.length - prefix && base[base.length - 1 - suffix] === text[text.length - 1 - suffix]) suffix++;
    const inserted = text.slice(prefix, text.length - suffix);
    const removedEnd = base.length - suffix;
    const pieces = Math.min(inserted.length, rng.int(1, 3));
    if (pieces <= 1) {
      source.edit(prefix, removedEnd, inserted);
    } else {
      // Delete first (analysing in between), then type the insertion in chunks.
      source.edit(prefix, removedEnd, '');
      run();
      const cut = rng.int(1, inserted.length - 1);
      source.edit(prefix, prefix, inserted.slice(0, cut));
      run();
      source.edit(prefix + cut, prefix + cut, inserted.slice(cut));
    }
    if (source.text !== text) return 'the edits did not reproduce the text (fuzzer bug)';
    const incremental = run();
    const a = JSON.stringify(incremental.findings);
    const b = JSON.stringify(expected);
    if (a === b) return undefined;
    const ids = (findings: readonly Finding[]) => findings.map((f) => `${f.ruleId}@${f.range.start.line}:${f.range.start.character}`).join(',');
    const message = `incremental findings differ from a from-scratch analysis: [${ids(incremental.findings)}] vs [${ids(expected)}]`;
    if (ids(incremental.findings) !== ids(expected)) return message;
    // The same findings, different details (a flow step, a fix's edit): say where, or the two lists read the same.
    let at = 0;
    while (a[at] === b[at]) at++;
    return `${message}; first difference: …${a.slice(Math.max(0, at - 60), at + 40)}… vs …${b.slice(Math.max(0, at - 60), at + 40)}…`;
  } finally {
    source.dispose();
  }
}

/** A finding, related location, flow step or fix edit whose range is not inside the text. */
function badRange(text: string, findings: readonly Finding[]): string | undefined {
  const index = new LineIndex(text);
  const check = (what: string, range: Range): string | undefined => {
    const inside = (p: Range['start']) =>
      Number.isInteger(p.line) && Number.isInteger(p.character) && p.line >= 0 && p.line < index.lineCount && p.character >= 0 &&
      p.character <= index.lineContentEnd(p.line) - index.lineStart(p.line);
    const { start, end } = range;
    if (!inside(start) || !inside(end)) return `${what} ${JSON.stringify(range)} is outside the text`;
    if (start.line > end.line || (start.line === end.line && start.character > end.character)) return `${what} ${JSON.stringify(range)} ends before it starts`;
    return undefined;
  };
  for (const finding of findings) {
    const problem =
      check(`${finding.ruleId} range`, finding.range) ??
      finding.related.map((r) => check(`${finding.ruleId} related`, r.range)).find(Boolean) ??
      finding.flow.map((r) => check(`${finding.ruleId} flow step`, r.range)).find(Boolean) ??
      finding.fixes.flatMap((fix) => fix.edits.map((edit) => check(`${finding.ruleId} fix edit`, edit.range))).find(Boolean);
    if (problem) return problem;
  }
  return undefined;
}

/** The first stack frame in Vigil's own code: what makes two failures the same failure. */
export function firstFrame(stack: string | undefined): string {
  const frames = (stack ?? '').split('\n').filter((line) => line.trimStart().startsWith('at '));
  const own = frames.find((line) => /server\/src\//.test(line)) ?? frames[0] ?? '';
  return own.trim().replace(/:\d+:\d+\)?$/, '').replace(/^at /, '');
}

if (process.env.VIGIL_FUZZ_WORKER) {
  main().catch((error) => {
    console.error(error);
    process.exit(70);
  });
}

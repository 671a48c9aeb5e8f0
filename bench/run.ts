/**
 * `npm run bench`: how fast and how lean the engine is, on real Python. Speed and memory targets live here,
 * never in unit tests: shared machines are noisy (absolute times move up to 2x between runs), so this prints
 * medians, p95 and ratios taken within one run, writes them to bench/results/ for comparison, and fails only on
 * what noise cannot explain: memory that keeps growing while one document is edited (a tree not deleted).
 *
 *   npm run bench                      ~150-file sample of the python3 stdlib
 *   npm run bench -- --full            every file
 *   npm run bench -- --corpus DIR      another folder of Python
 *   npm run bench -- --edits 400       keystrokes per typing session (default 200)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ACTIVE_RULES, Analyzer, SourceFile } from '../server/src/engine';
import { loadCorpus, type CorpusFile } from './corpus';
import { analyzeFromScratch, loadEngine, type LoadedEngine } from './engine';
import { mb, ms, percentile, round, summarize, table } from './stats';
import { runSession, typingScript, type SessionResult } from './typing';

const ROOT = join(__dirname, '..');
/** Files the typing sessions need to be "large"; smaller corpora fall back to their largest files. */
const LARGE_FILE_LINES = 2000;
const MEMORY_CYCLES = 300;
/**
 * Growth over MEMORY_CYCLES that is a leak, not noise. Undeleted trees of a 6k-line file grow the WASM heap by
 * ~4 MB per reparse (>1 GB here); RSS alone swings by ~100 MB between readings even when both heaps are flat.
 */
const LEAK_LIMIT_BYTES = 200 * 1024 * 1024;

/** A forced full GC, so memory readings compare live data rather than garbage waiting to be collected. */
function collector(): () => void {
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return () => {};
  }
}

function machine() {
  const cpus = os.cpus();
  let commit: string | undefined;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    if (dirty.trim()) commit += ' (dirty)';
  } catch {
    // not a git checkout
  }
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryBytes: os.totalmem(),
    // The load when the run started: a busy machine explains slow figures.
    loadAverage: os.loadavg().map((value) => round(value)),
    commit,
  };
}

/** (b) Every file from scratch, as the CLI analyses it. */
function wholeFiles(engine: LoadedEngine, files: readonly CorpusFile[]) {
  // Warm the JIT on a few files first, so the figures describe steady work, not V8 compiling the engine.
  for (const file of files.slice(0, 10)) analyzeFromScratch(engine.parser, file.text);
  const perFile = files.map((file) => {
    const run = analyzeFromScratch(engine.parser, file.text);
    return {
      name: file.name,
      lines: file.lines,
      parseMs: run.parseMs,
      analyzeMs: run.analyzeMs,
      totalMs: run.parseMs + run.analyzeMs,
      findings: run.result.findings.length,
      syntaxErrors: run.result.hasSyntaxErrors,
    };
  });
  const sum = (pick: (row: (typeof perFile)[number]) => number) => perFile.reduce((total, row) => total + pick(row), 0);
  const totalMs = sum((row) => row.totalMs);
  return {
    files: perFile.length,
    lines: sum((row) => row.lines),
    findings: sum((row) => row.findings),
    filesWithSyntaxErrors: perFile.filter((row) => row.syntaxErrors).length,
    totalMs: round(totalMs),
    parseShare: round(sum((row) => row.parseMs) / totalMs, 3),
    linesPerSecond: Math.round(sum((row) => row.lines) / (totalMs / 1000)),
    perFileMs: summarize(perFile.map((row) => row.totalMs)),
    slowest: [...perFile]
      .sort((a, b) => b.totalMs - a.totalMs)
      .slice(0, 5)
      .map((row) => ({ ...row, parseMs: round(row.parseMs), analyzeMs: round(row.analyzeMs), totalMs: round(row.totalMs) })),
  };
}

function describeSession(session: SessionResult) {
  const reran = session.unitsAnalyzed.reduce((a, b) => a + b, 0);
  const reused = session.unitsReused.reduce((a, b) => a + b, 0);
  const incremental = percentile(session.totalMs, 50);
  const full = percentile(session.fullMs, 50);
  return {
    edits: session.edits,
    reparseMs: summarize(session.reparseMs),
    analyzeMs: summarize(session.analyzeMs),
    totalMs: summarize(session.totalMs),
    fullMs: summarize(session.fullMs),
    incrementalOverFull: round(incremental / full, 3),
    unitsAnalyzedPerEdit: summarize(session.unitsAnalyzed),
    unitsPerEdit: Math.round((reran + reused) / Math.max(1, session.edits)),
    reusedShare: round(reused / Math.max(1, reran + reused), 3),
    editsWithErrors: session.editsWithErrors,
  };
}

/**
 * The files the editor sessions type into: the largest (at least LARGE_FILE_LINES lines if there are any) that
 * have function bodies to type in — generated files such as pydoc_data/topics.py have none.
 */
function editableFiles(engine: LoadedEngine, files: readonly CorpusFile[]): CorpusFile[] {
  const bySize = [...files].sort((a, b) => b.lines - a.lines);
  const large = bySize.filter((file) => file.lines >= LARGE_FILE_LINES);
  return (large.length >= 3 ? large : bySize)
    .filter((file) => typingScript(engine.parser.parseOnce(file.text), file.text, 1, false).length > 0)
    .slice(0, 3);
}

/**
 * (c) and (d): a person typing in the largest files' function bodies, with and without an unclosed `(` left behind,
 * and new lines at module level (constants, a logger, a call) where the file has top-level statements.
 */
function typing(engine: LoadedEngine, files: readonly CorpusFile[], edits: number) {
  const fullEvery = Math.max(1, Math.floor(edits / 10)); // ~10 from-scratch samples per session: enough for a median
  return files.map((file) => {
    const syntax = engine.parser.parseOnce(file.text);
    const clean = typingScript(syntax, file.text, edits, false);
    const broken = typingScript(syntax, file.text, edits, true);
    const moduleLevel = typingScript(syntax, file.text, edits, false, 'module');
    return {
      name: file.name,
      lines: file.lines,
      typing: describeSession(runSession(engine.parser, file.text, clean, fullEvery)),
      unclosedParen: describeSession(runSession(engine.parser, file.text, broken, fullEvery)),
      ...(moduleLevel.length > 0 ? { moduleLevel: describeSession(runSession(engine.parser, file.text, moduleLevel, fullEvery)) } : {}),
    };
  });
}

/**
 * (e) One document edited and reparsed MEMORY_CYCLES times: a line typed into a function, then removed, so
 * the text ends as it began and any growth is something kept alive (a tree not deleted, a cache that grows).
 */
function memory(engine: LoadedEngine, file: CorpusFile) {
  const gc = collector();
  const source = new SourceFile(engine.parser, file.text);
  const analyzer = new Analyzer(ACTIVE_RULES);
  const analyze = () => analyzer.analyze({ text: source.text, syntax: source.syntax, lineIndex: source.lineIndex });
  const reading = () => {
    gc();
    const usage = process.memoryUsage();
    return { rssBytes: usage.rss, jsHeapBytes: usage.heapUsed, wasmHeapBytes: engine.wasmHeapBytes() };
  };
  try {
    analyze();
    const [edit] = typingScript(source.syntax, source.text, 1, false);
    const line = (edit?.text ?? '\n') + 'value = helper(data, 2)';
    const at = edit?.start ?? 0;
    const before = reading();
    let halfway = before;
    for (let cycle = 0; cycle < MEMORY_CYCLES; cycle++) {
      if (cycle % 2 === 0) source.edit(at, at, line);
      else source.edit(at, at + line.length, '');
      analyze();
      // A second reading tells a one-off step (warm-up, allocator) from a slope (a leak).
      if (cycle === MEMORY_CYCLES / 2 - 1) halfway = reading();
    }
    const after = reading();
    const rssGrowth = after.rssBytes - before.rssBytes;
    const jsGrowth = after.jsHeapBytes - before.jsHeapBytes;
    const wasmGrowth = after.wasmHeapBytes !== undefined && before.wasmHeapBytes !== undefined ? after.wasmHeapBytes - before.wasmHeapBytes : undefined;
    return {
      file: file.name,
      lines: file.lines,
      cycles: MEMORY_CYCLES,
      before,
      halfway,
      after,
      rssGrowthBytes: rssGrowth,
      wasmGrowthBytes: wasmGrowth,
      jsHeapGrowthBytes: jsGrowth,
      leak: Math.max(rssGrowth, jsGrowth, wasmGrowth ?? 0) > LEAK_LIMIT_BYTES,
    };
  } finally {
    source.dispose();
  }
}

/** The rules that read `context.flow`: without them, no flow analysis runs. */
const FLOW_RULES = ACTIVE_RULES.filter((rule) => rule.usesFlow).map((rule) => rule.meta.id);

/** (f) Whole-corpus and per-keystroke time with and without the flow layer, measured in the same run. */
function flowCost(engine: LoadedEngine, files: readonly CorpusFile[], typed: CorpusFile | undefined, edits: number) {
  const withoutFlow = ACTIVE_RULES.filter((rule) => !FLOW_RULES.includes(rule.meta.id));
  const corpusMs = (rules: typeof ACTIVE_RULES) => {
    let total = 0;
    for (const file of files) {
      const run = analyzeFromScratch(engine.parser, file.text, rules);
      total += run.parseMs + run.analyzeMs;
    }
    return total;
  };
  corpusMs(ACTIVE_RULES); // warm-up
  // Alternate the two and keep each one's best: the order of runs otherwise shows up as a difference.
  let without = Infinity;
  let withFlow = Infinity;
  for (let round = 0; round < 2; round++) {
    without = Math.min(without, corpusMs(withoutFlow));
    withFlow = Math.min(withFlow, corpusMs(ACTIVE_RULES));
  }
  const rows = [{ measure: `corpus from scratch (${files.length} files)`, without, with: withFlow }];
  if (typed) {
    const script = typingScript(engine.parser.parseOnce(typed.text), typed.text, edits, false);
    const without = runSession(engine.parser, typed.text, script, edits, withoutFlow);
    const withFlow = runSession(engine.parser, typed.text, script, edits, ACTIVE_RULES);
    rows.push({ measure: `keystroke median, ${typed.name}`, without: percentile(without.totalMs, 50), with: percentile(withFlow.totalMs, 50) });
    rows.push({ measure: `keystroke p95, ${typed.name}`, without: percentile(without.totalMs, 95), with: percentile(withFlow.totalMs, 95) });
  }
  return { rules: FLOW_RULES, rows: rows.map((row) => ({ ...row, without: round(row.without), with: round(row.with) })) };
}

function pair(summary: { median: number; p95: number }): string {
  return `${ms(summary.median)} / ${ms(summary.p95)}`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { full: { type: 'boolean', default: false }, corpus: { type: 'string' }, edits: { type: 'string', default: '200' } },
  });
  const edits = Math.max(1, Number.parseInt(values.edits, 10) || 200);
  const started = performance.now();
  const info = machine();

  const engine = await loadEngine(join(ROOT, 'dist'));
  const corpus = loadCorpus({ ...(values.corpus ? { dir: values.corpus } : {}), full: values.full, target: 150, repoRoot: ROOT });
  if (corpus.files.length === 0) throw new Error(`no Python files in ${corpus.root}`);
  const corpusLines = corpus.files.reduce((total, file) => total + file.lines, 0);

  const print = (text = '') => console.log(text);
  print(`Vigil bench · ${info.date} · node ${info.node} · ${info.cpus} × ${info.cpuModel} · load ${info.loadAverage.join(' ')}`);
  print(
    `Corpus: ${corpus.label} (${corpus.root}): ${corpus.files.length} of ${corpus.available} files` +
      `${corpus.step > 1 ? ` (every ${corpus.step}th and the ${corpus.largest} largest)` : ''}, ${corpusLines.toLocaleString('en')} lines` +
      `${corpus.skipped ? `, ${corpus.skipped} unreadable skipped` : ''}`,
  );
  print();
  print('(a) Engine init, once per process');
  print(table(['step', 'time'], [
    ['runtime: Parser.init', ms(engine.runtimeInitMs)],
    ['grammar: Language.load + new Parser', ms(engine.grammarLoadMs)],
  ]));

  let mark = performance.now();
  const lap = (): number => {
    const now = performance.now();
    const seconds = round((now - mark) / 1000, 1);
    mark = now;
    return seconds;
  };
  const whole = wholeFiles(engine, corpus.files);
  const wholeS = lap();
  print();
  print('(b) Whole file from scratch (parse + copy + analyze, fresh Analyzer), per file');
  print(table(['files', 'lines', 'median', 'p95', 'max', 'total', 'lines/s', 'parse+copy share'], [[
    String(whole.files),
    whole.lines.toLocaleString('en'),
    ms(whole.perFileMs.median),
    ms(whole.perFileMs.p95),
    ms(whole.perFileMs.max),
    ms(whole.totalMs),
    whole.linesPerSecond.toLocaleString('en'),
    `${Math.round(whole.parseShare * 100)}%`,
  ]]));
  print(`${whole.findings} findings; ${whole.filesWithSyntaxErrors} files with syntax errors. Slowest files:`);
  print(table(['file', 'lines', 'parse+copy', 'analyze', 'total'], whole.slowest.map((row) => [
    row.name, String(row.lines), ms(row.parseMs), ms(row.analyzeMs), ms(row.totalMs),
  ])));

  const editable = editableFiles(engine, corpus.files);
  const sessions = typing(engine, editable, edits);
  const typingS = lap();
  print();
  print(`(c) Typing: ${edits} keystrokes into function bodies, incremental path per keystroke (median / p95)`);
  print(`(d) Same keystrokes after an unclosed "(" at the first new line; and ${edits} keystrokes of new module-level lines`);
  print(table(
    ['file', 'lines', 'variant', 'edit+reparse+copy', 'analyze', 'incremental', 'from scratch', 'incr/full', 'units re-run', 'reused', 'broken edits'],
    sessions.flatMap((file) => ([['typing', file.typing], ['unclosed (', file.unclosedParen], ...(file.moduleLevel ? [['module level', file.moduleLevel] as const] : [])] as const).map(([variant, s]) => [
      variant === 'typing' ? file.name : '',
      variant === 'typing' ? String(file.lines) : '',
      variant,
      pair(s.reparseMs),
      pair(s.analyzeMs),
      pair(s.totalMs),
      ms(s.fullMs.median),
      s.incrementalOverFull.toFixed(2),
      `${s.unitsAnalyzedPerEdit.median} of ${s.unitsPerEdit}`,
      `${Math.round(s.reusedShare * 100)}%`,
      `${s.editsWithErrors}/${s.edits}`,
    ])),
  ));
  print('incr/full: median incremental over median from-scratch of the same texts (sampled every tenth edit);');
  print('units re-run: median units analysed per edit, of all units; reused: units served from the cache;');
  print('broken edits: edits after which the text had syntax errors.');

  const flow = flowCost(engine, corpus.files, editable[0], edits);
  const flowS = lap();
  print();
  print('(f) What the flow layer costs: the same work with every rule, and without the rules that use the flow layer');
  print(`    (${FLOW_RULES.join(', ')}; without them no flow analysis runs), in this run`);
  print(table(['measure', 'without flow', 'with flow', 'ratio'], flow.rows.map((row) => [row.measure, ms(row.without), ms(row.with), (row.with / Math.max(row.without, 1e-9)).toFixed(2)])));

  const mem = memory(engine, editable[0] ?? corpus.files[0]!);
  const memoryS = lap();
  const wasm = (bytes: number | undefined) => (bytes === undefined ? 'unreachable' : mb(bytes));
  print();
  print(`(e) Memory: ${mem.cycles} edit + reparse + analyze cycles on ${mem.file} (${mem.lines} lines), after a forced GC`);
  print(table(['measure', 'before', `after ${mem.cycles / 2}`, `after ${mem.cycles}`, 'growth'], [
    ['RSS', mb(mem.before.rssBytes), mb(mem.halfway.rssBytes), mb(mem.after.rssBytes), mb(mem.rssGrowthBytes)],
    ['JS heap used', mb(mem.before.jsHeapBytes), mb(mem.halfway.jsHeapBytes), mb(mem.after.jsHeapBytes), mb(mem.jsHeapGrowthBytes)],
    ['WASM heap', wasm(mem.before.wasmHeapBytes), wasm(mem.halfway.wasmHeapBytes), wasm(mem.after.wasmHeapBytes), wasm(mem.wasmGrowthBytes)],
  ]));

  const elapsedS = round((performance.now() - started) / 1000, 1);
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  const resultPath = join(ROOT, 'bench/results', `${info.date.replace(/[:.]/g, '-')}.json`);
  const report = {
    machine: info,
    options: { full: values.full, edits, corpus: { label: corpus.label, root: corpus.root, available: corpus.available, step: corpus.step, files: corpus.files.length, lines: corpusLines } },
    init: { runtimeMs: round(engine.runtimeInitMs), grammarMs: round(engine.grammarLoadMs) },
    wholeFile: whole,
    typing: sessions,
    memory: mem,
    flow,
    elapsedS: { total: elapsedS, wholeFile: wholeS, typing: typingS, flow: flowS, memory: memoryS },
  };
  writeFileSync(resultPath, JSON.stringify(report, null, 2) + '\n');
  print();
  print(`${elapsedS} s (whole files ${wholeS} s, typing ${typingS} s, memory ${memoryS} s); results in ${resultPath.slice(ROOT.length + 1)}`);
  if (mem.leak) {
    console.error(`memory grew by more than ${mb(LEAK_LIMIT_BYTES)} over ${mem.cycles} cycles: something keeps trees or caches alive`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

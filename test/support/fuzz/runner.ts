/**
 * The fuzz runner: hands buffer indexes to engine workers (child processes) or drives the real language server
 * over stdio, watches every buffer with a watchdog, saves the inputs that crash, hang or break an invariant, keeps
 * the run's state on disk so it can be resumed, and sums up.
 *
 * Used by `npm run fuzz` (scripts/fuzz.ts) and by the short CI slice (test/fuzz.test.ts).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { LineIndex } from '../../../server/src/engine';
import { TestClient } from '../lspClient';
import { defaultCorpusDirs, listCorpus, loadCorpus, loadCorpusSnapshot, saveCorpusSnapshot, type Corpus } from './corpus';
import { generateCase, type FuzzCase, type MixOptions } from './generate';
import type { CaseResult, Memory, Problem, ProblemCategory, WorkerConfig, WorkerMessage, WorkerRequest } from './protocol';
import { hash, Random } from './random';

const requireHere = createRequire(__filename);

export type FuzzMode = 'engine' | 'server';

export interface RunOptions {
  readonly root: string;
  readonly mode: FuzzMode;
  readonly seed: number;
  /** Buffers `0 .. count-1` of the seed. */
  readonly count: number;
  readonly jobs: number;
  readonly mix: MixOptions;
  readonly checks?: { readonly incremental: number; readonly reports: number };
  /** Where the state, the bundle and the saved inputs go (`.cache/fuzz`). */
  readonly outDir: string;
  readonly resume?: boolean;
  readonly corpusDirs?: readonly string[];
  /** The server to drive in server mode (default: a snapshot of dist/server.js taken at the start). */
  readonly serverPath?: string;
  /** V8 heap limit of each engine worker, in MB (OOM is reported as a crash rather than eating the machine). */
  readonly maxOldSpaceMb?: number;
  /** Progress lines; silent if absent. */
  readonly log?: (line: string) => void;
  /** Stop early (SIGINT): the state is saved and `--resume` carries on. */
  readonly signal?: AbortSignal;
}

interface Signature {
  readonly category: ProblemCategory;
  readonly key: string;
  readonly message: string;
  count: number;
  readonly examples: string[];
  /** For rule errors: every rule seen failing this way. */
  readonly rules: string[];
}

interface Worst {
  ms: number;
  index: number;
  kind: string;
  variant: string;
  length: number;
}

export interface Summary {
  mode: FuzzMode;
  seed: number;
  count: number;
  corpusFingerprint: string;
  corpusFiles: number;
  /** Where the run's copy of the corpus is. */
  corpusSnapshot?: string;
  /** The engine bundle (engine mode) or server copy (server mode) the run analyses with. */
  bundle?: string;
  /** What changed during the run (a resumed run that had to take a new engine or corpus). */
  notes?: string[];
  /** When a resumed run had to take a changed corpus (runs from before snapshots existed). */
  corpusHistory?: Array<{ fromBuffer: number; fingerprint: string; files: number }>;
  engine: string;
  startedAt: string;
  /** Wall time spent, over all sessions of a resumed run. */
  elapsedMs: number;
  buffers: number;
  byKind: Record<string, number>;
  /** Time spent per kind (ms): where the run's time goes. */
  msByKind: Record<string, number>;
  largeBuffers: number;
  characters: number;
  crashes: number;
  hangs: number;
  /** Watchdog alarms that a re-run alone did not confirm (machine load). */
  watchdogFalseAlarms: number;
  ruleErrorBuffers: number;
  divergences: number;
  badRanges: number;
  loggedErrors: number;
  signatures: Signature[];
  worst: Worst | null;
  worstOrdinary: Worst | null;
  /** log2 buckets of the per-buffer time in ms: bucket k counts buffers with 2^(k-1) <= ms < 2^k. */
  histogram: number[];
  heap: {
    startBytes: number | null;
    endBytes: number | null;
    maxBytes: number | null;
    /** Growth of the WASM heap on ordinary (not large) buffers once the first 1,000 have run: a leak shows here. */
    ordinaryGrowthAfterWarmupBytes: number;
    growthEvents: Array<{ index: number; kind: string; length: number; from: number; to: number }>;
    jsEndBytes: number | null;
    /** RSS of the engine worker, or of the server in server mode. */
    rssStartBytes: number | null;
    rssEndBytes: number | null;
    rssMaxBytes: number | null;
    workerStarts: number;
  };
}

interface State {
  readonly version: 1;
  /** Every index below `frontier` is done; `doneAbove` lists the done ones past it. */
  frontier: number;
  doneAbove: number[];
  summary: Summary;
}

/** Runs (or resumes) a fuzz run to `count` buffers and returns the summary. */
export async function runFuzz(options: RunOptions): Promise<Summary> {
  mkdirSync(options.outDir, { recursive: true });
  const statePath = join(options.outDir, `state-${options.mode}.json`);
  let state: State | undefined;
  let corpus: Corpus | undefined;
  if (options.resume && existsSync(statePath)) {
    state = JSON.parse(readFileSync(statePath, 'utf8')) as State;
    if (state.summary.seed !== options.seed) throw new Error(`the saved run has seed ${state.summary.seed}, not ${options.seed}`);
    state.summary.count = Math.max(state.summary.count, options.count);
    state.summary.corpusHistory ??= [];
    // The run's own copy of the corpus, so the resumed buffers are the same ones.
    if (state.summary.corpusSnapshot && existsSync(state.summary.corpusSnapshot)) corpus = loadCorpusSnapshot(state.summary.corpusSnapshot);
  }
  corpus ??= loadCorpus(listCorpus(options.corpusDirs ?? defaultCorpusDirs(options.root)));
  const snapshot = join(options.outDir, 'build', `corpus-${corpus.fingerprint}.json`);
  if (!existsSync(snapshot)) saveCorpusSnapshot(corpus, snapshot);
  if (state) {
    if (state.summary.corpusFingerprint !== corpus.fingerprint) {
      options.log?.(`warning: the corpus changed since the saved run (${state.summary.corpusFingerprint} → ${corpus.fingerprint}); buffers from ${state.frontier} on come from the new one`);
      state.summary.corpusHistory!.push({ fromBuffer: state.frontier, fingerprint: corpus.fingerprint, files: corpus.files.length });
      state.summary.corpusFingerprint = corpus.fingerprint;
      state.summary.corpusFiles = corpus.files.length;
    }
    state.summary.corpusSnapshot = snapshot;
  } else {
    if (existsSync(statePath)) renameSync(statePath, statePath.replace(/\.json$/, '.previous.json'));
    state = { version: 1, frontier: 0, doneAbove: [], summary: { ...emptySummary(options, corpus), corpusSnapshot: snapshot } };
  }
  const run = new Run(options, corpus, state, statePath);
  return run.go();
}

function emptySummary(options: RunOptions, corpus: Corpus): Summary {
  return {
    mode: options.mode,
    seed: options.seed,
    count: options.count,
    corpusFingerprint: corpus.fingerprint,
    corpusFiles: corpus.files.length,
    engine: '',
    startedAt: new Date().toISOString(),
    elapsedMs: 0,
    buffers: 0,
    byKind: {},
    msByKind: {},
    largeBuffers: 0,
    characters: 0,
    crashes: 0,
    hangs: 0,
    watchdogFalseAlarms: 0,
    ruleErrorBuffers: 0,
    divergences: 0,
    badRanges: 0,
    loggedErrors: 0,
    signatures: [],
    worst: null,
    worstOrdinary: null,
    histogram: [],
    heap: {
      startBytes: null,
      endBytes: null,
      maxBytes: null,
      ordinaryGrowthAfterWarmupBytes: 0,
      growthEvents: [],
      jsEndBytes: null,
      rssStartBytes: null,
      rssEndBytes: null,
      rssMaxBytes: null,
      workerStarts: 0,
    },
  };
}

/** How many inputs to keep per signature, and in all. */
const EXAMPLES_PER_SIGNATURE = 3;
const MAX_SAVED = 400;
/** A watchdog alarm is re-run alone with this many times the budget before it counts as a hang. */
const CONFIRM_FACTOR = 3;

interface Job {
  readonly index: number;
  /** Re-running a watchdog alarm alone, with a longer limit. */
  readonly confirming?: { readonly firstMs: number };
}

class Run {
  private readonly summary: Summary;
  private readonly done: Set<number>;
  private next: number;
  private readonly queue: Job[] = [];
  private saved = 0;
  private lastSave = 0;
  private lastLog = 0;
  private readonly sessionStart = performance.now();
  private readonly elapsedBefore: number;

  constructor(
    private readonly options: RunOptions,
    private readonly corpus: Corpus,
    private readonly state: State,
    private readonly statePath: string,
  ) {
    this.summary = state.summary;
    this.done = new Set(state.doneAbove);
    this.next = state.frontier;
    this.elapsedBefore = state.summary.elapsedMs;
    mkdirSync(join(options.outDir, 'crashes'), { recursive: true });
  }

  async go(): Promise<Summary> {
    const { options } = this;
    this.summary.engine = options.mode === 'engine' ? 'engine bundle (server/src/engine, esbuild snapshot)' : 'dist/server.js snapshot';
    const jobs = Math.max(1, options.jobs);
    const lanes =
      options.mode === 'engine'
        ? await this.engineLanes(jobs)
        : await this.serverLanes(jobs);
    const onAbort = () => this.saveState(true);
    options.signal?.addEventListener('abort', onAbort);
    try {
      await Promise.all(lanes.map((lane) => lane()));
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      this.saveState(true);
    }
    return this.summary;
  }

  /** The next job: confirmations first, then the next index not yet done. */
  private take(): Job | undefined {
    if (this.options.signal?.aborted) return undefined;
    const confirm = this.queue.shift();
    if (confirm) return confirm;
    while (this.next < this.summary.count && this.done.has(this.next)) this.next++;
    if (this.next >= this.summary.count) return undefined;
    // Mark as taken by advancing a private cursor: `next` only moves past finished indexes in `finish`.
    const index = this.cursor();
    return index === undefined ? undefined : { index };
  }

  private readonly taken = new Set<number>();
  private cursor(): number | undefined {
    for (let index = this.next; index < this.summary.count; index++) {
      if (!this.done.has(index) && !this.taken.has(index)) {
        this.taken.add(index);
        return index;
      }
    }
    return undefined;
  }

  private finish(index: number): void {
    this.taken.delete(index);
    this.done.add(index);
    while (this.done.has(this.next)) {
      this.done.delete(this.next);
      this.next++;
    }
    this.summary.elapsedMs = this.elapsedBefore + (performance.now() - this.sessionStart);
    const now = performance.now();
    if (now - this.lastSave > 5000) this.saveState(false);
    if (this.options.log && now - this.lastLog > 10_000) {
      this.lastLog = now;
      this.options.log(progressLine(this.summary));
    }
  }

  private note(text: string): void {
    (this.summary.notes ??= []).push(text);
    this.options.log?.(`note: ${text}`);
  }

  private saveState(final: boolean): void {
    this.lastSave = performance.now();
    this.summary.elapsedMs = this.elapsedBefore + (performance.now() - this.sessionStart);
    this.state.frontier = this.next;
    this.state.doneAbove = [...this.done].sort((a, b) => a - b);
    const tmp = `${this.statePath}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.state, null, final ? 2 : 0));
    renameSync(tmp, this.statePath);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Recording.

  private record(result: CaseResult, fuzzCase: () => FuzzCase, lane: number): void {
    const s = this.summary;
    s.buffers++;
    s.byKind[result.kind] = (s.byKind[result.kind] ?? 0) + 1;
    s.msByKind[result.kind] = round((s.msByKind[result.kind] ?? 0) + result.ms);
    const large = result.kind === 'line1mb' || result.kind === 'lines100k' || result.kind === 'deep';
    if (large) s.largeBuffers++;
    s.characters += result.length;
    const worst: Worst = { ms: round(result.ms), index: result.index, kind: result.kind, variant: result.variant, length: result.length };
    if (!s.worst || result.ms > s.worst.ms) s.worst = worst;
    if (!large && (!s.worstOrdinary || result.ms > s.worstOrdinary.ms)) s.worstOrdinary = worst;
    const bucket = result.ms < 1 ? 0 : Math.floor(Math.log2(result.ms)) + 1;
    while (s.histogram.length <= bucket) s.histogram.push(0);
    s.histogram[bucket]!++;
    if (result.ruleErrors.length > 0) s.ruleErrorBuffers++;
    // One signature per failure, whichever rules hit it: a stack overflow's frame is wherever the stack ran out.
    const groups = new Map<string, { rules: string[]; message: string; frame: string }>();
    for (const error of result.ruleErrors) {
      const overflow = /Maximum call stack size exceeded/.test(error.message);
      const key = `${normalize(error.message)}${overflow ? '' : ` @ ${error.frame}`}`;
      const group = groups.get(key) ?? { rules: [], message: error.message, frame: error.frame };
      if (!group.rules.includes(error.ruleId)) group.rules.push(error.ruleId);
      groups.set(key, group);
    }
    for (const [key, group] of groups) {
      this.problem({ category: 'rule-error', message: `${group.message} (${group.rules.join(', ')})`, frame: group.frame }, result, fuzzCase, key, group.rules);
    }
    for (const problem of result.problems) this.problem(problem, result, fuzzCase);
    this.memory(result.memory, result, large, lane);
  }

  private lastWasm = new Map<number, number>();
  private memory(memory: Memory, result: { index: number; kind: string; length: number } | undefined, large: boolean, lane = 0): void {
    const heap = this.summary.heap;
    if (memory.wasm >= 0) {
      heap.startBytes ??= memory.wasm;
      heap.endBytes = memory.wasm;
      heap.maxBytes = Math.max(heap.maxBytes ?? 0, memory.wasm);
      const before = this.lastWasm.get(lane);
      if (result && before !== undefined && memory.wasm > before) {
        if (heap.growthEvents.length < 40) heap.growthEvents.push({ index: result.index, kind: result.kind, length: result.length, from: before, to: memory.wasm });
        if (!large && this.summary.buffers > 1000) heap.ordinaryGrowthAfterWarmupBytes += memory.wasm - before;
      }
      this.lastWasm.set(lane, memory.wasm);
    }
    if (memory.js > 0) heap.jsEndBytes = memory.js;
    if (memory.rss > 0) {
      heap.rssStartBytes ??= memory.rss;
      heap.rssEndBytes = memory.rss;
      heap.rssMaxBytes = Math.max(heap.rssMaxBytes ?? 0, memory.rss);
    }
  }

  private problem(
    problem: Problem,
    result: { index: number; kind: string; variant: string; length: number; ms: number },
    fuzzCase: () => FuzzCase,
    key?: string,
    rules: readonly string[] = [],
  ): void {
    const s = this.summary;
    switch (problem.category) {
      case 'crash': s.crashes++; break;
      case 'hang': s.hangs++; break;
      case 'divergence': s.divergences++; break;
      case 'bad-range': s.badRanges++; break;
      case 'logged-error': s.loggedErrors++; break;
      case 'rule-error': break;
    }
    if (problem.category === 'hang') {
      const known = isKnownSelfConcatenation(fuzzCase().text);
      problem = { ...problem, message: `${result.kind} ${result.variant.replace(/@\d+/, '')}: ${problem.message}${known ? ' [known: self-concatenation chain, being fixed]' : ''}` };
      key = known ? 'known self-concatenation chain' : `${result.kind} ${result.variant.replace(/@\d+/, '')}`;
    }
    const signatureKey = `${problem.category}: ${key ?? `${normalize(problem.message)} @ ${problem.frame ?? ''}`}`;
    let signature = s.signatures.find((candidate) => candidate.key === signatureKey);
    if (!signature) {
      signature = { category: problem.category, key: signatureKey, message: problem.message.slice(0, 500), count: 0, examples: [], rules: [] };
      s.signatures.push(signature);
      this.options.log?.(`new ${problem.category}: ${signature.message.split('\n')[0]!.slice(0, 200)} (buffer ${result.index}, ${result.kind} ${result.variant})`);
    }
    signature.count++;
    for (const rule of rules) if (!signature.rules.includes(rule)) signature.rules.push(rule);
    if (signature.examples.length < EXAMPLES_PER_SIGNATURE && this.saved < MAX_SAVED) {
      const name = `${problem.category}-${hash(signatureKey)}-s${s.seed}-i${result.index}`;
      const input = fuzzCase();
      const dir = join(this.options.outDir, 'crashes');
      // The .json keeps the exact text (lone surrogates survive JSON); the .py is for reading and may differ there.
      writeFileSync(
        join(dir, `${name}.json`),
        JSON.stringify({ ...problem, seed: s.seed, index: result.index, kind: input.kind, variant: input.variant, ms: round(result.ms), length: input.text.length, mode: s.mode, text: input.text, base: input.base }),
      );
      writeFileSync(join(dir, `${name}.py`), input.text);
      signature.examples.push(`${name}.json`);
      this.saved++;
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // Engine mode: child processes running the bundled worker.

  private async engineLanes(jobs: number): Promise<Array<() => Promise<void>>> {
    // A resumed run keeps the engine snapshot it started with (others may have changed the engine since).
    const bundle = this.summary.bundle && existsSync(this.summary.bundle) ? this.summary.bundle : await bundleWorker(this.options.outDir);
    if (bundle !== this.summary.bundle) {
      if (this.summary.buffers > 0) this.note(`from buffer ${this.next.toLocaleString('en')} on: engine snapshot of ${new Date().toISOString()} (the earlier one was gone)`);
      this.summary.bundle = bundle;
    }
    const config = workerConfig(this.summary.seed, this.summary.corpusSnapshot!, this.options.mix, this.options.checks ?? DEFAULT_CHECKS);
    const start = async (lane: number): Promise<EngineWorker> => {
      this.summary.heap.workerStarts++;
      this.lastWasm.delete(lane);
      const worker = await EngineWorker.start(bundle, config, this.options.maxOldSpaceMb ?? 2048);
      if (worker.corpusFingerprint !== this.corpus.fingerprint) throw new Error('the worker loaded another corpus');
      this.memory(worker.readyMemory, undefined, false, lane);
      return worker;
    };
    return Array.from({ length: jobs }, (_, lane) => async () => {
      let worker = await start(lane);
      try {
        for (let job = this.take(); job; job = this.take()) {
          const regenerate = () => generateCase(this.corpus, this.summary.seed, job!.index, this.options.mix);
          const outcome = await worker.run(job.index, job.confirming ? CONFIRM_FACTOR : 1);
          if (outcome.type === 'result') {
            const over = outcome.result.ms > outcome.budgetMs;
            if (over && !job.confirming) {
              // Over the budget: run it again alone before calling it a hang (the machine may have been busy).
              this.queue.push({ index: job.index, confirming: { firstMs: outcome.result.ms } });
              continue;
            }
            if (over) {
              this.record({ ...outcome.result, problems: [...outcome.result.problems, hangProblem(outcome.result.ms, outcome.budgetMs, false)] }, regenerate, lane);
            } else {
              if (job.confirming) this.summary.watchdogFalseAlarms++;
              this.record(outcome.result, regenerate, lane);
            }
            this.finish(job.index);
            continue;
          }
          // The worker is gone (killed by the watchdog, or it died): replace it first.
          worker = await start(lane);
          const input = regenerate();
          const base = { index: job.index, kind: input.kind, variant: input.variant, length: input.text.length, findings: 0, ruleErrors: [], memory: { wasm: -1, js: 0, rss: 0 } };
          if (outcome.type === 'timeout') {
            if (!job.confirming) {
              this.queue.push({ index: job.index, confirming: { firstMs: outcome.afterMs } });
              continue;
            }
            this.record({ ...base, ms: outcome.afterMs, problems: [hangProblem(outcome.afterMs, outcome.budgetMs, true)] }, () => input, lane);
          } else {
            this.record({ ...base, ms: outcome.afterMs, problems: [{ category: 'crash', message: `worker died (${outcome.reason}): ${lastLines(outcome.stderr)}`, frame: outcome.reason }] }, () => input, lane);
          }
          this.finish(job.index);
        }
      } finally {
        worker.stop();
      }
    });
  }

  // -------------------------------------------------------------------------------------------------------------
  // Server mode: the real server over stdio, one document per buffer.

  private async serverLanes(jobs: number): Promise<Array<() => Promise<void>>> {
    const serverPath =
      this.options.serverPath ?? (this.summary.bundle && existsSync(this.summary.bundle) ? this.summary.bundle : snapshotServer(this.options.root, this.options.outDir));
    this.summary.bundle = serverPath;
    const start = async () => {
      this.summary.heap.workerStarts++;
      return TestClient.start({ serverPath });
    };
    return Array.from({ length: jobs }, (_, lane) => async () => {
      let client = await start();
      try {
        for (let job = this.take(); job; job = this.take()) {
          const input = generateCase(this.corpus, this.summary.seed, job.index, this.options.mix);
          const factor = job.confirming ? CONFIRM_FACTOR : 1;
          const outcome = await serverCase(client, input, lane, factor, this.options.checks?.incremental ?? 0.25);
          const result: CaseResult = {
            index: job.index,
            kind: input.kind,
            variant: input.variant,
            length: input.text.length,
            ms: outcome.ms,
            findings: outcome.findings,
            ruleErrors: outcome.ruleErrors,
            problems: outcome.problems,
            memory: { wasm: -1, js: 0, rss: rssOf(client.process.pid) ?? 0 },
          };
          if (!outcome.timedOut && !outcome.died && !job.confirming && outcome.ms > input.budgetMs + SERVER_SLACK_MS) {
            // Over the budget: run it again before calling it a hang (the machine may have been busy).
            await client.close(`file:///fuzz/lane${lane}/buffer-${input.index}.py`);
            this.queue.push({ index: job.index, confirming: { firstMs: outcome.ms } });
            continue;
          }
          if (outcome.timedOut || outcome.died) {
            const stderr = client.stderr;
            client.kill();
            client = await start();
            if (outcome.timedOut && !job.confirming) {
              this.queue.push({ index: job.index, confirming: { firstMs: outcome.ms } });
              continue;
            }
            if (outcome.timedOut) result.problems.push(hangProblem(outcome.ms, input.budgetMs, true));
            else result.problems.push({ category: 'crash', message: `server died: ${lastLines(stderr)}`, frame: 'server exit' });
          } else if (job.confirming) {
            if (outcome.ms > input.budgetMs + SERVER_SLACK_MS) result.problems.push(hangProblem(outcome.ms, input.budgetMs, false));
            else this.summary.watchdogFalseAlarms++;
          }
          this.record(result, () => input, lane);
          this.finish(job.index);
        }
      } finally {
        await client.stop();
      }
    });
  }
}

/** Time the server may take beyond the engine's budget: JSON over a pipe, the event loop, publishing. */
const SERVER_SLACK_MS = 500;

interface ServerOutcome {
  ms: number;
  findings: number;
  ruleErrors: CaseResult['ruleErrors'];
  problems: Problem[];
  timedOut: boolean;
  died: boolean;
}

/**
 * One buffer through the server: open it and time the diagnostics; sometimes edit it back to its base with
 * didChange and compare with a fresh document holding the same text; hover and code actions at random places;
 * sometimes the Review File and SARIF requests; close. Errors the server logs are problems.
 */
async function serverCase(client: TestClient, input: FuzzCase, lane: number, factor: number, incrementalShare: number): Promise<ServerOutcome> {
  const rng = Random.forCase(input.seed ^ 0x5e4e4, input.index);
  const uri = `file:///fuzz/lane${lane}/buffer-${input.index}.py`;
  const limit = input.budgetMs * factor + SERVER_SLACK_MS;
  const logsBefore = client.logs.length;
  const out: ServerOutcome = { ms: 0, findings: 0, ruleErrors: [], problems: [], timedOut: false, died: false };
  const deadline = <T>(promise: Promise<T>, ms: number): Promise<T | 'timeout' | 'died'> =>
    Promise.race([
      promise,
      new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms).unref()),
      client.exited.then(() => 'died' as const),
    ]);
  // The diagnostics of a version, or the version-less clearing the server publishes when an analysis fails.
  const published = (version: number | undefined, target = uri) =>
    deadline(
      client
        .diagnostics(target, (params) => params.version === version || params.version === undefined, limit + 1000)
        .then((params) => (params.version === undefined ? ('cleared' as const) : params.diagnostics))
        .catch(() => 'timeout' as const),
      limit,
    );
  const start = performance.now();
  await client.open(uri, input.text);
  const first = await published(client.versionOf(uri));
  out.ms = performance.now() - start;
  if (first === 'timeout' || first === 'died') {
    out.timedOut = first === 'timeout';
    out.died = first === 'died';
    return out;
  }
  out.findings = first === 'cleared' ? 0 : first.length;
  try {
    if (!input.large && input.base !== input.text && rng.chance(incrementalShare)) {
      // Edit the damaged text back into its base, then compare with a fresh document of the base.
      let prefix = 0;
      const { text, base } = input;
      while (prefix < text.length && prefix < base.length && text[prefix] === base[prefix]) prefix++;
      let suffix = 0;
      while (suffix < text.length - prefix && suffix < base.length - prefix && text[text.length - 1 - suffix] === base[base.length - 1 - suffix]) suffix++;
      const index = new LineIndex(text);
      const range = index.rangeOf(prefix, text.length - suffix);
      client.published.delete(uri);
      await client.change(uri, [{ range, text: base.slice(prefix, base.length - suffix) }]);
      const edited = await published(client.versionOf(uri));
      const freshUri = `file:///fuzz/lane${lane}/fresh-${input.index}.py`;
      await client.open(freshUri, base);
      const fresh = await published(client.versionOf(freshUri), freshUri);
      await client.close(freshUri);
      if (edited === 'died' || fresh === 'died') {
        out.died = true;
        return out;
      }
      if (edited === 'timeout' || fresh === 'timeout') {
        out.timedOut = true;
        return out;
      }
      let a = JSON.stringify(edited === 'cleared' ? 'cleared' : normalizeDiagnostics(edited, uri));
      const b = JSON.stringify(fresh === 'cleared' ? 'cleared' : normalizeDiagnostics(fresh, freshUri));
      // With syntax errors the server re-parses afresh once the client pauses: compare what stays on screen.
      for (const deadline = performance.now() + 3000; a !== b && performance.now() < deadline; ) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        const latest = client.published.get(uri);
        if (latest && latest.version === client.versionOf(uri)) a = JSON.stringify(normalizeDiagnostics(latest.diagnostics, uri));
      }
      if (a !== b) {
        const show = (d: Diagnostic[] | 'cleared') => (d === 'cleared' ? 'cleared' : summarizeDiagnostics(d));
        out.problems.push({ category: 'divergence', message: `after didChange the diagnostics differ from a fresh document's: ${show(edited)} vs ${show(fresh)}` });
      }
    }
    const current = client.published.get(uri)?.diagnostics ?? [];
    const line = rng.int(0, Math.max(0, current.length > 0 && rng.chance(0.5) ? current[0]!.range.start.line : input.text.split('\n').length));
    const requests: Array<Promise<unknown>> = [
      client.hover(uri, line, rng.int(0, 200)),
      client.codeActions(uri, { start: { line, character: 0 }, end: { line: line + rng.int(0, 3), character: rng.int(0, 80) } }, current),
    ];
    if (rng.chance(0.1)) requests.push(client.request('vigil/reviewFile', { uri }));
    if (rng.chance(0.05)) requests.push(client.request('vigil/exportSarif', { uri }));
    const answered = await deadline(Promise.allSettled(requests), limit * 2);
    if (answered === 'timeout') {
      out.timedOut = true;
      return out;
    }
    if (answered === 'died') {
      out.died = true;
      return out;
    }
    for (const settled of answered) {
      if (settled.status === 'rejected') out.problems.push({ category: 'logged-error', message: `request failed: ${String(settled.reason).slice(0, 300)}` });
    }
    await client.close(uri);
  } catch (error) {
    out.problems.push({ category: 'crash', message: `client: ${(error as Error).message}`, frame: 'client' });
  }
  for (const log of client.logs.slice(logsBefore)) {
    const rule = /^vigil: rule (\S+) failed on \S+ near line \d+ [^:]*: (.*)/s.exec(log.message);
    if (rule) {
      const [, ruleId, rest] = rule;
      const firstLine = rest!.split('\n')[0]!;
      const frame = rest!.split('\n').find((l) => /server\/src\//.test(l) || /^\s+at /.test(l))?.trim() ?? '';
      out.ruleErrors.push({ ruleId: ruleId!, message: firstLine.replace(/^\w*Error: /, ''), frame: frame.replace(/:\d+:\d+\)?$/, '') });
    } else if (/^vigil: analysing \S+ failed: /.test(log.message)) {
      // The whole analysis threw: the server cleared the file's diagnostics. A crash of the engine, seen from the server.
      const message = log.message.replace(/^vigil: analysing \S+ failed: /, '').split('\n')[0]!;
      out.problems.push({ category: 'crash', message: `analysis failed in the server (diagnostics cleared): ${message}`, frame: 'server analysis' });
    } else if (log.type === 1 || /\b(failed|uncaught|unhandled)\b/.test(log.message)) {
      out.problems.push({ category: 'logged-error', message: log.message.split('\n')[0]!.slice(0, 400), frame: '', stack: log.message.slice(0, 4000) });
    }
  }
  return out;
}

/** Diagnostics without what names the document (its URI, its version). */
export function normalizeDiagnostics(diagnostics: readonly Diagnostic[], uri: string): unknown[] {
  return diagnostics.map((diagnostic) => {
    const { data, relatedInformation, ...rest } = diagnostic as Diagnostic & { data?: { ruleId?: string } };
    return {
      ...rest,
      ruleId: data?.ruleId,
      related: relatedInformation?.map((info) => ({ same: info.location.uri === uri, range: info.location.range, message: info.message })),
    };
  });
}

function summarizeDiagnostics(diagnostics: readonly Diagnostic[]): string {
  return `[${diagnostics.map((d) => `${String(d.code)}@${d.range.start.line}:${d.range.start.character}`).join(',')}]`;
}

function hangProblem(ms: number, budget: number, killed: boolean): Problem {
  return {
    category: 'hang',
    message: killed
      ? `no answer within ${Math.round(ms)} ms (limit ${Math.round(budget)} ms; confirmed on a re-run allowed ${CONFIRM_FACTOR}× that)`
      : `took ${Math.round(ms)} ms on a re-run (limit ${Math.round(budget)} ms)`,
  };
}

/**
 * The engine's known exponential case (being fixed): a name rebuilt from itself line after line,
 * `q = 'ls'` then `q = q + ' -x'` two dozen times.
 */
export function isKnownSelfConcatenation(text: string): boolean {
  const counts = new Map<string, number>();
  for (const match of text.matchAll(/^[ \t]*([A-Za-z_]\w*)[ \t]*(?:=[ \t]*\1[ \t]*\+|\+=)/gm)) {
    const n = (counts.get(match[1]!) ?? 0) + 1;
    if (n >= 12) return true;
    counts.set(match[1]!, n);
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------------------

export type RunOutcome =
  | { type: 'result'; result: CaseResult; totalMs: number; budgetMs: number }
  | { type: 'timeout'; afterMs: number; budgetMs: number }
  | { type: 'died'; afterMs: number; reason: string; stderr: string };

/** One engine worker process. */
export class EngineWorker {
  private stderr = '';
  readyMemory: Memory = { wasm: -1, js: 0, rss: 0 };
  corpusFingerprint = '';

  private constructor(private readonly child: ChildProcess) {
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-20_000);
    });
  }

  static async start(bundle: string, config: WorkerConfig, maxOldSpaceMb: number): Promise<EngineWorker> {
    const child = fork(bundle, [], {
      env: { ...process.env, VIGIL_FUZZ_WORKER: JSON.stringify(config) },
      execArgv: ['--enable-source-maps', `--max-old-space-size=${maxOldSpaceMb}`],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    const worker = new EngineWorker(child);
    await new Promise<void>((resolve, reject) => {
      const onMessage = (message: WorkerMessage) => {
        if (message.type !== 'ready') return;
        worker.readyMemory = message.memory;
        worker.corpusFingerprint = message.corpusFingerprint;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve();
      };
      const onExit = (code: number | null) => reject(new Error(`fuzz worker exited with ${code} before it was ready: ${worker.stderr}`));
      child.on('message', onMessage);
      child.on('exit', onExit);
    });
    return worker;
  }

  /**
   * Runs buffer `index`; the watchdog starts when the worker says the buffer is generated and how large it is, and
   * allows the buffer's budget × `factor` (plus time to generate it: a 100k-line file takes a moment).
   */
  run(index: number, factor: number, request: WorkerRequest = { type: 'run', index }): Promise<RunOutcome> {
    return new Promise((resolve) => {
      const started = performance.now();
      let budgetMs = 0;
      let timer: NodeJS.Timeout | undefined;
      const arm = (ms: number) => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          cleanup();
          this.child.kill('SIGKILL');
          resolve({ type: 'timeout', afterMs: performance.now() - started, budgetMs });
        }, ms);
      };
      const onMessage = (message: WorkerMessage) => {
        if (message.type === 'start') {
          budgetMs = message.budgetMs;
          arm(message.limitMs * factor);
          return;
        }
        if (message.type !== 'result') return;
        cleanup();
        resolve({ type: 'result', result: message, totalMs: performance.now() - started, budgetMs });
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        cleanup();
        // Let the last stderr chunk arrive.
        setTimeout(() => resolve({ type: 'died', afterMs: performance.now() - started, reason: signal ?? `exit ${code}`, stderr: this.stderr }), 50);
      };
      const cleanup = () => {
        clearTimeout(timer);
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
      };
      this.child.on('message', onMessage);
      this.child.on('exit', onExit);
      arm(30_000); // generating the buffer
      this.child.send(request);
    });
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  stop(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

export const DEFAULT_CHECKS = { incremental: 0.25, reports: 0.1 } as const;

export function workerConfig(seed: number, corpusSnapshot: string, mix: MixOptions, checks: WorkerConfig['checks']): WorkerConfig {
  return {
    seed,
    corpusSnapshot,
    runtimePath: requireHere.resolve('web-tree-sitter/web-tree-sitter.wasm'),
    pythonPath: requireHere.resolve('tree-sitter-python/tree-sitter-python.wasm'),
    mix,
    checks,
  };
}

/** Bundles the worker and the engine it imports into one file: a snapshot others' edits cannot change mid-run. */
export async function bundleWorker(outDir: string): Promise<string> {
  const { build } = await import('esbuild');
  const outfile = join(outDir, 'build', `engine-worker-${process.pid}.cjs`);
  await build({
    entryPoints: [join(__dirname, 'engineWorker.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    keepNames: true,
    logLevel: 'warning',
    define: { VIGIL_VERSION: '"fuzz"' },
    alias: { 'web-tree-sitter': requireHere.resolve('web-tree-sitter') },
  });
  return outfile;
}

/** Copies dist/ (server.js and the two .wasm files) so a rebuild by someone else does not change the server mid-run. */
export function snapshotServer(root: string, outDir: string): string {
  const dist = join(root, 'dist');
  const target = join(outDir, 'build', `dist-${process.pid}`);
  mkdirSync(target, { recursive: true });
  for (const name of ['server.js', 'server.js.map', 'web-tree-sitter.wasm', 'tree-sitter-python.wasm', 'package.json']) {
    if (existsSync(join(dist, name))) writeFileSync(join(target, name), readFileSync(join(dist, name)));
  }
  if (!existsSync(join(target, 'server.js'))) throw new Error('dist/server.js is missing: run `npm run build` first');
  return join(target, 'server.js');
}

function rssOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

function normalize(message: string): string {
  return message.replace(/file:\/\/\/\S+/g, '<uri>').replace(/\d+/g, 'N').slice(0, 200);
}

function lastLines(text: string): string {
  const lines = text.trim().split('\n').filter((line) => line.trim() !== '');
  const interesting = lines.filter((line) => /error|fatal|heap|abort|range/i.test(line));
  return (interesting.length > 0 ? interesting.slice(0, 3) : lines.slice(-3)).join(' | ').slice(0, 500);
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

const mb = (bytes: number | null) => (bytes === null ? 'n/a' : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

export function progressLine(s: Summary): string {
  const rate = s.elapsedMs > 0 ? (s.buffers / (s.elapsedMs / 1000)).toFixed(1) : '0';
  return (
    `[${s.mode}] ${s.buffers.toLocaleString('en')}/${s.count.toLocaleString('en')} buffers (${rate}/s) · crashes ${s.crashes} · hangs ${s.hangs}` +
    ` · rule errors ${s.ruleErrorBuffers} · divergences ${s.divergences} · bad ranges ${s.badRanges} · logged ${s.loggedErrors}` +
    ` · worst ${s.worst ? `${Math.round(s.worst.ms)} ms` : '-'} · heap ${mb(s.heap.startBytes)} → ${mb(s.heap.endBytes)}`
  );
}

export function formatSummary(s: Summary, outDir: string): string {
  const lines: string[] = [];
  const elapsed = s.elapsedMs / 1000;
  lines.push(`Vigil fuzz — ${s.mode} mode, seed ${s.seed}, ${s.corpusFiles} corpus files (${s.corpusFingerprint}), ${s.engine}`);
  for (const change of s.corpusHistory ?? []) lines.push(`  (corpus changed by others during the run: from buffer ${change.fromBuffer.toLocaleString('en')} on, ${change.files} files, ${change.fingerprint})`);
  for (const note of s.notes ?? []) lines.push(`  (${note})`);
  lines.push(`  buffers        ${s.buffers.toLocaleString('en')} of ${s.count.toLocaleString('en')} (${s.largeBuffers} large), ${(s.characters / 1e6).toFixed(1)} M characters, ${elapsed.toFixed(0)} s (${(s.buffers / Math.max(elapsed, 0.001)).toFixed(1)}/s)`);
  lines.push(`  by kind        ${Object.entries(s.byKind).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n} (${((s.msByKind[k] ?? 0) / 1000).toFixed(0)} s)`).join(', ')}`);
  lines.push(`  crashes        ${s.crashes}`);
  lines.push(`  hangs          ${s.hangs} (over the limit once but not on a re-run: ${s.watchdogFalseAlarms})`);
  lines.push(`  rule errors    ${s.ruleErrorBuffers} buffers (contained: the rule's findings for that unit are lost)`);
  lines.push(`  divergences    ${s.divergences} (incremental ≠ from scratch)`);
  lines.push(`  bad ranges     ${s.badRanges}`);
  if (s.mode === 'server') lines.push(`  logged errors  ${s.loggedErrors}`);
  const worst = (w: Worst | null) => (w ? `${w.ms.toFixed(0)} ms (buffer ${w.index}, ${w.kind} ${w.variant.slice(0, 60)}, ${w.length.toLocaleString('en')} chars)` : '-');
  lines.push(`  worst time     ${worst(s.worst)}`);
  lines.push(`  worst ordinary ${worst(s.worstOrdinary)}`);
  const total = s.histogram.reduce((a, b) => a + b, 0);
  const percentile = (p: number) => {
    let seen = 0;
    for (let k = 0; k < s.histogram.length; k++) {
      seen += s.histogram[k]!;
      if (seen >= total * p) return k === 0 ? '<1 ms' : `<${2 ** k} ms`;
    }
    return '-';
  };
  lines.push(`  time           p50 ${percentile(0.5)}, p99 ${percentile(0.99)}, p99.9 ${percentile(0.999)}`);
  if (s.mode === 'engine') {
    lines.push(`  WASM heap      start ${mb(s.heap.startBytes)}, end ${mb(s.heap.endBytes)}, max ${mb(s.heap.maxBytes)}; growth on ordinary buffers after the first 1,000: ${mb(s.heap.ordinaryGrowthAfterWarmupBytes)}; ${s.heap.workerStarts} worker start(s)`);
    if (s.heap.growthEvents.length > 0) {
      lines.push(`  heap growth    ${s.heap.growthEvents.slice(0, 12).map((e) => `${e.kind}#${e.index} ${mb(e.from)}→${mb(e.to)}`).join(', ')}${s.heap.growthEvents.length > 12 ? ', …' : ''}`);
    }
  }
  lines.push(`  RSS            ${s.mode === 'server' ? 'server ' : 'worker '}start ${mb(s.heap.rssStartBytes)}, end ${mb(s.heap.rssEndBytes)}, max ${mb(s.heap.rssMaxBytes)}${s.mode === 'engine' ? ` (JS heap at end ${mb(s.heap.jsEndBytes)})` : ''}`);
  if (s.signatures.length > 0) {
    lines.push('  signatures:');
    for (const sig of [...s.signatures].sort((a, b) => b.count - a.count)) {
      const rules = sig.rules.length > 0 ? ` [rules: ${sig.rules.sort().join(', ')}]` : '';
      lines.push(`    ${sig.count.toString().padStart(6)} × ${sig.category}: ${sig.message.split('\n')[0]!.replace(/ \(VG[^)]*\)$/, '').slice(0, 160)}${rules}`);
      if (sig.examples.length > 0) lines.push(`             e.g. ${join(outDir, 'crashes', sig.examples[0]!)}`);
    }
  }
  return lines.join('\n');
}

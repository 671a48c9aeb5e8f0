import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { analyzeText, findingKeys, knowledgeWith, type Finding, type LibraryModel, type RuleError, type RuleSelection, type UnusedSuppression } from '../engine';
import { loadPythonParser } from '../host/grammar';

/**
 * The command line's analysis on all cores: one worker thread per core, each with its own parser, fed one file at a
 * time. Files are read by the main thread (which reports unreadable ones in order) and results come back as plain
 * data, so no worker holds more than the file it analyses and the output order never depends on timing.
 */

/** One file to analyse: its text and everything the analysis depends on, as plain data. */
export interface AnalysisJob {
  readonly text: string;
  readonly selection: RuleSelection;
  /** The project's own flow model (`extend-*`) and a key naming it (its configuration file). */
  readonly project?: { readonly key: string; readonly model: LibraryModel };
  /** Whether to compute `findingKeys` (a run that compares with a base or a baseline). */
  readonly keys: boolean;
}

/** What the CLI needs of an `AnalysisResult`: plain data that crosses threads. */
export interface AnalysisOutcome {
  readonly findings: Finding[];
  readonly ruleErrors: RuleError[];
  readonly hasSyntaxErrors: boolean;
  readonly firstSyntaxError: number | null;
  readonly partial: readonly string[];
  /** Suppression comments that hid nothing (`--report-unused-suppressions`). */
  readonly unusedSuppressions: readonly UnusedSuppression[];
  readonly keys?: string[];
}

const WORKER_ROLE = 'vigil-analysis-worker';

/** Runs one job in this thread (the workers' path, and the CLI's for a handful of files). */
export function runJob(parser: Awaited<ReturnType<typeof loadPythonParser>>, job: AnalysisJob, models: Map<string, LibraryModel>): AnalysisOutcome {
  let knowledge;
  if (job.project) {
    // Structured cloning makes a new model object per job: keep the first, so its index is built once.
    let model = models.get(job.project.key);
    if (!model) models.set(job.project.key, (model = job.project.model));
    knowledge = knowledgeWith(model);
  }
  const result = analyzeText(parser, job.text, job.selection, knowledge ? { knowledge } : {});
  return {
    findings: result.findings,
    ruleErrors: result.ruleErrors,
    hasSyntaxErrors: result.hasSyntaxErrors,
    firstSyntaxError: result.firstSyntaxError,
    partial: result.partial,
    unusedSuppressions: result.unusedSuppressions,
    ...(job.keys ? { keys: findingKeys(result.findings, result.syntax, result.lineIndex) } : {}),
  };
}

/**
 * A fixed set of worker threads running `runJob`. `analyse` resolves in whatever order jobs finish; callers await
 * the promises in their own order. `close` ends the threads.
 */
export class AnalysisPool {
  private readonly idle: Worker[] = [];
  private readonly queue: Array<{ job: AnalysisJob; resolve: (outcome: AnalysisOutcome) => void; reject: (error: Error) => void }> = [];
  private readonly busy = new Map<Worker, { resolve: (outcome: AnalysisOutcome) => void; reject: (error: Error) => void }>();
  private readonly workers: Worker[] = [];

  /** `script` is the bundled CLI itself (`__filename`), which runs `workerMain` in a worker thread. */
  constructor(size: number, script: string) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(script, { workerData: { role: WORKER_ROLE } });
      worker.on('message', (message: { outcome?: AnalysisOutcome; error?: string }) => {
        const pending = this.busy.get(worker);
        this.busy.delete(worker);
        if (pending) {
          if (message.outcome) pending.resolve(message.outcome);
          else pending.reject(new Error(message.error ?? 'the analysis worker failed'));
        }
        this.next(worker);
      });
      worker.on('error', (error) => {
        const pending = this.busy.get(worker);
        this.busy.delete(worker);
        pending?.reject(error);
      });
      this.workers.push(worker);
      this.idle.push(worker);
    }
  }

  /** How many workers suit `files` files here: one per core, none for a handful of files (starting one costs more). */
  static sizeFor(files: number): number {
    const cores = availableParallelism();
    if (cores < 2 || files < 8) return 0;
    return Math.min(cores, 8, Math.ceil(files / 4));
  }

  analyse(job: AnalysisJob): Promise<AnalysisOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      const worker = this.idle.pop();
      if (worker) this.next(worker);
    });
  }

  private next(worker: Worker): void {
    const item = this.queue.shift();
    if (!item) {
      this.idle.push(worker);
      return;
    }
    this.busy.set(worker, { resolve: item.resolve, reject: item.reject });
    worker.postMessage(item.job);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}

/** In a worker thread started by `AnalysisPool`: answers jobs until the pool ends it. True when this is one. */
export function workerMain(): boolean {
  if (isMainThread || (workerData as { role?: string } | undefined)?.role !== WORKER_ROLE || !parentPort) return false;
  const port = parentPort;
  const models = new Map<string, LibraryModel>();
  const ready = loadPythonParser();
  port.on('message', (job: AnalysisJob) => {
    ready.then(
      (parser) => {
        try {
          port.postMessage({ outcome: runJob(parser, job, models) });
        } catch (error) {
          port.postMessage({ error: (error as Error).stack ?? String(error) });
        }
      },
      (error: unknown) => port.postMessage({ error: `cannot load the Python parser: ${String(error)}` }),
    );
  });
  return true;
}

/**
 * Re-running and shrinking a saved input (`.cache/fuzz/crashes/*.json`): `npm run fuzz -- --replay FILE` and
 * `--minimize FILE`. Both run the input in an engine worker under the same watchdog as the run that found it.
 */
import { readFileSync } from 'node:fs';
import { budgetFor, type FuzzCase } from './generate';
import { join } from 'node:path';
import { defaultCorpusDirs, listCorpus, loadCorpus, saveCorpusSnapshot } from './corpus';
import { bundleWorker, EngineWorker, workerConfig, type RunOutcome } from './runner';

export interface SavedInput {
  readonly category: string;
  readonly message: string;
  readonly frame?: string;
  readonly seed: number;
  readonly index: number;
  readonly kind: string;
  readonly variant: string;
  readonly text: string;
  readonly base?: string;
}

export function readSaved(path: string): SavedInput {
  return JSON.parse(readFileSync(path, 'utf8')) as SavedInput;
}

/** Runs texts one after another in a worker (restarted after a hang or a crash). */
export class Replayer {
  private worker: EngineWorker | undefined;
  private bundle: string | undefined;
  trials = 0;

  constructor(
    private readonly root: string,
    private readonly outDir: string,
    private readonly budgetMs = 1000,
  ) {}

  /** Runs `text` (edited from `base` when given); `origin` replays the seeded choices of the run that saved it. */
  async run(text: string, base = '', kind = 'replay', factor = 1, origin?: { seed: number; index: number }): Promise<RunOutcome> {
    this.bundle ??= await bundleWorker(this.outDir);
    if (!this.worker?.alive) {
      const snapshot = join(this.outDir, 'build', `corpus-replay-${process.pid}.json`);
      saveCorpusSnapshot(loadCorpus(listCorpus(defaultCorpusDirs(this.root)).slice(0, 1)), snapshot);
      // Always check incrementally when there is a base; never render reports (they are not what is shrunk).
      this.worker = await EngineWorker.start(this.bundle, workerConfig(0, snapshot, {}, { incremental: base ? 1 : 0, reports: 0 }), 2048);
    }
    this.trials++;
    const fuzzCase: FuzzCase = {
      seed: origin?.seed ?? 0,
      index: origin?.index ?? this.trials,
      kind: kind as FuzzCase['kind'],
      variant: 'replay',
      text,
      base,
      large: false,
      budgetMs: budgetFor(text.length, this.budgetMs),
    };
    const outcome = await this.worker.run(this.trials, factor, { type: 'case', case: fuzzCase });
    if (outcome.type !== 'result') {
      // Killed by the watchdog or dead: the next text gets a fresh worker.
      this.worker.stop();
      this.worker = undefined;
    }
    return outcome;
  }

  stop(): void {
    this.worker?.stop();
  }
}

/** Whether an outcome shows the same failure as the saved input (same category; same rule and message for errors). */
export function sameFailure(saved: SavedInput, outcome: RunOutcome): boolean {
  const normalize = (message: string) => message.replace(/\d+/g, 'N').split('\n')[0]!;
  switch (saved.category) {
    case 'hang':
      return outcome.type === 'timeout' || (outcome.type === 'result' && outcome.totalMs > outcome.budgetMs);
    case 'crash':
      if (outcome.type === 'died') return saved.frame === outcome.reason || /worker died/.test(saved.message);
      return outcome.type === 'result' && outcome.result.problems.some((p) => p.category === 'crash' && normalize(p.message) === normalize(saved.message));
    case 'rule-error':
    {
      const message = normalize(saved.message.replace(/ \((VG\d+(, )?)+\)$/, ''));
      const overflow = /Maximum call stack/.test(message);
      return (
        outcome.type === 'result' &&
        outcome.result.ruleErrors.some((e) => normalize(e.message) === message && (overflow || !saved.frame || e.frame === saved.frame))
      );
    }
    default:
      return outcome.type === 'result' && outcome.result.problems.some((p) => p.category === saved.category);
  }
}

/**
 * Delta debugging (ddmin) over lines, then over characters: the smallest text that still fails the same way.
 * Divergences shrink the edited text and keep the base.
 */
export async function minimize(saved: SavedInput, replayer: Replayer, log: (line: string) => void, maxTrials = 3000): Promise<string> {
  const origin = { seed: saved.seed, index: saved.index };
  const fails = async (text: string) => sameFailure(saved, await replayer.run(text, saved.category === 'divergence' ? (saved.base ?? '') : '', saved.kind, 1, origin));
  if (!(await fails(saved.text))) throw new Error('the saved input does not fail that way any more');
  let text = saved.text;
  for (const unit of ['lines', 'chars'] as const) {
    if (unit === 'chars' && text.length > 20_000) break;
    let parts = unit === 'lines' ? (text.match(/[^\n]*\n|[^\n]+$/g) ?? []) : [...text];
    let n = 2;
    while (parts.length >= 2 && replayer.trials < maxTrials) {
      const chunk = Math.ceil(parts.length / n);
      let reduced = false;
      for (let i = 0; i < n && replayer.trials < maxTrials; i++) {
        const candidate = [...parts.slice(0, i * chunk), ...parts.slice((i + 1) * chunk)];
        if (candidate.length === 0) continue;
        if (await fails(candidate.join(''))) {
          parts = candidate;
          n = Math.max(n - 1, 2);
          reduced = true;
          log(`  ${unit}: ${parts.length} left (${replayer.trials} trials)`);
          break;
        }
      }
      if (!reduced) {
        if (n >= parts.length) break;
        n = Math.min(n * 2, parts.length);
      }
    }
    text = parts.join('');
  }
  return text;
}

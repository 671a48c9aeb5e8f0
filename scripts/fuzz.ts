/**
 * `npm run fuzz`: seeded, resumable fuzzing of the engine (default) or of the real language server over stdio.
 *
 *   npm run fuzz -- --seed 1 --count 100000 --jobs 2      engine mode: buffers 0..99,999 of seed 1
 *   npm run fuzz -- --resume                              carry on where the last run of this mode stopped
 *   npm run fuzz -- --mode server --count 10000           the same buffers through dist/server.js (build first)
 *   npm run fuzz -- --replay .cache/fuzz/crashes/X.json   run one saved input again
 *   npm run fuzz -- --minimize .cache/fuzz/crashes/X.json shrink it (ddmin over lines, then characters)
 *
 * Buffers are mutated real Python (test/fixtures/rules/*.py and /usr/lib/python3.11/*.py): byte- and token-level
 * damage, splices of two files, stray brackets and quotes, NULs, lone surrogates, odd line ends; 0.6% are large: 1 MB
 * lines, 100,000-line files, 5,000-deep nesting. Each buffer has a watchdog (1 s; large buffers 1 s per 100k
 * characters); an alarm is re-run alone with 3× the limit before it counts as a hang. Crashes, hangs, rule errors,
 * incremental/from-scratch divergences and out-of-text ranges are saved to .cache/fuzz/crashes/ (three inputs per
 * signature). State: .cache/fuzz/state-<mode>.json (ignored by git); the summary also goes to summary-<mode>.txt.
 *
 * Options: --mode engine|server, --seed N, --count N, --jobs N, --resume, --no-large, --depth N (nesting of the
 * deep class), --budget MS, --incremental SHARE, --reports SHARE, --out DIR, --server PATH, --max-old-space MB.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatSummary, progressLine, runFuzz, type FuzzMode } from '../test/support/fuzz/runner';
import { minimize, readSaved, Replayer, sameFailure } from '../test/support/fuzz/replay';

const ROOT = join(__dirname, '..');

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      mode: { type: 'string', default: 'engine' },
      seed: { type: 'string', default: '1' },
      count: { type: 'string' },
      jobs: { type: 'string', default: '1' },
      resume: { type: 'boolean', default: false },
      'no-large': { type: 'boolean', default: false },
      depth: { type: 'string' },
      budget: { type: 'string', default: '1000' },
      incremental: { type: 'string', default: '0.25' },
      reports: { type: 'string', default: '0.1' },
      out: { type: 'string', default: join(ROOT, '.cache', 'fuzz') },
      server: { type: 'string' },
      'max-old-space': { type: 'string', default: '2048' },
      replay: { type: 'string' },
      minimize: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log('usage: npm run fuzz -- [--mode engine|server] [--seed N] [--count N] [--jobs N] [--resume] [--no-large] [--replay FILE | --minimize FILE]');
    return 0;
  }
  const outDir = values.out!;
  const budget = Number(values.budget);

  if (values.replay || values.minimize) {
    const path = (values.replay ?? values.minimize)!;
    const saved = readSaved(path);
    const replayer = new Replayer(ROOT, outDir, budget);
    try {
      if (values.replay) {
        const outcome = await replayer.run(saved.text, saved.category === 'divergence' ? (saved.base ?? '') : '', saved.kind, 1, { seed: saved.seed, index: saved.index });
        console.log(JSON.stringify(outcome.type === 'result' ? { ...outcome, result: { ...outcome.result } } : outcome, null, 2).slice(0, 20_000));
        console.log(sameFailure(saved, outcome) ? `still fails: ${saved.category}` : `no longer fails as saved (${saved.category})`);
        return sameFailure(saved, outcome) ? 1 : 0;
      }
      console.log(`minimizing ${path} (${saved.category}: ${saved.message.split('\n')[0]}), ${saved.text.length} characters`);
      const small = await minimize(saved, replayer, (line) => console.log(line));
      const target = path.replace(/\.json$/, '.min.json');
      writeFileSync(target, JSON.stringify({ ...saved, text: small }));
      writeFileSync(target.replace(/\.json$/, '.py'), small);
      console.log(`${small.length} characters after ${replayer.trials} trials → ${target}\n---\n${JSON.stringify(small).slice(0, 4000)}`);
      return 0;
    } finally {
      replayer.stop();
    }
  }

  const mode = values.mode as FuzzMode;
  if (mode !== 'engine' && mode !== 'server') throw new Error(`--mode is engine or server, not ${mode}`);
  const controller = new AbortController();
  process.once('SIGINT', () => {
    console.error('\nstopping after the buffers in flight; --resume carries on');
    controller.abort();
  });
  const summary = await runFuzz({
    root: ROOT,
    mode,
    seed: Number(values.seed),
    count: Number(values.count ?? (mode === 'engine' ? 100_000 : 10_000)),
    jobs: Number(values.jobs),
    resume: values.resume,
    mix: {
      large: !values['no-large'],
      budgetMs: budget,
      ...(values.depth ? { depth: Number(values.depth) } : {}),
    },
    checks: { incremental: Number(values.incremental), reports: Number(values.reports) },
    outDir,
    maxOldSpaceMb: Number(values['max-old-space']),
    ...(values.server ? { serverPath: values.server } : {}),
    log: (line) => console.log(line),
    signal: controller.signal,
  });
  const text = formatSummary(summary, outDir);
  console.log(progressLine(summary));
  console.log(text);
  writeFileSync(join(outDir, `summary-${mode}.txt`), text + '\n');
  writeFileSync(join(outDir, `summary-${mode}.json`), JSON.stringify(summary, null, 2));
  return summary.crashes + summary.hangs + summary.divergences + summary.badRanges > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(2);
  },
);

/**
 * `npm run bench:lsp`: the editor-facing speed and memory of Vigil, measured from outside, over real LSP, with
 * the peers and the bare tree-sitter floor measured in the same run. Method and results: BENCHMARKS.md.
 *
 *   npm run bench:lsp                       full run (~10-14 min on a busy 2-core machine)
 *   npm run bench:lsp -- --quick            smaller counts, < 2 min: a smoke test of the harness, not a verdict
 *   npm run bench:lsp -- --update-doc       full run, then rewrite the generated section of BENCHMARKS.md and
 *                                           bench/plots/latency-vs-size.svg
 *   npm run bench:lsp -- --stdlib DIR       another CPython Lib/ (default /usr/lib/python3.11)
 *   npm run bench:lsp -- --skip scan,sizes  leave sections out: startup, latency, sizes, paced, memory, scan
 *   npm run bench:lsp -- --sizes 50000:20:5 other sizes (lines:typing edits:chaos edits, comma-separated)
 *   npm run bench:lsp -- --profile          no timings: CPU profiles (--cpu-prof) of the server while typing and
 *                                           in chaos on the main file, and of the CLI's whole scan, mapped back to
 *                                           the TypeScript sources: where the time goes
 *
 * Sections:
 *   (1) server startup (spawn → initialize response) and cold open of a 2k-line file → first diagnostics
 *   (2) keystroke → publishDiagnostics on a ~6.4k-line file, a person typing and chaos, vs the bare reparse floor;
 *       the same on a file of large module-level tables (pickletools.py: tree-sitter rebuilds their statements on
 *       every keystroke, and the copy checks their shape before taking them over)
 *   (3) the same at 1k, 10k and 50k lines (table + SVG plot)
 *   (4) paced typing (one edit every 80 ms, not waiting): what coalescing of superseded versions gives (full only)
 *   (5) memory: 50 open 2k-line files, 1,000 edits spread over them: server RSS and WASM heap
 *   (6) whole scan of the stdlib: Vigil CLI vs parse-only vs Ruff-wasm (S rules) vs Bandit, whole processes
 *
 * Everything runs against a snapshot of dist/ copied at start, so a rebuild while the bench runs changes nothing.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { loadEngine, type LoadedEngine } from './engine';
import { BenchServer } from './lsp/client';
import { BareParser } from './lsp/floor';
import { keystrokeSegments, SEGMENTS, type SegmentKey, type SentEdit } from './lsp/trace';
import { lineChart, type Series } from './lsp/plot';
import { summarizeProfile, type ProfileSummary } from './lsp/profile';
import { HAVE_TIME, prepareScanCorpus, runProcess, toolVersion, which, type ProcessRun, type ScanCorpus } from './lsp/scan';
import { applyEdit, chaosScript, chunksOfLines, lineCount, placeEdits, textOfLines } from './lsp/text';
import { mb, ms, percentile, round } from './stats';
import { typingScript, type TextEdit } from './typing';

const ROOT = join(__dirname, '..');
const CHAOS_SEED = 20261129;
/** One keystroke every 80 ms: ~150 words per minute, a fast typist. */
const PACE_MS = 80;

type Model = 'typing' | 'chaos';
/** The latency section's second file: large module-level tables (`opcodes = [I(...), ...]`), beside the main file. */
const TABLES_FILE = 'pickletools.py';

const SECTIONS = ['startup', 'latency', 'sizes', 'paced', 'memory', 'scan'] as const;
type Section = (typeof SECTIONS)[number];

interface Config {
  readonly quick: boolean;
  /** Edits per model on the main (~6.4k-line) file. */
  readonly edits: number;
  /** The other sizes: target lines and edits per model. */
  readonly sizes: ReadonlyArray<{ readonly lines: number; readonly typing: number; readonly chaos: number }>;
  readonly warmupEdits: number;
  readonly coldRuns: number;
  readonly pacedEdits: number;
  readonly memoryDocs: number;
  readonly memoryEdits: number;
  readonly scanRounds: number;
  /** Quick mode scans every scanStep-th file. */
  readonly scanStep: number;
}

const FULL: Config = {
  quick: false,
  edits: 300,
  // Past ~10k lines every keystroke costs the server seconds today: fewer edits keep the run under 15 minutes.
  sizes: [
    { lines: 1000, typing: 300, chaos: 300 },
    { lines: 10_000, typing: 150, chaos: 100 },
    { lines: 50_000, typing: 40, chaos: 20 },
  ],
  warmupEdits: 40,
  coldRuns: 5,
  pacedEdits: 150,
  memoryDocs: 50,
  memoryEdits: 1000,
  scanRounds: 3,
  scanStep: 1,
};

const QUICK: Config = {
  quick: true,
  edits: 60,
  sizes: [
    { lines: 1000, typing: 40, chaos: 40 },
    { lines: 10_000, typing: 20, chaos: 10 },
  ],
  warmupEdits: 10,
  coldRuns: 2,
  pacedEdits: 0,
  memoryDocs: 10,
  memoryEdits: 100,
  scanRounds: 1,
  scanStep: 8,
};

const log = (text: string) => process.stderr.write(`[bench:lsp ${new Date().toISOString().slice(11, 19)}] ${text}\n`);

// ───────────────────────────── machine ─────────────────────────────

function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

function machine() {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const osRelease = existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : '';
  const head = git(['rev-parse', '--short', 'HEAD']);
  const dirty = git(['status', '--porcelain']);
  let uptime: string | undefined;
  try {
    uptime = execFileSync('uptime', { encoding: 'utf8' }).trim();
  } catch {
    uptime = undefined;
  }
  return {
    date: new Date().toISOString(),
    cpuModel: /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.cpus().length,
    memoryBytes: os.totalmem(),
    os: `${/PRETTY_NAME="?([^"\n]*)"?/.exec(osRelease)?.[1] ?? os.platform()}, kernel ${os.release()}`,
    node: process.version,
    commit: head ? `${head}${dirty ? ' with uncommitted changes' : ''}` : 'not a git checkout',
    loadAtStart: os.loadavg().map((value) => round(value)),
    uptimeAtStart: uptime,
  };
}

// ───────────────────────────── latency sessions ─────────────────────────────

interface SessionResult {
  readonly model: Model;
  readonly lines: number;
  readonly edits: number;
  /** Keystroke → publishDiagnostics of that version, ms, per edit. */
  readonly lspMs: number[];
  /** Bare reparse (tree.edit + parse + delete) of the same edit, ms, per edit. */
  readonly floorMs: number[];
  /** didOpen → first diagnostics (warm server, cold document). */
  readonly openMs: number;
  /** Edits after which the text had syntax errors (tree-sitter's view). */
  readonly brokenEdits: number;
  /** Publications that carried the partial-analysis diagnostic (the analysis ran out of budget). */
  readonly partialPublications: number;
  /** Per segment of the path (`lsp/trace.ts`), ms per edit, when the server was started with a latency trace. */
  readonly segments?: Record<SegmentKey, number[]>;
}

let documentCounter = 0;
const uriFor = (name: string) => `file:///bench/${++documentCounter}/${name}`;

/**
 * One document, one script of edits, closed loop: for each edit the floor reparses it first (in this process,
 * while the server idles), then the didChange goes out and the next edit waits until that version's diagnostics
 * are back. The server never sees a superseded version, so every version is published and timed, and the floor
 * and the server go through the same edits in the same seconds (same machine load).
 */
async function session(server: BenchServer, bare: BareParser, name: string, text: string, edits: readonly TextEdit[], model: Model): Promise<SessionResult> {
  const placed = placeEdits(text, edits);
  const uri = uriFor(name);
  const floorDoc = bare.open(text);
  const lspMs: number[] = [];
  const floorMs: number[] = [];
  let brokenEdits = 0;
  const firstPublication = server.publications.length;
  try {
    const openSent = await server.open(uri, text);
    const openMs = (await server.published(uri, 1)) - openSent;
    let current = text;
    const sentEdits: SentEdit[] = [];
    for (let i = 0; i < placed.length; i++) {
      const edit = placed[i]!;
      current = applyEdit(current, edit);
      floorMs.push(floorDoc.reparse(edit, current));
      if (floorDoc.hasErrors) brokenEdits++;
      const version = i + 2;
      const sent = await server.change(uri, version, edit);
      const arrived = await server.published(uri, version);
      lspMs.push(arrived - sent);
      sentEdits.push({ version, sentAt: performance.timeOrigin + sent, arrivedAt: performance.timeOrigin + arrived });
    }
    await server.close(uri);
    const partialPublications = server.publications.slice(firstPublication).filter((p) => p.uri === uri && p.partial).length;
    const segments = server.traceFile ? keystrokeSegments(server.traceFile, uri, sentEdits) : undefined;
    return { model, lines: lineCount(text), edits: placed.length, lspMs, floorMs, openMs, brokenEdits, partialPublications, ...(segments ? { segments } : {}) };
  } finally {
    floorDoc.dispose();
  }
}

function scriptFor(engine: LoadedEngine, text: string, model: Model, count: number): TextEdit[] {
  if (count <= 0) return [];
  if (model === 'chaos') return chaosScript(text, count, CHAOS_SEED);
  const script = typingScript(engine.parser.parseOnce(text), text, count, false);
  if (script.length < count) throw new Error(`typingScript gave ${script.length} of ${count} edits (a file without function bodies?)`);
  return script;
}

/**
 * A fresh server, warmed up on a separate document (JIT and WASM tier-up), and the floor warmed the same way. `trace`:
 * a file for its latency trace (`VIGIL_TRACE`), which sessions on it read their segments from.
 */
async function warmServer(serverPath: string, engine: LoadedEngine, bare: BareParser, warmText: string, edits: number, trace?: string): Promise<BenchServer> {
  const server = await BenchServer.start(serverPath, trace ? { trace } : {});
  for (const model of ['typing', 'chaos'] as const) {
    await session(server, bare, 'warmup.py', warmText, scriptFor(engine, warmText, model, edits), model);
  }
  return server;
}

interface Stats {
  readonly n: number;
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
}
const stats = (samples: readonly number[]): Stats => ({
  n: samples.length,
  p50: round(percentile(samples, 50)),
  p95: round(percentile(samples, 95)),
  max: round(percentile(samples, 100)),
});

function describe(result: SessionResult) {
  const lsp = stats(result.lspMs);
  const floor = stats(result.floorMs);
  return {
    model: result.model,
    lines: result.lines,
    edits: result.edits,
    lsp,
    floor,
    p50Ratio: round(lsp.p50 / floor.p50, 2),
    p95Ratio: round(lsp.p95 / floor.p95, 2),
    openMs: round(result.openMs),
    brokenEdits: result.brokenEdits,
    partialPublications: result.partialPublications,
    /** Per segment of the path (from the server's latency trace), over the edits the trace has whole. */
    segments: result.segments ? Object.fromEntries(SEGMENTS.map(({ key }) => [key, stats(result.segments![key])])) as Record<SegmentKey, Stats> : undefined,
    /** Every sample, in edit order (for the JSON: re-analysis without re-running). */
    samples: {
      lspMs: result.lspMs.map((v) => round(v)),
      floorMs: result.floorMs.map((v) => round(v, 3)),
      ...(result.segments ? { segments: Object.fromEntries(SEGMENTS.map(({ key }) => [key, result.segments![key].map((v) => round(v, 3))])) } : {}),
    },
  };
}
type Described = ReturnType<typeof describe>;

// ───────────────────────────── paced typing ─────────────────────────────

/**
 * Open loop: one didChange every PACE_MS whatever the server does, as a fast typist would send them. The server
 * may skip versions a newer one superseded, so per version the latency is the time until diagnostics of that
 * version or a newer one arrive ("fresh" diagnostics), and the share of versions published on their own is given.
 */
async function paced(server: BenchServer, name: string, text: string, edits: readonly TextEdit[], model: Model) {
  const placed = placeEdits(text, edits);
  const uri = uriFor(name);
  await server.open(uri, text);
  await server.published(uri, 1);
  const from = server.publications.length;
  const sentAt: number[] = [];
  const start = performance.now();
  for (let i = 0; i < placed.length; i++) {
    const due = start + i * PACE_MS;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    sentAt.push(await server.change(uri, i + 2, placed[i]!));
  }
  await server.published(uri, placed.length + 1);
  const publications = server.publications.slice(from).filter((p) => p.uri === uri);
  await server.close(uri);
  const freshMs = sentAt.map((sent, i) => publications.find((p) => p.version >= i + 2)!.at - sent);
  const own = new Set(publications.map((p) => p.version));
  return {
    model,
    lines: lineCount(text),
    edits: placed.length,
    paceMs: PACE_MS,
    fresh: stats(freshMs),
    publishedShare: round(sentAt.filter((_, i) => own.has(i + 2)).length / sentAt.length, 3),
  };
}

// ───────────────────────────── memory ─────────────────────────────

async function memory(serverPath: string, engine: LoadedEngine, docs: readonly string[], totalEdits: number, scratch: string) {
  const server = await BenchServer.start(serverPath, { probe: join(scratch, 'probe-control') });
  /** VmRSS as the OS sees it (no GC forced), the WASM heap, and with `gc` the same after a forced full GC. */
  const reading = async (label: string, gc = false) => {
    const rssBytes = server.rssBytes();
    const probe = await server.probe({ gc });
    return {
      label,
      rssBytes,
      wasmBytes: probe ? probe.wasmBytes.reduce((a, b) => a + b, 0) : undefined,
      jsHeapUsedBytes: probe?.jsHeapUsedBytes,
      ...(probe?.afterGc ? { afterGc: probe.afterGc } : {}),
    };
  };
  const readings = [await reading('after startup')];
  const uris = docs.map((_, i) => uriFor(`open-${i}.py`));
  const perDoc = Math.ceil(totalEdits / docs.length);
  const scripts = docs.map((text) => placeEdits(text, scriptFor(engine, text, 'typing', perDoc)));
  const openMs: number[] = [];
  for (let i = 0; i < docs.length; i++) {
    const sent = await server.open(uris[i]!, docs[i]!);
    openMs.push((await server.published(uris[i]!, 1)) - sent);
  }
  const opened = await reading(`${docs.length} files open`);
  readings.push(opened);
  const editMs: number[] = [];
  let done = 0;
  const quarter = Math.round(totalEdits / 4);
  let half = opened;
  // Round robin: edit k of every document, then edit k+1: like moving between files every keystroke.
  for (let k = 0; k < perDoc && done < totalEdits; k++) {
    for (let d = 0; d < docs.length && done < totalEdits; d++) {
      const sent = await server.change(uris[d]!, k + 2, scripts[d]![k]!);
      editMs.push((await server.published(uris[d]!, k + 2)) - sent);
      done++;
      if (done % quarter === 0 && done < totalEdits) {
        const r = await reading(`after ${done} edits`);
        readings.push(r);
        if (done === quarter * 2) half = r;
      }
    }
  }
  // The figure the target is about: no GC forced. Then the same moment after a forced full GC (live data only).
  const last = await reading(`after ${done} edits`, true);
  readings.push(last);
  for (const uri of uris) await server.close(uri);
  // Closing is a notification: give the server a moment to process the closes before reading.
  await new Promise((resolve) => setTimeout(resolve, 500));
  readings.push(await reading('all files closed', true));
  await server.stop();
  const wasmGrowth = last.wasmBytes !== undefined && opened.wasmBytes !== undefined ? last.wasmBytes - opened.wasmBytes : undefined;
  const wasmSecondHalf = last.wasmBytes !== undefined && half.wasmBytes !== undefined ? last.wasmBytes - half.wasmBytes : undefined;
  return {
    docs: docs.length,
    docLines: stats(docs.map(lineCount)),
    edits: done,
    readings,
    openMs: stats(openMs),
    editMs: stats(editMs),
    rssAfterEditsBytes: last.rssBytes,
    wasmAfterOpenBytes: opened.wasmBytes,
    wasmAfterEditsBytes: last.wasmBytes,
    wasmGrowthBytes: wasmGrowth,
    wasmSecondHalfGrowthBytes: wasmSecondHalf,
  };
}

// ───────────────────────────── whole scan ─────────────────────────────

interface ToolRuns {
  readonly tool: string;
  readonly version: string | undefined;
  readonly runs: ProcessRun[];
  readonly findings: number | undefined;
  readonly note: string;
  /** In-process figures the tool printed (parse-only, Ruff): init and work sums. */
  readonly inProcess?: Record<string, number>;
}

async function wholeScan(distDir: string, corpus: ScanCorpus, rounds: number, scratch: string) {
  const node = process.execPath;
  const ruffAvailable = (() => {
    try {
      require.resolve('@astral-sh/ruff-wasm-nodejs');
      return true;
    } catch {
      return false;
    }
  })();
  const bandit = which('bandit');
  const tools: Array<{ name: string; command: string; args: string[]; available: boolean; note: string }> = [
    { name: 'Vigil CLI', command: node, args: [join(distDir, 'cli.js'), 'check', corpus.dir, '--format', 'json'], available: true, note: 'all rules, JSON to a file, worker threads on every core' },
    { name: 'parse only (web-tree-sitter)', command: node, args: [join(ROOT, 'bench/peers/parseOnly.cjs'), distDir, corpus.listFile], available: true, note: 'parse each file once in one process, tree deleted' },
    { name: 'Ruff-wasm (S rules)', command: node, args: ['--liftoff-only', join(ROOT, 'bench/peers/ruff.cjs'), corpus.listFile], available: ruffAvailable, note: ruffAvailable ? '`node --liftoff-only`, one Workspace, select S' : '@astral-sh/ruff-wasm-nodejs not installed' },
    { name: 'Bandit', command: bandit ?? 'bandit', args: ['-r', corpus.dir, '-f', 'json', '-o', join(scratch, 'bandit.json'), '-q'], available: bandit !== undefined, note: bandit ? 'default profile, JSON to a file' : 'not installed (`which bandit` failed)' },
  ];
  const results = new Map<string, ProcessRun[]>();
  for (let round = 0; round < rounds; round++) {
    // Rotate the order every round, so no tool always runs right after the same neighbour.
    const order = tools.filter((tool) => tool.available);
    for (let i = 0; i < round % order.length; i++) order.push(order.shift()!);
    for (const tool of order) {
      log(`scan round ${round + 1}/${rounds}: ${tool.name}`);
      const run = await runProcess(tool.command, tool.args, scratch);
      if (!results.has(tool.name)) results.set(tool.name, []);
      results.get(tool.name)!.push(run);
      if (tool.name === 'Bandit' && existsSync(join(scratch, 'bandit.json'))) {
        (run as { stdout: string }).stdout = readFileSync(join(scratch, 'bandit.json'), 'utf8');
      }
    }
  }
  const out: ToolRuns[] = [];
  for (const tool of tools) {
    const runs = results.get(tool.name) ?? [];
    const last = runs.at(-1);
    let findings: number | undefined;
    let inProcess: Record<string, number> | undefined;
    let version: string | undefined;
    let note = tool.note;
    try {
      if (last && tool.name === 'Vigil CLI') {
        const json = JSON.parse(last.stdout) as { filesAnalyzed: number; findings: unknown[]; version: string };
        findings = json.findings.length;
        version = json.version;
        note += `; ${json.filesAnalyzed} files analysed`;
      } else if (last && tool.name.startsWith('parse only')) {
        inProcess = JSON.parse(last.stdout) as Record<string, number>;
        version = JSON.parse(readFileSync(join(ROOT, 'node_modules/web-tree-sitter/package.json'), 'utf8')).version;
      } else if (last && tool.name.startsWith('Ruff')) {
        const json = JSON.parse(last.stdout) as Record<string, number> & { version: string };
        findings = json.findings;
        version = json.version;
        inProcess = { initMs: json.initMs, readMs: json.readMs, checkMs: json.checkMs };
      } else if (last && tool.name === 'Bandit') {
        const json = JSON.parse(last.stdout) as { results: unknown[]; errors: unknown[] };
        findings = json.results.length;
        version = toolVersion(tool.command, ['--version']);
        if (json.errors.length) note += `; ${json.errors.length} files it could not scan`;
      }
    } catch (error) {
      note += `; output unreadable: ${String(error).slice(0, 120)}`;
    }
    out.push({ tool: tool.name, version, runs, findings, note, ...(inProcess ? { inProcess } : {}) });
  }
  return out;
}

// ───────────────────────────── profiles ─────────────────────────────

function profileMarkdown(title: string, summary: ProfileSummary, note: string): string[] {
  const idle = summary.byKind.filter((k) => k.kind === '(idle)').reduce((a, k) => a + k.ms, 0);
  const busy = summary.totalMs - idle;
  const pct = (value: number) => `${((100 * value) / busy).toFixed(1)}%`;
  const md = [`### ${title}`, '', `${note} Busy (non-idle) CPU time sampled: ${ms(busy)}.`, ''];
  md.push('| self time by kind | ms | share |', '|---|---:|---:|');
  for (const k of summary.byKind.filter((k) => k.kind !== '(idle)')) md.push(`| ${k.kind} | ${k.ms.toFixed(0)} | ${pct(k.ms)} |`);
  md.push('', '| function (self time) | ms | share |', '|---|---:|---:|');
  for (const f of summary.topSelf.slice(0, 20)) md.push(`| ${f.fn} | ${f.ms.toFixed(0)} | ${pct(f.ms)} |`);
  md.push('', '| function (inclusive time) | ms | share |', '|---|---:|---:|');
  for (const f of summary.topInclusive.slice(0, 25)) md.push(`| ${f.fn} | ${f.ms.toFixed(0)} | ${pct(f.ms)} |`);
  md.push('');
  return md;
}

/** --profile: CPU profiles of the server (typing, chaos) and of the CLI scan; where the time goes, not how much. */
async function profiles(serverPath: string, distDir: string, engine: LoadedEngine, bare: BareParser, mainText: string, mainName: string, corpus: ScanCorpus, scratch: string, edits: number): Promise<string> {
  const md: string[] = ['## CPU profiles (`npm run bench:lsp -- --profile`)', '', 'Profiling slows everything down: read shares, not absolute times.', ''];
  for (const model of ['typing', 'chaos'] as const) {
    const dir = join(scratch, `profile-${model}`);
    const count = model === 'typing' ? edits : Math.round(edits / 2);
    log(`profile: server, ${mainName}, ${model}, ${count} edits`);
    const server = await BenchServer.start(serverPath, { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
    await session(server, bare, mainName, mainText, scriptFor(engine, mainText, model, count), model);
    await server.stop();
    const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
    if (!file) throw new Error(`no CPU profile written in ${dir}`);
    md.push(...profileMarkdown(`Server: ${count} ${model} edits on ${mainName} (${lineCount(mainText)} lines), closed loop`, summarizeProfile(join(dir, file), serverPath), 'Includes startup and the didOpen.'));
  }
  const dir = join(scratch, 'profile-cli');
  log(`profile: CLI scan of ${corpus.files} files`);
  await runProcess(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, join(distDir, 'cli.js'), 'check', corpus.dir, '--format', 'json'], scratch);
  // One profile per thread: the main thread (reads files, reports) and each analysis worker. Shown: the main thread
  // and the busiest worker, where the analysis runs.
  const threads = readdirSync(dir)
    .filter((name) => name.endsWith('.cpuprofile'))
    // CPU.<date>.<time>.<pid>.<thread id>.<sequence>.cpuprofile: thread 0 is the main thread.
    .sort((a, b) => Number(a.split('.')[4]) - Number(b.split('.')[4]))
    .map((name) => summarizeProfile(join(dir, name), join(distDir, 'cli.js')))
    .map((summary) => ({ summary, busy: summary.totalMs - (summary.byKind.find((kind) => kind.kind === '(idle)')?.ms ?? 0) }));
  if (threads.length === 0) throw new Error(`no CPU profile written in ${dir}`);
  const title = `CLI: \`vigil check\` of ${corpus.files} files (${corpus.lines.toLocaleString('en')} lines)`;
  const [main, ...workers] = threads;
  md.push(...profileMarkdown(`${title}, main thread`, main!.summary, 'Reads the files, hands them to the workers, reports.'));
  const busiest = workers.sort((a, b) => b.busy - a.busy)[0];
  if (busiest) md.push(...profileMarkdown(`${title}, the busiest of ${workers.length} analysis workers`, busiest.summary, 'One worker thread: parse, copy and analysis of its share of the files.'));
  return md.join('\n');
}

// ───────────────────────────── report ─────────────────────────────

const median = (values: readonly number[]) => percentile(values, 50);
const fmtRatio = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : '–');
const verdict = (met: boolean | undefined) => (met === undefined ? 'not measured' : met ? '**met**' : '**not met**');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      'update-doc': { type: 'boolean', default: false },
      stdlib: { type: 'string', default: '/usr/lib/python3.11' },
      main: { type: 'string' },
      skip: { type: 'string', default: '' },
      sizes: { type: 'string' },
      profile: { type: 'boolean', default: false },
    },
  });
  let config = values.quick ? QUICK : FULL;
  if (values.sizes) {
    // --sizes 1000:300:300,50000:300:60 (lines:typing edits:chaos edits), to try a size alone.
    const sizes = values.sizes.split(',').map((item) => {
      const [lines, typing, chaos] = item.split(':').map(Number);
      if (!lines || typing === undefined || chaos === undefined || [typing, chaos].some((n) => !Number.isInteger(n))) throw new Error(`--sizes: bad item ${item}`);
      return { lines, typing, chaos };
    });
    config = { ...config, sizes };
  }
  const skip = new Set(values.skip.split(',').filter(Boolean) as Section[]);
  for (const section of skip) if (!SECTIONS.includes(section)) throw new Error(`--skip: unknown section ${section} (${SECTIONS.join(', ')})`);
  if (values['update-doc'] && (values.quick || skip.size > 0 || values.sizes || values.profile)) throw new Error('--update-doc needs a full run of every section');
  const run = (section: Section) => !skip.has(section) && !(section === 'paced' && config.pacedEdits === 0);
  const started = performance.now();
  const info = machine();
  log(`${values.quick ? 'quick' : 'full'} run; load ${info.loadAtStart.join(' ')}; ${info.commit}`);

  // A snapshot of dist/: others may rebuild while this runs.
  const scratch = mkdtempSync(join(os.tmpdir(), 'vigil-bench-lsp-'));
  const distDir = join(scratch, 'dist');
  cpSync(join(ROOT, 'dist'), distDir, { recursive: true });
  const serverPath = join(distDir, 'server.js');

  try {
    const engine = await loadEngine(distDir);
    const bare = await BareParser.load(distDir);

    // The texts: real stdlib files, cut or concatenated to size.
    const mainPath = values.main ?? join(values.stdlib, '_pydecimal.py');
    const mainText = readFileSync(mainPath, 'utf8').replace(/\r\n?/g, '\n');
    const corpus = prepareScanCorpus(values.stdlib, join(scratch, 'stdlib'), run('scan') ? config.scanStep : 1);
    const corpusPaths = readFileSync(corpus.listFile, 'utf8').split('\n').filter(Boolean);
    const corpusTexts = corpusPaths.map((path) => readFileSync(path, 'utf8'));
    // Sources for the big files: the main file first, then the largest files that are code (many defs), not data.
    const bigSources = [
      mainText,
      ...corpusTexts
        .filter((text) => text !== mainText && (text.match(/^\s*def /gm)?.length ?? 0) >= 40)
        .sort((a, b) => b.length - a.length),
    ];
    const chunks = chunksOfLines(corpusTexts, 2000, config.memoryDocs + 2);
    if (chunks.length < config.memoryDocs + 2) throw new Error(`only ${chunks.length} 2k-line chunks in the corpus`);
    const warmText = chunks.at(-1)!;
    const coldText = chunks.at(-2)!;
    const openDocs = chunks.slice(0, config.memoryDocs);

    if (values.profile) {
      const markdown = await profiles(serverPath, distDir, engine, bare, mainText, mainPath.split('/').pop()!, corpus, scratch, config.edits);
      const resultsDir = join(ROOT, 'bench/results');
      mkdirSync(resultsDir, { recursive: true });
      const path = join(resultsDir, `profile-${info.date.replace(/[:.]/g, '-')}.md`);
      writeFileSync(path, `Profiles of ${info.date}, commit ${info.commit}, load at start ${info.loadAtStart.join(' / ')}.\n\n${markdown}\n`);
      console.log(markdown);
      console.log(`profile summary: ${path.slice(ROOT.length + 1)}`);
      return;
    }

    // (1) startup and cold open
    const cold: Array<{ startupMs: number; coldOpenMs: number; warmOpenMs: number; rssAfterStartBytes: number | undefined; roundTripMs: number }> = [];
    if (run('startup')) {
      for (let i = 0; i < config.coldRuns; i++) {
        log(`startup + cold open ${i + 1}/${config.coldRuns}`);
        const server = await BenchServer.start(serverPath);
        const rssAfterStartBytes = server.rssBytes();
        const uri = uriFor('cold.py');
        const sent = await server.open(uri, coldText);
        const coldOpenMs = (await server.published(uri, 1)) - sent;
        const second = uriFor('second.py');
        const sent2 = await server.open(second, chunks[0]!);
        const warmOpenMs = (await server.published(second, 1)) - sent2;
        const trips: number[] = [];
        for (let k = 0; k < 20; k++) trips.push(await server.noopRoundTrip());
        cold.push({ startupMs: server.startupMs, coldOpenMs, warmOpenMs, rssAfterStartBytes, roundTripMs: median(trips) });
        await server.stop();
      }
    }

    // Floor warm-up, once: the same warm-up edits a server gets.
    for (const model of ['typing', 'chaos'] as const) {
      const doc = bare.open(warmText);
      let current = warmText;
      for (const edit of placeEdits(warmText, scriptFor(engine, warmText, model, config.warmupEdits))) {
        current = applyEdit(current, edit);
        doc.reparse(edit, current);
      }
      doc.dispose();
    }

    // (2) and (3): sessions per size, each size on its own warmed-up server.
    const sizes: Array<{ label: string; text: string; typing: number; chaos: number }> = [];
    if (run('latency')) {
      sizes.push({ label: 'main', text: mainText, typing: config.edits, chaos: config.edits });
      const tables = join(values.stdlib, TABLES_FILE);
      if (existsSync(tables)) sizes.push({ label: TABLES_FILE, text: readFileSync(tables, 'utf8').replace(/\r\n?/g, '\n'), typing: config.edits, chaos: config.edits });
    }
    if (run('sizes')) {
      for (const size of config.sizes) sizes.push({ label: `${size.lines / 1000}k`, text: textOfLines(size.lines <= lineCount(mainText) ? [mainText] : bigSources, size.lines), typing: size.typing, chaos: size.chaos });
    }
    const sessions: Array<Described & { label: string }> = [];
    for (const size of sizes) {
      const server = await warmServer(serverPath, engine, bare, warmText, config.warmupEdits, join(scratch, `trace-${size.label}.log`));
      try {
        for (const model of ['typing', 'chaos'] as const) {
          const count = model === 'typing' ? size.typing : size.chaos;
          if (count === 0) continue;
          log(`latency: ${size.label} (${lineCount(size.text)} lines), ${model}, ${count} edits`);
          const result = await session(server, bare, `${size.label}.py`, size.text, scriptFor(engine, size.text, model, count), model);
          sessions.push({ label: size.label, ...describe(result) });
        }
      } finally {
        await server.stop();
      }
    }

    // (4) paced
    const pacedRuns: Array<Awaited<ReturnType<typeof paced>>> = [];
    if (run('paced')) {
      const server = await warmServer(serverPath, engine, bare, warmText, config.warmupEdits);
      try {
        for (const model of ['typing', 'chaos'] as const) {
          log(`paced: main, ${model}, ${config.pacedEdits} edits every ${PACE_MS} ms`);
          pacedRuns.push(await paced(server, 'paced.py', mainText, scriptFor(engine, mainText, model, config.pacedEdits), model));
        }
      } finally {
        await server.stop();
      }
    }

    // (5) memory
    let mem: Awaited<ReturnType<typeof memory>> | undefined;
    if (run('memory')) {
      log(`memory: ${config.memoryDocs} files, ${config.memoryEdits} edits`);
      mem = await memory(serverPath, engine, openDocs, config.memoryEdits, scratch);
    }

    // (6) whole scan
    let scan: ToolRuns[] | undefined;
    if (run('scan')) scan = await wholeScan(distDir, corpus, config.scanRounds, scratch);

    const loadAtEnd = os.loadavg().map((value) => round(value));
    const elapsedS = round((performance.now() - started) / 1000, 1);

    // ── targets ──
    const find = (label: string, model: Model) => sessions.find((s) => s.label === label && s.model === model);
    const mainTyping = find('main', 'typing');
    const mainChaos = find('main', 'chaos');
    const scanWall = (name: string) => {
      const runs = scan?.find((tool) => tool.tool.startsWith(name))?.runs ?? [];
      return runs.length ? median(runs.map((r) => r.wallMs)) : Number.NaN;
    };
    const scanCpu = (name: string) => {
      const runs = (scan?.find((tool) => tool.tool.startsWith(name))?.runs ?? []).filter((r) => r.cpuS !== undefined);
      return runs.length ? median(runs.map((r) => r.cpuS!)) : Number.NaN;
    };
    const vigilWall = scanWall('Vigil');
    const parseWall = scanWall('parse only');
    const banditWall = scanWall('Bandit');
    const coldMedian = cold.length ? median(cold.map((c) => c.coldOpenMs)) : Number.NaN;
    const orUndefined = (ok: boolean, value: number) => (Number.isFinite(value) ? ok : undefined);
    const targets = [
      {
        target: 'typing: keystroke → diagnostics p50 ≤ 10 ms',
        measured: mainTyping ? `p50 ${ms(mainTyping.lsp.p50)}` : '–',
        met: mainTyping ? mainTyping.lsp.p50 <= 10 : undefined,
      },
      {
        target: 'typing: p95 ≤ 1.5 × floor p95 + 3 ms',
        measured: mainTyping ? `p95 ${ms(mainTyping.lsp.p95)} vs limit ${ms(1.5 * mainTyping.floor.p95 + 3)} (floor p95 ${ms(mainTyping.floor.p95)})` : '–',
        met: mainTyping ? mainTyping.lsp.p95 <= 1.5 * mainTyping.floor.p95 + 3 : undefined,
      },
      {
        target: 'chaos: p95 ≤ 2 × floor p95 + 5 ms',
        measured: mainChaos ? `p95 ${ms(mainChaos.lsp.p95)} vs limit ${ms(2 * mainChaos.floor.p95 + 5)} (floor p95 ${ms(mainChaos.floor.p95)})` : '–',
        met: mainChaos ? mainChaos.lsp.p95 <= 2 * mainChaos.floor.p95 + 5 : undefined,
      },
      {
        target: 'whole scan: Vigil ≤ 1.0 × parse-only (wall)',
        measured: `${fmtRatio(vigilWall / parseWall)} (${ms(vigilWall)} vs ${ms(parseWall)})`,
        met: orUndefined(vigilWall <= parseWall, vigilWall / parseWall),
      },
      {
        target: 'whole scan: Vigil ≥ 15 × faster than Bandit (wall)',
        measured: `${fmtRatio(banditWall / vigilWall)} (Bandit ${ms(banditWall)})`,
        met: orUndefined(banditWall / vigilWall >= 15, banditWall / vigilWall),
      },
      {
        target: 'cold open of a 2k-line file → first diagnostics ≤ 150 ms',
        measured: cold.length ? `median ${ms(coldMedian)} of ${cold.length} fresh servers` : '–',
        met: orUndefined(coldMedian <= 150, coldMedian),
      },
      {
        target: `RSS ≤ 150 MB with ${config.memoryDocs} open 2k-line files after ${config.memoryEdits} edits`,
        measured: mem?.rssAfterEditsBytes !== undefined ? mb(mem.rssAfterEditsBytes) : '–',
        met: mem?.rssAfterEditsBytes !== undefined ? mem.rssAfterEditsBytes <= 150 * 1024 * 1024 : undefined,
      },
      {
        target: 'WASM heap flat over those edits (no growth in the second half)',
        measured:
          mem?.wasmGrowthBytes !== undefined
            ? `${mb(mem.wasmAfterOpenBytes!)} after opening → ${mb(mem.wasmAfterEditsBytes!)} after the edits (second half: +${mb(mem.wasmSecondHalfGrowthBytes!)})`
            : mem
              ? 'unreachable (probe saw no WebAssembly.Memory)'
              : '–',
        met: mem?.wasmSecondHalfGrowthBytes !== undefined ? mem.wasmSecondHalfGrowthBytes === 0 : undefined,
      },
    ];

    // ── markdown ──
    const md: string[] = [];
    const quickNote = config.quick ? ' (QUICK MODE: small counts, a smoke test; judge targets only on a full run)' : '';
    md.push(`Run of ${info.date.slice(0, 16).replace('T', ' ')} UTC${quickNote}, ${elapsedS} s. Commit ${info.commit}.`);
    md.push('');
    md.push(`Machine: ${info.cpuModel}, ${info.cores} cores, ${mb(info.memoryBytes).replace(' MB', '')} MB RAM, ${info.os}, Node ${info.node}.`);
    md.push(`Load average (1/5/15 min) at start ${info.loadAtStart.join(' / ')}, at end ${loadAtEnd.join(' / ')} (other jobs were running).`);
    md.push('');
    md.push('### Targets');
    md.push('');
    md.push('| target | measured (this run) | verdict |');
    md.push('|---|---|---|');
    for (const t of targets) md.push(`| ${t.target} | ${t.measured} | ${verdict(t.met)} |`);
    md.push('');
    if (sessions.length) {
      md.push('### Keystroke → publishDiagnostics over LSP, against the bare reparse floor');
      md.push('');
      md.push('Closed loop (each edit sent once the previous version\'s diagnostics arrived). "floor" = web-tree-sitter alone on the same edits');
      md.push('(tree.edit + parse(newText, oldTree) + old tree deleted), interleaved edit by edit with the server in the same run.');
      md.push('');
      md.push('| file | lines | model | edits | Vigil p50 | Vigil p95 | Vigil max | floor p50 | floor p95 | p50 ratio | p95 ratio | broken edits | partial | didOpen |');
      md.push('|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
      for (const s of sessions) {
        md.push(`| ${s.label === 'main' ? mainPath.split('/').pop() : s.label === TABLES_FILE ? TABLES_FILE : `${s.label} lines`} | ${s.lines} | ${s.model} | ${s.edits} | ${ms(s.lsp.p50)} | ${ms(s.lsp.p95)} | ${ms(s.lsp.max)} | ${ms(s.floor.p50)} | ${ms(s.floor.p95)} | ${fmtRatio(s.p50Ratio)} | ${fmtRatio(s.p95Ratio)} | ${s.brokenEdits}/${s.edits} | ${s.partialPublications} | ${ms(s.openMs)} |`);
      }
      md.push('');
      md.push('broken edits: edits after which the text had syntax errors. partial: publications that said the analysis was cut short by its time budget.');
      md.push('didOpen: open of that file on a warmed-up server → its first diagnostics.');
      md.push('');
      const traced = sessions.filter((s) => s.segments);
      if (traced.length > 0) {
        md.push('#### Where a keystroke\'s time goes');
        md.push('');
        md.push('The same edits, cut into segments by the server\'s latency trace (`VIGIL_TRACE`, one line per event, wall clock in both');
        md.push('processes): to the server = the bench writes the didChange → the server\'s handler has it; queued → the analysis');
        md.push('starts; reparse + copy (`SourceFile.syntax`); analysis (the rules, in slices); to publication (diagnostics made); to');
        md.push('the client = serialized, written, read and dispatched by the bench. p50 / p95 of each segment on its own (they do');
        md.push('not add up to the total\'s p95).');
        md.push('');
        md.push(`| file | model | ${SEGMENTS.map((segment) => segment.label).join(' | ')} | total |`);
        md.push(`|---|---|${SEGMENTS.map(() => '---:').join('|')}|---:|`);
        for (const s of traced) {
          const cells = SEGMENTS.map(({ key }) => `${ms(s.segments![key].p50)} / ${ms(s.segments![key].p95)}`);
          md.push(`| ${s.label === 'main' ? mainPath.split('/').pop() : s.label === TABLES_FILE ? TABLES_FILE : `${s.label} lines`} | ${s.model} | ${cells.join(' | ')} | ${ms(s.lsp.p50)} / ${ms(s.lsp.p95)} |`);
        }
        md.push('');
      }
      const lines = [...new Set(sessions.filter((s) => s.label !== TABLES_FILE).map((s) => s.lines))].sort((a, b) => a - b);
      if (lines.length > 1) {
        md.push('#### Against file size');
        md.push('');
        md.push('| lines | typing: edits | Vigil p50 | Vigil p95 | floor p95 | chaos: edits | Vigil p50 | Vigil p95 | floor p95 | didOpen (warm server) |');
        md.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
        for (const n of lines) {
          const t = sessions.find((s) => s.lines === n && s.model === 'typing');
          const c = sessions.find((s) => s.lines === n && s.model === 'chaos');
          const cell = (x: Described | undefined, pick: (d: Described) => string) => (x ? pick(x) : '–');
          md.push(`| ${n} | ${cell(t, (x) => String(x.edits))} | ${cell(t, (x) => ms(x.lsp.p50))} | ${cell(t, (x) => ms(x.lsp.p95))} | ${cell(t, (x) => ms(x.floor.p95))} | ${cell(c, (x) => String(x.edits))} | ${cell(c, (x) => ms(x.lsp.p50))} | ${cell(c, (x) => ms(x.lsp.p95))} | ${cell(c, (x) => ms(x.floor.p95))} | ${ms((t ?? c)!.openMs)} |`);
        }
        md.push('');
        md.push(`Plot: ${config.quick ? `bench/results/lsp-<date>-quick.svg` : '[bench/plots/latency-vs-size.svg](bench/plots/latency-vs-size.svg) (with `--update-doc`; every run also writes bench/results/lsp-<date>.svg)'}.`);
        md.push('');
      }
    }
    if (pacedRuns.length) {
      md.push(`### Paced: one edit every ${PACE_MS} ms, not waiting for diagnostics`);
      md.push('');
      md.push('| file | model | edits | fresh p50 | fresh p95 | fresh max | versions published |');
      md.push('|---|---|---:|---:|---:|---:|---:|');
      for (const p of pacedRuns) md.push(`| ${p.lines} lines | ${p.model} | ${p.edits} | ${ms(p.fresh.p50)} | ${ms(p.fresh.p95)} | ${ms(p.fresh.max)} | ${Math.round(p.publishedShare * 100)}% |`);
      md.push('');
      md.push('fresh: didChange of version v → first diagnostics of version v or newer. versions published: share of versions that got their own publication (the server skips superseded ones).');
      md.push('');
    }
    if (cold.length) {
      md.push('### Server startup and cold open');
      md.push('');
      md.push(`| measure | median | min | max (of ${cold.length} fresh servers) |`);
      md.push('|---|---:|---:|---:|');
      const row = (label: string, values: number[], fmt = ms) => md.push(`| ${label} | ${fmt(median(values))} | ${fmt(Math.min(...values))} | ${fmt(Math.max(...values))} |`);
      row('spawn → initialize response', cold.map((c) => c.startupMs));
      row(`cold open: didOpen of a ${lineCount(coldText)}-line file → first diagnostics`, cold.map((c) => c.coldOpenMs));
      row(`then a second ${lineCount(chunks[0]!)}-line file`, cold.map((c) => c.warmOpenMs));
      row('LSP round trip of a no-op request (hover on a file not open; median of 20 per server)', cold.map((c) => c.roundTripMs));
      if (cold.every((c) => c.rssAfterStartBytes !== undefined)) row('server RSS after initialize', cold.map((c) => c.rssAfterStartBytes!), mb);
      md.push('');
    }
    if (mem) {
      md.push(`### Memory: ${mem.docs} open files (${mem.docLines.p50} lines median), ${mem.edits} typing edits round-robin over them`);
      md.push('');
      md.push('| moment | server RSS (VmRSS) | WASM heap (linear memory) | JS heap used | after a forced GC: RSS / JS heap used / JS heap total / external |');
      md.push('|---|---:|---:|---:|---:|');
      const opt = (value: number | undefined) => (value === undefined ? 'unreachable' : mb(value));
      for (const r of mem.readings) {
        const gc = 'afterGc' in r && r.afterGc ? `${mb(r.afterGc.rssBytes)} / ${mb(r.afterGc.jsHeapUsedBytes)} / ${mb(r.afterGc.jsHeapTotalBytes)} / ${mb(r.afterGc.externalBytes)}` : '';
        md.push(`| ${r.label} | ${opt(r.rssBytes)} | ${opt(r.wasmBytes)} | ${opt(r.jsHeapUsedBytes)} | ${gc} |`);
      }
      md.push('');
      md.push(`didOpen → diagnostics for those files: p50 ${ms(mem.openMs.p50)}, p95 ${ms(mem.openMs.p95)}; the edits: p50 ${ms(mem.editMs.p50)}, p95 ${ms(mem.editMs.p95)}.`);
      const lastGc = mem.readings.find((r) => r.label === `after ${mem!.edits} edits`)?.afterGc;
      const closedGc = mem.readings.find((r) => r.label === 'all files closed')?.afterGc;
      if (lastGc && closedGc) {
        md.push(`Live JS data per open file (JS heap used after a forced GC, open minus all closed, ÷ ${mem.docs}): ${mb((lastGc.jsHeapUsedBytes - closedGc.jsHeapUsedBytes) / mem.docs)}.`);
      }
      md.push('RSS is read from /proc/<pid>/status with no GC forced (the target). The WASM heap and the JS heap are read by a preload');
      md.push('(bench/lsp/wasmProbe.cjs): the server itself cannot report them. The last column forces a full GC, only at the end.');
      md.push('');
    }
    if (scan) {
      md.push(`### Whole scan: ${corpus.files} files, ${corpus.lines.toLocaleString('en')} lines (${values.stdlib} without test dirs${config.scanStep > 1 ? `, every ${config.scanStep}th file` : ''}), whole processes`);
      md.push('');
      md.push(`| tool | version | wall median (of ${config.scanRounds}) | wall runs | CPU user+sys | peak RSS | wall ÷ Vigil's | findings | notes |`);
      md.push('|---|---|---:|---|---:|---:|---:|---:|---|');
      for (const tool of scan) {
        if (tool.runs.length === 0) {
          md.push(`| ${tool.tool} | – | – | – | – | – | – | – | ${tool.note} |`);
          continue;
        }
        const wall = median(tool.runs.map((r) => r.wallMs));
        const cpu = tool.runs.every((r) => r.cpuS !== undefined) ? `${median(tool.runs.map((r) => r.cpuS!)).toFixed(1)} s` : '–';
        const rss = tool.runs.every((r) => r.maxRssKb !== undefined) ? mb(median(tool.runs.map((r) => r.maxRssKb!)) * 1024) : '–';
        const inProc = tool.inProcess
          ? '; in-process: ' +
            Object.entries(tool.inProcess)
              .filter(([key]) => key.endsWith('Ms'))
              .map(([key, value]) => `${key.replace(/Ms$/, '')} ${ms(value)}`)
              .join(', ')
          : '';
        md.push(`| ${tool.tool} | ${tool.version ?? '?'} | ${ms(wall)} | ${tool.runs.map((r) => (r.wallMs / 1000).toFixed(1)).join(', ')} s | ${cpu} | ${rss} | ${fmtRatio(wall / vigilWall)} | ${tool.findings ?? '–'} | ${tool.note}${inProc} |`);
      }
      md.push('');
      md.push(`CPU ratios (less sensitive to the machine's load): Vigil / parse-only ${fmtRatio(scanCpu('Vigil') / scanCpu('parse only'))}, Bandit / Vigil ${fmtRatio(scanCpu('Bandit') / scanCpu('Vigil'))}, Ruff / Vigil ${fmtRatio(scanCpu('Ruff') / scanCpu('Vigil'))}.`);
      if (!HAVE_TIME) md.push('(/usr/bin/time is missing: no CPU or RSS figures.)');
      md.push('');
    }
    const markdown = md.join('\n');

    // ── plot ──
    const bySize = (model: Model, pick: (s: Described) => number) =>
      sessions
        .filter((s) => s.model === model && s.label !== TABLES_FILE)
        .sort((a, b) => a.lines - b.lines)
        .map((s) => [s.lines, pick(s)] as const);
    const series: Series[] = [
      { label: 'chaos, Vigil p95', color: '#c62828', points: bySize('chaos', (s) => s.lsp.p95) },
      { label: 'chaos, Vigil p50', color: '#ef9a9a', points: bySize('chaos', (s) => s.lsp.p50) },
      { label: 'chaos, floor p95', color: '#c62828', dashed: true, points: bySize('chaos', (s) => s.floor.p95) },
      { label: 'typing, Vigil p95', color: '#1565c0', points: bySize('typing', (s) => s.lsp.p95) },
      { label: 'typing, Vigil p50', color: '#90caf9', points: bySize('typing', (s) => s.lsp.p50) },
      { label: 'typing, floor p95', color: '#1565c0', dashed: true, points: bySize('typing', (s) => s.floor.p95) },
      { label: 'typing p50 target (10 ms)', color: '#9e9e9e', dashed: true, points: bySize('typing', () => 10) },
    ];
    const svg = sessions.length
      ? lineChart({
          title: 'Keystroke → publishDiagnostics against file size (log-log)',
          subtitle: `Vigil over LSP vs bare web-tree-sitter reparse (dashed), ${info.date.slice(0, 10)}, ${info.cores} × ${info.cpuModel}, load ${info.loadAtStart[0]}`,
          xLabel: 'file size (lines)',
          yLabel: 'latency per edit',
          series,
        })
      : undefined;

    // ── write ──
    const stamp = info.date.replace(/[:.]/g, '-');
    const resultsDir = join(ROOT, 'bench/results');
    mkdirSync(resultsDir, { recursive: true });
    const base = join(resultsDir, `lsp-${stamp}${config.quick ? '-quick' : ''}`);
    writeFileSync(`${base}.md`, markdown + '\n');
    if (svg) writeFileSync(`${base}.svg`, svg);
    writeFileSync(
      `${base}.json`,
      JSON.stringify({ machine: { ...info, loadAtEnd }, config, elapsedS, targets, sessions, paced: pacedRuns, cold, memory: mem, scan: scan?.map((t) => ({ ...t, runs: t.runs.map(({ stdout: _, ...rest }) => rest) })), corpus: { files: corpus.files, lines: corpus.lines, bytes: corpus.bytes } }, null, 2) + '\n',
    );
    console.log(markdown);
    console.log(`results: ${base.slice(ROOT.length + 1)}.{md,json${svg ? ',svg' : ''}}`);

    if (values['update-doc']) {
      const docPath = join(ROOT, 'BENCHMARKS.md');
      const begin = '<!-- bench:lsp:begin (generated by `npm run bench:lsp -- --update-doc`; edits inside are overwritten) -->';
      const end = '<!-- bench:lsp:end -->';
      const doc = readFileSync(docPath, 'utf8');
      const from = doc.indexOf('<!-- bench:lsp:begin');
      const to = doc.indexOf(end);
      if (from === -1 || to === -1) throw new Error('BENCHMARKS.md has no bench:lsp markers');
      writeFileSync(docPath, doc.slice(0, from) + begin + '\n\n' + markdown + '\n' + doc.slice(to));
      if (svg) {
        mkdirSync(join(ROOT, 'bench/plots'), { recursive: true });
        writeFileSync(join(ROOT, 'bench/plots/latency-vs-size.svg'), svg);
      }
      console.log('BENCHMARKS.md and bench/plots/latency-vs-size.svg updated');
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

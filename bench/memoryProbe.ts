/**
 * What each open document retains between keystrokes, measured in-process (issue 7).
 *
 *   npm run build && node --expose-gc --import tsx bench/memoryProbe.ts [--docs 20] [--edits 20] [--snapshot DIR]
 *
 * Drives the engine the way the language server does per document (`lsp/documents.ts` `OpenDocument`: a
 * `SourceFile` edited in place and one `Analyzer` per document): opens ~2k-line stdlib files, analyses each, applies
 * typing edits round-robin (each followed by an analysis, as a keystroke is), then forces GC and reports the live
 * JS heap per document. Then it drops, in turn, each part of what a document keeps (the analyzer's caches, the
 * syntax copy and line index, the whole document) and reports what each drop freed; with `--snapshot` it writes a
 * heap snapshot with the documents open and prints the largest object types by self size.
 */
import { readFileSync, readdirSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';
import { parseArgs } from 'node:util';
import { DEFAULT_KNOWLEDGE, PythonParser } from '../server/src/engine';
import { readGrammarFiles } from '../server/src/host/grammar';
import { DocumentStore, KEPT, type OpenDocument } from '../server/src/lsp/documents';
import { typingScript } from './typing';

const { values } = parseArgs({
  options: {
    docs: { type: 'string', default: '20' },
    edits: { type: 'string', default: '20' },
    stdlib: { type: 'string', default: '/usr/lib/python3.11' },
    snapshot: { type: 'string' },
    /** How many recently used documents keep their parse and caches (`DocumentStore`, `KEPT.recent`); default the server's. */
    keep: { type: 'string' },
    /** Re-open every document, edit it again and time that: the cost of a cold copy after an LRU eviction. */
    reedit: { type: 'boolean', default: false },
  },
});

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

const MB = 1024 * 1024;
function heapUsed(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}
const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;

async function main(): Promise<void> {
  const docCount = Number(values.docs);
  const editCount = Number(values.edits);
  const parser = await PythonParser.load(readGrammarFiles(join(__dirname, '../dist')));
  const files = readdirSync(values.stdlib)
    .filter((name) => name.endsWith('.py'))
    .map((name) => join(values.stdlib, name))
    .map((path) => ({ path, text: readFileSync(path, 'utf8') }))
    .map((file) => ({ ...file, lines: file.text.split('\n').length }))
    .filter((file) => file.lines >= 1500 && file.lines <= 3200)
    .sort((a, b) => a.path.localeCompare(b.path))
    .slice(0, docCount);
  const totalLines = files.reduce((sum, file) => sum + file.lines, 0);
  const baseline = heapUsed();

  const keep = values.keep === undefined ? KEPT.recent : Number(values.keep);
  const store = new DocumentStore(parser, undefined, { recent: keep, edited: Math.min(KEPT.edited, keep) });
  const documents: OpenDocument[] = [];
  const scripts = files.map((file) => typingScript(parser.parseOnce(file.text), file.text, editCount, false));
  const analyze = (document: OpenDocument) => {
    const { source } = document;
    return document.analyzerFor(DEFAULT_KNOWLEDGE).analyze({ text: source.text, syntax: source.syntax, lineIndex: source.lineIndex });
  };
  let findings = 0;
  const openStarted = performance.now();
  for (const [i, file] of files.entries()) {
    const document = store.open(`file:///probe/${i}.py`, 1, file.text);
    findings += analyze(document).findings.length;
    documents.push(document);
  }
  const openMs = performance.now() - openStarted;
  const opened = heapUsed();
  const editMs: number[] = [];
  for (let k = 0; k < editCount; k++) {
    for (const [d, document] of documents.entries()) {
      const edit = scripts[d]![k];
      if (!edit) continue;
      const started = performance.now();
      const { lineIndex } = document.source;
      document.applyChanges([{ range: { start: lineIndex.positionAt(edit.start), end: lineIndex.positionAt(edit.end) }, text: edit.text }], k + 2);
      analyze(document);
      editMs.push(performance.now() - started);
    }
  }
  const edited = heapUsed();
  const n = documents.length;
  console.log(`parses kept: ${keep}; documents holding a syntax copy now: ${documents.filter((d) => d.source.holdsSyntax).length}, a tree-sitter tree: ${documents.filter((d) => d.source.holdsTree).length}`);
  console.log(`${n} documents, ${totalLines} lines (${Math.round(totalLines / n)} per document), ${editCount} edits each; ${findings} findings on open`);
  console.log(`open + analyse: ${openMs.toFixed(0)} ms; edit + analyse: p50 ${pct(editMs, 0.5).toFixed(1)} ms, p95 ${pct(editMs, 0.95).toFixed(1)} ms`);
  console.log(`JS heap after GC: baseline ${mb(baseline)}, opened ${mb(opened)}, after edits ${mb(edited)}`);
  console.log(`live JS data per document: ${mb((opened - baseline) / n)} after open, ${mb((edited - baseline) / n)} after edits`);

  if (values.snapshot) {
    mkdirSync(values.snapshot, { recursive: true });
    const file = writeHeapSnapshot(join(values.snapshot, 'probe.heapsnapshot'));
    console.log(`heap snapshot: ${file}`);
    summarizeSnapshot(file, documents.length);
  }

  if (values.reedit) {
    // The cost of a document whose parse is released (what an LRU eviction costs): the first keystroke after
    // `releaseParse` (a parse and a copy from scratch), against an ordinary keystroke.
    const warm: number[] = [];
    const cold: number[] = [];
    for (const [d, document] of documents.entries()) {
      const edit = { start: scripts[d]![editCount - 1]!.start + 1, text: ' ' };
      const time = (): number => {
        const started = performance.now();
        const { lineIndex } = document.source;
        const at = lineIndex.positionAt(edit.start);
        document.applyChanges([{ range: { start: at, end: at }, text: edit.text }], 0);
        analyze(document);
        return performance.now() - started;
      };
      void document.source.syntax; // a copy to reuse, as a recently edited document has
      warm.push(time());
      document.source.releaseParse();
      cold.push(time());
    }
    console.log(`keystroke (edit + analysis) with the previous copy: p50 ${pct(warm, 0.5).toFixed(1)} ms, p95 ${pct(warm, 0.95).toFixed(1)} ms; after releaseParse: p50 ${pct(cold, 0.5).toFixed(1)} ms, p95 ${pct(cold, 0.95).toFixed(1)} ms`);
  }

  // Attribution by ablation: drop one part of every document at a time.
  type Internals = { currentAnalyzer: unknown; source: { snapshot: unknown; previous: unknown; index: unknown } };
  const before = heapUsed();
  for (const document of documents) {
    (document as unknown as Internals).currentAnalyzer = undefined;
  }
  const noAnalyzer = heapUsed();
  for (const document of documents) {
    const source = (document as unknown as Internals).source;
    source.snapshot = source.previous = undefined;
  }
  const noCopy = heapUsed();
  for (const document of documents) {
    (document as unknown as Internals).source.index = undefined;
  }
  const noIndex = heapUsed();
  for (const document of documents) document.dispose();
  documents.length = 0;
  const none = heapUsed();
  console.log('retained per document (what dropping each part freed, after GC):');
  console.log(`  analyzer (unit cache, summaries, ids):  ${mb((before - noAnalyzer) / n)}`);
  console.log(`  syntax copy (SyntaxNode tree + caches): ${mb((noAnalyzer - noCopy) / n)}`);
  console.log(`  line index:                             ${mb((noCopy - noIndex) / n)}`);
  console.log(`  the rest (text, document):              ${mb((noIndex - none) / n)}`);
  console.log(`  all:                                    ${mb((before - none) / n)}`);
}

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

/** Self size by object type (constructor name for objects; V8's node type otherwise), largest first. */
function summarizeSnapshot(file: string, documents: number): void {
  const snapshot = JSON.parse(readFileSync(file, 'utf8')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
    nodes: number[];
    strings: string[];
  };
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const totals = new Map<string, { size: number; count: number }>();
  const { nodes, strings } = snapshot;
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + typeAt]!]!;
    const name = strings[nodes[i + nameAt]!]!;
    const key = type === 'object' || type === 'closure' ? `${type} ${name}` : type === 'array' ? `array ${name}` : type;
    const total = totals.get(key) ?? { size: 0, count: 0 };
    total.size += nodes[i + sizeAt]!;
    total.count++;
    totals.set(key, total);
  }
  const top = [...totals].sort((a, b) => b[1].size - a[1].size).slice(0, 25);
  console.log(`heap snapshot, self size by type (per document = ÷ ${documents}):`);
  for (const [key, { size, count }] of top) {
    console.log(`  ${key.padEnd(48).slice(0, 48)} ${mb(size).padStart(10)} ${String(count).padStart(9)} objects  ${mb(size / documents).padStart(9)}/doc`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

import { performance } from 'node:perf_hooks';
import { Tree } from 'web-tree-sitter';
import { ACTIVE_RULES, Analyzer, LineIndex, loadParserRuntime, PythonParser, type AnalysisResult, type Rule } from '../server/src/engine';
import { readGrammarFiles } from '../server/src/host/grammar';

export interface LoadedEngine {
  readonly parser: PythonParser;
  readonly runtimeInitMs: number;
  readonly grammarLoadMs: number;
  /** Current size of the WASM linear memory in bytes, or undefined if the bench cannot see it. */
  readonly wasmHeapBytes: () => number | undefined;
}

/**
 * Loads the engine from the `.wasm` files the build copied into `dist/` (what ships), timing the runtime and
 * the grammar apart: the engine's runtime loader first (`loadParserRuntime`, which also tells the WASM heap's size),
 * then `PythonParser.load`, which reuses that runtime, so its time is the grammar's own cost.
 */
export async function loadEngine(distDir: string): Promise<LoadedEngine> {
  const files = readGrammarFiles(distDir);
  let start = performance.now();
  const runtime = await loadParserRuntime(files.runtime);
  const runtimeInitMs = performance.now() - start;
  start = performance.now();
  const parser = await PythonParser.load(files);
  const grammarLoadMs = performance.now() - start;

  // If the bench's own web-tree-sitter (the bare-reparse floor) were another copy than the engine's, its trees would
  // not be this copy's Trees, and the floor would run on a runtime the heap probe does not see: say so.
  const probe = parser.parse('x = 1\n');
  const shared = probe instanceof Tree;
  probe.delete();
  const wasmHeapBytes = () => (shared ? runtime.wasmHeapBytes() : undefined);
  return { parser, runtimeInitMs, grammarLoadMs, wasmHeapBytes };
}

export interface ScratchRun {
  readonly parseMs: number;
  readonly analyzeMs: number;
  readonly result: AnalysisResult;
}

/**
 * The from-scratch path, as `analyzeText` does it (one-shot parse that copies and deletes the tree, a fresh
 * Analyzer with no cache), but timing parse+copy and analysis apart.
 */
export function analyzeFromScratch(parser: PythonParser, text: string, rules: readonly Rule[] = ACTIVE_RULES): ScratchRun {
  let start = performance.now();
  const syntax = parser.parseOnce(text);
  const parseMs = performance.now() - start;
  start = performance.now();
  const result = new Analyzer(rules, undefined, undefined, true).analyze({ text, syntax, lineIndex: new LineIndex(text) });
  return { parseMs, analyzeMs: performance.now() - start, result };
}

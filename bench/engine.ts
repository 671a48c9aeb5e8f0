import { performance } from 'node:perf_hooks';
import { Parser, Tree } from 'web-tree-sitter';
import { ACTIVE_RULES, Analyzer, LineIndex, PythonParser, type AnalysisResult, type Rule } from '../server/src/engine';
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
 * the grammar apart.
 *
 * The engine offers no way to read the WASM heap size, so the bench initialises web-tree-sitter's runtime
 * itself, first: Emscripten turns the options object into its `Module` and keeps `HEAPU8` on it up to date
 * when memory grows, and the runtime is a process-wide singleton, so `PythonParser.load` then reuses it and
 * the Language.load that follows is the grammar's own cost.
 */
export async function loadEngine(distDir: string): Promise<LoadedEngine> {
  const files = readGrammarFiles(distDir);
  const module: { wasmBinary: Uint8Array; HEAPU8?: Uint8Array } = { wasmBinary: files.runtime };
  let start = performance.now();
  await Parser.init(module as never);
  const runtimeInitMs = performance.now() - start;
  start = performance.now();
  const parser = await PythonParser.load(files);
  const grammarLoadMs = performance.now() - start;

  // If the engine had loaded another copy of web-tree-sitter, its trees would not be this copy's Trees and
  // the heap read here would be some other module's: then say "unreachable" rather than report a flat line.
  const probe = parser.parse('x = 1\n');
  const shared = probe instanceof Tree;
  probe.delete();
  const wasmHeapBytes = () => (shared ? module.HEAPU8?.buffer.byteLength : undefined);
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
  const result = new Analyzer(rules).analyze({ text, syntax, lineIndex: new LineIndex(text) });
  return { parseMs, analyzeMs: performance.now() - start, result };
}

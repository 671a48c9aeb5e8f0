import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PythonParser, type GrammarFiles } from '../engine';

/** Reads the two WebAssembly modules the build copies beside the bundles in `dist/`. */
export function readGrammarFiles(dir: string = __dirname): GrammarFiles {
  const read = (name: string): Buffer => {
    const path = join(dir, name);
    if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build\` (it copies the grammar beside the bundle)`);
    return readFileSync(path);
  };
  return { runtime: read('web-tree-sitter.wasm'), python: read('tree-sitter-python.wasm') };
}

export function loadPythonParser(): Promise<PythonParser> {
  return PythonParser.load(readGrammarFiles());
}

import { readFileSync } from 'node:fs';
import { PythonParser } from '../../server/src/engine';

let parser: Promise<PythonParser> | undefined;

/** The parser, loaded once per test process from the installed npm packages. */
export function loadParser(): Promise<PythonParser> {
  parser ??= PythonParser.load({
    runtime: readFileSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm')),
    python: readFileSync(require.resolve('tree-sitter-python/tree-sitter-python.wasm')),
  });
  return parser;
}

// Whole-scan peer "parse only": one Node process that initialises web-tree-sitter with the .wasm files Vigil
// ships and parses every file of a list once (tree deleted at once). No copy, no analysis: the floor a
// tree-sitter-based scanner cannot go under without more cores.
//   node bench/peers/parseOnly.cjs DIST_DIR LIST_FILE    (LIST_FILE: one path per line)
// Prints one JSON line: files, lines, bytes, initMs, readMs, parseMs (in-process sums).
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { performance } = require('node:perf_hooks');
const { Parser, Language } = require('web-tree-sitter');

async function main() {
  const [distDir, listFile] = process.argv.slice(2);
  const paths = readFileSync(listFile, 'utf8').split('\n').filter(Boolean);
  const started = performance.now();
  await Parser.init({ wasmBinary: readFileSync(join(distDir, 'web-tree-sitter.wasm')) });
  const language = await Language.load(readFileSync(join(distDir, 'tree-sitter-python.wasm')));
  const parser = new Parser();
  parser.setLanguage(language);
  const initMs = performance.now() - started;
  let readMs = 0;
  let parseMs = 0;
  let lines = 0;
  let bytes = 0;
  let withErrors = 0;
  for (const path of paths) {
    let t = performance.now();
    const text = readFileSync(path, 'utf8');
    readMs += performance.now() - t;
    t = performance.now();
    const tree = parser.parse(text);
    if (tree.rootNode.hasError) withErrors++;
    tree.delete();
    parseMs += performance.now() - t;
    lines += text.split('\n').length;
    bytes += text.length;
  }
  process.stdout.write(JSON.stringify({ files: paths.length, lines, bytes, withErrors, initMs, readMs, parseMs }) + '\n');
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

// Whole-scan peer: Ruff's security rules (S, flake8-bandit) through @astral-sh/ruff-wasm-nodejs, one Node
// process over a list of files. Run it under `node --liftoff-only`: otherwise V8 keeps optimising the 10 MB
// module after the work is done and the process lingers ~5 s before it exits (engine-facts.md).
//   node --liftoff-only bench/peers/ruff.cjs LIST_FILE
// Prints one JSON line: files, findings (S codes), initMs, readMs, checkMs (in-process sums), version.
'use strict';
const { readFileSync } = require('node:fs');
const { performance } = require('node:perf_hooks');

function main() {
  const [listFile] = process.argv.slice(2);
  const paths = readFileSync(listFile, 'utf8').split('\n').filter(Boolean);
  const started = performance.now();
  const { Workspace, PositionEncoding } = require('@astral-sh/ruff-wasm-nodejs');
  const workspace = new Workspace({ lint: { select: ['S'] } }, PositionEncoding.Utf16);
  const initMs = performance.now() - started;
  let readMs = 0;
  let checkMs = 0;
  let findings = 0;
  let syntaxErrors = 0;
  for (const path of paths) {
    let t = performance.now();
    const text = readFileSync(path, 'utf8');
    readMs += performance.now() - t;
    t = performance.now();
    const diagnostics = workspace.check(text);
    checkMs += performance.now() - t;
    for (const diagnostic of diagnostics) {
      if (typeof diagnostic.code === 'string' && /^S\d/.test(diagnostic.code)) findings++;
      else if (diagnostic.code === null || diagnostic.code === undefined) syntaxErrors++;
    }
  }
  workspace.free();
  process.stdout.write(JSON.stringify({ files: paths.length, findings, syntaxErrors, initMs, readMs, checkMs, version: Workspace.version() }) + '\n');
}

main();

// Preloaded into the language server by the bench (`node --require bench/lsp/wasmProbe.cjs dist/server.js`)
// when it measures memory: the server has no way to report its WASM heap, and the bench may not change it.
// It wraps the WebAssembly.Memory constructor (web-tree-sitter's Emscripten runtime creates its linear memory
// with `new WebAssembly.Memory`, so the wrapper sees it) and, on SIGUSR2, writes the byte length of every
// memory it saw and the JS heap in use to stderr as one line. If the file named by VIGIL_BENCH_PROBE_CONTROL
// says "gc", it first forces a full garbage collection and adds the RSS after it (the bench asks for that only
// at the end, since a forced GC changes what later readings would show). Nothing else in the server changes:
// the wrapper returns the real Memory object, and stdout (the LSP channel) is never touched.
'use strict';
const { readFileSync } = require('node:fs');
const { setFlagsFromString } = require('node:v8');
const { runInNewContext } = require('node:vm');

const memories = [];
const RealMemory = WebAssembly.Memory;
WebAssembly.Memory = new Proxy(RealMemory, {
  construct(target, args, newTarget) {
    const memory = Reflect.construct(target, args, newTarget === WebAssembly.Memory ? target : newTarget);
    memories.push(memory);
    return memory;
  },
});

let gc;
function collect() {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc');
  }
  gc();
}

process.on('SIGUSR2', () => {
  let command = '';
  try {
    command = process.env.VIGIL_BENCH_PROBE_CONTROL ? readFileSync(process.env.VIGIL_BENCH_PROBE_CONTROL, 'utf8').trim() : '';
  } catch {
    command = '';
  }
  const reading = {
    wasmBytes: memories.map((memory) => memory.buffer.byteLength),
    jsHeapUsedBytes: process.memoryUsage().heapUsed,
  };
  if (command === 'gc') {
    collect();
    const usage = process.memoryUsage();
    reading.afterGc = { rssBytes: usage.rss, jsHeapUsedBytes: usage.heapUsed, jsHeapTotalBytes: usage.heapTotal, externalBytes: usage.external };
  }
  process.stderr.write(`VIGIL_BENCH_PROBE ${JSON.stringify(reading)}\n`);
});

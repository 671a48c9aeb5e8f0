import { setFlagsFromString } from 'node:v8';
import { format } from 'node:util';
import { createConnection, ProposedFeatures, type MessageWriter } from 'vscode-languageserver/node';
import { StdoutMessageWriter } from './stdoutWriter';
import { loadPythonParser } from '../host/grammar';
import { startServer } from './server';
import { traceFromEnvironment } from './trace';

// A language server lives for hours with a working set of tens of megabytes and makes garbage on every keystroke: let
// V8 grow its heap by 20% of what survived a full collection before the next one, not by its default factor (about
// 1.5x to 2x, tuned for throughput), so the process does not sit on hundreds of megabytes of collectable memory. Set at
// startup, before any document is read; measured with `npm run bench:lsp` (resident memory with many open files, and no
// change in keystroke latency).
setFlagsFromString('--heap-growing-percent=20');
// V8 compiles a WebAssembly function the first time it is called, by default: tree-sitter's parser is ~300 functions,
// so the first parse of the first document paid for compiling them one by one on the main thread. Compiled eagerly,
// the work happens while the grammar loads, on V8's background threads: cold open of a 2k-line file ~14 ms faster and
// startup ~12 ms slower (`npm run bench:lsp`, startup section, 2026-11-30): it pays when the server starts before the
// first file is opened. Read when a module is compiled: set before the grammar is loaded.
setFlagsFromString('--no-wasm-lazy-compilation');

// Transport comes from the command line: --stdio, --node-ipc or --socket=PORT. Over stdio, messages are written at
// once (`StdoutMessageWriter`), and what a library prints on the console, which would corrupt the stream, goes to the
// client's log, as vscode-languageserver does when it makes the stdio transport itself.
const stdio = process.argv.includes('--stdio');
// (vscode-languageserver takes a stream or a message reader/writer at either end, and tells them apart at run time;
// its types want two of a kind. Given the stdin stream, it still exits when stdin ends.)
const connection = stdio
  ? createConnection(ProposedFeatures.all, process.stdin, new StdoutMessageWriter(process.stdout) as MessageWriter as unknown as NodeJS.WritableStream)
  : createConnection(ProposedFeatures.all);
if (stdio) {
  console.log = console.info = console.debug = (...args: unknown[]) => connection.console.log(format(...args));
  console.warn = (...args: unknown[]) => connection.console.warn(format(...args));
  console.error = console.trace = (...args: unknown[]) => connection.console.error(format(...args));
}

// A bug must cost one request, never the server: log what escaped every guard and keep serving.
process.on('uncaughtException', (error) => connection.console.error(`vigil: uncaught: ${error.stack ?? error.message}`));
process.on('unhandledRejection', (reason) => connection.console.error(`vigil: unhandled rejection: ${String(reason)}`));

// `VIGIL_TRACE=<file>`: a latency trace for the bench (`lsp/trace.ts`). A problem opening it goes to stderr, which an
// editor shows in its log (the console is not connected yet).
startServer(connection, loadPythonParser, traceFromEnvironment(process.env, (message) => process.stderr.write(`${message}\n`)));

import { closeSync, openSync, writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/**
 * The latency trace: where a keystroke's time goes between the editor and its squiggle, for `npm run bench:lsp`
 * (rust-analyzer's `RA_PROFILE` and tsserver's `TSS_LOG` are the same idea). Off unless the server is started with
 * `VIGIL_TRACE=<file>`; then every event below is one line appended to that file, written at once (a synchronous
 * write of ~50 bytes: a few microseconds), so a trace survives a crash and never waits for the event loop:
 *
 *     <time>\t<event>\t<version>\t<uri>
 *
 * `time` is wall-clock milliseconds since the Unix epoch with microsecond decimals (`performance.timeOrigin +
 * performance.now()`), so another process on the same machine (the bench's client) can line its own timestamps up
 * with these, to within the two processes' clock origins (~0.1 ms). `version` is the document's LSP version (`-` when
 * it has none).
 */
export type TraceEvent =
  /** A `didChange` reached the server's handler (the message was read, parsed and dispatched). */
  | 'received'
  /** The analysis of a version starts: next, the incremental reparse and the copy of the tree. */
  | 'analysis-start'
  /** The syntax tree of that version is parsed and copied (`SourceFile.syntax`). */
  | 'syntax-ready'
  /** The rules have run (`Analyzer.analyzeInSlices` ended, slices and yields included). */
  | 'analysed'
  /**
   * Its `publishDiagnostics` goes to the transport: marked just before the message is serialized and written (to
   * stdout at once, over stdio), so the line is in the file before the client can have the message.
   */
  | 'published';

export interface LatencyTrace {
  mark(event: TraceEvent, uri: string, version: number | undefined): void;
}

/**
 * The trace `VIGIL_TRACE` asks for, or undefined when it is unset or empty. A file that cannot be opened is reported
 * through `warn` and the server runs untraced: tracing never stops the server (nor does a write that fails later,
 * which ends the trace).
 */
export function traceFromEnvironment(env: NodeJS.ProcessEnv, warn: (message: string) => void): LatencyTrace | undefined {
  const path = env.VIGIL_TRACE;
  if (!path) return undefined;
  let fd: number | undefined;
  try {
    fd = openSync(path, 'a');
  } catch (error) {
    warn(`vigil: VIGIL_TRACE: cannot open ${path} (${(error as Error).message}); running without a latency trace`);
    return undefined;
  }
  return {
    mark(event, uri, version) {
      if (fd === undefined) return;
      const time = (performance.timeOrigin + performance.now()).toFixed(3);
      try {
        writeSync(fd, `${time}\t${event}\t${version ?? '-'}\t${uri}\n`);
      } catch (error) {
        warn(`vigil: VIGIL_TRACE: writing ${path} failed (${(error as Error).message}); the latency trace ends here`);
        try {
          closeSync(fd);
        } catch {
          // Closing a trace that failed: nothing more to report.
        }
        fd = undefined;
      }
    },
  };
}

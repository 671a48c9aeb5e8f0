import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';
import { SERVER_NODE_FLAGS } from '../../server/src/launch';
import type { PlacedEdit } from './text';

/** Loaded into the server with `--require` when the bench wants its WASM heap (see wasmProbe.cjs). */
export const WASM_PROBE = join(__dirname, 'wasmProbe.cjs');

interface Waiter {
  readonly uri: string;
  readonly version: number;
  readonly resolve: (arrivedAt: number) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export interface ProbeReading {
  /** Byte length of each WebAssembly.Memory the server created (web-tree-sitter's is the only one). */
  readonly wasmBytes: number[];
  readonly jsHeapUsedBytes: number;
  /** When asked: memory after a forced full GC. */
  readonly afterGc?: { readonly rssBytes: number; readonly jsHeapUsedBytes: number; readonly jsHeapTotalBytes: number; readonly externalBytes: number };
}

/**
 * A small LSP client for the bench: spawns `server.js --stdio` (a snapshot of dist/), initializes it like an
 * editor with configuration support would, and tells when the diagnostics of a given document version arrive.
 *
 * Timestamps are taken in this process with performance.now(): just before a notification is written to the
 * server's stdin, and when a publishDiagnostics is read back. Between those two the bench process does nothing
 * but wait, so the difference is what an editor would see (IPC and JSON included), within ~0.1 ms.
 */
export class BenchServer {
  /** spawn → initialize response, in ms. */
  startupMs = 0;
  /** The server's latency trace (`VIGIL_TRACE`), when it was started with one. */
  traceFile: string | undefined;
  stderr = '';
  private readonly waiters: Waiter[] = [];
  /** Per document: the highest version published so far and when it arrived. */
  private readonly latest = new Map<string, { version: number; at: number }>();
  /** Every publication: uri, version, arrival time (for paced runs, which must see superseded versions skipped). */
  readonly publications: Array<{ uri: string; version: number; at: number; count: number; partial: boolean }> = [];
  private probeWaiter: ((reading: ProbeReading) => void) | undefined;
  private readonly exited: Promise<void>;

  private constructor(
    readonly process: ChildProcess,
    readonly connection: ProtocolConnection,
    private readonly probeControl: string | undefined,
  ) {
    this.exited = new Promise((resolve) => process.once('exit', () => resolve()));
  }

  get pid(): number {
    return this.process.pid!;
  }

  /**
   * `probe`: a scratch file the probe reads its command from (see wasmProbe.cjs); without it, no probe.
   * `nodeArgs`: extra Node flags (e.g. `--cpu-prof`). `trace`: a file for the server's latency trace (`VIGIL_TRACE`,
   * `server/src/lsp/trace.ts`; read with `lsp/trace.ts`).
   */
  static async start(serverPath: string, options: { probe?: string; nodeArgs?: readonly string[]; trace?: string } = {}): Promise<BenchServer> {
    // With the Node flags the VS Code extension starts it with.
    const args = [...SERVER_NODE_FLAGS, ...(options.nodeArgs ?? []), ...(options.probe ? ['--require', WASM_PROBE] : []), serverPath, '--stdio'];
    const env = {
      ...process.env,
      ...(options.probe ? { VIGIL_BENCH_PROBE_CONTROL: options.probe } : {}),
      ...(options.trace ? { VIGIL_TRACE: options.trace } : {}),
    };
    const spawnedAt = performance.now();
    const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], env });
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const server = new BenchServer(child, connection, options.probe);
    server.traceFile = options.trace;
    child.stdin!.on('error', () => {});
    child.stderr!.on('data', (chunk: Buffer) => server.onStderr(chunk.toString('utf8')));
    child.once('exit', (code, signal) => {
      for (const waiter of server.waiters.splice(0)) {
        clearTimeout(waiter.timer);
        waiter.reject(new Error(`server exited (code ${code}, signal ${signal}) while waiting for ${waiter.uri} v${waiter.version}; stderr: ${server.stderr.slice(-2000)}`));
      }
    });
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => server.onPublish(params));
    // Status, log and progress notifications: an editor shows them; the bench ignores them.
    for (const method of ['window/logMessage', 'window/showMessage', 'vigil/status', '$/progress', 'telemetry/event']) {
      connection.onNotification(method, () => {});
    }
    // workspace/configuration: default settings for every item; registrations and progress tokens: accepted.
    connection.onRequest('workspace/configuration', (params: { items?: unknown[] }) => (params?.items ?? []).map(() => ({})));
    for (const method of ['client/registerCapability', 'client/unregisterCapability', 'window/workDoneProgress/create']) {
      connection.onRequest(method, () => null);
    }
    connection.listen();
    await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: null,
      workspaceFolders: null,
      capabilities: {
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } },
        textDocument: { publishDiagnostics: { relatedInformation: true, versionSupport: true }, synchronization: { didSave: true } },
      },
    });
    server.startupMs = performance.now() - spawnedAt;
    await connection.sendNotification(InitializedNotification.type, {});
    return server;
  }

  private onStderr(text: string): void {
    this.stderr = (this.stderr + text).slice(-200_000);
    const match = /VIGIL_BENCH_PROBE (\{.*\})\n/.exec(this.stderr);
    if (match && this.probeWaiter) {
      const waiter = this.probeWaiter;
      this.probeWaiter = undefined;
      this.stderr = this.stderr.replace(match[0], '');
      waiter(JSON.parse(match[1]!) as ProbeReading);
    }
  }

  private onPublish(params: PublishDiagnosticsParams): void {
    const at = performance.now();
    const version = params.version ?? -1;
    this.publications.push({ uri: params.uri, version, at, count: params.diagnostics.length, partial: params.diagnostics.some((d) => d.code === 'partial-analysis') });
    const previous = this.latest.get(params.uri);
    if (!previous || version >= previous.version) this.latest.set(params.uri, { version, at });
    for (const waiter of [...this.waiters]) {
      if (waiter.uri === params.uri && version >= waiter.version) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        clearTimeout(waiter.timer);
        waiter.resolve(at);
      }
    }
  }

  /**
   * Resolves with the arrival time of the first diagnostics for `uri` whose version is `version` or newer
   * (already arrived: at once, with that time).
   */
  published(uri: string, version: number, timeoutMs = 120_000): Promise<number> {
    const seen = this.latest.get(uri);
    if (seen && seen.version >= version) return Promise.resolve(seen.at);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.findIndex((waiter) => waiter.timer === timer), 1);
        reject(new Error(`no diagnostics for ${uri} v${version} within ${timeoutMs} ms (last: v${this.latest.get(uri)?.version})`));
      }, timeoutMs);
      this.waiters.push({ uri, version, resolve, reject, timer });
    });
  }

  /** Sends didOpen (version 1) and returns the time it was sent. */
  async open(uri: string, text: string): Promise<number> {
    this.latest.delete(uri);
    const sentAt = performance.now();
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'python', version: 1, text },
    });
    return sentAt;
  }

  /** Sends one incremental didChange for `edit` as `version` and returns the time it was sent. */
  async change(uri: string, version: number, edit: PlacedEdit): Promise<number> {
    const change: TextDocumentContentChangeEvent = {
      range: {
        start: { line: edit.startPoint.row, character: edit.startPoint.column },
        end: { line: edit.oldEndPoint.row, character: edit.oldEndPoint.column },
      },
      text: edit.text,
    };
    const sentAt = performance.now();
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [change],
    });
    return sentAt;
  }

  /**
   * The cost of the LSP round trip itself: a hover on a document the server does not have, answered with null at
   * once. Returns one round trip in ms (the IPC and JSON floor of every figure measured through LSP).
   */
  async noopRoundTrip(): Promise<number> {
    const start = performance.now();
    await this.connection.sendRequest('textDocument/hover', { textDocument: { uri: 'file:///bench/not-open.py' }, position: { line: 0, character: 0 } });
    return performance.now() - start;
  }

  async close(uri: string): Promise<void> {
    this.latest.delete(uri);
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  /** VmRSS of the server process, from /proc (bytes), or undefined where there is no /proc. */
  rssBytes(): number | undefined {
    try {
      const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
      return kb ? Number(kb) * 1024 : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * The WASM heap of a server started with `probe`: SIGUSR2 makes wasmProbe.cjs print it to stderr. Undefined
   * for a server without the probe, or if no answer comes (a probe that never saw a WebAssembly.Memory).
   */
  probe(options: { gc?: boolean } = {}, timeoutMs = 10_000): Promise<ProbeReading | undefined> {
    // Without the probe, SIGUSR2's default action would end the server.
    if (!this.probeControl) return Promise.resolve(undefined);
    writeFileSync(this.probeControl, options.gc ? 'gc' : 'read');
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.probeWaiter = undefined;
        resolve(undefined);
      }, timeoutMs);
      this.probeWaiter = (reading) => {
        clearTimeout(timer);
        resolve(reading);
      };
      this.process.kill('SIGUSR2');
    });
  }

  async stop(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, 5000)));
      await Promise.race([this.connection.sendRequest(ShutdownRequest.type).then(() => this.connection.sendNotification(ExitNotification.type)), timeout]);
    } catch {
      // already gone
    }
    clearTimeout(timer);
    const exited = await Promise.race([this.exited.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 3000))]);
    this.connection.dispose();
    if (!exited) this.process.kill('SIGKILL');
  }
}

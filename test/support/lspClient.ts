import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodeActionRequest,
  ConfigurationRequest,
  createProtocolConnection,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type CodeAction,
  type ConfigurationParams,
  type Diagnostic,
  type Hover,
  type LogMessageParams,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type Range,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';

export const SERVER_PATH = join(__dirname, '..', '..', 'dist', 'server.js');

interface Waiter {
  readonly uri: string;
  readonly predicate: (params: PublishDiagnosticsParams) => boolean;
  readonly resolve: (params: PublishDiagnosticsParams) => void;
}

/**
 * A real LSP client (vscode-languageserver-protocol over stdio) driving the built server, the way an editor
 * does: initialize, open, incremental changes, requests, shutdown.
 */
export class TestClient {
  readonly logs: LogMessageParams[] = [];
  readonly progress: Array<{ token: string | number; value: unknown }> = [];
  readonly messages: string[] = [];
  readonly published = new Map<string, PublishDiagnosticsParams>();
  /** Every publishDiagnostics, in arrival order (tests that care what was published in between). */
  readonly publications: PublishDiagnosticsParams[] = [];
  settings: Record<string, unknown> = {};
  /**
   * When set, answers `workspace/configuration` instead of `settings` (one answer for the whole request, whatever
   * its shape: tests send garbage through it).
   */
  configurationResponse: ((params: ConfigurationParams) => unknown) | undefined;
  /** What the server wrote to stderr (the last megabyte). */
  stderr = '';
  /** Resolves when the server process ends. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly waiters: Waiter[] = [];
  private readonly versions = new Map<string, number>();

  private constructor(
    readonly process: ChildProcess,
    readonly connection: ProtocolConnection,
  ) {
    this.exited = new Promise((resolve) => {
      if (process.exitCode !== null || process.signalCode !== null) resolve({ code: process.exitCode, signal: process.signalCode });
      else process.once('exit', (code, signal) => resolve({ code, signal }));
    });
  }

  static async start(
    options: {
      configuration?: boolean;
      workspaceFolders?: string[];
      settings?: Record<string, unknown>;
      /** Another build of the server (a snapshot of dist/, for long runs while others rebuild). */
      serverPath?: string;
      /** Sent as `initializationOptions` (e.g. `{ budget: { fileMs, ruleMs } }`). */
      initializationOptions?: unknown;
      /** Environment variables added to the server's (e.g. `VIGIL_TRACE`). */
      env?: Record<string, string>;
    } = {},
  ): Promise<TestClient> {
    const env = options.env ? { ...process.env, ...options.env } : process.env;
    const child = spawn(process.execPath, [options.serverPath ?? SERVER_PATH, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env });
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const client = new TestClient(child, connection);
    child.stderr!.on('data', (chunk: Buffer) => {
      client.stderr = (client.stderr + chunk.toString('utf8')).slice(-1_000_000);
    });
    // A write to a server that has gone must not take the test process down with EPIPE.
    child.stdin!.on('error', () => {});
    client.settings = options.settings ?? {};
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      client.published.set(params.uri, params);
      if (client.publications.length < 100_000) client.publications.push(params);
      for (const waiter of [...client.waiters]) {
        if (waiter.uri === params.uri && waiter.predicate(params)) {
          client.waiters.splice(client.waiters.indexOf(waiter), 1);
          waiter.resolve(params);
        }
      }
    });
    connection.onNotification('window/logMessage', (params: LogMessageParams) => {
      client.logs.push(params);
    });
    connection.onRequest(ConfigurationRequest.type, (params) =>
      client.configurationResponse ? (client.configurationResponse(params) as never) : params.items.map(() => client.settings),
    );
    connection.onRequest(RegistrationRequest.type, () => undefined);
    connection.onRequest('window/workDoneProgress/create', () => null);
    connection.onNotification('$/progress', (params: { token: string | number; value: unknown }) => {
      client.progress.push(params);
    });
    connection.onNotification('vigil/status', () => {});
    connection.onNotification('window/showMessage', (params: { message: string }) => {
      client.messages.push(params.message);
    });
    connection.listen();
    await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: null,
      ...(options.initializationOptions !== undefined ? { initializationOptions: options.initializationOptions } : {}),
      workspaceFolders: options.workspaceFolders?.map((path) => ({ uri: pathToFileURL(path).href, name: path })) ?? null,
      capabilities: {
        workspace: { configuration: options.configuration ?? true, didChangeConfiguration: { dynamicRegistration: true } },
        textDocument: { publishDiagnostics: { relatedInformation: true, versionSupport: true } },
      },
    });
    await connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  /** Resolves with the next diagnostics for `uri` that satisfy `predicate` (or the current ones, if they do). */
  diagnostics(
    uri: string,
    predicate: (params: PublishDiagnosticsParams) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<PublishDiagnosticsParams> {
    const current = this.published.get(uri);
    if (current && predicate(current)) return Promise.resolve(current);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const last = this.published.get(uri);
        reject(new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms; last: ${JSON.stringify(last?.diagnostics.map((d) => [d.code, d.range.start.line]))} (version ${last?.version})`));
      }, timeoutMs);
      this.waiters.push({
        uri,
        predicate,
        resolve: (params) => {
          clearTimeout(timer);
          resolve(params);
        },
      });
    });
  }

  /** Diagnostics for exactly this version of the document. */
  diagnosticsFor(uri: string, version = this.versions.get(uri)): Promise<Diagnostic[]> {
    return this.diagnostics(uri, (params) => params.version === version).then((params) => params.diagnostics);
  }

  async open(uri: string, text: string, version = 1): Promise<void> {
    this.versions.set(uri, version);
    this.published.delete(uri);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'python', version, text },
    });
  }

  async change(uri: string, changes: TextDocumentContentChangeEvent[]): Promise<number> {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: changes,
    });
    return version;
  }

  /** A didChange with the version given (lower, equal or out of order, as a broken client might send). */
  async changeWithVersion(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): Promise<void> {
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: changes,
    });
  }

  /** The version the client last sent for `uri`. */
  versionOf(uri: string): number | undefined {
    return this.versions.get(uri);
  }

  /** Any notification, with any params (malformed ones included). */
  notify(method: string, params: unknown): Promise<void> {
    return this.connection.sendNotification(method, params);
  }

  async close(uri: string): Promise<void> {
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  hover(uri: string, line: number, character: number): Promise<Hover | null> {
    return this.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character } });
  }

  async codeActions(uri: string, range: Range, diagnostics: Diagnostic[]): Promise<CodeAction[]> {
    const result = await this.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range,
      context: { diagnostics },
    });
    return (result ?? []).filter((action): action is CodeAction => 'title' in action && !('command' in action && typeof action.command === 'string'));
  }

  async changeSettings(settings: Record<string, unknown>): Promise<void> {
    this.settings = settings;
    await this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  async stop(): Promise<void> {
    try {
      // A server stuck in a loop never answers: give it 5 s, then the kill below ends it.
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, 5000)));
      await Promise.race([this.connection.sendRequest(ShutdownRequest.type).then(() => this.connection.sendNotification(ExitNotification.type)), timeout]);
      clearTimeout(timer);
    } catch {
      // the server may already be gone; the kill below makes sure
    }
    this.connection.dispose();
    this.process.kill();
  }

  /** Ends the server at once (it may be hung): no shutdown handshake. */
  kill(): void {
    this.connection.dispose();
    this.process.kill('SIGKILL');
  }
}

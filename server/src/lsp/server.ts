import { fileURLToPath } from 'node:url';
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  TextDocumentSyncKind,
  type Connection,
  type InitializeResult,
} from 'vscode-languageserver';
import { analyzeText, type PythonParser, type RuleError } from '../engine';
import { renderReview, reviewVerdict } from '../engine/report/review';
import { displayPath, readPythonSource } from '../host/files';
import { REVIEW_FILE_REQUEST, type ReviewFileParams, type ReviewFileResult, type VigilSettings } from '../protocol';
import { version } from '../version';
import { codeActionsFor } from './codeActions';
import { defaultDocsBase, toDiagnostic } from './diagnostics';
import { DocumentStore, type DocumentAnalysis, type OpenDocument } from './documents';
import { hoverFor } from './hover';
import { SettingsStore } from './settings';

/** Quiet time after a keystroke before analysing: long enough to batch a burst of typing, short enough to feel live. */
const DEBOUNCE_MS = 120;

/**
 * Wires LSP to the engine. Every handler is guarded: an exception is logged to the client and answered with an
 * empty result, never allowed to take the server down.
 */
export function startServer(connection: Connection, loadParser: () => Promise<PythonParser>): void {
  const settings = new SettingsStore(connection);
  let documents: DocumentStore | undefined;
  let loadedParser: PythonParser | undefined;
  let docsBase = defaultDocsBase();
  let workspaceFolders: string[] = [];
  const timers = new Map<string, NodeJS.Timeout>();
  const reportedRuleErrors = new Set<string>();

  const log = (message: string): void => connection.console.log(message);
  const logError = (context: string, error: unknown): void => {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    connection.console.error(`${context}: ${detail}`);
  };
  function guard<A extends unknown[], R>(name: string, fallback: R, handler: (...args: A) => R | Promise<R>) {
    return async (...args: A): Promise<R> => {
      try {
        return await handler(...args);
      } catch (error) {
        logError(`vigil: ${name} failed`, error);
        return fallback;
      }
    };
  }

  connection.onInitialize(async (params): Promise<InitializeResult> => {
    const options = (params.initializationOptions ?? {}) as { docsBaseUri?: unknown };
    if (typeof options.docsBaseUri === 'string') docsBase = options.docsBaseUri.replace(/\/?$/, '/');
    settings.supportsPull = params.capabilities.workspace?.configuration === true;
    workspaceFolders = (params.workspaceFolders ?? []).map((folder) => uriToPath(folder.uri) ?? '').filter(Boolean);
    loadedParser = await loadParser();
    documents = new DocumentStore(loadedParser);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      },
      serverInfo: { name: 'vigil', version },
    };
  });

  connection.onInitialized(() => {
    if (settings.supportsPull) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: 'vigil' }).catch(() => {});
    }
  });

  const store = (): DocumentStore => {
    if (!documents) throw new Error('request before initialize');
    return documents;
  };
  const parser = (): PythonParser => {
    if (!loadedParser) throw new Error('request before initialize');
    return loadedParser;
  };

  /** Analyses the document's current version now (parse + changed units only) and records the result. */
  const analyzeNow = (document: OpenDocument, current: VigilSettings): DocumentAnalysis => {
    const existing = document.current;
    if (existing) return existing;
    const { source } = document;
    const result = document.analyzer.analyze(
      { text: source.text, syntax: source.syntax, lineIndex: source.lineIndex },
      { select: current.select, ignore: current.ignore, minConfidence: current.minimumConfidence },
    );
    reportRuleErrors(document.uri, result.ruleErrors);
    document.latest = { version: document.version, findings: result.findings, hasSyntaxErrors: result.hasSyntaxErrors };
    return document.latest;
  };

  const reportRuleErrors = (uri: string, errors: readonly RuleError[]): void => {
    for (const error of errors) {
      const key = `${uri}\u0000${error.ruleId}\u0000${error.message}`;
      if (reportedRuleErrors.has(key)) continue;
      reportedRuleErrors.add(key);
      connection.console.error(
        `vigil: rule ${error.ruleId} failed on ${uri} near line ${error.line + 1} (its findings there are missing; the other rules ran): ${error.stack ?? error.message}`,
      );
    }
  };

  /**
   * Parses, analyses and publishes one document unless a newer version arrives meanwhile: the version is checked
   * after each step that yields to the event loop, and a superseded run stops (the newer one is scheduled).
   */
  const validate = async (document: OpenDocument): Promise<void> => {
    const version = document.version;
    const current = await settings.get(document.uri);
    if (document.closed || document.version !== version) return;
    if (!current.enable) {
      void connection.sendDiagnostics({ uri: document.uri, version, diagnostics: [] });
      return;
    }
    void document.source.syntax; // parse now, then let queued edits in before analysing
    await new Promise((resolve) => setImmediate(resolve));
    if (document.closed || document.version !== version) return;
    const analysis = analyzeNow(document, current);
    const diagnostics = analysis.findings.map((finding) => toDiagnostic(finding, document.uri, version, current, docsBase));
    void connection.sendDiagnostics({ uri: document.uri, version, diagnostics });
  };

  const schedule = (document: OpenDocument, delay: number): void => {
    clearTimeout(timers.get(document.uri));
    timers.set(
      document.uri,
      setTimeout(() => {
        timers.delete(document.uri);
        validate(document).catch((error) => {
          logError(`vigil: analysing ${document.uri} failed`, error);
          // Stale squiggles are worse than none: clear them.
          void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
        });
      }, delay),
    );
  };

  connection.onDidOpenTextDocument(
    guard('didOpen', undefined, (params) => {
      const { uri, version, text } = params.textDocument;
      schedule(store().open(uri, version, text), 0);
    }),
  );

  connection.onDidChangeTextDocument(
    guard('didChange', undefined, async (params) => {
      const document = store().get(params.textDocument.uri);
      if (!document) return;
      document.applyChanges(params.contentChanges, params.textDocument.version);
      if ((await settings.get(document.uri)).run === 'onType') schedule(document, DEBOUNCE_MS);
    }),
  );

  connection.onDidSaveTextDocument(
    guard('didSave', undefined, (params) => {
      const document = store().get(params.textDocument.uri);
      if (document) schedule(document, 0);
    }),
  );

  connection.onDidCloseTextDocument(
    guard('didClose', undefined, (params) => {
      const { uri } = params.textDocument;
      clearTimeout(timers.get(uri));
      timers.delete(uri);
      store().close(uri);
      settings.forget(uri);
      void connection.sendDiagnostics({ uri, diagnostics: [] });
    }),
  );

  connection.onDidChangeConfiguration(
    guard('didChangeConfiguration', undefined, () => {
      settings.clear();
      for (const document of documents?.all() ?? []) {
        document.latest = undefined;
        schedule(document, 0);
      }
    }),
  );

  connection.onHover(
    guard('hover', null, async (params) => {
      const document = store().get(params.textDocument.uri);
      if (!document) return null;
      const current = await settings.get(document.uri);
      if (!current.enable) return null;
      return hoverFor(analyzeNow(document, current).findings, params.position, docsBase);
    }),
  );

  connection.onCodeAction(
    guard('codeAction', [], async (params) => {
      const document = store().get(params.textDocument.uri);
      if (!document) return [];
      const current = await settings.get(document.uri);
      if (!current.enable) return [];
      return codeActionsFor(document, analyzeNow(document, current).findings, params.context.diagnostics);
    }),
  );

  connection.onRequest(
    REVIEW_FILE_REQUEST,
    guard('reviewFile', null, async (params: ReviewFileParams): Promise<ReviewFileResult | null> => {
      const document = store().get(params.uri);
      const path = uriToPath(params.uri);
      const shown = path ? displayPath(path, workspaceFolders.find((folder) => path.startsWith(folder)) ?? process.cwd()) : params.uri;
      if (document) {
        // The report covers every rule, whatever the editor's filters; unchanged units come from the cache.
        const { source } = document;
        const result = document.analyzer.analyze({ text: source.text, syntax: source.syntax, lineIndex: source.lineIndex });
        const markdown = renderReview({
          displayPath: shown,
          text: source.text,
          lineIndex: source.lineIndex,
          findings: result.findings,
          hasSyntaxErrors: result.hasSyntaxErrors,
        });
        return { markdown, verdict: reviewVerdict(result.findings), findingCount: result.findings.length };
      }
      if (!path) throw new Error(`cannot review ${params.uri}: not a file`);
      const read = readPythonSource(path);
      if ('error' in read) throw new Error(`cannot review ${shown}: ${read.error}`);
      const result = analyzeText(parser(), read.text);
      const markdown = renderReview({ displayPath: shown, text: read.text, lineIndex: result.lineIndex, findings: result.findings, hasSyntaxErrors: result.hasSyntaxErrors });
      return { markdown, verdict: reviewVerdict(result.findings), findingCount: result.findings.length };
    }),
  );

  connection.onShutdown(() => {
    for (const timer of timers.values()) clearTimeout(timer);
    for (const document of documents?.all() ?? []) document.dispose();
  });

  log(`vigil ${version} language server started`);
  connection.listen();
}

function uriToPath(uri: string): string | undefined {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined;
  }
}

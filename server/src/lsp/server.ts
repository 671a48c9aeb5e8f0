import { dirname, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  TextDocumentSyncKind,
  type CancellationToken,
  type Connection,
  type InitializeResult,
  type WorkDoneProgressReporter,
} from 'vscode-languageserver';
import {
  ACTIVE_RULES,
  analyzeText,
  type AnalysisResult,
  type Finding,
  type LineIndex,
  type PythonParser,
  type RuleError,
} from '../engine';
import { formatSarif } from '../engine/report/formats';
import { renderReview, reviewVerdict } from '../engine/report/review';
import { ConfigResolver } from '../host/config';
import { displayPath, readPythonSource } from '../host/files';
import {
  EXPORT_SARIF_REQUEST,
  REVIEW_FILE_REQUEST,
  REVIEW_WORKSPACE_REQUEST,
  RULES_REQUEST,
  STATUS_NOTIFICATION,
  type ExportSarifParams,
  type ReviewFileParams,
  type ReviewFileResult,
  type ReviewWorkspaceResult,
  type RuleSummary,
  type StatusParams,
  type VigilSettings,
} from '../protocol';
import { version } from '../version';
import { codeActionsFor, FIX_ALL_KIND } from './codeActions';
import { defaultDocsBase, ruleDocsUri, toDiagnostic } from './diagnostics';
import { DocumentStore, type DocumentAnalysis, type OpenDocument } from './documents';
import { hoverFor } from './hover';
import { filePolicy, SettingsStore, type FilePolicy } from './settings';
import { reviewWorkspace } from './workspaceReview';

/** Quiet time after a keystroke before analysing: long enough to batch a burst of typing, short enough to feel live. */
const DEBOUNCE_MS = 120;

/** Project configuration files: a change re-reads them and re-analyses. */
const CONFIG_FILE = /(^|\/)(vigil\.toml|\.vigil\.toml|pyproject\.toml)$/;

/**
 * Wires LSP to the engine. Every handler is guarded: an exception is logged to the client and answered with an
 * empty result, never allowed to take the server down.
 */
export function startServer(connection: Connection, loadParser: () => Promise<PythonParser>): void {
  const settings = new SettingsStore(connection);
  const configs = new ConfigResolver();
  let documents: DocumentStore | undefined;
  let loadedParser: PythonParser | undefined;
  let docsBase = defaultDocsBase();
  let workspaceFolders: string[] = [];
  const timers = new Map<string, NodeJS.Timeout>();
  const reportedRuleErrors = new Set<string>();
  const reportedConfigProblems = new Set<string>();
  /** Closed files whose diagnostics a workspace review published. */
  const workspacePublished = new Set<string>();

  const logError = (context: string, error: unknown): void => {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    connection.console.error(`${context}: ${detail}`);
  };
  const status = (params: StatusParams): void => void connection.sendNotification(STATUS_NOTIFICATION, params);
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
    const folders = params.workspaceFolders?.map((folder) => folder.uri) ?? (params.rootUri ? [params.rootUri] : []);
    workspaceFolders = folders.map(uriToPath).filter((path): path is string => !!path);
    loadedParser = await loadParser();
    documents = new DocumentStore(loadedParser);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
      },
      serverInfo: { name: 'vigil', version },
    };
  });

  connection.onInitialized(async () => {
    if (settings.supportsPull) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: 'vigil' }).catch(() => {});
    }
    void connection.client
      .register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: '**/*.py' }, { globPattern: '**/{vigil.toml,.vigil.toml,pyproject.toml}' }],
      })
      .catch(() => {});
    const first = workspaceFolders[0];
    if (first && (await settings.get(pathToFileURL(first).href)).workspaceReview === 'workspace') {
      void runWorkspaceReview(undefined);
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
  const folderOf = (path: string | undefined): string | undefined =>
    path ? workspaceFolders.find((folder) => path === folder || path.startsWith(folder + '/')) : undefined;

  /** Editor settings + project configuration for one document; a broken configuration is reported once. */
  const policyFor = (uri: string, current: VigilSettings): FilePolicy => {
    const path = uriToPath(uri);
    try {
      const policy = filePolicy(current, path, folderOf(path), configs);
      for (const warning of policy.config?.warnings ?? []) reportConfigProblem(warning);
      return policy;
    } catch (error) {
      reportConfigProblem((error as Error).message);
      return filePolicy({ ...current, configurationPreference: 'editorOnly' }, path, folderOf(path), configs);
    }
  };
  const reportConfigProblem = (message: string): void => {
    if (reportedConfigProblems.has(message)) return;
    reportedConfigProblems.add(message);
    connection.console.warn(`vigil: configuration: ${message}`);
    void connection.window.showWarningMessage(`Vigil: ${message}`);
  };

  /** Analyses the document's current version now (parse + changed units only) and records the result. */
  const analyzeNow = (document: OpenDocument, current: VigilSettings): DocumentAnalysis => {
    const existing = document.current;
    if (existing) return existing;
    const policy = policyFor(document.uri, current);
    if (policy.excluded) {
      document.latest = { version: document.version, findings: [], hasSyntaxErrors: false };
      return document.latest;
    }
    const { source } = document;
    const result = document.analyzer.analyze(
      { text: source.text, syntax: source.syntax, lineIndex: source.lineIndex },
      policy.selection,
    );
    reportRuleErrors(document.uri, result.ruleErrors);
    document.latest = { version: document.version, findings: result.findings, hasSyntaxErrors: result.hasSyntaxErrors };
    return document.latest;
  };

  /** Every rule, whatever the filters: for the report and the SARIF export. Unchanged units come from the cache. */
  const analyzeUnfiltered = (document: OpenDocument): AnalysisResult => {
    const { source } = document;
    return document.analyzer.analyze({ text: source.text, syntax: source.syntax, lineIndex: source.lineIndex });
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

  const diagnosticsOf = (findings: readonly Finding[], uri: string, version: number | undefined, current: VigilSettings) =>
    findings.map((finding) => toDiagnostic(finding, uri, version, current, docsBase));

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
    void connection.sendDiagnostics({ uri: document.uri, version, diagnostics: diagnosticsOf(analysis.findings, document.uri, version, current) });
  };

  const schedule = (document: OpenDocument, delay: number): void => {
    clearTimeout(timers.get(document.uri));
    timers.set(
      document.uri,
      setTimeout(() => {
        timers.delete(document.uri);
        validate(document).catch((error) => {
          logError(`vigil: analysing ${document.uri} failed`, error);
          status({ state: 'error', message: 'Analysis failed; see the output channel.' });
          // Stale squiggles are worse than none: clear them.
          void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
        });
      }, delay),
    );
  };

  /** A closed file in `workspace` mode keeps its findings: analyse it from disk. */
  const publishFromDisk = async (uri: string): Promise<void> => {
    const path = uriToPath(uri);
    const current = await settings.get(uri);
    const read = path ? readPythonSource(path) : undefined;
    if (!path || !read || 'error' in read || !current.enable) {
      void connection.sendDiagnostics({ uri, diagnostics: [] });
      return;
    }
    const policy = policyFor(uri, current);
    const findings = policy.excluded ? [] : analyzeText(parser(), read.text, policy.selection).findings;
    workspacePublished.add(uri);
    void connection.sendDiagnostics({ uri, diagnostics: diagnosticsOf(findings, uri, undefined, current) });
  };

  connection.onDidOpenTextDocument(
    guard('didOpen', undefined, (params) => {
      const { uri, version, text } = params.textDocument;
      workspacePublished.delete(uri);
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
    guard('didClose', undefined, async (params) => {
      const { uri } = params.textDocument;
      clearTimeout(timers.get(uri));
      timers.delete(uri);
      store().close(uri);
      const current = await settings.get(uri);
      settings.forget(uri);
      if (current.workspaceReview === 'workspace' && uri.startsWith('file:')) await publishFromDisk(uri);
      else void connection.sendDiagnostics({ uri, diagnostics: [] });
    }),
  );

  const reanalyzeEverything = (): void => {
    for (const document of documents?.all() ?? []) {
      document.latest = undefined;
      schedule(document, 0);
    }
    for (const uri of workspacePublished) void publishFromDisk(uri).catch((error) => logError('vigil: refresh failed', error));
  };

  connection.onDidChangeConfiguration(
    guard('didChangeConfiguration', undefined, () => {
      settings.clear();
      reportedConfigProblems.clear();
      reanalyzeEverything();
    }),
  );

  connection.onDidChangeWatchedFiles(
    guard('didChangeWatchedFiles', undefined, async (params) => {
      if (params.changes.some((change) => CONFIG_FILE.test(change.uri))) {
        configs.clear();
        reportedConfigProblems.clear();
        reanalyzeEverything();
        return;
      }
      for (const change of params.changes) {
        if (store().get(change.uri)) continue; // the editor's buffer is the truth for open files
        const current = await settings.get(change.uri);
        if (current.workspaceReview === 'workspace' || workspacePublished.has(change.uri)) await publishFromDisk(change.uri);
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
      return codeActionsFor(document, analyzeNow(document, current).findings, params.context, docsBase);
    }),
  );

  connection.onRequest(
    REVIEW_FILE_REQUEST,
    guard('reviewFile', null, async (params: ReviewFileParams): Promise<ReviewFileResult | null> => {
      const document = store().get(params.uri);
      const path = uriToPath(params.uri);
      const shown = path ? displayPath(path, folderOf(path) ?? process.cwd()) : params.uri;
      const reportPath = params.reportUri ? uriToPath(params.reportUri) : undefined;
      // Relative links: the Markdown preview refuses `file:` links but follows relative ones, `#L14` included.
      const target = path && reportPath ? relative(dirname(reportPath), path).split(sep).map(encodeURIComponent).join('/') : undefined;
      const lineLink = target ? (line: number) => `${target}#L${line + 1}` : undefined;
      let text: string;
      let result: AnalysisResult & { lineIndex: LineIndex };
      if (document) {
        const { source } = document;
        text = source.text;
        result = { ...analyzeUnfiltered(document), lineIndex: source.lineIndex };
      } else {
        if (!path) throw new Error(`cannot review ${params.uri}: not a file`);
        const read = readPythonSource(path);
        if ('error' in read) throw new Error(`cannot review ${shown}: ${read.error}`);
        text = read.text;
        result = analyzeText(parser(), text);
      }
      const markdown = renderReview({
        displayPath: shown,
        text,
        lineIndex: result.lineIndex,
        findings: result.findings,
        hasSyntaxErrors: result.hasSyntaxErrors,
        ...(lineLink ? { lineLink } : {}),
      });
      return { markdown, verdict: reviewVerdict(result.findings), findingCount: result.findings.length };
    }),
  );

  connection.onRequest(
    EXPORT_SARIF_REQUEST,
    guard('exportSarif', null, (params: ExportSarifParams): string | null => {
      const document = store().get(params.uri);
      if (!document) return null;
      const path = uriToPath(params.uri);
      const shown = path ? displayPath(path, folderOf(path) ?? process.cwd()) : params.uri;
      return formatSarif([{ path: shown, findings: analyzeUnfiltered(document).findings }], [], version);
    }),
  );

  connection.onRequest(
    RULES_REQUEST,
    guard('rules', [], (): RuleSummary[] =>
      ACTIVE_RULES.map(({ meta }) => ({
        id: meta.id,
        name: meta.name,
        title: meta.title,
        severity: meta.severity,
        cwe: meta.cwe,
        docsUri: ruleDocsUri(meta.id, docsBase) ?? '',
      })),
    ),
  );

  let workspaceReviewRunning = false;
  const runWorkspaceReview = async (token: CancellationToken | undefined, workDoneToken?: string | number): Promise<ReviewWorkspaceResult> => {
    if (workspaceReviewRunning) throw new Error('a workspace review is already running');
    workspaceReviewRunning = true;
    status({ state: 'busy', message: 'Reviewing the workspace…' });
    // The client's own progress (cancelled through the request) or one the server creates (with a Cancel button).
    let progress: WorkDoneProgressReporter | undefined;
    let progressCancel: CancellationToken | undefined;
    if (workDoneToken !== undefined) {
      progress = connection.window.attachWorkDoneProgress(workDoneToken);
    } else {
      const created = await connection.window.createWorkDoneProgress().catch(() => undefined);
      progress = created;
      progressCancel = created?.token;
    }
    progress?.begin('Vigil: reviewing the workspace', 0, undefined, true);
    let lastReport = 0;
    // Cancelled by the request's token (the client's Cancel) or by the progress notification's Cancel button.
    const cancellation = {
      get isCancellationRequested() {
        return (token?.isCancellationRequested ?? false) || (progressCancel?.isCancellationRequested ?? false);
      },
    };
    try {
      return await reviewWorkspace(
        {
          connection,
          parser: parser(),
          configs,
          folders: workspaceFolders,
          settingsFor: (uri) => settings.get(uri),
          openFindings: async (uri) => {
            const document = store().get(uri);
            return document ? analyzeNow(document, await settings.get(uri)).findings : undefined;
          },
          toDiagnostics: (findings, uri, current) => diagnosticsOf(findings, uri, undefined, current),
          published: workspacePublished,
        },
        cancellation,
        (done, total) => {
          const now = Date.now();
          if (now - lastReport < 100 && done < total) return;
          lastReport = now;
          progress?.report(total === 0 ? 100 : Math.round((done / total) * 100), `${done} of ${total} files`);
        },
      );
    } finally {
      progress?.done();
      workspaceReviewRunning = false;
      status({ state: 'idle' });
    }
  };

  connection.onRequest(
    REVIEW_WORKSPACE_REQUEST,
    guard('reviewWorkspace', null, (params: { workDoneToken?: string | number } | undefined, token: CancellationToken) =>
      runWorkspaceReview(token, params?.workDoneToken),
    ),
  );

  connection.onShutdown(() => {
    for (const timer of timers.values()) clearTimeout(timer);
    for (const document of documents?.all() ?? []) document.dispose();
  });

  connection.console.log(`vigil ${version} language server started`);
  connection.listen();
}

function uriToPath(uri: string): string | undefined {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined;
  }
}

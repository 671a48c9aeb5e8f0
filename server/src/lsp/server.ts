import { basename, dirname, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CodeActionKind,
  ErrorCodes,
  ResponseError,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  TextDocumentSyncKind,
  type CancellationToken,
  type Connection,
  type Diagnostic,
  type InitializeResult,
  type Position,
  type WorkDoneProgressReporter,
} from 'vscode-languageserver';
import {
  ACTIVE_RULES,
  analyzeText,
  DEFAULT_BUDGET,
  type AnalysisResult,
  type Finding,
  type LineIndex,
  type PythonParser,
  type RuleError,
  type SyntaxTree,
} from '../engine';
import { formatSarif } from '../engine/report/formats';
import { renderReview, reviewVerdict } from '../engine/report/review';
import { ConfigError, ConfigResolver, type ProjectConfig } from '../host/config';
import { displayPath, readPythonSource } from '../host/files';
import {
  EXPORT_SARIF_REQUEST,
  REVIEW_CHANGES_REQUEST,
  REVIEW_FILE_REQUEST,
  REVIEW_WORKSPACE_REQUEST,
  RULES_REQUEST,
  STATUS_NOTIFICATION,
  type ExportSarifParams,
  type ReviewChangesParams,
  type ReviewChangesResult,
  type ReviewFileParams,
  type ReviewFileResult,
  type ReviewWorkspaceResult,
  type RuleSummary,
  type StatusParams,
  type VigilSettings,
} from '../protocol';
import { version } from '../version';
import { ChangeReviews } from './changeReview';
import { codeActionsFor, FIX_ALL_KIND } from './codeActions';
import { configDiagnostic, defaultDocsBase, omittedDiagnostic, partialDiagnostic, publishedFindings, ruleDocsUri, toDiagnostic, unusedSuppressionDiagnostics } from './diagnostics';
import { DocumentStore, type DocumentAnalysis, type OpenDocument } from './documents';
import { EditorBaselines } from './baselines';
import { hoverFor } from './hover';
import { OpenNotebooks, singleEdit, type NotebookView } from './notebooks';
import { filePolicy, SettingsStore, type FilePolicy } from './settings';
import type { LatencyTrace } from './trace';
import { reviewWorkspace } from './workspaceReview';

/**
 * How long analysis runs before it yields to the event loop (ms): requests for other files, the rules list and
 * new edits are answered in between, and an edit makes the analysis of the text it replaced stop. No fixed
 * debounce: edits already queued are applied before an analysis starts, and one that arrives later cancels it (but
 * see `OVERTAKEN_AFTER_MS`).
 */
const SLICE_MS = 8;

/**
 * How long a document may show nothing new while edits keep coming before the analysis under way finishes anyway
 * (ms). An edit stops the analysis of the text it replaced, so that the newest text is analysed at once; but when every
 * analysis takes longer than the gap between two keystrokes (a large file full of syntax errors, a fast typist), none
 * would ever finish. Past this, the one under way is finished and published (its version is the client's older one),
 * then the newest text is analysed.
 */
const OVERTAKEN_AFTER_MS = 200;

/** How long the user must pause before a document with syntax errors is parsed afresh (ms). */
const IDLE_REPARSE_MS = 400;

/** Project configuration files: a change re-reads them and re-analyses. */
const CONFIG_FILE = /(^|\/)(vigil\.toml|\.vigil\.toml|pyproject\.toml)$/;

/**
 * Wires LSP to the engine. Every handler is guarded: an exception is logged to the client and answered with an
 * empty result, never allowed to take the server down. `trace`: where a keystroke's time goes (`VIGIL_TRACE`,
 * `lsp/trace.ts`), for the bench.
 */
export function startServer(connection: Connection, loadParser: () => Promise<PythonParser>, trace?: LatencyTrace): void {
  const settings = new SettingsStore(connection);
  // A vigil.toml or pyproject.toml that is a FIFO, a device or a folder is skipped, and said in the output channel.
  const configs = new ConfigResolver({ onWarning: (message) => reportConfigProblem(message) });
  let documents: DocumentStore | undefined;
  let loadedParser: PythonParser | undefined;
  let docsBase = defaultDocsBase();
  let workspaceFolders: string[] = [];
  /** Scheduled analyses by URI: how to cancel each (a timer, or an immediate for analyses due at once). */
  const timers = new Map<string, () => void>();
  const reportedRuleErrors = new Set<string>();
  const reportedConfigProblems = new Set<string>();
  /** Closed files whose diagnostics a workspace review published. */
  const workspacePublished = new Set<string>();

  const logError = (context: string, error: unknown): void => {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    connection.console.error(`${context}: ${detail}`);
  };
  const status = (params: StatusParams): void => void connection.sendNotification(STATUS_NOTIFICATION, params);
  /** Set by `shutdown`: from then on requests fail with InvalidRequest (LSP 3.17) and notifications are ignored. */
  let shutDown = false;
  /**
   * Wraps a handler: an exception is logged and answered with `fallback`. After `shutdown`, a request (`kind`) is
   * refused with InvalidRequest and a notification ignored with a log line.
   */
  function guard<A extends unknown[], R>(
    name: string,
    fallback: R,
    handler: (...args: A) => R | Promise<R>,
    kind: 'request' | 'notification' = 'request',
  ) {
    return async (...args: A): Promise<R> => {
      if (shutDown) {
        if (kind === 'request') throw new ResponseError(ErrorCodes.InvalidRequest, `${name} after shutdown`);
        connection.console.warn(`vigil: ${name} after shutdown ignored`);
        return fallback;
      }
      try {
        return await handler(...args);
      } catch (error) {
        logError(`vigil: ${name} failed`, error);
        return fallback;
      }
    };
  }

  connection.onInitialize(async (params): Promise<InitializeResult> => {
    const options = (params.initializationOptions ?? {}) as { docsBaseUri?: unknown; budget?: { fileMs?: unknown; ruleMs?: unknown } };
    if (typeof options.docsBaseUri === 'string') docsBase = options.docsBaseUri.replace(/\/?$/, '/');
    // Time budgets of one file's analysis (ms): for tests and slow machines; the defaults suit editors.
    const budget = {
      fileMs: positiveNumber(options.budget?.fileMs) ?? DEFAULT_BUDGET.fileMs,
      ruleMs: positiveNumber(options.budget?.ruleMs) ?? DEFAULT_BUDGET.ruleMs,
    };
    settings.supportsPull = params.capabilities.workspace?.configuration === true;
    const folders = params.workspaceFolders?.map((folder) => folder.uri) ?? (params.rootUri ? [params.rootUri] : []);
    workspaceFolders = folders.map(uriToPath).filter((path): path is string => !!path);
    loadedParser = await loadParser();
    documents = new DocumentStore(loadedParser, budget);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        // Jupyter notebooks: their Python cells, analysed together as one module (lsp/notebooks.ts).
        notebookDocumentSync: { notebookSelector: [{ notebook: { notebookType: 'jupyter-notebook' }, cells: [{ language: 'python' }] }], save: true },
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
      if (policy.config) publishConfigDiagnostics(policy.config.path, configFileDiagnostics(policy.config));
      return policy;
    } catch (error) {
      reportConfigProblem((error as Error).message);
      if (error instanceof ConfigError && error.path) {
        publishConfigDiagnostics(error.path, [configDiagnostic(error.path, error.message, 'error', error.line, error.column)]);
      }
      return filePolicy({ ...current, configurationPreference: 'editorOnly' }, path, folderOf(path), configs);
    }
  };
  const reportConfigProblem = (message: string): void => {
    if (reportedConfigProblems.has(message)) return;
    reportedConfigProblems.add(message);
    connection.console.warn(`vigil: configuration: ${message}`);
    void connection.window.showWarningMessage(`Vigil: ${message}`);
  };

  /**
   * Configuration problems are also diagnostics on the configuration file itself, published when a document's
   * policy reads it and cleared when the file changes (`clearConfigDiagnostics`; the re-analysis publishes what
   * remains). By URI: the diagnostics last published, as JSON, to publish only changes.
   */
  const configDiagnostics = new Map<string, string>();
  const configFileDiagnostics = (config: ProjectConfig): Diagnostic[] =>
    config.warnings.map((warning) => configDiagnostic(config.path, warning, config.errors.includes(warning) ? 'error' : 'warning'));
  const publishConfigDiagnostics = (path: string, diagnostics: Diagnostic[]): void => {
    const uri = pathToFileURL(path).href;
    const published = JSON.stringify(diagnostics);
    if ((configDiagnostics.get(uri) ?? '[]') === published) return;
    if (diagnostics.length > 0) configDiagnostics.set(uri, published);
    else configDiagnostics.delete(uri);
    void connection.sendDiagnostics({ uri, diagnostics });
  };
  const clearConfigDiagnostics = (): void => {
    for (const uri of configDiagnostics.keys()) void connection.sendDiagnostics({ uri, diagnostics: [] });
    configDiagnostics.clear();
  };

  /**
   * The findings of the document's current text: the recorded ones, the analysis already under way for this text,
   * or a new one (parse + changed units only) run in slices of `SLICE_MS`. Resolves to undefined when the text
   * changes (or the document closes) before the analysis ends: that analysis stops at its next slice, unless edits
   * have kept the document from showing anything new for too long (`finishesOvertaken`): then it finishes.
   */
  const analysisOf = (document: OpenDocument, current: VigilSettings): Promise<DocumentAnalysis | undefined> => {
    const existing = document.current;
    if (existing) return Promise.resolve(existing);
    if (document.running?.revision === document.revision) return document.running.promise;
    const { revision, version } = document;
    // An older analysis may still be running (stopping at its next slice, or finishing: `OVERTAKEN_AFTER_MS`): this one
    // reads the next syntax copy, which consumes the copy that one reads, so it starts when that one has ended.
    const overtaken = document.running?.promise;
    const promise = (async (): Promise<DocumentAnalysis | undefined> => {
      if (overtaken) {
        await overtaken.catch(() => undefined);
        if (document.closed || document.revision !== revision) return undefined;
      }
      const policy = policyFor(document.uri, current);
      if (policy.excluded) {
        document.latest = { revision, version, findings: [], hasSyntaxErrors: false, partial: [] };
        return document.latest;
      }
      const { source } = document;
      trace?.mark('analysis-start', document.uri, version);
      const input = { text: source.text, syntax: source.syntax, lineIndex: source.lineIndex };
      trace?.mark('syntax-ready', document.uri, version);
      const freshParse = source.isFresh;
      const steps = document.analyzerFor(policy.knowledge).analyzeInSlices(input, policy.selection, SLICE_MS);
      for (;;) {
        const step = steps.next();
        if (step.done) {
          trace?.mark('analysed', document.uri, version);
          const result = step.value;
          reportRuleErrors(document.uri, result.ruleErrors);
          document.latest = { revision, version, findings: result.findings, hasSyntaxErrors: result.hasSyntaxErrors, partial: result.partial, unusedSuppressions: result.unusedSuppressions, freshParse };
          return document.latest;
        }
        await new Promise((resolve) => setImmediate(resolve));
        if (document.closed) return undefined;
        if (document.revision !== revision && !finishesOvertaken(document, revision, current, policy)) return undefined;
      }
    })().finally(() => {
      if (document.running?.promise === promise) document.running = undefined;
    });
    document.running = { revision, promise };
    return promise;
  };

  /**
   * Whether an analysis of `revision`, which edits have overtaken, finishes and is published all the same: the document
   * has shown nothing new for `OVERTAKEN_AFTER_MS`, only edits came since (not a change of settings), and what is
   * published does not depend on the current text (no baseline's keys, no "changed lines only", no notebook's cells).
   */
  const finishesOvertaken = (document: OpenDocument, revision: number, current: VigilSettings, policy: FilePolicy): boolean =>
    document.lastNonEdit <= revision &&
    document.unpublishedSince !== undefined &&
    performance.now() - document.unpublishedSince >= OVERTAKEN_AFTER_MS &&
    current.showFindings !== 'changed' &&
    !policy.config?.baseline &&
    !notebooks.view(document.uri);

  /** For requests about the current text: waits for its analysis, and once more if an edit overtook it. */
  const currentAnalysis = async (document: OpenDocument, current: VigilSettings): Promise<DocumentAnalysis | undefined> =>
    (await analysisOf(document, current)) ?? (await analysisOf(document, current));

  /** Every rule, whatever the filters: for the report and the SARIF export. Unchanged units come from the cache. */
  const analyzeUnfiltered = async (document: OpenDocument): Promise<AnalysisResult> => {
    const { knowledge } = policyFor(document.uri, await settings.get(document.uri));
    // Not beside an analysis in slices: it may be reading the copy the next one consumes, with the same analyzer.
    await document.running?.promise.catch(() => undefined);
    const { source } = document;
    return document.analyzerFor(knowledge).analyze({ text: source.text, syntax: source.syntax, lineIndex: source.lineIndex });
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
   * The diagnostics of a file's findings, as every publication sends them (open documents, closed files in
   * `workspace` mode, Review Workspace): at most the `MAX_PUBLISHED_FINDINGS` most severe, with one information
   * diagnostic counting the rest (`publishedFindings`).
   */
  const diagnosticsOf = (findings: readonly Finding[], uri: string, version: number | undefined, current: VigilSettings): Diagnostic[] => {
    const { shown, omitted } = publishedFindings(findings);
    const diagnostics = shown.map((finding) => toDiagnostic(finding, uri, version, current, docsBase));
    if (omitted > 0) diagnostics.unshift(omittedDiagnostic(omitted));
    return diagnostics;
  };

  /**
   * The baseline named in the project configuration (`baseline`) hides the findings it holds: from the Problems
   * panel, as from `vigil check`. `text` is the syntax and line index the findings were found in.
   */
  const baselines = new EditorBaselines((message) => connection.console.warn(message));
  const watchedBaselines = new Set<string>();
  const hideBaselined = (
    uri: string,
    findings: readonly Finding[],
    current: VigilSettings,
    text: { readonly syntax: SyntaxTree; readonly lineIndex: LineIndex },
  ): readonly Finding[] => {
    const path = uriToPath(uri);
    const baseline = path ? policyFor(uri, current).config?.baseline : undefined;
    if (!path || !baseline) return findings;
    if (!watchedBaselines.has(baseline)) {
      // Rewritten (`vigil check --write-baseline`): every document is analysed again with it.
      watchedBaselines.add(baseline);
      void connection.client
        .register(DidChangeWatchedFilesNotification.type, {
          watchers: [{ globPattern: { baseUri: pathToFileURL(dirname(baseline)).href, pattern: basename(baseline) } }],
        })
        .catch(() => {});
    }
    const view = notebooks.view(uri);
    return baselines.filter(findings, path, baseline, text, view ? (line) => view.lines.locate(line).line : undefined);
  };

  /**
   * Publishes a document's diagnostics: on its URI, or for a notebook's joined text on the cells they lie in.
   */
  const publish = (document: OpenDocument, version: number | undefined, diagnostics: Diagnostic[]): void => {
    trace?.mark('published', document.uri, version);
    if (notebooks.view(document.uri)) {
      for (const publication of notebooks.publications(document.uri, diagnostics)) void connection.sendDiagnostics(publication);
      return;
    }
    void connection.sendDiagnostics({ uri: document.uri, ...(version !== undefined ? { version } : {}), diagnostics });
  };

  /**
   * Parses, analyses and publishes one document's current text; stops without publishing when the text changes
   * meanwhile (the change schedules its own run).
   */
  const validate = async (document: OpenDocument): Promise<void> => {
    const { revision, version } = document;
    const current = await settings.get(document.uri);
    if (document.closed || document.revision !== revision) return;
    if (!current.enable) {
      document.publishedRevision = revision;
      document.unpublishedSince = undefined;
      document.publishedVersion = version;
      document.publishedDiagnostics = [];
      publish(document, version, []);
      return;
    }
    const analysis = await analysisOf(document, current);
    if (!analysis || document.closed || document.publishedRevision === revision) return;
    // An analysis finishes with edits after it only when they had kept it from finishing (`finishesOvertaken`).
    const overtaken = document.revision !== revision;
    // Issue 9, `vigil.showFindings: changed`: only the findings on lines changed against the base (lsp/changeReview.ts).
    const shown = await changeReviews.filterForChanges(document, analysis.findings, current);
    if (document.closed || (document.revision !== revision && !overtaken) || document.publishedRevision === revision) return;
    // End of issue 9's hook.
    document.publishedRevision = revision;
    document.unpublishedSince = document.revision === revision ? undefined : performance.now();
    const diagnostics = diagnosticsOf(hideBaselined(document.uri, shown, current, document.source), document.uri, version, current);
    if (analysis.partial.length > 0) diagnostics.unshift(partialDiagnostic(analysis.partial));
    diagnostics.push(...unusedSuppressionDiagnostics(analysis.unusedSuppressions ?? []));
    // A fresh re-parse (below) that changed nothing sends nothing again (compared only then: not on every keystroke).
    const unchanged =
      document.reparsedRevision === revision &&
      document.publishedVersion === version &&
      JSON.stringify(document.publishedDiagnostics) === JSON.stringify(diagnostics);
    if (!unchanged) {
      document.publishedVersion = version;
      document.publishedDiagnostics = diagnostics;
      publish(document, version, diagnostics);
    }
    // With syntax errors, tree-sitter's incremental recovery can differ from a fresh parse of the same text: once
    // the user pauses, parse it afresh, so what stays on screen is what a fresh analysis gives.
    if (analysis.hasSyntaxErrors && analysis.freshParse === false) {
      clearTimeout(idleReparse.get(document.uri));
      idleReparse.set(
        document.uri,
        setTimeout(() => {
          idleReparse.delete(document.uri);
          if (document.closed || document.revision !== revision) return;
          document.reparseFromScratch();
          schedule(document, 0);
        }, IDLE_REPARSE_MS),
      );
    }
  };
  const idleReparse = new Map<string, NodeJS.Timeout>();

  /**
   * Analyses a document after `delay` ms, replacing any analysis already scheduled for it. `0` means as soon as the
   * messages already received are handled (`setImmediate`: edits that arrived together are coalesced, and no timer's
   * 1 ms minimum is added to every keystroke).
   */
  const schedule = (document: OpenDocument, delay: number): void => {
    timers.get(document.uri)?.();
    const run = (): void => {
      timers.delete(document.uri);
      validate(document).catch((error) => {
        logError(`vigil: analysing ${document.uri} failed`, error);
        status({ state: 'error', message: 'Analysis failed; see the output channel.' });
        // Stale squiggles are worse than none: clear them.
        document.publishedDiagnostics = undefined;
        publish(document, undefined, []);
      });
    };
    if (delay <= 0) {
      const immediate = setImmediate(run);
      timers.set(document.uri, () => clearImmediate(immediate));
    } else {
      const timer = setTimeout(run, delay);
      timers.set(document.uri, () => clearTimeout(timer));
    }
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
    const analysis = policy.excluded ? undefined : analyzeText(parser(), read.text, policy.selection, { knowledge: policy.knowledge });
    const findings = analysis ? hideBaselined(uri, analysis.findings, current, analysis) : [];
    workspacePublished.add(uri);
    void connection.sendDiagnostics({ uri, diagnostics: diagnosticsOf(findings, uri, undefined, current) });
  };

  connection.onDidOpenTextDocument(
    guard(
      'didOpen',
      undefined,
      (params) => {
        const { uri, version, text } = (params?.textDocument ?? {}) as Partial<typeof params.textDocument>;
        if (typeof uri !== 'string' || typeof text !== 'string' || !Number.isInteger(version)) {
          connection.console.warn(`vigil: didOpen refused: it needs a textDocument with a string uri and text and an integer version (${describe(params)})`);
          return;
        }
        workspacePublished.delete(uri);
        schedule(store().open(uri, version!, text), 0);
      },
      'notification',
    ),
  );

  connection.onDidChangeTextDocument(
    guard('didChange', undefined, async (params) => {
      if (trace && typeof params?.textDocument?.uri === 'string') trace.mark('received', params.textDocument.uri, params.textDocument.version);
      const document = store().get(params?.textDocument?.uri);
      if (!document) {
        connection.console.warn(`vigil: didChange for a document that is not open ignored: ${String(params?.textDocument?.uri)}`);
        return;
      }
      const previous = document.applyChanges(params.contentChanges, params.textDocument.version);
      if (params.textDocument.version <= previous) {
        connection.console.warn(
          `vigil: ${document.uri}: change numbered version ${params.textDocument.version} after version ${previous}; applied, and the findings are computed anew for the resulting text`,
        );
      }
      if ((await settings.get(document.uri)).run === 'onType') schedule(document, 0);
    }, 'notification'),
  );

  connection.onDidSaveTextDocument(
    guard('didSave', undefined, (params) => {
      const uri = params?.textDocument?.uri;
      const document = typeof uri === 'string' ? store().get(uri) : undefined;
      if (document) changeReviews.forget(document.uri); // issue 9: the base is read again
      if (document) schedule(document, 0);
      else connection.console.warn(`vigil: didSave ignored: no open document ${describe(params?.textDocument)}`);
    }, 'notification'),
  );

  connection.onDidCloseTextDocument(
    guard('didClose', undefined, async (params) => {
      const { uri } = params.textDocument;
      timers.get(uri)?.();
      timers.delete(uri);
      store().close(uri);
      changeReviews.forget(uri); // issue 9
      const current = await settings.get(uri);
      settings.forget(uri);
      if (current.workspaceReview === 'workspace' && uri.startsWith('file:')) await publishFromDisk(uri);
      else void connection.sendDiagnostics({ uri, diagnostics: [] });
    }, 'notification'),
  );

  // Jupyter notebooks (LSP 3.17 notebook sync): the Python cells' joined text is an open document under the
  // notebook's URI, edited with one minimal edit per change so that tree-sitter reparses only what changed.
  const notebooks = new OpenNotebooks({
    guard: (name, handler) => guard(name, undefined, handler as (...args: unknown[]) => undefined, 'notification'),
    error: logError,
    opened: (view, version) => {
      workspacePublished.delete(view.notebookUri);
      schedule(store().open(view.notebookUri, version, view.text), 0);
    },
    changed: async (view, version) => {
      const document = store().get(view.notebookUri);
      if (!document) return;
      const { text } = document.source;
      if (text === view.text) {
        // Same text, other cells (cells merged or split, a Markdown cell added): the same findings, published anew.
        document.version = version;
        document.invalidate();
      } else {
        const edit = singleEdit(text, view.text);
        const { lineIndex } = document.source;
        document.applyChanges([{ range: { start: lineIndex.positionAt(edit.start), end: lineIndex.positionAt(edit.end) }, text: edit.text }], version);
      }
      if ((await settings.get(document.uri)).run === 'onType') schedule(document, 0);
    },
    saved: (uri) => {
      const document = store().get(uri);
      if (!document) return;
      changeReviews.forget(uri);
      schedule(document, 0);
    },
    closed: (uri, cellUris) => {
      timers.get(uri)?.();
      timers.delete(uri);
      store().close(uri);
      changeReviews.forget(uri);
      settings.forget(uri);
      for (const cell of cellUris) void connection.sendDiagnostics({ uri: cell, diagnostics: [] });
    },
  });
  notebooks.listen(connection);

  /**
   * The open document a request names, and the position in its text: a Python document as it is, a notebook cell
   * as its notebook's joined text (with the view that maps the answer back to the cell).
   */
  const documentAt = (uri: string, position: Position): { document: OpenDocument; position: Position | undefined; view?: NotebookView } | undefined => {
    const document = store().get(uri);
    if (document) return { document, position };
    const view = notebooks.viewOfCell(uri);
    const notebook = view ? store().get(view.notebookUri) : undefined;
    // A position past the cell's analysed lines (its last, empty line) has no place in the joined text.
    return view && notebook ? { document: notebook, position: view.fromCell(uri, position), view } : undefined;
  };

  const reanalyzeEverything = (): void => {
    for (const document of documents?.all() ?? []) {
      document.invalidate();
      schedule(document, 0);
    }
    for (const uri of workspacePublished) void publishFromDisk(uri).catch((error) => logError('vigil: refresh failed', error));
  };

  connection.onDidChangeConfiguration(
    guard('didChangeConfiguration', undefined, () => {
      settings.clear();
      reportedConfigProblems.clear();
      changeReviews.clear(); // issue 9: the base may have changed
      reanalyzeEverything();
    }, 'notification'),
  );

  connection.onDidChangeWatchedFiles(
    guard('didChangeWatchedFiles', undefined, async (params) => {
      const baselineChanged = params.changes.some((change) => {
        const path = uriToPath(change.uri);
        return path !== undefined && watchedBaselines.has(path);
      });
      if (baselineChanged || params.changes.some((change) => CONFIG_FILE.test(change.uri))) {
        baselines.clear();
        configs.clear();
        reportedConfigProblems.clear();
        clearConfigDiagnostics();
        reanalyzeEverything();
        return;
      }
      for (const change of params.changes) {
        if (store().get(change.uri)) continue; // the editor's buffer is the truth for open files
        const current = await settings.get(change.uri);
        if (current.workspaceReview === 'workspace' || workspacePublished.has(change.uri)) await publishFromDisk(change.uri);
      }
    }, 'notification'),
  );

  connection.onHover(
    guard('hover', null, async (params) => {
      const target = documentAt(params.textDocument.uri, params.position);
      const position = target?.position;
      if (!target || !position) return null;
      const { document } = target;
      const current = await settings.get(document.uri);
      if (!current.enable) return null;
      const analysis = await currentAnalysis(document, current);
      const hover = analysis ? hoverFor(analysis.findings, position, docsBase) : null;
      if (!hover || !target.view || !hover.range) return hover;
      // In a notebook cell: the range in the cell (the view of the text just analysed).
      const placed = (notebooks.view(document.uri) ?? target.view).toCell(hover.range);
      return placed?.uri === params.textDocument.uri ? { ...hover, range: placed.range } : { contents: hover.contents };
    }),
  );

  connection.onCodeAction(
    guard('codeAction', [], async (params) => {
      const target = documentAt(params.textDocument.uri, params.range.start);
      if (!target) return [];
      const { document } = target;
      const current = await settings.get(document.uri);
      if (!current.enable) return [];
      const analysis = await currentAnalysis(document, current);
      if (!analysis) return [];
      // The suppressions read the tree: the document in view keeps it (see `DocumentStore.touch`).
      store().touch(document);
      if (!target.view) return codeActionsFor(document, analysis.findings, params.context, docsBase);
      // In a notebook cell: the cell's diagnostics in the joined text, the actions' edits back in the cells.
      const view = notebooks.view(document.uri) ?? target.view;
      const originals = new Map<Diagnostic, Diagnostic>();
      const diagnostics = params.context.diagnostics.flatMap((diagnostic) => {
        const range = view.rangeFromCell(params.textDocument.uri, diagnostic.range);
        if (!range) return [];
        const joined = { ...diagnostic, range };
        originals.set(joined, diagnostic);
        return [joined];
      });
      const actions = codeActionsFor(document, analysis.findings, { ...params.context, diagnostics }, docsBase).map((action) =>
        action.diagnostics ? { ...action, diagnostics: action.diagnostics.map((diagnostic) => originals.get(diagnostic) ?? diagnostic) } : action,
      );
      return view.actionsToCells(actions, (line) => document.source.lineIndex.lineText(line));
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
        result = { ...(await analyzeUnfiltered(document)), lineIndex: source.lineIndex };
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

  // Issue 9: "Vigil: Review Changes" and the `showFindings: changed` filter (lsp/changeReview.ts).
  const changeReviews = new ChangeReviews({
    parser,
    folders: () => workspaceFolders,
    settingsFor: (uri) => settings.get(uri),
    policyFor,
    openDocument: (uri) => store().get(uri),
    openDocuments: () => documents?.all() ?? [],
    log: (message) => connection.console.warn(message),
  });
  connection.onRequest(
    REVIEW_CHANGES_REQUEST,
    guard('reviewChanges', null, (params: ReviewChangesParams | undefined): Promise<ReviewChangesResult> => changeReviews.review(params)),
  );

  connection.onRequest(
    EXPORT_SARIF_REQUEST,
    guard('exportSarif', null, async (params: ExportSarifParams): Promise<string | null> => {
      if (typeof params?.uri !== 'string') throw new Error(`params need a string \`uri\` (${describe(params)})`);
      const document = store().get(params.uri);
      if (!document) return null;
      const path = uriToPath(params.uri);
      const shown = path ? displayPath(path, folderOf(path) ?? process.cwd()) : params.uri;
      return formatSarif([{ path: shown, findings: (await analyzeUnfiltered(document)).findings }], [], version);
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
            return document ? (await currentAnalysis(document, await settings.get(uri)))?.findings : undefined;
          },
          toDiagnostics: (findings, uri, current) => diagnosticsOf(findings, uri, undefined, current),
          shown: (uri, findings, current, analysis) => hideBaselined(uri, findings, current, analysis),
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
    shutDown = true;
    for (const cancel of timers.values()) cancel();
    for (const timer of idleReparse.values()) clearTimeout(timer);
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

function positiveNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

/** A short rendering of a malformed value for a log line. */
function describe(value: unknown): string {
  try {
    return (JSON.stringify(value) ?? String(value)).slice(0, 200);
  } catch {
    return String(value);
  }
}

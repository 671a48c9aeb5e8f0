import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  State,
  TransportKind,
  type ErrorHandler,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { SERVER_NODE_FLAGS } from '../../server/src/launch';
import { DISABLE_RULE_COMMAND, SHOW_RULE_DOCUMENTATION_COMMAND, STATUS_NOTIFICATION, type StatusParams } from '../../server/src/protocol';
import { reviewChanges, reviewChangesAgainst } from './changes';
import { exportReview, reviewActiveFile } from './review';
import { disableRule, showRuleDocumentation } from './rules';
import { ShowFindingsToggle, StatusBar, TOGGLE_SHOW_FINDINGS_COMMAND, toggleShowFindings } from './statusBar';
import { reviewWorkspace } from './workspace';

/**
 * The thin client: starts the language server and turns commands into requests. All analysis happens in the
 * server; everything shown comes from it.
 */

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const activationStarted = performance.now();
  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: [...SERVER_NODE_FLAGS] } },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: [...SERVER_NODE_FLAGS, '--nolazy', '--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'python' },
      { scheme: 'untitled', language: 'python' },
      // Python cells of Jupyter notebooks: synced through LSP notebook sync (the server's notebookDocumentSync),
      // named here so that hovers and quick fixes are asked for them too.
      { notebook: 'jupyter-notebook', language: 'python' },
    ],
    outputChannelName: 'Vigil',
    // Hovers quote the user's code: render them as plain Markdown, never trusted with command links or raw HTML
    // (these are the library's defaults, pinned here on purpose).
    markdown: { isTrusted: false, supportHtml: false },
    initializationOptions: {
      docsBaseUri: vscode.Uri.joinPath(context.extensionUri, 'docs', 'rules').toString(),
    },
    errorHandler: restartBounded(),
  };
  const languageClient = new LanguageClient('vigil', 'Vigil', serverOptions, clientOptions);
  client = languageClient;
  const statusBar = new StatusBar();

  context.subscriptions.push(
    statusBar,
    vscode.commands.registerCommand('vigil.reviewFile', () => reviewActiveFile(languageClient, context.globalStorageUri)),
    vscode.commands.registerCommand('vigil.exportReviewMarkdown', () => exportReview(languageClient, 'markdown')),
    vscode.commands.registerCommand('vigil.exportReviewSarif', () => exportReview(languageClient, 'sarif')),
    vscode.commands.registerCommand('vigil.reviewWorkspace', () => reviewWorkspace(languageClient)),
    vscode.commands.registerCommand('vigil.reviewChanges', (scm?: unknown) => reviewChanges(languageClient, context.globalStorageUri, undefined, scm)),
    new ShowFindingsToggle(),
    vscode.commands.registerCommand(TOGGLE_SHOW_FINDINGS_COMMAND, () => toggleShowFindings()),
    vscode.commands.registerCommand('vigil.reviewChangesAgainst', (scm?: unknown) => reviewChangesAgainst(languageClient, context.globalStorageUri, scm)),
    vscode.commands.registerCommand(SHOW_RULE_DOCUMENTATION_COMMAND, (ruleId?: string) => showRuleDocumentation(languageClient, ruleId)),
    vscode.commands.registerCommand(DISABLE_RULE_COMMAND, (ruleId: string) => disableRule(ruleId)),
    vscode.commands.registerCommand('vigil.restartServer', async () => {
      statusBar.setServerState('busy', 'Restarting…');
      await languageClient.restart();
    }),
    vscode.commands.registerCommand('vigil.showOutput', () => languageClient.outputChannel.show()),
    languageClient.onDidChangeState(({ newState }) => {
      if (newState === State.Stopped) statusBar.setServerState('error', 'The Vigil server stopped; see "Vigil: Show Output".');
      else if (newState === State.Running) statusBar.setServerState('idle');
    }),
  );
  const serverStarted = performance.now();
  await languageClient.start();
  // The extension's activation, timed (issue 7): what VS Code waits for, and the part of it that is the server's
  // start-up (spawn, then the answer to `initialize`). `test/e2e/vscode.test.mjs` reads this line.
  const now = performance.now();
  languageClient.outputChannel.appendLine(
    `Vigil activated in ${Math.round(now - activationStarted)} ms (language server started and initialized in ${Math.round(now - serverStarted)} ms)`,
  );
  context.subscriptions.push(
    languageClient.onNotification(STATUS_NOTIFICATION, (params: StatusParams) => statusBar.setServerState(params.state, params.message)),
  );
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

/** Restarts a server that went away, at most `MAX_RESTARTS` times in `RESTART_WINDOW_MS`, saying so each time. */
const MAX_RESTARTS = 4;
const RESTART_WINDOW_MS = 3 * 60_000;

function restartBounded(): ErrorHandler {
  const restarts: number[] = [];
  return {
    // A broken message: keep the connection for the first few, then stop (the close handler decides on restarts).
    error: (_error, _message, count) => ({ action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown }),
    closed: () => {
      const now = Date.now();
      while (restarts.length > 0 && now - restarts[0]! > RESTART_WINDOW_MS) restarts.shift();
      if (restarts.length >= MAX_RESTARTS) {
        return {
          action: CloseAction.DoNotRestart,
          message: `The Vigil server stopped ${MAX_RESTARTS + 1} times in 3 minutes and will not be restarted. See "Vigil: Show Output", then run "Vigil: Restart Server".`,
        };
      }
      restarts.push(now);
      return {
        action: CloseAction.Restart,
        message: `The Vigil server stopped unexpectedly; restarting it (${restarts.length} of ${MAX_RESTARTS}). See "Vigil: Show Output" for details.`,
      };
    },
  };
}

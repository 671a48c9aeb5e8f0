import * as vscode from 'vscode';
import { LanguageClient, State, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { DISABLE_RULE_COMMAND, SHOW_RULE_DOCUMENTATION_COMMAND, STATUS_NOTIFICATION, type StatusParams } from '../../server/src/protocol';
import { exportReview, reviewActiveFile } from './review';
import { disableRule, showRuleDocumentation } from './rules';
import { StatusBar } from './statusBar';
import { reviewWorkspace } from './workspace';

/**
 * The thin client: starts the language server and turns commands into requests. All analysis happens in the
 * server; everything shown comes from it.
 */

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'python' },
      { scheme: 'untitled', language: 'python' },
    ],
    outputChannelName: 'Vigil',
    initializationOptions: {
      docsBaseUri: vscode.Uri.joinPath(context.extensionUri, 'docs', 'rules').toString(),
    },
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
  await languageClient.start();
  context.subscriptions.push(
    languageClient.onNotification(STATUS_NOTIFICATION, (params: StatusParams) => statusBar.setServerState(params.state, params.message)),
  );
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { REVIEW_FILE_REQUEST, type ReviewFileParams, type ReviewFileResult } from '../../server/src/protocol';

/**
 * The thin client: starts the language server, and turns commands into requests. All analysis happens in the
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
  client = new LanguageClient('vigil', 'Vigil', serverOptions, clientOptions);

  context.subscriptions.push(
    vscode.commands.registerCommand('vigil.reviewFile', () => reviewActiveFile()),
    vscode.commands.registerCommand('vigil.restartServer', async () => {
      await client?.restart();
    }),
    vscode.commands.registerCommand('vigil.showOutput', () => client?.outputChannel.show()),
  );
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

async function reviewActiveFile(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'python') {
    void vscode.window.showInformationMessage('Vigil: open a Python file to review it.');
    return;
  }
  if (!client) return;
  const params: ReviewFileParams = { uri: editor.document.uri.toString() };
  const result = await client.sendRequest<ReviewFileResult | null>(REVIEW_FILE_REQUEST, params);
  if (!result) {
    void vscode.window.showErrorMessage('Vigil: the review failed; see "Vigil: Show Output".');
    return;
  }
  const report = await vscode.workspace.openTextDocument({ language: 'markdown', content: result.markdown });
  await vscode.commands.executeCommand('markdown.showPreviewToSide', report.uri);
}

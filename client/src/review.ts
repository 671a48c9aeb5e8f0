import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  EXPORT_SARIF_REQUEST,
  REVIEW_FILE_REQUEST,
  type ExportSarifParams,
  type ReviewFileParams,
  type ReviewFileResult,
} from '../../server/src/protocol';

function activePythonEditor(): vscode.TextEditor | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'python') {
    void vscode.window.showInformationMessage('Vigil: open a Python file to review it.');
    return undefined;
  }
  return editor;
}

/**
 * "Vigil: Review File": the report as a Markdown preview beside the editor. The report is saved in the
 * extension's storage so that its "line N" links, relative to that file, open the source at the line.
 *
 * Trust: the report quotes the user's code, so it is shown in VS Code's own Markdown preview, whose webview does
 * not enable command URIs (a `command:` link in it does nothing) and whose default "strict" security blocks scripts.
 * The preview does render raw HTML and linkifies URLs, so the server quotes everything taken from the code
 * (server/src/engine/report/escape.ts): the only links in a report are its relative "line N" links and CWE pages.
 * The report is never put in a trusted `MarkdownString` or a webview of ours with command URIs enabled.
 */
export async function reviewActiveFile(client: LanguageClient, storage: vscode.Uri): Promise<void> {
  const editor = activePythonEditor();
  if (!editor) return;
  const source = editor.document.uri;
  const name = source.path.split('/').pop()!.replace(/\.py$/, '');
  const reportUri = source.scheme === 'file' ? vscode.Uri.joinPath(storage, 'reviews', `${name}.review.md`) : undefined;
  const params: ReviewFileParams = { uri: source.toString(), ...(reportUri ? { reportUri: reportUri.toString() } : {}) };
  const result = await client.sendRequest<ReviewFileResult | null>(REVIEW_FILE_REQUEST, params);
  if (!result) {
    void vscode.window.showErrorMessage('Vigil: the review failed; see "Vigil: Show Output".');
    return;
  }
  await showReportPreview(result.markdown, reportUri);
  const choice = await vscode.window.showInformationMessage(`Vigil: ${result.verdict}`, 'Export as Markdown', 'Export as SARIF');
  if (choice === 'Export as Markdown') await exportReview(client, 'markdown', editor);
  else if (choice === 'Export as SARIF') await exportReview(client, 'sarif', editor);
}

/**
 * Shows a report of the server (Review File, Review Changes) in VS Code's Markdown preview beside the editor, saved
 * first at `reportUri` when given (for its relative links), else as an untitled document. Untrusted, as above.
 */
export async function showReportPreview(markdown: string, reportUri?: vscode.Uri): Promise<void> {
  let report: vscode.Uri;
  if (reportUri) {
    await vscode.workspace.fs.writeFile(reportUri, new TextEncoder().encode(markdown));
    report = reportUri;
  } else {
    report = (await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown })).uri;
  }
  await vscode.commands.executeCommand('markdown.showPreviewToSide', report);
}

/** "Export as Markdown" / "Export as SARIF" for the active Python file. */
export async function exportReview(client: LanguageClient, format: 'markdown' | 'sarif', target?: vscode.TextEditor): Promise<void> {
  const editor = target ?? activePythonEditor();
  if (!editor) return;
  const uri = editor.document.uri.toString();
  const content =
    format === 'markdown'
      ? (await client.sendRequest<ReviewFileResult | null>(REVIEW_FILE_REQUEST, { uri } satisfies ReviewFileParams))?.markdown
      : await client.sendRequest<string | null>(EXPORT_SARIF_REQUEST, { uri } satisfies ExportSarifParams);
  if (!content) {
    void vscode.window.showErrorMessage('Vigil: the export failed; see "Vigil: Show Output".');
    return;
  }
  await saveAs(editor.document.uri, format === 'markdown' ? 'md' : 'sarif', content);
}

async function saveAs(source: vscode.Uri, extension: 'md' | 'sarif', content: string): Promise<void> {
  const suggested = source.scheme === 'file' ? vscode.Uri.file(`${source.fsPath.replace(/\.py$/, '')}.vigil.${extension}`) : undefined;
  const target = await vscode.window.showSaveDialog({
    ...(suggested ? { defaultUri: suggested } : {}),
    filters: extension === 'md' ? { Markdown: ['md'] } : { SARIF: ['sarif', 'json'] },
  });
  if (!target) return;
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(content));
  void vscode.window.showInformationMessage(`Vigil: saved ${vscode.workspace.asRelativePath(target)}`);
}

import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { REVIEW_CHANGES_REQUEST, type ReviewChangesParams, type ReviewChangesResult } from '../../server/src/protocol';
import { showReportPreview } from './review';

/**
 * "Vigil: Review Changes": the server's review of what the working tree changes against a git base, shown like
 * Review File (VS Code's Markdown preview, untrusted). The folder is the one holding the active file, else the
 * first workspace folder (the Source Control view's button passes its repository, used when it is a folder).
 */
export async function reviewChanges(client: LanguageClient, storage: vscode.Uri, base?: string, scm?: unknown): Promise<void> {
  const folder = folderToReview(scm);
  if (!folder) {
    void vscode.window.showInformationMessage('Vigil: open a folder in a git repository to review its changes.');
    return;
  }
  const params: ReviewChangesParams = { folderUri: folder.toString(), ...(base !== undefined ? { base } : {}) };
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'Vigil: reviewing the changes…' },
    () => client.sendRequest<ReviewChangesResult | null>(REVIEW_CHANGES_REQUEST, params),
  );
  if (!result) {
    void vscode.window.showErrorMessage('Vigil: the review of the changes failed; see "Vigil: Show Output".');
    return;
  }
  if ('error' in result) {
    void vscode.window.showErrorMessage(`Vigil: ${result.error}`);
    return;
  }
  const reportUri = vscode.Uri.joinPath(storage, 'reviews', 'changes.review.md');
  await showReportPreview(result.markdown, storage.scheme === 'file' ? reportUri : undefined);
  void vscode.window.showInformationMessage(`Vigil: ${result.verdict}`);
}

/** "Vigil: Review Changes Against…": asks for the revision to compare with (default `vigil.reviewChanges.base`). */
export async function reviewChangesAgainst(client: LanguageClient, storage: vscode.Uri, scm?: unknown): Promise<void> {
  const folder = folderToReview(scm);
  const setting = vscode.workspace.getConfiguration('vigil', folder).get<string>('reviewChanges.base', '');
  const base = await vscode.window.showInputBox({
    title: 'Vigil: Review Changes Against',
    prompt: 'A git branch, tag or commit to compare the working tree with (empty: the merge base with the upstream branch, else HEAD)',
    placeHolder: 'origin/main',
    value: setting,
    ignoreFocusOut: true,
  });
  if (base === undefined) return;
  await reviewChanges(client, storage, base.trim(), scm);
}

function folderToReview(scm: unknown): vscode.Uri | undefined {
  // The Source Control view passes its source control, whose `rootUri` is the repository.
  const root = (scm as { rootUri?: unknown } | undefined)?.rootUri;
  if (root instanceof vscode.Uri && root.scheme === 'file') return root;
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active?.scheme === 'file') {
    const folder = vscode.workspace.getWorkspaceFolder(active);
    if (folder) return folder.uri;
  }
  return vscode.workspace.workspaceFolders?.[0]?.uri;
}

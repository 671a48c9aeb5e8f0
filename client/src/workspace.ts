import * as vscode from 'vscode';
import { WorkDoneProgress, type LanguageClient } from 'vscode-languageclient/node';
import { REVIEW_WORKSPACE_REQUEST, type ReviewWorkspaceResult } from '../../server/src/protocol';

/** "Vigil: Review Workspace": every Python file, with a cancellable progress notification, then a summary. */
export async function reviewWorkspace(client: LanguageClient): Promise<void> {
  if (!vscode.workspace.workspaceFolders?.length) {
    void vscode.window.showInformationMessage('Vigil: open a folder to review its Python files.');
    return;
  }
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Vigil: reviewing the workspace', cancellable: true },
    async (progress, token) => {
      const workDoneToken = `vigil-review-${Date.now()}`;
      let reported = 0;
      const listener = client.onProgress(WorkDoneProgress.type, workDoneToken, (value) => {
        if (value.kind !== 'report' || value.percentage === undefined) return;
        progress.report({ increment: value.percentage - reported, ...(value.message ? { message: value.message } : {}) });
        reported = value.percentage;
      });
      try {
        return await client.sendRequest<ReviewWorkspaceResult | null>(REVIEW_WORKSPACE_REQUEST, { workDoneToken }, token);
      } finally {
        listener.dispose();
      }
    },
  );
  if (!result) {
    void vscode.window.showErrorMessage('Vigil: the workspace review failed; see "Vigil: Show Output".');
    return;
  }
  const severities = (['high', 'medium', 'low', 'info'] as const)
    .filter((severity) => result.bySeverity[severity] > 0)
    .map((severity) => `${result.bySeverity[severity]} ${severity}`);
  const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;
  const summary = result.cancelled
    ? `Vigil: review cancelled after ${plural(result.files, 'file')}; ${plural(result.findings, 'finding')} so far.`
    : result.findings === 0
      ? `Vigil reviewed ${plural(result.files, 'Python file')}: no security defects found.`
      : `Vigil reviewed ${plural(result.files, 'Python file')}: ${plural(result.findings, 'finding')} in ${plural(result.filesWithFindings, 'file')} (${severities.join(', ')}).`;
  // Files found but not analysed (unreadable, binary, too large, a name that is not UTF-8): the server logs each reason.
  const skipped = result.skipped > 0 ? ` ${plural(result.skipped, 'file')} could not be analysed (see "Vigil: Show Output").` : '';
  const choice = await vscode.window.showInformationMessage(summary + skipped, ...(result.findings > 0 ? ['Show Problems'] : []));
  if (choice === 'Show Problems') await vscode.commands.executeCommand('workbench.actions.view.problems');
}

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
  const summary = result.cancelled
    ? `Vigil: review cancelled after ${result.files} files; ${result.findings} findings so far.`
    : result.findings === 0
      ? `Vigil reviewed ${result.files} Python files: no security defects found.`
      : `Vigil reviewed ${result.files} Python files: ${result.findings} findings in ${result.filesWithFindings} files (${severities.join(', ')}).`;
  const choice = await vscode.window.showInformationMessage(summary, ...(result.findings > 0 ? ['Show Problems'] : []));
  if (choice === 'Show Problems') await vscode.commands.executeCommand('workbench.actions.view.problems');
}

import * as vscode from 'vscode';

/**
 * The status bar item: the active file's Vigil findings by editor severity; a click opens the Problems panel.
 * While the server works on something long (a workspace review) it spins; when the server failed it says so.
 */
export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('vigil.status', vscode.StatusBarAlignment.Left, 50);
  private readonly subscriptions: vscode.Disposable[];
  private state: 'idle' | 'busy' | 'error' = 'idle';
  private message: string | undefined;

  constructor() {
    this.item.name = 'Vigil';
    this.subscriptions = [
      vscode.languages.onDidChangeDiagnostics(() => this.render()),
      vscode.window.onDidChangeActiveTextEditor(() => this.render()),
    ];
    this.render();
  }

  setServerState(state: 'idle' | 'busy' | 'error', message?: string): void {
    this.state = state;
    this.message = message;
    this.render();
  }

  private render(): void {
    const editor = vscode.window.activeTextEditor;
    if (this.state === 'error') {
      this.item.text = '$(error) Vigil';
      this.item.tooltip = this.message ?? 'The Vigil server failed.';
      this.item.command = 'vigil.showOutput';
      this.item.show();
      return;
    }
    if (this.state === 'busy') {
      this.item.text = '$(sync~spin) Vigil';
      this.item.tooltip = this.message ?? 'Vigil is working…';
      this.item.command = 'vigil.showOutput';
      this.item.show();
      return;
    }
    if (!editor || editor.document.languageId !== 'python') {
      this.item.hide();
      return;
    }
    const diagnostics = vscode.languages.getDiagnostics(editor.document.uri).filter((d) => d.source === 'vigil');
    const count = (severity: vscode.DiagnosticSeverity): number => diagnostics.filter((d) => d.severity === severity).length;
    const errors = count(vscode.DiagnosticSeverity.Error);
    const warnings = count(vscode.DiagnosticSeverity.Warning);
    const others = diagnostics.length - errors - warnings;
    this.item.text =
      diagnostics.length === 0 ? '$(shield) Vigil' : `$(shield) $(error) ${errors} $(warning) ${warnings} $(info) ${others}`;
    this.item.tooltip =
      diagnostics.length === 0
        ? 'Vigil: no security findings in this file'
        : `Vigil: ${diagnostics.length} security finding${diagnostics.length === 1 ? '' : 's'} in this file — click for the Problems panel`;
    this.item.command = 'workbench.actions.view.problems';
    this.item.show();
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.item.dispose();
  }
}

/**
 * The status bar toggle of `vigil.showFindings` (issue 9): "all" findings of open files, or only those on lines
 * changed against the git base. Shown for Python editors; a click flips the setting where it is set (the workspace
 * folder, the workspace, else the user settings).
 */
export class ShowFindingsToggle implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('vigil.showFindings', vscode.StatusBarAlignment.Left, 49);
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    this.item.name = 'Vigil: Findings Shown';
    this.item.command = TOGGLE_SHOW_FINDINGS_COMMAND;
    this.subscriptions = [
      vscode.window.onDidChangeActiveTextEditor(() => this.render()),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('vigil.showFindings')) this.render();
      }),
    ];
    this.render();
  }

  private render(): void {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== 'python') {
      this.item.hide();
      return;
    }
    const changed = vscode.workspace.getConfiguration('vigil', editor.document.uri).get<string>('showFindings', 'all') === 'changed';
    this.item.text = changed ? '$(git-compare) Changed lines' : '$(list-flat) All findings';
    this.item.tooltip = changed
      ? 'Vigil shows only the findings on lines changed against the git base; click to show all findings'
      : 'Vigil shows every finding; click to show only those on lines changed against the git base';
    this.item.show();
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.item.dispose();
  }
}

export const TOGGLE_SHOW_FINDINGS_COMMAND = 'vigil.toggleShowFindings';

/** Flips `vigil.showFindings` at the most specific level where it is set (default: the workspace, else the user). */
export async function toggleShowFindings(): Promise<void> {
  const scope = vscode.window.activeTextEditor?.document.uri;
  const configuration = vscode.workspace.getConfiguration('vigil', scope);
  const next = configuration.get<string>('showFindings', 'all') === 'changed' ? 'all' : 'changed';
  const inspected = configuration.inspect<string>('showFindings');
  const target =
    inspected?.workspaceFolderValue !== undefined ? vscode.ConfigurationTarget.WorkspaceFolder
    : inspected?.workspaceValue !== undefined || (inspected?.globalValue === undefined && vscode.workspace.workspaceFolders?.length)
      ? vscode.ConfigurationTarget.Workspace
      : vscode.ConfigurationTarget.Global;
  await configuration.update('showFindings', next, target);
}

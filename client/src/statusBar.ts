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

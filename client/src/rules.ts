import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { RULES_REQUEST, type RuleSummary } from '../../server/src/protocol';

/** "Vigil: Show Rule Documentation": pick a rule (or get one from a code action) and read its page. */
export async function showRuleDocumentation(client: LanguageClient, ruleId?: string): Promise<void> {
  const rules = await client.sendRequest<RuleSummary[]>(RULES_REQUEST);
  let rule = ruleId ? rules.find((candidate) => candidate.id === ruleId) : undefined;
  if (!rule) {
    const picked = await vscode.window.showQuickPick(
      rules.map((candidate) => ({
        label: `${candidate.id} ${candidate.name}`,
        description: candidate.title,
        detail: `${candidate.severity} · ${candidate.cwe.map((cwe) => `CWE-${cwe}`).join(', ')}`,
        rule: candidate,
      })),
      { placeHolder: 'Which rule?', matchOnDescription: true },
    );
    rule = picked?.rule;
  }
  if (!rule?.docsUri) return;
  await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.parse(rule.docsUri));
}

/** "Disable <ID> in settings": adds the rule to `vigil.ignore` (workspace settings when a folder is open). */
export async function disableRule(ruleId: string): Promise<void> {
  const config = vscode.workspace.getConfiguration('vigil');
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  const inspected = config.inspect<string[]>('ignore');
  const current = (target === vscode.ConfigurationTarget.Workspace ? inspected?.workspaceValue : inspected?.globalValue) ?? [];
  if (current.includes(ruleId)) return;
  await config.update('ignore', [...current, ruleId], target);
  void vscode.window.showInformationMessage(`Vigil: ${ruleId} is now ignored (vigil.ignore).`);
}

import type { Rule } from '../rules/rule';
import { ruleDocFileName } from './docs';

/** The Markdown table of rules shown in README.md and docs/rules/README.md. */
export function ruleTable(rules: readonly Rule[], docsPath: string): string {
  const lines = [
    '| ID | Name | What it finds | Severity | CWE | Bandit | Ruff | Fix |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const { meta } of rules) {
    lines.push(
      `| [${meta.id}](${docsPath}${ruleDocFileName(meta)}) | \`${meta.name}\` | ${meta.title} | ${meta.severity} | ${meta.cwe
        .map((cwe) => `CWE-${cwe}`)
        .join(', ')} | ${meta.bandit.join(', ') || '—'} | ${meta.ruff.join(', ') || '—'} | ${meta.fixable ? 'yes' : '—'} |`,
    );
  }
  return lines.join('\n');
}

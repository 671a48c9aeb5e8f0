import type { Rule, RuleMeta } from '../rules/rule';
import { cweUrl, ruleDocFileName } from './docs';

/** The Markdown table of rules shown in README.md and docs/rules/README.md. */
export function ruleTable(rules: readonly Rule[], docsPath: string): string {
  const lines = [
    '| ID | Name | What it finds | Severity | CWE | Bandit | Ruff | Fix |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const { meta } of rules) {
    lines.push(
      `| [${meta.id}](${docsPath}${ruleDocFileName(meta)}) | \`${meta.name}\` | ${meta.title} | ${meta.severity}${meta.optIn ? ' (opt-in)' : ''} | ${meta.cwe
        .map((cwe) => `CWE-${cwe}`)
        .join(', ')} | ${meta.bandit.join(', ') || '—'} | ${meta.ruff.join(', ') || '—'} | ${meta.fixable ? 'yes' : '—'} |`,
    );
  }
  return lines.join('\n');
}

/**
 * The categories of rules: a rule's ID says its category by its hundreds digit (`VG1xx` injection, `VG3xx`
 * cryptography…); a new rule takes the next free ID of its category.
 */
export const RULE_CATEGORIES: Readonly<Record<string, string>> = {
  '1': 'Injection: data reaching an interpreter, a query or a response',
  '2': 'Unsafe loading: deserialization, parsers, archives, downloads',
  '3': 'Cryptography and transport security',
  '4': 'Secrets and randomness',
  '5': 'Access control',
  '6': 'Error handling, files, processes and the operating system',
  '7': 'Web framework configuration',
};

/** The category of a rule by its ID (`RULE_CATEGORIES`); `Other` for an ID outside them. */
export function ruleCategory(meta: Pick<RuleMeta, 'id'>): string {
  return RULE_CATEGORIES[meta.id.charAt(2)] ?? 'Other';
}

function ruleLink(meta: RuleMeta, docsPath: string): string {
  return `[${meta.id}](${docsPath}${ruleDocFileName(meta)}) \`${meta.name}\``;
}

/** The rules grouped by category (`ruleCategory`), in ID order: a Markdown section per category. */
export function rulesByCategory(rules: readonly Rule[], docsPath: string): string {
  const groups = new Map<string, RuleMeta[]>();
  for (const { meta } of [...rules].sort((a, b) => a.meta.id.localeCompare(b.meta.id))) {
    const category = ruleCategory(meta);
    groups.set(category, [...(groups.get(category) ?? []), meta]);
  }
  return [...groups]
    .map(([category, metas]) => [`### ${category}`, '', ...metas.map((meta) => `- ${ruleLink(meta, docsPath)}: ${meta.title}`)].join('\n'))
    .join('\n\n');
}

/** Every CWE the rules name, in numeric order, with the rules that report it: a Markdown table. */
export function rulesByCwe(rules: readonly Rule[], docsPath: string): string {
  const byCwe = new Map<number, RuleMeta[]>();
  for (const { meta } of rules) for (const cwe of meta.cwe) byCwe.set(cwe, [...(byCwe.get(cwe) ?? []), meta]);
  const lines = ['| CWE | Rules |', '|---|---|'];
  for (const cwe of [...byCwe.keys()].sort((a, b) => a - b)) {
    const metas = byCwe.get(cwe)!.sort((a, b) => a.id.localeCompare(b.id));
    lines.push(`| [CWE-${cwe}](${cweUrl(cwe)}) | ${metas.map((meta) => ruleLink(meta, docsPath)).join(', ')} |`);
  }
  return lines.join('\n');
}

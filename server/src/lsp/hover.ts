import type { Hover, Position } from 'vscode-languageserver';
import { ruleById, type Finding } from '../engine';
import { cweLinks } from '../engine/report/docs';
import { rangeContains } from './documents';
import { ruleDocsUri } from './diagnostics';

/** Hover on a finding's range: what the occurrence is, why it matters, how to fix it, how to suppress it. */
export function hoverFor(findings: readonly Finding[], position: Position, docsBase: string): Hover | null {
  const here = findings.filter((finding) => rangeContains(finding.range, position));
  if (here.length === 0) return null;
  const sections = here.map((finding) => {
    const rule = ruleById(finding.ruleId);
    const docs = ruleDocsUri(finding.ruleId, docsBase);
    const lines = [
      `**${finding.ruleId} · ${rule?.meta.title ?? finding.ruleName}** (${finding.severity} severity, ${finding.confidence} confidence, ${cweLinks(finding.cwe)})`,
      '',
      finding.message,
    ];
    if (finding.flow.length > 0) {
      lines.push('', '**Where the data comes from:**', '');
      finding.flow.forEach((step, index) => lines.push(`${index + 1}. line ${step.range.start.line + 1}: ${step.message}`));
    }
    if (finding.related.length > 0) {
      lines.push('', '**How it gets there:**', '');
      for (const related of finding.related) lines.push(`- line ${related.range.start.line + 1}: ${related.message}`);
    }
    if (rule) {
      const { docs } = rule.meta;
      lines.push('', `**Why it matters.** ${docs.whyIsThisBad}`);
      lines.push('', '**How to fix it.**' + (finding.fixes[0] ? ` ${finding.fixes[0].title} (quick fix available).` : ''));
      lines.push('', 'Before:', '', '```python\n' + docs.example.trimEnd() + '\n```');
      lines.push('', 'After:', '', '```python\n' + docs.useInstead.trimEnd() + '\n```');
    }
    const equivalents = [...finding.bandit.slice(0, 1).map((code) => `\`# nosec ${code}\``), ...finding.ruff.slice(0, 1).map((code) => `\`# noqa: ${code}\``)];
    lines.push(
      '',
      `Suppress: \`# vigil: ignore[${finding.ruleId}]\`${equivalents.length > 0 ? ` (or ${equivalents.join(', ')})` : ''}${docs ? ` · [Rule documentation](${docs})` : ''}`,
    );
    return lines.join('\n');
  });
  const range = here[0]!.range;
  return { contents: { kind: 'markdown', value: sections.join('\n\n---\n\n') }, range };
}

import type { Hover, Position } from 'vscode-languageserver';
import { ruleById, type Finding } from '../engine';
import { cweLinks } from '../engine/report/docs';
import { ELLIPSIS, markdownFence, markdownMessage } from '../engine/report/escape';
import { rangeContains } from './documents';
import { ruleDocsUri } from './diagnostics';

/**
 * The hover's bounds. Messages quote the user's code: each is quoted for Markdown (no live HTML, links or emphasis
 * from the code) and cut; long data-flow paths and related lists show their first items and count the rest.
 */
export const HOVER_LIMITS = {
  /** Characters of a message (the finding's, each step's, each related location's, a fix title). */
  messageChars: 500,
  /** Steps of a data-flow path, and related locations, per finding. */
  listItems: 20,
} as const;

function message(text: string): string {
  return markdownMessage(text, HOVER_LIMITS.messageChars);
}

/** At most `listItems` lines, then one saying how many more there are. */
function bounded<T>(items: readonly T[], render: (item: T, index: number) => string, more: (count: number) => string): string[] {
  const shown = items.slice(0, HOVER_LIMITS.listItems).map(render);
  if (items.length > shown.length) shown.push(more(items.length - shown.length));
  return shown;
}

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
      message(finding.message),
    ];
    if (finding.flow.length > 0) {
      lines.push('', '**Where the data comes from:**', '');
      lines.push(
        ...bounded(
          finding.flow,
          (step, index) => `${index + 1}. line ${step.range.start.line + 1}: ${message(step.message)}`,
          (count) => `- ${ELLIPSIS} and ${count} more step${count === 1 ? '' : 's'}`,
        ),
      );
    }
    if (finding.related.length > 0) {
      lines.push('', '**How it gets there:**', '');
      lines.push(
        ...bounded(
          finding.related,
          (related) => `- line ${related.range.start.line + 1}: ${message(related.message)}`,
          (count) => `- ${ELLIPSIS} and ${count} more related location${count === 1 ? '' : 's'}`,
        ),
      );
    }
    if (rule) {
      const { docs } = rule.meta;
      const fix = finding.fixes[0];
      lines.push('', `**Why it matters.** ${docs.whyIsThisBad}`);
      lines.push('', '**How to fix it.**' + (fix ? ` ${message(fix.title)} (quick fix available).` : ''));
      lines.push('', 'Before:', '', markdownFence(docs.example.trimEnd(), 'python'));
      lines.push('', 'After:', '', markdownFence(docs.useInstead.trimEnd(), 'python'));
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

import { severityRank, type Finding, type Severity } from '../findings';
import { ruleById } from '../rules/registry';
import type { LineIndex } from '../syntax/lineIndex';
import { cweLinks } from './docs';

/**
 * The "Review File" report: a security review in the form reviewers write, but exact. The verdict comes
 * first; each defect gets its line, CWE, the code, why it matters and how to fix it; information-level findings
 * follow as hardening notes.
 */
export interface ReviewInput {
  /** How the file is named in the report (a workspace-relative path). */
  readonly displayPath: string;
  readonly text: string;
  readonly lineIndex: LineIndex;
  readonly findings: readonly Finding[];
  readonly hasSyntaxErrors: boolean;
  /** When given, each "line N" becomes a link to this target (the editor reveals the line). */
  readonly lineLink?: (line: number) => string;
}

export const NO_DEFECTS_VERDICT = 'No security defects are detected in the code.';

const SEVERITY_ORDER: readonly Severity[] = ['high', 'medium', 'low'];

export function reviewVerdict(findings: readonly Finding[]): string {
  const defects = findings.filter((finding) => finding.severity !== 'info');
  if (defects.length === 0) return NO_DEFECTS_VERDICT;
  const counts = SEVERITY_ORDER.map((severity) => [severity, defects.filter((f) => f.severity === severity).length] as const)
    .filter(([, count]) => count > 0)
    .map(([severity, count]) => `${count} ${severity}`);
  return `${defects.length} security defect${defects.length === 1 ? '' : 's'} found (${counts.join(', ')}).`;
}

function snippet(input: ReviewInput, finding: Finding): string {
  const first = finding.range.start.line;
  const last = Math.min(finding.range.end.line, first + 5);
  const width = String(last + 1).length;
  const lines: string[] = [];
  for (let line = first; line <= last; line++) {
    lines.push(`${String(line + 1).padStart(width)} | ${input.lineIndex.lineText(line)}`);
  }
  if (finding.range.end.line > last) lines.push(`${' '.repeat(width)} | …`);
  return '```python\n' + lines.join('\n') + '\n```';
}

function lineRef(input: ReviewInput, line: number): string {
  return input.lineLink ? `[line ${line + 1}](${input.lineLink(line)})` : `line ${line + 1}`;
}

function location(finding: Finding): string {
  return `line ${finding.range.start.line + 1}`;
}

function section(input: ReviewInput, finding: Finding, heading: string): string[] {
  const rule = ruleById(finding.ruleId);
  const lines = [
    heading,
    '',
    `- **Where:** ${lineRef(input, finding.range.start.line)}, column ${finding.range.start.character + 1}`,
    `- **Class:** ${cweLinks(finding.cwe)} · **Severity:** ${finding.severity} · **Confidence:** ${finding.confidence} · **Rule:** ${finding.ruleId} (\`${finding.ruleName}\`)`,
    `- **Finding:** ${finding.message}`,
  ];
  if (finding.flow.length > 0) {
    lines.push('- **Path of the data:**');
    finding.flow.forEach((step, index) => lines.push(`  ${index + 1}. ${lineRef(input, step.range.start.line)}: ${step.message}`));
  }
  for (const related of finding.related) {
    lines.push(`- **See also:** ${lineRef(input, related.range.start.line)}: ${related.message}`);
  }
  lines.push('', snippet(input, finding), '');
  if (rule) {
    lines.push(`**Why it matters.** ${rule.meta.docs.whyIsThisBad}`, '');
    const fix = finding.fixes[0];
    lines.push(`**How to fix it.**${fix ? ` ${fix.title} (Vigil can apply this fix).` : ''} For example:`, '');
    lines.push('```python\n' + rule.meta.docs.useInstead.trimEnd() + '\n```', '');
  }
  return lines;
}

export function renderReview(input: ReviewInput): string {
  const defects = input.findings
    .filter((finding) => finding.severity !== 'info')
    .sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.range.start.line - b.range.start.line);
  const notes = input.findings.filter((finding) => finding.severity === 'info');
  const lines = [`# Security review: \`${input.displayPath}\``, '', `**${reviewVerdict(input.findings)}**`, ''];
  if (input.hasSyntaxErrors) {
    lines.push(
      '> The file has syntax errors. Vigil reviewed the code around them; findings inside broken statements may be incomplete.',
      '',
    );
  }
  defects.forEach((finding, index) => {
    lines.push(...section(input, finding, `## ${index + 1}. ${titleOf(finding)} (${location(finding)})`));
  });
  if (notes.length > 0) {
    lines.push('## Hardening notes', '', 'Not defects by themselves, but worth a deliberate look:', '');
    for (const finding of notes) lines.push(...section(input, finding, `### ${titleOf(finding)} (${location(finding)})`));
  }
  return lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}

function titleOf(finding: Finding): string {
  return ruleById(finding.ruleId)?.meta.title ?? finding.ruleName;
}

import type { Finding, Severity } from '../findings';
import { capWidth, ELLIPSIS, markdownCode, markdownMessage } from './escape';
import { renderReview, REVIEW_LIMITS, type ReviewInput } from './review';

/**
 * The review of a change (`vigil review --diff BASE`, the editor's Review Changes): what a reviewer pastes into a
 * code review. Only the findings the change introduced (`analysis/changes.ts`); first the verdict on the whole
 * change, then one line per changed file with its verdict, then the Review File sections of each file that
 * introduces something.
 */

export const NO_DEFECTS_INTRODUCED = 'No security defects are introduced by this change.';

/** One changed file: `findings` are the ones the change introduced. */
export interface ChangedFileReview extends ReviewInput {
  readonly status: 'added' | 'modified' | 'renamed' | 'deleted';
  /** For a renamed file: its name in the base, as shown. */
  readonly oldPath?: string;
  /** Findings of the file that the change did not introduce (not listed). */
  readonly unchanged: number;
}

export interface ChangeReviewInput {
  /**
   * What the change is compared with: a revision the user named (`isRef`: `origin/main`, `HEAD`), or a description
   * (`the merge base with origin/main`, `the patch on standard input`); and the commit, when there is one.
   */
  readonly base: { readonly label: string; readonly isRef: boolean; readonly commit?: string };
  /** Changed files that were analysed, and deleted ones (`status: 'deleted'`, no findings). */
  readonly files: readonly ChangedFileReview[];
  /** Changed files that could not be analysed, with the reason. */
  readonly notAnalysed?: ReadonlyArray<{ readonly path: string; readonly message: string }>;
}

const SEVERITY_ORDER: readonly Severity[] = ['high', 'medium', 'low'];

function plural(count: number, noun: string): string {
  return `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;
}

function defectCounts(findings: readonly Finding[]): { defects: number; notes: number; bySeverity: string } {
  const defects = findings.filter((finding) => finding.severity !== 'info');
  const bySeverity = SEVERITY_ORDER.map((severity) => [severity, defects.filter((f) => f.severity === severity).length] as const)
    .filter(([, count]) => count > 0)
    .map(([severity, count]) => `${count} ${severity}`)
    .join(', ');
  return { defects: defects.length, notes: findings.length - defects.length, bySeverity };
}

/** The verdict on a whole change, from the findings it introduced. */
export function changeVerdict(introduced: readonly Finding[]): string {
  const { defects, bySeverity } = defectCounts(introduced);
  if (defects === 0) return NO_DEFECTS_INTRODUCED;
  return `${plural(defects, 'security defect')} ${defects === 1 ? 'is' : 'are'} introduced by this change (${bySeverity}).`;
}

/** The verdict on one changed file. */
export function fileChangeVerdict(introduced: readonly Finding[]): string {
  const { defects, notes, bySeverity } = defectCounts(introduced);
  const noted = notes > 0 ? `; ${plural(notes, 'hardening note')}` : '';
  if (defects === 0) return `No security defects introduced${noted}.`;
  return `${plural(defects, 'security defect')} introduced (${bySeverity})${noted}.`;
}

function shownPath(path: string): string {
  return markdownCode(capWidth(path, REVIEW_LIMITS.pathChars));
}

function fileLine(file: ChangedFileReview): string {
  const what =
    file.status === 'deleted' ? 'deleted'
    : file.status === 'added' ? 'added'
    : file.status === 'renamed' && file.oldPath !== undefined ? `renamed from ${shownPath(file.oldPath)}`
    : 'modified';
  const verdict = file.status === 'deleted' ? 'Nothing to review.' : fileChangeVerdict(file.findings);
  const unchanged = file.unchanged > 0 ? ` ${plural(file.unchanged, 'earlier finding')} not listed.` : '';
  return `- ${shownPath(file.displayPath)} (${what}): ${verdict}${unchanged}`;
}

function baseName(base: ChangeReviewInput['base']): string {
  const name = base.isRef ? markdownCode(capWidth(base.label, REVIEW_LIMITS.pathChars)) : markdownMessage(base.label, REVIEW_LIMITS.messageChars);
  return base.commit ? `${name} (commit ${markdownCode(base.commit.slice(0, 12))})` : name;
}

export function renderChangeReview(input: ChangeReviewInput): string {
  const introduced = input.files.flatMap((file) => file.findings);
  const reviewed = input.files.filter((file) => file.status !== 'deleted');
  const unchanged = input.files.reduce((sum, file) => sum + file.unchanged, 0);
  const lines = [
    '# Security review of a change',
    '',
    `Compared with ${baseName(input.base)}: ${plural(reviewed.length, 'changed Python file')} reviewed` +
      (input.files.length > reviewed.length ? `, ${plural(input.files.length - reviewed.length, 'deleted file')}` : '') +
      '. Only findings on the lines the change added or modified are listed, and not those of code it only moved' +
      (unchanged > 0 ? ` (${plural(unchanged, 'earlier finding')} in these files ${unchanged === 1 ? 'is' : 'are'} not listed).` : '.'),
    '',
    `**${changeVerdict(introduced)}**`,
    '',
  ];
  if (input.files.length > 0) {
    lines.push('## Files', '');
    const listed = input.files.slice(0, REVIEW_LIMITS.listedFindings);
    lines.push(...listed.map(fileLine));
    if (input.files.length > listed.length) lines.push(`- ${ELLIPSIS} and ${plural(input.files.length - listed.length, 'more file')}`);
    lines.push('');
  }
  if (input.notAnalysed && input.notAnalysed.length > 0) {
    lines.push('## Not reviewed', '');
    for (const problem of input.notAnalysed.slice(0, REVIEW_LIMITS.listedFindings)) {
      lines.push(`- ${shownPath(problem.path)}: ${markdownMessage(problem.message, REVIEW_LIMITS.messageChars)}`);
    }
    lines.push('');
  }
  let size = lines.reduce((sum, line) => sum + line.length + 1, 0);
  const cut: ChangedFileReview[] = [];
  for (const file of input.files) {
    if (file.findings.length === 0) continue;
    if (size > REVIEW_LIMITS.fullSectionChars) {
      cut.push(file);
      continue;
    }
    const section = renderReview({
      ...file,
      title: `## ${shownPath(file.displayPath)}`,
      verdict: fileChangeVerdict(file.findings),
      headingShift: 1,
    });
    lines.push(section, '');
    size += section.length + 1;
  }
  if (cut.length > 0) {
    lines.push(
      '## Files not shown in full',
      '',
      `This report is long; the findings of these files are in the command line's JSON output (${markdownCode('vigil check --diff BASE --format json')}):`,
      '',
      ...cut.slice(0, REVIEW_LIMITS.listedFindings).map((file) => `- ${shownPath(file.displayPath)}: ${fileChangeVerdict(file.findings)}`),
    );
  }
  return lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}

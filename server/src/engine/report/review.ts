import { severityRank, type Finding, type Severity } from '../findings';
import { ruleById } from '../rules/registry';
import type { LineIndex } from '../syntax/lineIndex';
import { cweLinks } from './docs';
import { capWidth, ELLIPSIS, escapeControlChars, lineWindow, markdownCode, markdownFence, markdownLinkDestination, markdownMessage } from './escape';

/**
 * The "Review File" report: a security review in the form reviewers write, but exact. The verdict comes
 * first; each defect gets its line, CWE, the code, why it matters and how to fix it; information-level findings
 * follow as hardening notes.
 *
 * Everything taken from the file (its name, the code, the messages that quote it) is quoted for Markdown (see
 * `escape.ts`), and the report is bounded whatever the file: snippets show a window of each long line, messages and
 * paths are cut, and only the first findings get a full section (the rest are listed, then counted).
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
  /**
   * For a text made of cells (a notebook's code cells, joined): the 1-based cell and 0-based line in it of each of
   * the text's lines. "line N" then reads "cell C, line N", and snippets are numbered within their cell.
   */
  readonly cellOf?: (line: number) => { readonly cell: number; readonly line: number };
  /** The title and the verdict, when the report is not the Review File's (a file of a change review). */
  readonly title?: string;
  readonly verdict?: string;
  /** Added to every heading's level, when the report is a part of a larger one (1: the title is `##`). */
  readonly headingShift?: number;
}

/** The report's bounds. A report over the limits says what it left out; `vigil check --format json` has it all. */
export const REVIEW_LIMITS = {
  /** Findings with a full section (snippet, why, how to fix). */
  fullFindings: 100,
  /** Further findings listed one line each. */
  listedFindings: 1000,
  /** Characters of the report after which no further full section is started. */
  fullSectionChars: 1_000_000,
  /** Lines of code quoted per finding. */
  snippetLines: 6,
  /** Characters of code shown per snippet line; longer lines show a window around the finding. */
  snippetWidth: 160,
  /** Characters shown before the finding's column when a line is cut. */
  snippetContext: 40,
  /** Characters of a message (and of each step's or related location's message). */
  messageChars: 500,
  /** Steps of a data-flow path, and related locations, per finding. */
  pathSteps: 20,
  /** Characters of the file name. */
  pathChars: 500,
} as const;

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

function plural(count: number, noun: string): string {
  return `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * The finding's lines, numbered, in a code fence no line can close. A line longer than the snippet width shows a
 * window around the finding's column (the same columns on every line, so the code stays aligned), its cut ends
 * marked with an ellipsis, and a note says what was cut.
 */
function snippet(input: ReviewInput, finding: Finding): string {
  const { snippetLines, snippetWidth, snippetContext } = REVIEW_LIMITS;
  const first = finding.range.start.line;
  const last = Math.min(finding.range.end.line, first + snippetLines - 1);
  const number = (line: number): string => String(input.cellOf ? input.cellOf(line).line + 1 : line + 1);
  const width = Math.max(number(first).length, number(last).length);
  const lines: string[] = [];
  const cut: { line: number; length: number; start: number; end: number }[] = [];
  let focus = finding.range.start.character;
  for (let line = first; line <= last; line++) {
    const start = input.lineIndex.lineStart(line);
    const length = input.lineIndex.lineContentEnd(line) - start;
    const shown = lineWindow(input.text, start, length, focus, snippetWidth, snippetContext);
    // Later lines show the same columns as the first, so that the code stays aligned.
    if (line === first && shown.cutBefore) focus = shown.start + snippetContext;
    let code = escapeControlChars(input.text.slice(start + shown.start, start + shown.end));
    if (shown.cutBefore) code = ELLIPSIS + code;
    if (shown.cutAfter) code += ELLIPSIS;
    if (shown.cutBefore || shown.cutAfter) cut.push({ line, length, start: shown.start, end: shown.end });
    lines.push(`${number(line).padStart(width)} | ${code}`);
  }
  if (finding.range.end.line > last) lines.push(`${' '.repeat(width)} | ${ELLIPSIS}`);
  const fence = markdownFence(lines.join('\n'), 'python');
  if (cut.length === 0) return fence;
  const [one] = cut;
  const what =
    cut.length === 1
      ? `${lineName(input, one!.line)} has ${plural(one!.length, 'character')}, of which columns ${one!.start + 1}–${one!.end} are shown`
      : `${cut.length} lines are longer than ${snippetWidth} characters and show only a part`;
  return `${fence}\n\n*Shortened: ${what} (${ELLIPSIS} marks a cut).*`;
}

/** `line 12`, or `cell 3, line 2` in a text made of cells. */
function lineName(input: ReviewInput, line: number): string {
  if (!input.cellOf) return `line ${line + 1}`;
  const place = input.cellOf(line);
  return `cell ${place.cell}, line ${place.line + 1}`;
}

function lineRef(input: ReviewInput, line: number): string {
  const target = input.lineLink ? markdownLinkDestination(input.lineLink(line)) : null;
  return target ? `[${lineName(input, line)}](${target})` : lineName(input, line);
}

function location(input: ReviewInput, finding: Finding): string {
  return lineName(input, finding.range.start.line);
}

/** A heading of `level` (1 for the title), shifted when the report is a part of a larger one. */
function heading(input: ReviewInput, level: number, text: string): string {
  return `${'#'.repeat(Math.min(6, level + (input.headingShift ?? 0)))} ${text}`;
}

function message(text: string): string {
  return markdownMessage(text, REVIEW_LIMITS.messageChars);
}

/** At most `pathSteps` items, then a line saying how many more there are. */
function bounded<T>(items: readonly T[], render: (item: T, index: number) => string, more: (count: number) => string): string[] {
  const shown = items.slice(0, REVIEW_LIMITS.pathSteps).map(render);
  if (items.length > shown.length) shown.push(more(items.length - shown.length));
  return shown;
}

function section(input: ReviewInput, finding: Finding, heading: string): string[] {
  const rule = ruleById(finding.ruleId);
  const lines = [
    heading,
    '',
    `- **Where:** ${lineRef(input, finding.range.start.line)}, column ${finding.range.start.character + 1}`,
    `- **Class:** ${cweLinks(finding.cwe)} · **Severity:** ${finding.severity} · **Confidence:** ${finding.confidence} · **Rule:** ${finding.ruleId} (${markdownCode(finding.ruleName)})`,
    `- **Finding:** ${message(finding.message)}`,
  ];
  if (finding.flow.length > 0) {
    lines.push('- **Path of the data:**');
    lines.push(
      ...bounded(
        finding.flow,
        (step, index) => `  ${index + 1}. ${lineRef(input, step.range.start.line)}: ${message(step.message)}`,
        (count) => `  - ${ELLIPSIS} and ${plural(count, 'more step')}`,
      ),
    );
  }
  lines.push(
    ...bounded(
      finding.related,
      (related) => `- **See also:** ${lineRef(input, related.range.start.line)}: ${message(related.message)}`,
      (count) => `- **See also:** ${plural(count, 'more related location')}`,
    ),
  );
  lines.push('', snippet(input, finding), '');
  if (rule) {
    lines.push(`**Why it matters.** ${rule.meta.docs.whyIsThisBad}`, '');
    const fix = finding.fixes[0];
    lines.push(`**How to fix it.**${fix ? ` ${message(fix.title)} (Vigil can apply this fix).` : ''} For example:`, '');
    lines.push(markdownFence(rule.meta.docs.useInstead.trimEnd(), 'python'), '');
  }
  return lines;
}

/** One line for a finding without a full section. */
function listed(input: ReviewInput, finding: Finding): string {
  return `- ${lineRef(input, finding.range.start.line)}, column ${finding.range.start.character + 1}: ${titleOf(finding)} (${finding.ruleId}, ${finding.severity})`;
}

export function renderReview(input: ReviewInput): string {
  const defects = input.findings
    .filter((finding) => finding.severity !== 'info')
    .sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.range.start.line - b.range.start.line);
  const notes = input.findings.filter((finding) => finding.severity === 'info');
  const path = markdownCode(capWidth(input.displayPath, REVIEW_LIMITS.pathChars));
  const lines = [input.title ?? heading(input, 1, `Security review: ${path}`), '', `**${input.verdict ?? reviewVerdict(input.findings)}**`, ''];
  if (input.hasSyntaxErrors) {
    lines.push(
      '> The file has syntax errors. Vigil reviewed the code around them; findings inside broken statements may be incomplete.',
      '',
    );
  }
  // Full sections while the report is small; every finding after the first that does not fit is left to `rest`.
  let size = lines.reduce((sum, line) => sum + line.length + 1, 0);
  let full = 0;
  const rest: Finding[] = [];
  const fits = (): boolean => full < REVIEW_LIMITS.fullFindings && size < REVIEW_LIMITS.fullSectionChars && rest.length === 0;
  const add = (finding: Finding, heading: string): void => {
    if (!fits()) {
      rest.push(finding);
      return;
    }
    const rendered = section(input, finding, heading);
    lines.push(...rendered);
    size += rendered.reduce((sum, line) => sum + line.length + 1, 0);
    full++;
  };
  defects.forEach((finding, index) => add(finding, heading(input, 2, `${index + 1}. ${titleOf(finding)} (${location(input, finding)})`)));
  if (notes.length > 0 && fits()) {
    lines.push(heading(input, 2, 'Hardening notes'), '', 'Not defects by themselves, but worth a deliberate look:', '');
  }
  for (const finding of notes) add(finding, heading(input, 3, `${titleOf(finding)} (${location(input, finding)})`));
  if (rest.length > 0) {
    const list = rest.slice(0, REVIEW_LIMITS.listedFindings);
    lines.push(
      heading(input, 2, 'Findings not shown in full'),
      '',
      `This report shows ${plural(full, 'finding')} of ${input.findings.length.toLocaleString('en-US')} in full. ` +
        `All of them, with their messages and fixes, are in the command line's JSON output ` +
        `(${markdownCode(`vigil check --format json ${capWidth(input.displayPath, REVIEW_LIMITS.pathChars)}`)}) and in the SARIF export.`,
      '',
      ...list.map((finding) => listed(input, finding)),
    );
    if (rest.length > list.length) lines.push('', `*${ELLIPSIS} and ${plural(rest.length - list.length, 'more finding')}, not listed here.*`);
  }
  return lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}

function titleOf(finding: Finding): string {
  return ruleById(finding.ruleId)?.meta.title ?? markdownCode(finding.ruleName);
}

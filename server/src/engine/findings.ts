import type { Range } from './syntax/lineIndex';

export type { Position, Range } from './syntax/lineIndex';

/** How bad a defect is if it is real. `info` findings are hardening notes, not defects. */
export type Severity = 'info' | 'low' | 'medium' | 'high';
/** How sure the rule is that the finding is real. */
export type Confidence = 'low' | 'medium' | 'high';

export const SEVERITIES: readonly Severity[] = ['info', 'low', 'medium', 'high'];
export const CONFIDENCES: readonly Confidence[] = ['low', 'medium', 'high'];

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

export function confidenceRank(confidence: Confidence): number {
  return CONFIDENCES.indexOf(confidence);
}

export interface TextEdit {
  readonly range: Range;
  readonly newText: string;
}

/**
 * `safe`: keeps the program's meaning for all inputs that were not an attack (applied by "fix all").
 * `unsafe`: removes the defect but may change behaviour; offered, never applied in bulk.
 */
export type FixSafety = 'safe' | 'unsafe';

export interface Fix {
  readonly title: string;
  readonly safety: FixSafety;
  readonly edits: readonly TextEdit[];
}

export interface RelatedLocation {
  readonly range: Range;
  readonly message: string;
}

/** One defect found in one file: what the editor underlines, the CLI prints and the report explains. */
export interface Finding {
  readonly ruleId: string;
  readonly ruleName: string;
  /** Specific to this occurrence: names the code involved and the problem. */
  readonly message: string;
  readonly severity: Severity;
  readonly confidence: Confidence;
  readonly cwe: readonly number[];
  /** UTF-16 range of the offending code. */
  readonly range: Range;
  /** Other places that explain the finding (where a query was built, where a context was elevated). */
  readonly related: readonly RelatedLocation[];
  /**
   * For findings about data flow: the path from the source to the sink, oldest step first (the source), as SARIF's
   * `codeFlows` and LSP's related information show it. Empty for other findings.
   */
  readonly flow: readonly RelatedLocation[];
  readonly fixes: readonly Fix[];
  /** The Bandit and Ruff codes this occurrence corresponds to, for `# nosec` / `# noqa` and for users' reference. */
  readonly bandit: readonly string[];
  readonly ruff: readonly string[];
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    a.range.start.line - b.range.start.line ||
    a.range.start.character - b.range.start.character ||
    a.ruleId.localeCompare(b.ruleId) ||
    a.message.localeCompare(b.message)
  );
}

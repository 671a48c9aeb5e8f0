import { confidenceRank, severityRank, type Confidence, type Finding, type Severity } from '../findings';
import type { RuleMeta } from '../rules/rule';

/**
 * Which findings a user wants, and how they see them: `select`/`ignore` take Vigil IDs (`VG101`), ID prefixes
 * (`VG1`), rule names (`sql-string-building`), Bandit IDs (`B608`), Ruff codes (`S608`) or `ALL`. Plain data (it
 * crosses to the CLI's worker threads).
 */
export interface RuleSelection {
  readonly select?: readonly string[];
  readonly ignore?: readonly string[];
  readonly minSeverity?: Severity;
  readonly minConfidence?: Confidence;
  /**
   * The project's severity per rule (`[tool.vigil.severity]`), keyed by the same codes as `select` (see
   * `ruleSetting`): the finding's severity becomes this level before `minSeverity` and every report see it.
   */
  readonly severity?: Readonly<Record<string, Severity>>;
  /**
   * The file is a test (`test-paths`): findings of rules whose `meta.inTests` is `skip` are dropped, of rules whose
   * `meta.inTests` is `note` become `info` notes.
   */
  readonly testFile?: boolean;
  /** Ignore `# nosec` and `# noqa` comments, as Bandit's `--ignore-nosec` does (`# vigil: ignore` still applies). */
  readonly ignoreNosec?: boolean;
}

type Coded = Pick<Finding, 'ruleId' | 'ruleName' | 'bandit' | 'ruff'>;

function codeMatches(code: string, finding: Coded): boolean {
  const wanted = code.trim().toUpperCase();
  if (wanted === '') return false;
  if (wanted === 'ALL') return true;
  return (
    finding.ruleId.startsWith(wanted) ||
    finding.ruleName.toUpperCase() === wanted ||
    finding.bandit.includes(wanted) ||
    finding.ruff.includes(wanted)
  );
}

/**
 * The value a per-rule table gives a finding, the one lookup for every table keyed by rule codes (the project's
 * `severity`, the editor's `vigil.severity`): the most specific key wins — the rule's ID, then its name, then one
 * of its Bandit or Ruff codes, then the longest ID prefix (`VG3`), then `ALL`. Keys are compared case-insensitively.
 */
export function ruleSetting<T>(table: Readonly<Record<string, T>> | undefined, finding: Coded): T | undefined {
  if (!table) return undefined;
  let best: { rank: number; value: T } | undefined;
  for (const [key, value] of Object.entries(table)) {
    const code = key.trim().toUpperCase();
    const rank =
      code === finding.ruleId ? 1_000_000
      : code === finding.ruleName.toUpperCase() ? 999_999
      : finding.bandit.includes(code) || finding.ruff.includes(code) ? 999_998
      : code !== '' && finding.ruleId.startsWith(code) ? code.length
      : code === 'ALL' ? 0
      : -1;
    if (rank >= 0 && (!best || rank > best.rank)) best = { rank, value };
  }
  return best?.value;
}

/** Whether the selection keeps a finding as it stands (its severity already adjusted by `selectFinding`). */
export function isSelected(finding: Finding, selection: RuleSelection): boolean {
  if (selection.select && selection.select.length > 0 && !selection.select.some((code) => codeMatches(code, finding))) {
    return false;
  }
  if (selection.ignore?.some((code) => codeMatches(code, finding))) return false;
  if (selection.minSeverity && severityRank(finding.severity) < severityRank(selection.minSeverity)) return false;
  if (selection.minConfidence && confidenceRank(finding.confidence) < confidenceRank(selection.minConfidence)) {
    return false;
  }
  return true;
}

/**
 * A finding as the selection shows it, or null when it hides it: the project's severity for its rule first, then
 * the rule's `inTests` in a test file (`skip` drops it, `note` makes it an `info` note), then `isSelected`.
 */
export function selectFinding(finding: Finding, selection: RuleSelection, meta?: RuleMeta): Finding | null {
  // An opt-in rule (`RuleMeta.optIn`, the import checks) reports only when some `select` entry names it.
  if (meta?.optIn && !selection.select?.length) return null;
  let shown = finding;
  const severity = ruleSetting(selection.severity, finding);
  if (severity && severity !== shown.severity) shown = { ...shown, severity };
  if (selection.testFile && meta?.inTests) {
    if (meta.inTests === 'skip') return null;
    if (shown.severity !== 'info') shown = { ...shown, severity: 'info' };
  }
  return isSelected(shown, selection) ? shown : null;
}

/** Whether a rule can produce any finding the selection keeps (so the CLI can say `--select XYZ` matches nothing). */
export function ruleMatchesCode(meta: RuleMeta, code: string): boolean {
  return codeMatches(code, { ruleId: meta.id, ruleName: meta.name, bandit: meta.bandit, ruff: meta.ruff });
}

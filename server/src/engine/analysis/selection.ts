import { confidenceRank, severityRank, type Confidence, type Finding, type Severity } from '../findings';
import type { RuleMeta } from '../rules/rule';

/**
 * Which findings a user wants: `select`/`ignore` take Vigil IDs (`VG101`), ID prefixes (`VG1`), rule names
 * (`sql-string-building`), Bandit IDs (`B608`), Ruff codes (`S608`) or `ALL`.
 */
export interface RuleSelection {
  readonly select?: readonly string[];
  readonly ignore?: readonly string[];
  readonly minSeverity?: Severity;
  readonly minConfidence?: Confidence;
}

function codeMatches(code: string, finding: Pick<Finding, 'ruleId' | 'ruleName' | 'bandit' | 'ruff'>): boolean {
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

/** Whether a rule can produce any finding the selection keeps (so the CLI can say `--select XYZ` matches nothing). */
export function ruleMatchesCode(meta: RuleMeta, code: string): boolean {
  return codeMatches(code, { ruleId: meta.id, ruleName: meta.name, bandit: meta.bandit, ruff: meta.ruff });
}

import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic } from 'vscode-languageserver';
import { ruleSetting, severityRank, unusedSuppressionMessage, type Finding, type Severity, type UnusedSuppression } from '../engine';
import { ruleDocFileName } from '../engine/report/docs';
import { escapeControlChars, oneLine } from '../engine/report/escape';
import { ruleById } from '../engine';
import type { DiagnosticLevel, VigilSettings } from '../protocol';

/** The one place where an engine `Finding` becomes an LSP `Diagnostic`. */

const DEFAULT_LEVEL: Record<Severity, DiagnosticLevel> = {
  high: 'error',
  medium: 'warning',
  low: 'information',
  info: 'information',
};

const LSP_SEVERITY: Record<DiagnosticLevel, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/**
 * The editor level of a finding: `vigil.severity` by rule (the same lookup as the project's `severity` table:
 * `ruleSetting`), else by the finding's severity level (`"medium": "information"`), else the default.
 */
export function diagnosticLevel(finding: Finding, settings: VigilSettings): DiagnosticLevel {
  return ruleSetting(settings.severity, finding) ?? settings.severity[finding.severity.toUpperCase()] ?? DEFAULT_LEVEL[finding.severity];
}

/** Where rule pages live: the client may say (initializationOptions.docsBaseUri), else docs/ beside dist/. */
export function defaultDocsBase(): string {
  return pathToFileURL(join(__dirname, '..', 'docs', 'rules')).href + '/';
}

export function ruleDocsUri(ruleId: string, docsBase: string): string | undefined {
  const rule = ruleById(ruleId);
  return rule ? docsBase + ruleDocFileName(rule.meta) : undefined;
}

/** What a diagnostic carries so a code action can find its finding again. */
export interface DiagnosticData {
  readonly ruleId: string;
  /** The document version the finding belongs to; absent for files analysed from disk. */
  readonly version?: number;
}

/**
 * A message as the Problems panel and the squiggle's hover show it: on one line (line breaks in quoted code folded
 * to a space) and with control, bidi and separator characters from the code written as escapes (`\x1b`, `\u202e`).
 */
export function diagnosticMessage(text: string): string {
  return escapeControlChars(oneLine(text), { newlines: true });
}

export function toDiagnostic(
  finding: Finding,
  uri: string,
  version: number | undefined,
  settings: VigilSettings,
  docsBase: string,
): Diagnostic {
  const href = ruleDocsUri(finding.ruleId, docsBase);
  const data: DiagnosticData = version === undefined ? { ruleId: finding.ruleId } : { ruleId: finding.ruleId, version };
  return {
    range: finding.range,
    severity: LSP_SEVERITY[diagnosticLevel(finding, settings)],
    code: finding.ruleId,
    ...(href ? { codeDescription: { href } } : {}),
    source: 'vigil',
    message: `${diagnosticMessage(finding.message)} (${finding.cwe.map((cwe) => `CWE-${cwe}`).join(', ')})`,
    ...(finding.related.length > 0 || finding.flow.length > 0
      ? {
          relatedInformation: [
            // The data's path first, numbered from its source, then the other related places.
            ...finding.flow.map((step, index) => ({
              location: { uri, range: step.range },
              message: `${index + 1}. ${diagnosticMessage(step.message)}`,
            })),
            ...finding.related.map((related) => ({
              location: { uri, range: related.range },
              message: diagnosticMessage(related.message),
            })),
          ],
        }
      : {}),
    data,
  };
}

/**
 * How many findings of one document are published. VS Code keeps at most 1,000 diagnostics per file and underlines
 * 500 (`extHostDiagnostics.ts`, `markerDecorationsService.ts`; microsoft/vscode#172696, #200206): publishing more
 * only costs JSON on every keystroke (a 1 MB line can hold 80,000 findings) and drops the rest at random.
 */
export const MAX_PUBLISHED_FINDINGS = 1000;

/**
 * The findings to publish: all of them, or the `limit` most severe (then in their order in the file), and how many
 * were left out (`omittedDiagnostic` says so).
 */
export function publishedFindings(findings: readonly Finding[], limit = MAX_PUBLISHED_FINDINGS): { readonly shown: readonly Finding[]; readonly omitted: number } {
  if (findings.length <= limit) return { shown: findings, omitted: 0 };
  const kept = new Set(
    findings
      .map((finding, index) => ({ finding, index }))
      .sort((a, b) => severityRank(b.finding.severity) - severityRank(a.finding.severity) || a.index - b.index)
      .slice(0, limit)
      .map(({ finding }) => finding),
  );
  return { shown: findings.filter((finding) => kept.has(finding)), omitted: findings.length - limit };
}

/** The one diagnostic that says findings were left out of the editor (`publishedFindings`): information, first line. */
export function omittedDiagnostic(omitted: number, limit = MAX_PUBLISHED_FINDINGS): Diagnostic {
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Information,
    code: 'findings-omitted',
    source: 'vigil',
    message: `Vigil shows the ${limit.toLocaleString('en')} most severe findings of this file; ${omitted.toLocaleString('en')} more are not shown here (Vigil: Review File, or \`vigil check\`, lists every one).`,
  };
}

/**
 * The one diagnostic that says the findings are incomplete (`AnalysisResult.partial`): information level, on the
 * first line, so the Problems panel shows it with the findings it qualifies.
 */
export function partialDiagnostic(reasons: readonly string[]): Diagnostic {
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Information,
    code: 'partial-analysis',
    source: 'vigil',
    message: `Vigil analysed this file only in part: ${reasons.join('; ')}.`,
  };
}

/**
 * A problem of a project configuration file, as a diagnostic on that file: at the TOML error's line and column
 * (1-based) when known, else on the first line. The message loses the file's path (the diagnostic is on the file).
 */
export function configDiagnostic(path: string, message: string, severity: 'error' | 'warning', line?: number, column?: number): Diagnostic {
  const start = { line: line !== undefined ? Math.max(0, line - 1) : 0, character: column !== undefined ? Math.max(0, column - 1) : 0 };
  return {
    range: { start, end: { line: start.line, character: start.character + 1 } },
    severity: LSP_SEVERITY[severity],
    code: 'configuration',
    source: 'vigil',
    message: diagnosticMessage(message.startsWith(path) ? message.slice(path.length).replace(/^(?::\d+:\d+)?: /, '') : message),
  };
}

/**
 * Unused suppression comments as faded hints (`Unnecessary`), as editors show unused code. Only Vigil's own
 * comments and `# nosec`: a `# noqa` is Ruff's, whose own RUF100 says in the editor whether Ruff needs it.
 */
export function unusedSuppressionDiagnostics(unused: readonly UnusedSuppression[]): Diagnostic[] {
  return unused
    .filter((entry) => entry.dialect === 'vigil' || entry.dialect === 'vigil-file' || entry.dialect === 'nosec')
    .map((entry) => ({
      range: entry.range,
      severity: DiagnosticSeverity.Hint,
      tags: [DiagnosticTag.Unnecessary],
      code: 'unused-suppression',
      source: 'vigil',
      message: diagnosticMessage(unusedSuppressionMessage(entry)),
    }));
}

import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import type { Finding, Severity } from '../engine';
import { ruleDocFileName } from '../engine/report/docs';
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

export function diagnosticLevel(finding: Finding, settings: VigilSettings): DiagnosticLevel {
  return settings.severity[finding.ruleId] ?? settings.severity[finding.severity.toUpperCase()] ?? DEFAULT_LEVEL[finding.severity];
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
    message: `${finding.message} (${finding.cwe.map((cwe) => `CWE-${cwe}`).join(', ')})`,
    ...(finding.related.length > 0 || finding.flow.length > 0
      ? {
          relatedInformation: [
            // The data's path first, numbered from its source, then the other related places.
            ...finding.flow.map((step, index) => ({
              location: { uri, range: step.range },
              message: `${index + 1}. ${step.message}`,
            })),
            ...finding.related.map((related) => ({
              location: { uri, range: related.range },
              message: related.message,
            })),
          ],
        }
      : {}),
    data,
  };
}

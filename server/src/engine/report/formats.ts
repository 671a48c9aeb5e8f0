import type * as Sarif from 'sarif';
import type { Finding, Severity } from '../findings';
import { ACTIVE_RULES } from '../rules/registry';
import type { Rule } from '../rules/rule';
import { cweUrl, ruleDocMarkdown } from './docs';

/** The findings of one file, as every output format receives them. */
export interface FileFindings {
  /** Path as shown to the user (relative to where the CLI ran), with `/` separators. */
  readonly path: string;
  readonly findings: readonly Finding[];
}

/** A file that could not be analysed (unreadable, binary): reported, never fatal. */
export interface FileProblem {
  readonly path: string;
  readonly message: string;
}

function cweList(finding: Finding): string {
  return finding.cwe.map((cwe) => `CWE-${cwe}`).join(', ');
}

/** `path:line:col: ID [severity] message (CWE-n)`, 1-based like every compiler. */
export function formatText(files: readonly FileFindings[]): string {
  const lines: string[] = [];
  for (const file of files) {
    for (const finding of file.findings) {
      const { line, character } = finding.range.start;
      lines.push(`${file.path}:${line + 1}:${character + 1}: ${finding.ruleId} [${finding.severity}] ${finding.message} (${cweList(finding)})`);
    }
  }
  return lines.join('\n') + (lines.length > 0 ? '\n' : '');
}

export function formatJson(files: readonly FileFindings[], problems: readonly FileProblem[], version: string): string {
  const findings = files.flatMap((file) =>
    file.findings.map((finding) => ({
      path: file.path,
      line: finding.range.start.line + 1,
      column: finding.range.start.character + 1,
      endLine: finding.range.end.line + 1,
      endColumn: finding.range.end.character + 1,
      ruleId: finding.ruleId,
      ruleName: finding.ruleName,
      severity: finding.severity,
      confidence: finding.confidence,
      cwe: finding.cwe,
      message: finding.message,
      bandit: finding.bandit,
      ruff: finding.ruff,
      related: finding.related.map((related) => ({ line: related.range.start.line + 1, message: related.message })),
      flow: finding.flow.map((step) => ({ line: step.range.start.line + 1, column: step.range.start.character + 1, message: step.message })),
      fixes: finding.fixes.map((fix) => ({
        title: fix.title,
        safety: fix.safety,
        edits: fix.edits.map((edit) => ({ range: edit.range, newText: edit.newText })),
      })),
    })),
  );
  return JSON.stringify({ tool: 'vigil', version, filesAnalyzed: files.length, findings, errors: problems }, null, 2) + '\n';
}

const SARIF_LEVEL: Record<Severity, Sarif.ReportingConfiguration.level> = {
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

/** GitHub code scanning reads `security-severity` (0–10) to rank alerts. */
const SECURITY_SEVERITY: Record<Severity, string> = { high: '8.0', medium: '5.5', low: '3.0', info: '1.0' };

function sarifRule(rule: Rule): Sarif.ReportingDescriptor {
  const { meta } = rule;
  return {
    id: meta.id,
    name: meta.name,
    shortDescription: { text: meta.title },
    fullDescription: { text: meta.docs.whatItDoes },
    help: { text: `${meta.docs.whatItDoes}\n\n${meta.docs.whyIsThisBad}`, markdown: ruleDocMarkdown(meta) },
    helpUri: cweUrl(meta.cwe[0]!),
    defaultConfiguration: { level: SARIF_LEVEL[meta.severity] },
    properties: {
      tags: ['security', ...meta.cwe.map((cwe) => `external/cwe/cwe-${cwe}`)],
      precision: meta.confidence === 'high' ? 'high' : meta.confidence === 'medium' ? 'medium' : 'low',
      'security-severity': SECURITY_SEVERITY[meta.severity],
      bandit: meta.bandit,
      ruff: meta.ruff,
    },
  };
}

function region(range: Finding['range']): Sarif.Region {
  return {
    startLine: range.start.line + 1,
    startColumn: range.start.character + 1,
    endLine: range.end.line + 1,
    endColumn: range.end.character + 1,
  };
}

/** A SARIF 2.1.0 log: one run, every active rule described, UTF-16 columns like the editor's. */
export function formatSarif(files: readonly FileFindings[], problems: readonly FileProblem[], version: string): string {
  const rules = ACTIVE_RULES;
  const ruleIndex = new Map(rules.map((rule, index) => [rule.meta.id, index]));
  const results: Sarif.Result[] = files.flatMap((file) =>
    file.findings.map((finding): Sarif.Result => {
      const artifactLocation = { uri: encodeURI(file.path) };
      const result: Sarif.Result = {
        ruleId: finding.ruleId,
        level: SARIF_LEVEL[finding.severity],
        message: { text: finding.message },
        locations: [{ physicalLocation: { artifactLocation, region: region(finding.range) } }],
        properties: { severity: finding.severity, confidence: finding.confidence, cwe: finding.cwe.map((cwe) => `CWE-${cwe}`) },
      };
      const index = ruleIndex.get(finding.ruleId);
      if (index !== undefined) result.ruleIndex = index;
      if (finding.related.length > 0) {
        result.relatedLocations = finding.related.map((related, id) => ({
          id,
          message: { text: related.message },
          physicalLocation: { artifactLocation, region: region(related.range) },
        }));
      }
      if (finding.flow.length > 0) {
        // The path from the source to the sink: one thread flow, each step a location with its message.
        result.codeFlows = [
          {
            threadFlows: [
              {
                locations: finding.flow.map((step, index) => ({
                  index,
                  location: { message: { text: step.message }, physicalLocation: { artifactLocation, region: region(step.range) } },
                })),
              },
            ],
          },
        ];
      }
      if (finding.fixes.length > 0) {
        result.fixes = finding.fixes.map((fix) => ({
          description: { text: fix.title },
          artifactChanges: [
            {
              artifactLocation,
              replacements: fix.edits.map((edit) => ({
                deletedRegion: region(edit.range),
                insertedContent: { text: edit.newText },
              })),
            },
          ],
        }));
      }
      return result;
    }),
  );
  const log: Sarif.Log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Vigil',
            version,
            semanticVersion: version,
            rules: rules.map(sarifRule),
          },
        },
        invocations: [
          {
            executionSuccessful: problems.length === 0,
            toolExecutionNotifications: problems.map((problem) => ({
              level: 'error',
              message: { text: problem.message },
              locations: [{ physicalLocation: { artifactLocation: { uri: encodeURI(problem.path) } } }],
            })),
          },
        ],
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

import type * as Sarif from 'sarif';
import type { BaselineState } from '../analysis/changes';
import type { Finding, Position, Severity } from '../findings';
import { ACTIVE_RULES } from '../rules/registry';
import type { Rule } from '../rules/rule';
import { cweUrl, ruleDocMarkdown } from './docs';
import { escapeControlChars, plainLine } from './escape';

/** The findings of one file, as every output format receives them. */
export interface FileFindings {
  /** Path as shown to the user (relative to where the CLI ran), with `/` separators. */
  readonly path: string;
  readonly findings: readonly Finding[];
  /**
   * When the run compared with a base (a change, a baseline): the findings that are not new. Only SARIF lists them
   * (`baselineState: "unchanged"`, the listed `findings` being `new`); text and JSON count them.
   */
  readonly unchanged?: readonly Finding[];
  /**
   * For a notebook: the cell (1-based, counting every cell) and the line in it (0-based) of each line of the text
   * that was analysed (its code cells, joined). Positions are then reported as `cell N, line M`.
   */
  readonly cellOf?: (line: number) => CellLine;
}

export interface CellLine {
  readonly cell: number;
  readonly line: number;
}

/** A baseline entry that no finding matches any more: the defect was fixed (or its code changed beyond recognition). */
export interface FixedEntry {
  readonly path: string;
  readonly ruleId: string;
  /** 1-based, as recorded in the baseline (in a notebook, in its cell). */
  readonly line: number;
  readonly cell?: number;
}

/** What a comparison with a base adds to a report: how many findings were not new, and the fixed baseline entries. */
export interface Comparison {
  readonly unchanged: number;
  readonly fixed: readonly FixedEntry[];
}

/** A position as reported: 1-based line and column, within its cell in a notebook. */
function place(file: FileFindings, position: Position): { line: number; column: number; cell?: number } {
  if (!file.cellOf) return { line: position.line + 1, column: position.character + 1 };
  const { cell, line } = file.cellOf(position.line);
  return { cell, line: line + 1, column: position.character + 1 };
}

/** A file that could not be analysed (unreadable, binary): reported, never fatal. */
export interface FileProblem {
  readonly path: string;
  readonly message: string;
}

/**
 * Something the user should know about a result that is still valid (a file with syntax errors, a partial analysis,
 * a folder without Python files, a suppression comment that suppresses nothing with `--report-unused-suppressions`). JSON carries them as `notices`, SARIF as tool execution notifications (`note`).
 */
export interface ReportNotice {
  readonly path: string;
  readonly kind: 'syntax-errors' | 'partial' | 'no-python-files' | 'unused-suppression';
  readonly message: string;
  /** 1-based: the first line with a syntax error (in a notebook, in the cell `cell`). */
  readonly line?: number;
  /** In a notebook: the 1-based cell of `line`. */
  readonly cell?: number;
}

function cweList(finding: Finding): string {
  return finding.cwe.map((cwe) => `CWE-${cwe}`).join(', ');
}

/** Characters of a message in text output; the JSON and SARIF outputs carry messages whole. */
export const TEXT_MESSAGE_CHARS = 500;

/**
 * `path:line:col: ID [severity] message (CWE-n)`, 1-based like every compiler. One line per finding whatever the
 * code: line breaks in a message are collapsed, a long message is cut with an ellipsis, and control and bidi
 * characters from the code or the file name are printed as escapes (`\x1b`, `\u202e`), never sent to the terminal.
 */
export function formatText(files: readonly FileFindings[]): string {
  const lines: string[] = [];
  for (const file of files) {
    const path = escapeControlChars(file.path, { newlines: true });
    for (const finding of file.findings) {
      const { line, column, cell } = place(file, finding.range.start);
      const where = cell === undefined ? `${path}:${line}:${column}:` : `${path}: cell ${cell}, line ${line}, column ${column}:`;
      const message = plainLine(finding.message, TEXT_MESSAGE_CHARS);
      lines.push(`${where} ${finding.ruleId} [${finding.severity}] ${message} (${cweList(finding)})`);
    }
  }
  return lines.join('\n') + (lines.length > 0 ? '\n' : '');
}

/**
 * The JSON report; with `notices`, a `notices` field after `errors` (absent without them); with a `comparison`
 * (`--diff`, `--baseline`), each finding's `baselineState` (`new`) and the fields `unchanged` (how many findings were
 * not new) and `fixed` (baseline entries nothing matches any more). In a notebook, `line` and `endLine` count within
 * the cell that `cell` and `endCell` name (1-based), and so do the lines of flow steps, related locations and fixes.
 */
export function formatJson(
  files: readonly FileFindings[],
  problems: readonly FileProblem[],
  version: string,
  notices?: readonly ReportNotice[],
  comparison?: Comparison,
): string {
  const findings = files.flatMap((file) =>
    file.findings.map((finding) => {
      const start = place(file, finding.range.start);
      const end = place(file, finding.range.end);
      const cellOf = (position: Position): { cell?: number } => {
        const { cell } = place(file, position);
        return cell === undefined ? {} : { cell };
      };
      const range = (range: Finding['range']): Finding['range'] =>
        file.cellOf
          ? {
              start: { line: place(file, range.start).line - 1, character: range.start.character },
              end: { line: place(file, range.end).line - 1, character: range.end.character },
            }
          : range;
      return {
      path: file.path,
      ...(start.cell !== undefined ? { cell: start.cell } : {}),
      line: start.line,
      column: start.column,
      ...(end.cell !== undefined ? { endCell: end.cell } : {}),
      endLine: end.line,
      endColumn: end.column,
      ...(comparison ? { baselineState: 'new' as BaselineState } : {}),
      ruleId: finding.ruleId,
      ruleName: finding.ruleName,
      severity: finding.severity,
      confidence: finding.confidence,
      cwe: finding.cwe,
      message: finding.message,
      bandit: finding.bandit,
      ruff: finding.ruff,
      related: finding.related.map((related) => ({
        ...cellOf(related.range.start),
        line: place(file, related.range.start).line,
        message: related.message,
      })),
      flow: finding.flow.map((step) => {
        const at = place(file, step.range.start);
        return { ...cellOf(step.range.start), line: at.line, column: at.column, message: step.message };
      }),
      fixes: finding.fixes.map((fix) => ({
        title: fix.title,
        safety: fix.safety,
        edits: fix.edits.map((edit) => ({ ...cellOf(edit.range.start), range: range(edit.range), newText: edit.newText })),
      })),
      };
    }),
  );
  const report = {
    tool: 'vigil',
    version,
    filesAnalyzed: files.length,
    findings,
    errors: problems,
    ...(notices ? { notices: notices.map(noticeJson) } : {}),
    ...(comparison
      ? { unchanged: comparison.unchanged, fixed: comparison.fixed.map((entry) => ({ path: entry.path, ruleId: entry.ruleId, ...(entry.cell !== undefined ? { cell: entry.cell } : {}), line: entry.line })) }
      : {}),
  };
  return JSON.stringify(report, null, 2) + '\n';
}

function noticeJson(notice: ReportNotice): ReportNotice {
  const { path, kind, message, line, cell } = notice;
  return { path, kind, message, ...(cell !== undefined ? { cell } : {}), ...(line !== undefined ? { line } : {}) };
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
    // An opt-in rule reports only when `select` names it: off in the default configuration.
    defaultConfiguration: { level: SARIF_LEVEL[meta.severity], ...(meta.optIn ? { enabled: false } : {}) },
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

/**
 * A SARIF 2.1.0 log: one run, every active rule described, UTF-16 columns like the editor's. Problems become tool
 * execution notifications of level `error`, then notices of level `note`. With a `comparison` (`--diff`,
 * `--baseline`), the results are the new findings (`baselineState: "new"`) and the others (`"unchanged"`), and each
 * fixed baseline entry is a `note`. A notebook's findings have no region (no line of the `.ipynb` file is theirs):
 * their properties carry `cell`, `cellLine` and `cellColumn` (1-based), and they carry no fixes.
 */
export function formatSarif(
  files: readonly FileFindings[],
  problems: readonly FileProblem[],
  version: string,
  notices: readonly ReportNotice[] = [],
  comparison?: Comparison,
): string {
  const rules = ACTIVE_RULES;
  const ruleIndex = new Map(rules.map((rule, index) => [rule.meta.id, index]));
  const stated = (file: FileFindings): Array<{ finding: Finding; state?: BaselineState }> => {
    if (!comparison) return file.findings.map((finding) => ({ finding }));
    return [
      ...file.findings.map((finding) => ({ finding, state: 'new' as const })),
      ...(file.unchanged ?? []).map((finding) => ({ finding, state: 'unchanged' as const })),
    ].sort((a, b) => a.finding.range.start.line - b.finding.range.start.line || a.finding.range.start.character - b.finding.range.start.character);
  };
  const results: Sarif.Result[] = files.flatMap((file) =>
    stated(file).map(({ finding, state }): Sarif.Result => {
      const artifactLocation = { uri: encodeURI(file.path) };
      const inCell = (range: Finding['range']): Sarif.PhysicalLocation =>
        file.cellOf ? { artifactLocation } : { artifactLocation, region: region(range) };
      const start = place(file, finding.range.start);
      const result: Sarif.Result = {
        ruleId: finding.ruleId,
        level: SARIF_LEVEL[finding.severity],
        message: { text: finding.message },
        locations: [{ physicalLocation: inCell(finding.range) }],
        properties: {
          severity: finding.severity,
          confidence: finding.confidence,
          cwe: finding.cwe.map((cwe) => `CWE-${cwe}`),
          ...(start.cell !== undefined ? { cell: start.cell, cellLine: start.line, cellColumn: start.column } : {}),
        },
      };
      if (state) result.baselineState = state;
      const index = ruleIndex.get(finding.ruleId);
      if (index !== undefined) result.ruleIndex = index;
      if (finding.related.length > 0) {
        result.relatedLocations = finding.related.map((related, id) => ({
          id,
          message: { text: related.message },
          physicalLocation: inCell(related.range),
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
                  location: { message: { text: step.message }, physicalLocation: inCell(step.range) },
                })),
              },
            ],
          },
        ];
      }
      if (finding.fixes.length > 0 && !file.cellOf) {
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
            toolExecutionNotifications: [
              ...problems.map((problem): Sarif.Notification => ({
                level: 'error',
                message: { text: problem.message },
                locations: [{ physicalLocation: { artifactLocation: { uri: encodeURI(problem.path) } } }],
              })),
              ...notices.map((notice): Sarif.Notification => ({
                level: 'note',
                message: { text: notice.message },
                locations: [
                  {
                    physicalLocation: {
                      artifactLocation: { uri: encodeURI(notice.path) },
                      ...(notice.line && notice.cell === undefined ? { region: { startLine: notice.line } } : {}),
                    },
                  },
                ],
              })),
              ...(comparison?.fixed ?? []).map((entry): Sarif.Notification => ({
                level: 'note',
                message: {
                  text: `${entry.ruleId} at ${entry.cell !== undefined ? `cell ${entry.cell}, ` : ''}line ${entry.line} is in the baseline but no longer found (fixed)`,
                },
                locations: [{ physicalLocation: { artifactLocation: { uri: encodeURI(entry.path) } } }],
              })),
            ],
          },
        ],
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

/**
 * The engine's public surface: parse, analyse, report. Nothing here knows about editors or LSP; the server,
 * the CLI and the tests all come through this file.
 */
import { Analyzer, type AnalysisBudget, type AnalysisResult } from './analysis/analyzer';
import type { Knowledge } from './flow/knowledge';
import { ruleMatchesCode, type RuleSelection } from './analysis/selection';
import { ACTIVE_RULES } from './rules/registry';
import { LineIndex } from './syntax/lineIndex';
import type { PythonParser } from './syntax/parser';
import type { SyntaxTree } from './syntax/syntaxNode';

export * from './findings';
export { Analyzer, DEFAULT_BUDGET, type AnalysisBudget, type AnalysisResult, type AnalysisInput, type RuleError } from './analysis/analyzer';
export { isSelected, ruleMatchesCode, ruleSetting, selectFinding, type RuleSelection } from './analysis/selection';
export { findingKey, findingKeys } from './analysis/baseline';
export {
  ChangedLines,
  KeyCounts,
  changedLinesFromGit,
  classifyChange,
  touchesChange,
  type BaselineState,
  type ChangedFileFindings,
  type KeyedFinding,
  type LineSpan,
} from './analysis/changes';
export {
  parseSuppressions,
  suppressionLine,
  unusedSuppressionMessage,
  type SuppressionDialect,
  type UnusedSuppression,
} from './analysis/suppressions';
export { DEFAULT_KNOWLEDGE, Knowledge } from './flow/knowledge';
export type { LibraryModel } from './flow/concepts';
export { PROJECT_KNOWLEDGE_KEYS, knowledgeWith, projectModel } from './flow/projectModel';
export { ALL_RULES, ACTIVE_RULES, ruleById } from './rules/registry';
export type { Rule, RuleMeta, RuleDocs } from './rules/rule';
export { LineIndex } from './syntax/lineIndex';
export { loadParserRuntime, PythonParser, SourceFile, type GrammarFiles, type ParserRuntime } from './syntax/parser';
export type { SyntaxTree } from './syntax/syntaxNode';

export interface AnalysisOptions {
  /** What the flow layer knows: Vigil's models, plus a project's (`knowledgeWith`). */
  readonly knowledge?: Knowledge;
  readonly budget?: AnalysisBudget;
}

/** Analyses one text from scratch (the CLI's path, and the reference the incremental path must equal). */
export function analyzeText(
  parser: PythonParser,
  text: string,
  selection: RuleSelection = {},
  options: AnalysisOptions = {},
): AnalysisResult & { lineIndex: LineIndex; syntax: SyntaxTree } {
  const syntax = parser.parseOnce(text);
  const lineIndex = new LineIndex(text);
  // Without a cache to fill, rules no `select` code can match need not run at all.
  const rules = selection.select?.length
    ? ACTIVE_RULES.filter((rule) => selection.select!.some((code) => ruleMatchesCode(rule.meta, code)))
    : ACTIVE_RULES;
  const result = new Analyzer(rules, options.knowledge, options.budget, true).analyze({ text, syntax, lineIndex }, selection);
  return { ...result, lineIndex, syntax };
}

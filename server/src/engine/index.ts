/**
 * The engine's public surface: parse, analyse, report. Nothing here knows about editors or LSP; the server,
 * the CLI and the tests all come through this file.
 */
import { Analyzer, DEFAULT_BUDGET, type AnalysisBudget, type AnalysisResult } from './analysis/analyzer';
import { ruleMatchesCode, type RuleSelection } from './analysis/selection';
import { ACTIVE_RULES } from './rules/registry';
import { LineIndex } from './syntax/lineIndex';
import type { PythonParser } from './syntax/parser';

export * from './findings';
export { Analyzer, DEFAULT_BUDGET, type AnalysisBudget, type AnalysisResult, type AnalysisInput, type RuleError } from './analysis/analyzer';
export { isSelected, ruleMatchesCode, type RuleSelection } from './analysis/selection';
export { parseSuppressions, suppressionLine } from './analysis/suppressions';
export { ALL_RULES, ACTIVE_RULES, ruleById } from './rules/registry';
export type { Rule, RuleMeta, RuleDocs } from './rules/rule';
export { LineIndex } from './syntax/lineIndex';
export { PythonParser, SourceFile, type GrammarFiles } from './syntax/parser';
export type { SyntaxTree } from './syntax/syntaxNode';

/** Analyses one text from scratch (the CLI's path, and the reference the incremental path must equal). */
export function analyzeText(
  parser: PythonParser,
  text: string,
  selection: RuleSelection = {},
  budget: AnalysisBudget = DEFAULT_BUDGET,
): AnalysisResult & { lineIndex: LineIndex } {
  const syntax = parser.parseOnce(text);
  const lineIndex = new LineIndex(text);
  // Without a cache to fill, rules no `select` code can match need not run at all.
  const rules = selection.select?.length
    ? ACTIVE_RULES.filter((rule) => selection.select!.some((code) => ruleMatchesCode(rule.meta, code)))
    : ACTIVE_RULES;
  const result = new Analyzer(rules, undefined, budget).analyze({ text, syntax, lineIndex }, selection);
  return { ...result, lineIndex };
}

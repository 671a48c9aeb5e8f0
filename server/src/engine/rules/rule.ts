import type { Confidence, FixSafety, Severity } from '../findings';
import type { SemanticModel } from '../semantic/model';
import type { SyntaxNode } from '../syntax/syntaxNode';
import type { AnalysisUnit } from '../analysis/units';
import type { UnitFlow } from '../flow/engine';

export type RuleStatus = 'stable' | 'preview' | 'deprecated' | 'removed';

/**
 * A rule's documentation, in the fixed order of every rule page (`docs/rules/`): what it does, why it is
 * bad, a bad example, the good version, references, then the optional known problems and fix safety.
 */
export interface RuleDocs {
  /** One or two sentences: the pattern the rule flags. */
  readonly whatItDoes: string;
  /** Why it matters: the attack or failure, in 2–4 sentences. */
  readonly whyIsThisBad: string;
  /** Python code with the defect. */
  readonly example: string;
  /** The same code, fixed. */
  readonly useInstead: string;
  /** Links: CWE, the library's own docs, OWASP. */
  readonly references: readonly string[];
  /** False positives or negatives the rule is known to have. */
  readonly knownProblems?: string;
  /** When the fix is safe to apply, and when it changes behaviour. */
  readonly fixSafety?: string;
}

export interface RuleMeta {
  /** Stable ID, never reused: `VG101`. */
  readonly id: string;
  /** Kebab-case name of the dangerous pattern: `sql-string-building`. */
  readonly name: string;
  /** A short title for reports: "SQL query built from strings". */
  readonly title: string;
  readonly cwe: readonly number[];
  readonly severity: Severity;
  readonly confidence: Confidence;
  readonly status: RuleStatus;
  /** The Vigil version that introduced the rule. */
  readonly since: string;
  /** Bandit test IDs this rule covers (`B608`), for `# nosec` and for people moving over. */
  readonly bandit: readonly string[];
  /** Ruff codes this rule covers (`S608`), for `# noqa`. */
  readonly ruff: readonly string[];
  /** Whether the rule can offer fixes. A rule that reports a fix without declaring it is refused. */
  readonly fixable: boolean;
  /**
   * What the rule's findings mean in a test file (a project's `test-paths`): `skip` — nothing (an `assert`, a
   * fixture's password), `note` — an `info` hardening note. Absent: reported as anywhere else.
   */
  readonly inTests?: 'skip' | 'note';
  /**
   * Off unless a `select` entry matches it (its ID, a prefix such as `VG6`, its name, one of its codes, or `ALL`):
   * for rules whose findings are hints most projects do not want (the import checks, Ruff's preview-only `S4xx`).
   */
  readonly optIn?: boolean;
  readonly docs: RuleDocs;
}

/** A UTF-16 span of the source. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export interface EditSpec extends Span {
  readonly newText: string;
  /**
   * The place was chosen from the module's statements (where a new import goes: `insertImport`), not from the code the
   * finding is about: the edit is placed relative to the module, so a cached result follows the module, not a
   * function that happens to start there.
   */
  readonly inModule?: true;
}

export interface FixSpec {
  /** What applying the fix does, as an imperative: "Use `yaml.safe_load`". */
  readonly title: string;
  readonly safety: FixSafety;
  readonly edits: readonly EditSpec[];
}

export interface Report {
  /** Where the defect is: a node, or an explicit span. */
  readonly at: SyntaxNode | Span;
  readonly message: string;
  /** Overrides the rule's default for this occurrence (a constant shell command is only `low`). */
  readonly severity?: Severity;
  readonly confidence?: Confidence;
  readonly related?: ReadonlyArray<{ readonly at: SyntaxNode | Span; readonly message: string }>;
  /** The path the data took from its source to here, oldest step first (LSP related information, SARIF code flows). */
  readonly flow?: ReadonlyArray<{ readonly at: SyntaxNode | Span; readonly message: string }>;
  /** The fix, when there is one way to fix it. */
  readonly fix?: FixSpec;
  /** Several alternative fixes, the preferred first (a checksum: `usedforsecurity=False`, or `sha256`). */
  readonly fixes?: readonly FixSpec[];
  /** The Bandit/Ruff codes of this occurrence when narrower than the rule's list (`os.system` is B605, not B602). */
  readonly bandit?: readonly string[];
  readonly ruff?: readonly string[];
}

export interface RuleContext {
  /** The rule's own metadata: the levels a report that sets none gets. */
  readonly meta: RuleMeta;
  readonly model: SemanticModel;
  readonly source: string;
  /** The unit being analysed: a rule must not read code outside it, other than through the model. */
  readonly unit: AnalysisUnit;
  /** Where the unit's data comes from and which sinks it reaches (computed on first use). */
  readonly flow: UnitFlow;
  report(report: Report): void;
}

export type NodeVisitor = (node: SyntaxNode) => void;

/**
 * Called for every node of the unit, by node type (`call`, `assignment`, `except_clause`…). `unit:exit` runs
 * once after the unit's walk, for rules that gather before they judge.
 */
export type RuleVisitors = { readonly [nodeType: string]: NodeVisitor | undefined } & {
  readonly 'unit:exit'?: () => void;
};

export interface Rule {
  readonly meta: RuleMeta;
  /** Whether the rule reads `context.flow`: when no selected rule does, the analyzer computes no function summaries. */
  readonly usesFlow?: boolean;
  /** Called once per analysis unit; returns the visitors for that unit (closures may keep per-unit state). */
  create(context: RuleContext): RuleVisitors;
}

/** Identity function that gives rule modules their type. */
export function defineRule(rule: Rule): Rule {
  return rule;
}

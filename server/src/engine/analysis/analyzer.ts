import { compareFindings, type Confidence, type Finding, type Severity } from '../findings';
import type { Rule, RuleContext, Report, RuleVisitors, Span, FixSpec, NodeVisitor } from '../rules/rule';
import { SemanticModel } from '../semantic/model';
import type { LineIndex } from '../syntax/lineIndex';
import { SyntaxNode, type SyntaxTree } from '../syntax/syntaxNode';
import { FlowEngine, type UnitFlow } from '../flow/engine';
import { DEFAULT_KNOWLEDGE, type Knowledge } from '../flow/knowledge';
import { summaryFingerprint, type FunctionSummary } from '../flow/summary';
import { FlowDependencies } from './flowDependencies';
import { isSelected, type RuleSelection } from './selection';
import { isSuppressed, parseSuppressions, suppressionLine } from './suppressions';
import { collectUnits, forEachNodeInUnit, fromOwnOffset, toOwnOffset, type AnalysisUnit } from './units';

/** A rule that threw: its findings for that unit are dropped, the other rules' findings still arrive. */
export interface RuleError {
  readonly ruleId: string;
  /** 0-based line of the unit the rule failed on. */
  readonly line: number;
  readonly message: string;
  readonly stack?: string;
}

export interface AnalysisInput {
  readonly text: string;
  readonly syntax: SyntaxTree;
  readonly lineIndex: LineIndex;
}

export interface AnalysisResult {
  /** Findings the selection keeps and no comment suppresses, in source order. */
  readonly findings: Finding[];
  /** How many findings suppression comments hid. */
  readonly suppressedCount: number;
  readonly ruleErrors: RuleError[];
  /** The file has syntax errors; analysis went around them. */
  readonly hasSyntaxErrors: boolean;
  /** Units analysed in this run, and units whose findings came from the cache. */
  readonly stats: { readonly unitsAnalyzed: number; readonly unitsReused: number };
}

/**
 * A finding as a rule reported it, with offsets into its unit's own text (so it survives edits above it and
 * inside nested definitions). Plain data only: a cached finding must not keep its syntax tree alive.
 */
interface UnitFinding extends StoredSpan {
  readonly rule: Rule;
  readonly message: string;
  readonly severity: Severity;
  readonly confidence: Confidence;
  readonly bandit: readonly string[];
  readonly ruff: readonly string[];
  readonly related: ReadonlyArray<StoredSpan & { readonly message: string }>;
  readonly flow: ReadonlyArray<StoredSpan & { readonly message: string }>;
  readonly fixes: ReadonlyArray<Omit<FixSpec, 'edits'> & { readonly edits: ReadonlyArray<StoredSpan & { readonly newText: string }> }>;
}

interface UnitResult {
  readonly findings: UnitFinding[];
  readonly errors: Array<{ ruleId: string; message: string; stack?: string }>;
  /** False when a finding points outside the unit's own text: such a result cannot be moved, only redone. */
  readonly cacheable: boolean;
}

/**
 * Runs rules over a file one unit (module statements, class body, function) at a time, and remembers each
 * unit's findings under its cache key, so that after an edit only the changed units run again.
 *
 * One Analyzer per document keeps that document's cache; a fresh one analyses from scratch.
 */
export class Analyzer {
  /**
   * Unit key (own text, parent, callee summaries) → that unit's result. Uncacheable results are not kept.
   */
  private cache = new Map<string, UnitResult>();
  /**
   * Base key (own text and parent) → an id its children put in their keys instead of repeating its text (keys stay
   * linear in the file's size). The id lives as long as the key, so a reused unit keeps its children's keys valid.
   */
  private ids = new Map<string, number>();
  private nextId = 1;
  /** Function summaries by summary key (the function's unit key plus its callees' summary fingerprints). */
  private summaries = new Map<string, { readonly summary: FunctionSummary; readonly fingerprint: string }>();
  private readonly dependencies = new FlowDependencies();

  constructor(
    private readonly rules: readonly Rule[],
    private readonly knowledge: Knowledge = DEFAULT_KNOWLEDGE,
  ) {}

  analyze(input: AnalysisInput, selection: RuleSelection = {}): AnalysisResult {
    const { syntax, lineIndex, text } = input;
    const units = collectUnits(syntax.root);
    let model: SemanticModel | undefined;
    const nextCache = new Map<string, UnitResult>();
    const nextIds = new Map<string, number>();
    const rootContext = crossUnitSignature(units);
    const ids = new Map<AnalysisUnit, number>();
    let unitsAnalyzed = 0;
    let unitsReused = 0;
    const all: Finding[] = [];
    const ruleErrors: RuleError[] = [];

    const baseKeys = new Map<AnalysisUnit, string>();
    const classSignatures = classAttributeSignatures(units);
    for (const unit of units) {
      const parent = unit.parent ? `#${ids.get(unit.parent)!}` : rootContext;
      const classFacts = unit.parent?.kind === 'class' ? `\u0005${classSignatures.get(unit.parent) ?? ''}` : '';
      const key = `${unit.kind}\u0000${unit.ownText}\u0001${parent}${classFacts}`;
      baseKeys.set(unit, key);
      const id = nextIds.get(key) ?? this.ids.get(key) ?? this.nextId++;
      nextIds.set(key, id);
      ids.set(unit, id);
    }
    this.ids = nextIds;

    // Flow: a unit's findings may depend on the summaries of the same-file functions it calls. Summaries are
    // computed callees first, each cached under its own key; a unit's key names its callees' summaries.
    const plan = this.dependencies.plan(units, baseKeys);
    const computed = new Map<AnalysisUnit, { readonly summary: FunctionSummary; readonly fingerprint: string }>();
    const keyOf = (unit: AnalysisUnit): string => plan.keyOf(unit, (callee) => computed.get(callee)?.fingerprint ?? 'unknown');
    let flow: FlowEngine | undefined;
    const flowEngine = (): FlowEngine => {
      model ??= new SemanticModel(syntax.root);
      flow ??= new FlowEngine(model, this.knowledge, (definition, caller) => {
        const callee = plan.unitOf(definition);
        const from = caller ? plan.unitOf(caller) : undefined;
        if (!callee || (from && plan.sameCycle(from, callee))) return null;
        return computed.get(callee)?.summary ?? null;
      });
      return flow;
    };
    const nextSummaries = new Map<string, { readonly summary: FunctionSummary; readonly fingerprint: string }>();
    const usesFlow = this.rules.some((rule) => rule.usesFlow);
    // A function's key is final once its callees are summarised: the rules below reuse it.
    const unitKeys = new Map<AnalysisUnit, string>();
    for (const unit of usesFlow ? plan.functionsCalleesFirst : []) {
      const key = keyOf(unit);
      unitKeys.set(unit, key);
      let entry = nextSummaries.get(key) ?? this.summaries.get(key);
      if (!entry) {
        const summary = flowEngine().summarize(unit.node);
        entry = { summary, fingerprint: summaryFingerprint(summary) };
      }
      nextSummaries.set(key, entry);
      computed.set(unit, entry);
    }
    this.summaries = nextSummaries;

    for (const unit of units) {
      const key = unitKeys.get(unit) ?? keyOf(unit);
      let result = nextCache.get(key) ?? this.cache.get(key);
      if (result) {
        unitsReused++;
      } else {
        model ??= new SemanticModel(syntax.root);
        result = this.runRules(unit, model, text, flowEngine);
        unitsAnalyzed++;
      }
      if (result.cacheable) nextCache.set(key, result);
      const unitLine = lineIndex.positionAt(unit.node.start).line;
      for (const error of result.errors) ruleErrors.push({ ...error, line: unitLine });
      for (const found of result.findings) all.push(toFinding(found, unit, lineIndex));
    }
    this.cache = nextCache;

    const suppressions = parseSuppressions(syntax, lineIndex);
    const findings: Finding[] = [];
    let suppressedCount = 0;
    for (const finding of all) {
      if (!isSelected(finding, selection)) continue;
      const anchor = suppressionLine(lineIndex.offsetAt(finding.range.start), syntax, lineIndex);
      if (isSuppressed(finding, suppressions, anchor)) suppressedCount++;
      else findings.push(finding);
    }
    findings.sort(compareFindings);
    return {
      findings,
      suppressedCount,
      ruleErrors,
      hasSyntaxErrors: syntax.hasErrors,
      stats: { unitsAnalyzed, unitsReused },
    };
  }

  private runRules(unit: AnalysisUnit, model: SemanticModel, source: string, flowEngine: () => FlowEngine): UnitResult {
    const findings: UnitFinding[] = [];
    const placement = { cacheable: true };
    const errors: UnitResult['errors'] = [];
    const failed = new Set<Rule>();
    const fail = (rule: Rule, error: unknown): void => {
      if (failed.has(rule)) return;
      failed.add(rule);
      const err = error instanceof Error ? error : new Error(String(error));
      errors.push({ ruleId: rule.meta.id, message: err.message, ...(err.stack ? { stack: err.stack } : {}) });
    };

    const handlers = new Map<string, Array<[Rule, NodeVisitor]>>();
    const exits: Array<[Rule, () => void]> = [];
    for (const rule of this.rules) {
      let unitFlow: UnitFlow | undefined;
      const context: RuleContext = {
        model,
        source,
        unit,
        get flow(): UnitFlow {
          unitFlow ??= flowEngine().unitFlow(unit.node);
          return unitFlow;
        },
        report: (report) => findings.push(normalize(rule, report, unit, source.length, placement)),
      };
      let visitors: RuleVisitors;
      try {
        visitors = rule.create(context);
      } catch (error) {
        fail(rule, error);
        continue;
      }
      for (const [type, visitor] of Object.entries(visitors)) {
        if (!visitor) continue;
        if (type === 'unit:exit') {
          exits.push([rule, visitor as () => void]);
          continue;
        }
        const list = handlers.get(type);
        if (list) list.push([rule, visitor]);
        else handlers.set(type, [[rule, visitor]]);
      }
    }

    forEachNodeInUnit(unit.node, (node) => {
      const list = handlers.get(node.type);
      if (!list) return;
      for (const [rule, visitor] of list) {
        if (failed.has(rule)) continue;
        try {
          visitor(node);
        } catch (error) {
          fail(rule, error);
        }
      }
    });
    for (const [rule, exit] of exits) {
      if (failed.has(rule)) continue;
      try {
        exit();
      } catch (error) {
        fail(rule, error);
      }
    }
    return { findings: findings.filter((found) => !failed.has(found.rule)), errors, cacheable: placement.cacheable };
  }
}

function spanOf(at: SyntaxNode | Span): Span {
  return at instanceof SyntaxNode ? { start: at.start, end: at.end } : at;
}

/**
 * Where a span is stored: own offsets of the unit, or of the nearest ancestor unit whose own text holds it
 * (`level` steps up; an import a fix adds at the top of the module lives in the module's own text). Those texts
 * are part of the unit's cache key, so the span can be placed again whenever the cached result is reused. A span
 * in none of them is stored as absolute offsets and makes the result uncacheable.
 */
interface StoredSpan {
  readonly start: number;
  readonly end: number;
  readonly level?: number;
  readonly absolute?: true;
}

function normalize(
  rule: Rule,
  report: Report,
  unit: AnalysisUnit,
  length: number,
  placement: { cacheable: boolean },
): UnitFinding {
  const fixes = [...(report.fix ? [report.fix] : []), ...(report.fixes ?? [])];
  if (fixes.length > 0 && !rule.meta.fixable) {
    throw new Error(`rule ${rule.meta.id} reported a fix but does not declare itself fixable`);
  }
  const clampSpan = (span: Span): StoredSpan => {
    const start = Math.max(0, Math.min(span.start, length));
    const end = Math.max(start, Math.min(span.end, length));
    let level = 0;
    for (let owner: AnalysisUnit | null = unit; owner; owner = owner.parent, level++) {
      const ownStart = toOwnOffset(owner, start);
      const ownEnd = toOwnOffset(owner, end);
      if (ownStart !== undefined && ownEnd !== undefined) {
        return level === 0 ? { start: ownStart, end: ownEnd } : { start: ownStart, end: ownEnd, level };
      }
    }
    placement.cacheable = false;
    return { start, end, absolute: true };
  };
  const span = clampSpan(spanOf(report.at));
  return {
    rule,
    message: report.message,
    severity: report.severity ?? rule.meta.severity,
    confidence: report.confidence ?? rule.meta.confidence,
    bandit: report.bandit ?? rule.meta.bandit,
    ruff: report.ruff ?? rule.meta.ruff,
    ...span,
    related: (report.related ?? []).map((item) => ({ ...clampSpan(spanOf(item.at)), message: item.message })),
    flow: (report.flow ?? []).map((item) => ({ ...clampSpan(spanOf(item.at)), message: item.message })),
    fixes: fixes.map((fix) => ({
      title: fix.title,
      safety: fix.safety,
      edits: fix.edits.map((edit) => ({ ...clampSpan(edit), newText: edit.newText })),
    })),
  };
}

function toFinding(found: UnitFinding, unit: AnalysisUnit, lineIndex: LineIndex): Finding {
  const { rule } = found;
  const range = (span: StoredSpan) => {
    if (span.absolute) return lineIndex.rangeOf(span.start, span.end);
    let owner = unit;
    for (let level = span.level ?? 0; level > 0; level--) owner = owner.parent!;
    return lineIndex.rangeOf(fromOwnOffset(owner, span.start), fromOwnOffset(owner, span.end));
  };
  return {
    ruleId: rule.meta.id,
    ruleName: rule.meta.name,
    message: found.message,
    severity: found.severity,
    confidence: found.confidence,
    cwe: rule.meta.cwe,
    range: range(found),
    related: found.related.map((item) => ({ range: range(item), message: item.message })),
    flow: found.flow.map((item) => ({ range: range(item), message: item.message })),
    fixes: found.fixes.map((fix) => ({
      title: fix.title,
      safety: fix.safety,
      edits: fix.edits.map((edit) => ({ range: range(edit), newText: edit.newText })),
    })),
    bandit: found.bandit,
    ruff: found.ruff,
  };
}

/**
 * What every unit's findings may depend on beyond its own and its ancestors' text: a `global` or `nonlocal`
 * statement lets a function rebind a name of another unit. The own text of every unit that has one is part of
 * every cache key, so such an edit re-analyses everything (rare, and always correct).
 */
function crossUnitSignature(units: readonly AnalysisUnit[]): string {
  return units
    .filter((unit) => unit.kind === 'function' && /\b(global|nonlocal)\b/.test(unit.ownText))
    .map((unit) => unit.ownText)
    .join('\u0002');
}

const SELF_ASSIGNMENT = /\b(?:self|cls)\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\[[^\]\n]*\]\s*)?(?:[-+*/%&|^@]|\/\/|\*\*|<<|>>)?=(?!=)/g;

/**
 * What the methods of a class may read about each other: `__init__`'s own text (the values it gives `self.x`) and
 * the names of the attributes any other method, or a function nested in one, assigns (`SemanticModel.
 * selfAttributeValues` treats those as not constant). Part of every method unit's cache key.
 */
function classAttributeSignatures(units: readonly AnalysisUnit[]): Map<AnalysisUnit, string> {
  const init = new Map<AnalysisUnit, string>();
  const assigned = new Map<AnalysisUnit, Set<string>>();
  for (const unit of units) {
    let owner: AnalysisUnit | null = unit.parent;
    let method: AnalysisUnit = unit;
    while (owner && owner.kind !== 'class') {
      method = owner;
      owner = owner.parent;
    }
    if (!owner || unit.kind !== 'function') continue;
    if (method === unit && unit.node.child('name')?.text === '__init__') {
      init.set(owner, unit.ownText);
      continue;
    }
    let names = assigned.get(owner);
    if (!names) assigned.set(owner, (names = new Set()));
    for (const match of unit.ownText.matchAll(SELF_ASSIGNMENT)) names.add(match[1]!);
  }
  const result = new Map<AnalysisUnit, string>();
  for (const unit of units) {
    if (unit.kind !== 'class') continue;
    result.set(unit, `${init.get(unit) ?? ''}\u0006${[...(assigned.get(unit) ?? [])].sort().join(',')}`);
  }
  return result;
}

import { compareFindings, type Confidence, type Finding, type Severity } from '../findings';
import type { Rule, RuleContext, Report, RuleVisitors, Span, FixSpec, NodeVisitor } from '../rules/rule';
import { SemanticModel } from '../semantic/model';
import { IN_PLACE_METHODS, type ScopeTree } from '../semantic/scopes';
import type { LineIndex } from '../syntax/lineIndex';
import { containsWord, NAME, namesGlobalOrNonlocal, rememberingCallArguments } from '../syntax/python';
import { rootOf, SyntaxNode, type SyntaxTree } from '../syntax/syntaxNode';
import { FlowEngine, ModuleOuterNames, type UnitFlow } from '../flow/engine';
import { DEFAULT_KNOWLEDGE, type Knowledge } from '../flow/knowledge';
import { summaryFingerprint, type FunctionSummary, type SummaryStep } from '../flow/summary';
import { FlowDependencies } from './flowDependencies';
import { ModuleViews, NamesRead } from './moduleView';
import { selectFinding, type RuleSelection } from './selection';
import { SuppressionUsage, knowRules, parseSuppressions, type UnusedSuppression } from './suppressions';
import { ACTIVE_RULES } from '../rules/registry';
import { firstSyntaxErrorLine } from './syntaxErrors';
import { collectUnits, forEachNodeInUnit, fromOwnOffset, mayHaveNonAsciiNames, toOwnOffset, type AnalysisUnit } from './units';

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

/**
 * Wall-clock limits on one analysis of one file, in milliseconds (measured with `performance.now()`). Past
 * `fileMs` the units not yet analysed are skipped; a rule past `ruleMs` on the file stops for the rest of it.
 * Either way the result says so in `AnalysisResult.partial`: a budget never changes an answer silently.
 */
export interface AnalysisBudget {
  readonly fileMs: number;
  readonly ruleMs: number;
}

/** Generous: ordinary files take milliseconds; only pathological input comes near these. */
export const DEFAULT_BUDGET: AnalysisBudget = { fileMs: 10_000, ruleMs: 4_000 };

/**
 * Rule calls are timed one by one (to charge each rule its time) only once the file's analysis has run this long:
 * ordinary files never pay for the clock.
 */
const SLOW_FILE_MS = 100;
/** How many nodes a traversal visits between two looks at the clock. */
const CLOCK_STRIDE = 256;

/** Every rule that exists (removed ones excluded), for reading and judging suppression codes. */
const KNOWN_RULES = ACTIVE_RULES.map((rule) => rule.meta);

/** Thrown inside a unit's traversal when the file's budget is spent; caught by the analyzer. */
class BudgetSpent extends Error {}

export interface AnalysisResult {
  /** Findings the selection keeps and no comment suppresses, in source order. */
  readonly findings: Finding[];
  /** How many findings suppression comments hid. */
  readonly suppressedCount: number;
  /**
   * Suppression directives that hid no finding of any rule that ran (selected or not); empty when the analysis
   * was partial or a rule failed, since a finding it missed might be what a comment suppresses.
   */
  readonly unusedSuppressions: readonly UnusedSuppression[];
  readonly ruleErrors: RuleError[];
  /** The file has syntax errors; analysis went around them. */
  readonly hasSyntaxErrors: boolean;
  /** 0-based line of the first syntax error (ERROR or MISSING node); null when there is none. */
  readonly firstSyntaxError: number | null;
  /** Units analysed in this run, and units whose findings came from the cache. */
  readonly stats: { readonly unitsAnalyzed: number; readonly unitsReused: number };
  /**
   * Why the findings may be incomplete, one sentence each (a budget spent, a nesting limit reached); empty when
   * the whole file was analysed. Only pathological input (or a very slow machine) produces any.
   */
  readonly partial: readonly string[];
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
  /**
   * The base keys of the other units whose definitions the rules read (`SemanticModel.definitionsRead`: a helper's
   * body, `self._get_port`'s), with the units nested in them (a reader may look into their bodies too): the result
   * is reused only while each of them is unchanged.
   */
  readonly reads: readonly string[];
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
  /**
   * Own text → what the keys need of it: an id that stands for the text in them (a key does not repeat the text, and
   * the text is hashed once per distinct string, not per analysis) and the facts read from it by regular expressions.
   * Kept for the texts of the last analysis, like the other caches.
   */
  private texts = new Map<string, OwnTextFacts>();
  /**
   * Function summaries by summary key (the function's unit key plus its callees' summary fingerprints). One whose
   * steps outside the function are anchored to nodes no longer in the tree is computed again (`anchorsIn`).
   */
  private summaries = new Map<string, SummaryEntry>();
  /**
   * Fingerprint → the short id callers' keys name it by (equal fingerprints, equal ids), for the fingerprints of the
   * last analysis's summaries: a key names each callee by a number, not by its summary's JSON.
   */
  private fingerprintIds = new Map<string, number>();
  /** What of the module's own text each unit may read, for the keys (built again when the module's own text changes). */
  private moduleViews: ModuleViews | undefined;
  /** The names the module's outer run left untrusted, for the module's current base key (`ModuleOuterNames`). */
  private moduleOuter: ModuleOuterNames | undefined;
  /** Whether an analysis has started (a one-shot analyzer runs one). */
  private analysed = false;
  private readonly dependencies = new FlowDependencies();
  /**
   * The scope tree of the semantic model of the last analysis that ran to its end, which the next model (of another
   * tree of the same document) takes classes from (`ScopeOptions.previous`): a keystroke rebuilds the scopes of the
   * class it is in, not of all. Only the scopes: the model's caches are not kept. A model that takes it clears it, so
   * no two models share a scope, even when a paused analysis is resumed after a later one.
   */
  private scopes: ScopeTree | undefined;

  /**
   * `oneShot`: the analyzer analyses one text once (the CLI, `analyzeText`; a second analysis throws): it skips what only
   * serves to reuse results in a later analysis (the units' keys: module views, class and in-place facts, summary
   * fingerprints; the module's outer names), which a from-scratch analysis of a file pays for nothing.
   */
  constructor(
    private readonly rules: readonly Rule[],
    readonly knowledge: Knowledge = DEFAULT_KNOWLEDGE,
    private readonly budget: AnalysisBudget = DEFAULT_BUDGET,
    private readonly oneShot = false,
  ) {}

  /** Analyses `input` in one go (the CLI, tests, and requests that need the answer now). */
  analyze(input: AnalysisInput, selection: RuleSelection = {}): AnalysisResult {
    const steps = this.analyzeInSlices(input, selection, Infinity);
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
    }
  }

  /**
   * Analyses `input`, pausing (one `yield`) each time about `sliceMs` milliseconds of work have passed, between two
   * units or two function summaries: the caller lets other work run, and may stop early by not resuming (the
   * caches stay consistent; an abandoned run only loses what it had not stored). Time spent paused does not count
   * against the budget. The tree must not change while the run is paused: pass a `SyntaxTree` copy, which edits
   * to the document do not touch.
   */
  *analyzeInSlices(input: AnalysisInput, selection: RuleSelection = {}, sliceMs = 8): Generator<void, AnalysisResult> {
    const { syntax, lineIndex, text } = input;
    // Its units' keys are their indexes, which would name other units in another text.
    if (this.oneShot && this.analysed) throw new Error('a one-shot Analyzer analyses one text only');
    this.analysed = true;
    const clock = new BudgetClock(this.budget);
    let sliceStart = performance.now();
    // Checked between units inline (`if (pauseIsDue()) { yield; resumed(); }`), not with a `yield*` of a helper
    // generator: that made a generator object per unit on every keystroke. Time paused does not count (`clock`).
    const pauseIsDue = (): boolean => {
      if (sliceMs === Infinity || performance.now() - sliceStart < sliceMs) return false;
      clock.pause();
      return true;
    };
    const resumed = (): void => {
      clock.resume();
      sliceStart = performance.now();
    };
    const units = collectUnits(syntax.root);
    let model: SemanticModel | undefined;
    const modelOf = (): SemanticModel => {
      if (model) return model;
      const previous = this.scopes;
      this.scopes = undefined;
      model = new SemanticModel(syntax.root, { previous });
      return model;
    };
    const nextCache = new Map<string, UnitResult>();
    let unitsAnalyzed = 0;
    let unitsReused = 0;
    const all: Finding[] = [];
    const ruleErrors: RuleError[] = [];

    const root = units[0]!;
    // By unit index: the unit's base key. A one-shot analysis keeps nothing for a later one, so its units need no keys
    // naming what they depend on: each unit is its own key (no unit's result serves another).
    const baseKeys = this.oneShot ? units.map((unit) => `#${unit.index}`) : this.baseKeysOf(units, modelOf);

    // Flow: a unit's findings may depend on the summaries of the same-file functions it calls. Summaries are
    // computed callees first, each cached under its own key; a unit's key names its callees' summaries.
    const plan = this.dependencies.plan(units, baseKeys);
    // The module's base key names all its outer run reads (`ModuleOuterNames`); a one-shot analysis has no next one.
    const rootKey = baseKeys[root.index]!;
    if (!this.oneShot && this.moduleOuter?.key !== rootKey) this.moduleOuter = new ModuleOuterNames(rootKey);
    const moduleOuter = this.oneShot ? undefined : this.moduleOuter;
    /** By unit index: the function's summary, once computed. */
    const computed: Array<SummaryEntry | undefined> = new Array(units.length);
    const keyOf = this.oneShot
      ? (unit: AnalysisUnit): string => baseKeys[unit.index]!
      : (unit: AnalysisUnit): string => plan.keyOf(unit, (callee) => `${computed[callee.index]?.fingerprintId ?? 'unknown'}`);
    let flow: FlowEngine | undefined;
    const flowEngine = (): FlowEngine => {
      flow ??= new FlowEngine(
        modelOf(),
        this.knowledge,
        (definition, caller) => {
          const callee = plan.unitOf(definition);
          const from = caller ? plan.unitOf(caller) : undefined;
          if (!callee || (from && plan.sameCycle(from, callee))) return null;
          return computed[callee.index]?.summary ?? null;
        },
        (unitNode) => plan.unitOf(unitNode)?.ownText ?? unitNode.text,
        moduleOuter,
      );
      return flow;
    };
    const nextSummaries = new Map<string, SummaryEntry>();
    const usesFlow = this.rules.some((rule) => rule.usesFlow);
    // A function's key is final once its callees are summarised: the rules below reuse it (by unit index).
    const unitKeys: Array<string | undefined> = new Array(units.length);
    for (const unit of usesFlow ? plan.functionsCalleesFirst : []) {
      if (pauseIsDue()) {
        yield;
        resumed();
      }
      if (clock.fileSpent()) break;
      const key = keyOf(unit);
      unitKeys[unit.index] = key;
      let entry = nextSummaries.get(key) ?? this.summaries.get(key);
      // A step outside the function is placed by its anchor (`SummaryStep`), which must be in this tree.
      if (entry && !anchorsIn(entry.summary, syntax.root)) entry = undefined;
      entry ??= this.summaryEntry(flowEngine().summarize(unit.node));
      nextSummaries.set(key, entry);
      computed[unit.index] = entry;
    }
    this.summaries = nextSummaries;
    // Keep the ids of the fingerprints in use, and only those (a summary computed again gets its callers' id back).
    if (!this.oneShot) {
      const ids = new Map<string, number>();
      for (const entry of nextSummaries.values()) ids.set(entry.fingerprint, entry.fingerprintId);
      this.fingerprintIds = ids;
    }

    let currentBaseKeys: Set<string> | undefined;
    /** Whether a result's reads (base keys of other units) all name units of this analysis. */
    const readsCurrent = (reads: readonly string[]): boolean =>
      reads.length === 0 || reads.every((read) => (currentBaseKeys ??= new Set(baseKeys)).has(read));
    /**
     * The base keys of what a rule read when it read a definition: the definition's unit and the units nested in it
     * (a reader may look into nested functions' bodies, which its own text cuts out); undefined when the definition
     * is no unit's.
     */
    const readKeysOf = (definition: SyntaxNode): string[] | undefined => {
      const unit = plan.unitOf(definition);
      if (!unit) return undefined;
      const keys = [baseKeys[unit.index]!];
      // Units are listed in pre-order: those nested in `unit` follow it, up to the first that is not inside it.
      for (let i = unit.index + 1; i < units.length && isNestedIn(units[i]!, unit); i++) keys.push(baseKeys[i]!);
      return keys;
    };
    for (const unit of units) {
      if (pauseIsDue()) {
        yield;
        resumed();
      }
      const key = unitKeys[unit.index] ?? keyOf(unit);
      let result = nextCache.get(key) ?? this.cache.get(key);
      if (result && !readsCurrent(result.reads)) result = undefined;
      if (result) {
        unitsReused++;
      } else if (clock.fileSpent()) {
        clock.skip(lineIndex.positionAt(unit.node.start).line);
        continue;
      } else {
        result = this.runRules(unit, modelOf(), text, flowEngine, clock, lineIndex, baseKeys, readKeysOf);
        unitsAnalyzed++;
      }
      if (result.cacheable) nextCache.set(key, result);
      if (result.errors.length > 0) {
        const unitLine = lineIndex.positionAt(unit.node.start).line;
        for (const error of result.errors) ruleErrors.push({ ...error, line: unitLine });
      }
      for (const found of result.findings) all.push(toFinding(found, unit, lineIndex));
    }
    this.cache = nextCache;
    if (model) this.scopes = model.scopeTree;

    // Suppressions and the selection. A comment is "used" by any finding it covers, selected or not.
    knowRules(KNOWN_RULES);
    const usage = new SuppressionUsage(parseSuppressions(syntax, lineIndex, selection), text, syntax, lineIndex);
    const metas = new Map(this.rules.map((rule) => [rule.meta.id, rule.meta]));
    const findings: Finding[] = [];
    let suppressedCount = 0;
    for (const finding of all) {
      const suppressed = usage.suppresses(finding);
      const shown = selectFinding(finding, selection, metas.get(finding.ruleId));
      if (!shown) continue;
      if (suppressed) suppressedCount++;
      else findings.push(shown);
    }
    findings.sort(compareFindings);
    const partial = [...clock.reasons(units.length), ...(model?.limitsReached ?? [])];
    const unusedSuppressions = partial.length > 0 || ruleErrors.length > 0 ? [] : usage.unused(this.rules.map((rule) => rule.meta));
    return {
      findings,
      suppressedCount,
      unusedSuppressions,
      ruleErrors,
      hasSyntaxErrors: syntax.hasErrors,
      firstSyntaxError: firstSyntaxErrorLine(syntax, lineIndex),
      stats: { unitsAnalyzed, unitsReused },
      partial,
    };
  }

  /**
   * A new summary as cached, with the id callers' keys name its fingerprint by: the id of an equal fingerprint when one
   * is in use. Fingerprints are parts of callers' keys, which a one-shot analysis does not make.
   */
  private summaryEntry(summary: FunctionSummary): SummaryEntry {
    if (this.oneShot) return { summary, fingerprint: '', fingerprintId: 0 };
    const fingerprint = summaryFingerprint(summary);
    let fingerprintId = this.fingerprintIds.get(fingerprint);
    if (fingerprintId === undefined) this.fingerprintIds.set(fingerprint, (fingerprintId = this.nextId++));
    return { summary, fingerprint, fingerprintId };
  }

  /**
   * By unit index: each unit's base key (`#id`), naming all a unit's findings depend on but its callees' summaries
   * (see `analyzeInSlices`); fills `texts` and `ids` for the next analysis.
   */
  private baseKeysOf(units: readonly AnalysisUnit[], modelOf: () => SemanticModel): string[] {
    // A unit's base key is its id (`#id`): the full key (kinds, own texts, class facts) is kept once, in `ids`, and
    // the cache keys below name it by id, so they do not repeat the texts (ids are never reused: an id stands for
    // one full key). A class's signature gets an id the same way, rather than being repeated in every method's key.
    // An own text is named by its own id (`texts`), so these keys are short.
    const nextTexts = new Map<string, OwnTextFacts>();
    const factsOf = (unit: AnalysisUnit): OwnTextFacts => {
      let facts = nextTexts.get(unit.ownText) ?? this.texts.get(unit.ownText);
      if (!facts) facts = new OwnTextFacts(this.nextId++, unit.ownText);
      nextTexts.set(unit.ownText, facts);
      return facts;
    };
    const rootContext = crossUnitSignature(units, factsOf);
    const root = units[0]!;
    const nextIds = new Map<string, number>();
    /** By unit index: the unit's id (see below). */
    const ids: number[] = new Array(units.length);
    const baseKeys: string[] = new Array(units.length);
    const changedBelow = changedInPlaceBelow(units, factsOf, modelOf);
    const idOf = (key: string): number => {
      const id = nextIds.get(key) ?? this.ids.get(key) ?? this.nextId++;
      nextIds.set(key, id);
      return id;
    };
    // A unit below the module names the module-level statements it may read (`ModuleViews`), not the module's whole
    // own text: an edit at module level then analyses again only the units it can change. What every unit names
    // (`moduleCommon`): the statements that may change any name, the names units below change in place, and the text
    // of every function that rebinds names with `global` or `nonlocal`.
    const views = (this.moduleViews ??= new ModuleViews()).viewFor(root, factsOf(root).id, modelOf);
    const viewOf = (unit: AnalysisUnit): string => views.viewOf(unit, factsOf(unit).id, () => factsOf(unit).namesRead(unit), modelOf);
    const classSignatures = classAttributeSignatures(units, factsOf, viewOf);
    // And what the flow layer's handler rows read of the module's own code (`Knowledge.moduleTextPatterns`).
    const matched = factsOf(root).matchedPatterns(this.knowledge.moduleTextPatterns);
    // And the imports of every scope, not only the module's: the flow layer's handler rows ask whether the module
    // imports a framework anywhere (`importedNames(true)`), so `import django` in one function changes what another's
    // parameters hold.
    const importsAnywhere = [...new Set(modelOf().importedNames(true))].sort().join(' ');
    const moduleCommon = `m${idOf(`\u000b${views.common}\u0008${changedBelow[root.index] ?? ''}\u0002${rootContext}\u0010${matched}\u0011${importsAnywhere}`)}`;
    /** By class unit index: the id of its signature, once asked. */
    const classIds: number[] = [];
    for (const unit of units) {
      const facts = factsOf(unit);
      const parent = !unit.parent ? rootContext : unit.parent === root ? moduleCommon : `#${ids[unit.parent.index]!}`;
      const view = unit.parent ? viewOf(unit) : '';
      const classFacts = unit.parent?.kind === 'class' ? (classIds[unit.parent.index] ??= idOf(`\u0007${classSignatures.get(unit.parent) ?? ''}`)) : 0;
      const changed = changedBelow[unit.index] ?? '';
      // The id of the last key made for this own text, when its parts are the same (most units, on a keystroke): the
      // key is not spelled out again (ids are never reused, so the same parts always had this id).
      const last = facts.lastKey;
      let id: number;
      if (last && last.kind === unit.kind && last.parent === parent && last.view === view && last.classFacts === classFacts && last.changed === changed) {
        id = last.id;
      } else {
        id = idOf(`${unit.kind}\u0000${facts.id}\u0001${parent}\u000c${view}\u0005${classFacts}\u0008${changed}`);
        facts.lastKey = { kind: unit.kind, parent, view, classFacts, changed, id };
      }
      baseKeys[unit.index] = `#${id}`;
      ids[unit.index] = id;
    }
    this.texts = nextTexts;
    this.ids = nextIds;
    return baseKeys;
  }

  private runRules(
    unit: AnalysisUnit,
    model: SemanticModel,
    source: string,
    flowEngine: () => FlowEngine,
    clock: BudgetClock,
    lineIndex: LineIndex,
    baseKeys: readonly string[],
    readKeysOf: (definition: SyntaxNode) => string[] | undefined,
  ): UnitResult {
    const findings: UnitFinding[] = [];
    const placement: Placement = { cacheable: true, readsModule: false };
    const definitionsRead = new Set<SyntaxNode>();
    model.definitionsRead = definitionsRead;
    model.moduleFactAsked = false;
    const errors: UnitResult['errors'] = [];
    const failed = new Set<Rule>();
    const fail = (rule: Rule, error: unknown): void => {
      if (failed.has(rule)) return;
      failed.add(rule);
      const err = error instanceof Error ? error : new Error(String(error));
      errors.push({ ruleId: rule.meta.id, message: err.message, ...(err.stack ? { stack: err.stack } : {}) });
    };

    // Visitors by node type, as parallel lists of rules and visitors. This runs for every rule on every unit, and
    // its visitors for every node: no per-call closures or entry arrays.
    const handlers = new Map<string, { readonly rules: Rule[]; readonly visitors: NodeVisitor[] }>();
    const exitRules: Rule[] = [];
    const exits: Array<() => void> = [];
    const shared: UnitShared = { model, source, unit, flowEngine, findings, placement, unitFlow: undefined };
    for (const rule of this.rules) {
      let visitors: RuleVisitors;
      try {
        visitors = rule.create(new UnitRuleContext(rule, shared));
      } catch (error) {
        fail(rule, error);
        continue;
      }
      for (const type in visitors) {
        const visitor = visitors[type];
        if (!visitor) continue;
        if (type === 'unit:exit') {
          exitRules.push(rule);
          exits.push(visitor as () => void);
          continue;
        }
        const entry = handlers.get(type);
        if (entry) {
          entry.rules.push(rule);
          entry.visitors.push(visitor);
        } else {
          handlers.set(type, { rules: [rule], visitors: [visitor] });
        }
      }
    }

    // Rules run until the file's budget is spent; a rule past its own budget stops for the rest of the file. A
    // unit cut short is not cached (its findings are kept: each is true, some may be missing).
    let timed = clock.slow();
    let visited = 0;
    /** Runs one visitor (`node` null for `unit:exit`), isolating and timing it. */
    const call = (rule: Rule, visitor: NodeVisitor | (() => void), node: SyntaxNode | null): void => {
      if ((failed.size > 0 && failed.has(rule)) || (clock.anyRuleStopped() && clock.ruleStopped(rule))) return;
      const started = timed ? performance.now() : 0;
      try {
        if (node) (visitor as NodeVisitor)(node);
        else (visitor as () => void)();
      } catch (error) {
        fail(rule, error);
      }
      if (timed && clock.charge(rule, performance.now() - started, lineIndex.positionAt(unit.node.start).line)) {
        placement.cacheable = false;
      }
    };
    try {
      rememberingCallArguments(() => {
        forEachNodeInUnit(unit.node, (node) => {
          if (++visited % CLOCK_STRIDE === 0) {
            if (clock.fileSpent()) throw new BudgetSpent();
            timed ||= clock.slow();
          }
          const entry = handlers.get(node.type);
          if (!entry) return;
          const { rules, visitors } = entry;
          for (let i = 0; i < rules.length; i++) call(rules[i]!, visitors[i]!, node);
        });
        timed ||= clock.slow();
        for (let i = 0; i < exits.length; i++) call(exitRules[i]!, exits[i]!, null);
      });
    } catch (error) {
      if (!(error instanceof BudgetSpent)) throw error;
      clock.skip(lineIndex.positionAt(unit.node.start).line);
      placement.cacheable = false;
    }
    // A rule stopped on this file is missing from every unit analysed after it: none of those results is whole.
    if (clock.anyRuleStopped()) placement.cacheable = false;
    model.definitionsRead = undefined;
    const own = baseKeys[unit.index];
    const reads: string[] = [];
    for (const definition of definitionsRead) {
      const read = readKeysOf(definition);
      if (read === undefined) placement.cacheable = false;
      else for (const key of read) if (key !== own && !reads.includes(key)) reads.push(key);
    }
    // A module fact, or a span stored in the module's own text (a flow step through module code, an import a fix
    // adds), depends on the whole of it: the result is reused only while the module's own text is the same.
    if (unit.parent && (placement.readsModule || model.moduleFactAsked)) {
      let module = unit.parent;
      while (module.parent) module = module.parent;
      const read = baseKeys[module.index];
      if (read === undefined) placement.cacheable = false;
      else if (!reads.includes(read)) reads.push(read);
    }
    return {
      findings: failed.size > 0 ? findings.filter((found) => !failed.has(found.rule)) : findings,
      errors,
      cacheable: placement.cacheable,
      reads,
    };
  }
}

/** What the rule contexts of one unit share. */
interface UnitShared {
  readonly model: SemanticModel;
  readonly source: string;
  readonly unit: AnalysisUnit;
  readonly flowEngine: () => FlowEngine;
  readonly findings: UnitFinding[];
  readonly placement: Placement;
  /** The unit's flow, computed on the first rule's question and shared by every rule. */
  unitFlow: UnitFlow | undefined;
}

/** One rule's context on one unit (a class, so its getter and method live on the prototype, not on each object). */
class UnitRuleContext implements RuleContext {
  constructor(
    private readonly rule: Rule,
    private readonly shared: UnitShared,
  ) {}

  get meta(): Rule['meta'] {
    return this.rule.meta;
  }

  get model(): SemanticModel {
    return this.shared.model;
  }

  get source(): string {
    return this.shared.source;
  }

  get unit(): AnalysisUnit {
    return this.shared.unit;
  }

  get flow(): UnitFlow {
    const shared = this.shared;
    return (shared.unitFlow ??= shared.flowEngine().unitFlow(shared.unit.node));
  }

  report(report: Report): void {
    const { findings, unit, source, placement } = this.shared;
    findings.push(normalize(this.rule, report, unit, source.length, placement));
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

/**
 * Where one unit's result may be placed again: `cacheable` is false when a span lies outside the unit's and its
 * ancestors' own texts; `readsModule` is true when a span lies in the module's own text (see `runRules`).
 */
interface Placement {
  cacheable: boolean;
  readsModule: boolean;
}

function normalize(
  rule: Rule,
  report: Report,
  unit: AnalysisUnit,
  length: number,
  placement: Placement,
): UnitFinding {
  const fixes = [...(report.fix ? [report.fix] : []), ...(report.fixes ?? [])];
  if (fixes.length > 0 && !rule.meta.fixable) {
    throw new Error(`rule ${rule.meta.id} reported a fix but does not declare itself fixable`);
  }
  /** `inModule`: the span is a place in the module (`EditSpec.inModule`), stored relative to the module's own text. */
  const clampSpan = (span: Span, inModule = false): StoredSpan => {
    const start = Math.max(0, Math.min(span.start, length));
    const end = Math.max(start, Math.min(span.end, length));
    let level = 0;
    for (let owner: AnalysisUnit | null = unit; owner; owner = owner.parent, level++) {
      if (inModule && owner.parent) continue;
      const ownStart = toOwnOffset(owner, start);
      const ownEnd = toOwnOffset(owner, end);
      if (ownStart !== undefined && ownEnd !== undefined) {
        if (level > 0 && !owner.parent) placement.readsModule = true;
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
      edits: fix.edits.map((edit) => ({ ...clampSpan(edit, edit.inModule), newText: edit.newText })),
    })),
  };
}

function toFinding(found: UnitFinding, unit: AnalysisUnit, lineIndex: LineIndex): Finding {
  const { rule } = found;
  const range = (span: StoredSpan) => {
    if (span.absolute) return lineIndex.rangeOf(span.start, span.end);
    let owner = unit;
    for (let level = span.level ?? 0; level > 0; level--) owner = owner.parent!;
    // A span that is empty in own text (an insertion where a cut ends) stays empty, at the code's start.
    const start = fromOwnOffset(owner, span.start);
    return lineIndex.rangeOf(start, span.end === span.start ? start : fromOwnOffset(owner, span.end, 'end'));
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

/** A function summary as cached (see `Analyzer.summaries`). */
interface SummaryEntry {
  readonly summary: FunctionSummary;
  readonly fingerprint: string;
  /** What callers' keys name the fingerprint by (`Analyzer.fingerprintIds`). */
  readonly fingerprintId: number;
}

/** Whether every anchor of a summary's steps (`SummaryStep.anchor`) is a node of the tree under `root`. */
function anchorsIn(summary: FunctionSummary, root: SyntaxNode): boolean {
  if (summary.returns && !(stepsIn(summary.returns.steps, root) && stepsIn(summary.returns.paramSteps, root))) return false;
  for (const sink of summary.sinks) if (!stepsIn(sink.steps, root)) return false;
  return true;
}

/** Whether `unit` is nested (at any depth) in `outer`. */
function isNestedIn(unit: AnalysisUnit, outer: AnalysisUnit): boolean {
  for (let parent = unit.parent; parent; parent = parent.parent) if (parent === outer) return true;
  return false;
}

function stepsIn(steps: readonly SummaryStep[], root: SyntaxNode): boolean {
  for (const step of steps) if (step.anchor && rootOf(step.anchor) !== root) return false;
  return true;
}

/** What the cache keys need of one own text (see `Analyzer.texts`); the facts are read on first use. */
class OwnTextFacts {
  /**
   * The parts of the last base key made for a unit with this text, and its id (`Analyzer.baseKeysOf`): a unit whose
   * parts are the same gets the same id without its key being spelled out and looked up again.
   */
  lastKey: { readonly kind: string; readonly parent: string; readonly view: string; readonly classFacts: number; readonly changed: string; readonly id: number } | undefined;
  private selfAssigned: readonly string[] | undefined;
  private mentioned: NamesRead | undefined;
  private crossUnit: boolean | undefined;
  private changed: readonly string[] | undefined;
  private matched: string | undefined;
  private readonly named = new Map<string, boolean>();

  /**
   * The names the text may change in place: followed by a method that changes a container (`xs.append`) or by a
   * subscript (`xs[k] = v`; reads count too). A superset of what the scopes record (`noteMutation` in
   * `semantic/scopes.ts`), whatever the spacing, line continuations or comments between.
   */
  get changedInPlace(): readonly string[] {
    return (this.changed ??= [...new Set([...this.text.matchAll(CHANGED_IN_PLACE)].map((match) => match[1]!))]);
  }

  /**
   * Whether the text may name `name` (`containsWord`: a false "yes" is possible for a Unicode name, never a false
   * "no"). Remembered per name: a text's facts outlive the analysis that read them while the text stays the same.
   */
  mayName(name: string): boolean {
    let answer = this.named.get(name);
    if (answer === undefined) this.named.set(name, (answer = containsWord(this.text, name)));
    return answer;
  }

  constructor(
    readonly id: number,
    private readonly text: string,
  ) {}

  /**
   * Which of `patterns` match the text, one `1` or `0` each. Remembered for the text (the patterns are the analyzer's
   * knowledge's, the same every time).
   */
  matchedPatterns(patterns: readonly RegExp[]): string {
    return (this.matched ??= patterns.map((pattern) => (pattern.test(this.text) ? '1' : '0')).join(''));
  }

  /** Whether the text has a `global` or `nonlocal` statement (word). */
  get rebindsOutside(): boolean {
    return (this.crossUnit ??= namesGlobalOrNonlocal(this.text));
  }

  /** The names the text may read of the module (`NamesRead`); `unit` is a unit with this own text. */
  namesRead(unit: AnalysisUnit): NamesRead {
    return (this.mentioned ??= NamesRead.of(unit));
  }

  /** The attributes the text assigns on `self` or `cls`. */
  get selfAttributes(): readonly string[] {
    return (this.selfAssigned ??= [
      ...new Set([...this.text.matchAll(mayHaveNonAsciiNames(this.text) ? SELF_ASSIGNMENT_UNICODE : SELF_ASSIGNMENT)].map((match) => match[1]!)),
    ]);
  }
}

/**
 * What every unit's findings may depend on beyond its own and its ancestors' text: a `global` or `nonlocal`
 * statement lets a function, or a class body, rebind a name of another unit. The own text of every unit that has one is part of
 * every cache key, so such an edit re-analyses everything (rare, and always correct).
 */
function crossUnitSignature(units: readonly AnalysisUnit[], factsOf: (unit: AnalysisUnit) => OwnTextFacts): string {
  return units
    .filter((unit) => unit.parent !== null && factsOf(unit).rebindsOutside)
    .map((unit) => unit.ownText)
    .join('\u0002');
}

/**
 * Whitespace, line continuations and comments between a name and what follows it. Each repetition takes one character
 * or a whole comment (to the end of its line), so there is one way to match (no backtracking over `#####` banners).
 */
const GAP = String.raw`(?:[\s\\]|#[^\n]*(?![^\n]))*`;
const CHANGED_IN_PLACE = new RegExp(
  String.raw`(?<![\p{L}\p{N}\p{Mn}\p{Mc}\p{Pc}.])(${NAME})${GAP}(?:\.${GAP}(?:${[...IN_PLACE_METHODS].join('|')})(?![\p{L}\p{N}_])|\[)`,
  'gu',
);

/**
 * What a unit's findings may depend on in the text of the units below it: a list or set bound once to a literal is a
 * constant only while nothing changes it in place (`SemanticModel.isConstant`), and a function or class nested in the
 * unit may. By unit index: the names a unit below it may change in place that the unit may bind to a list or set
 * literal, sorted, or undefined when none; part of the unit's base key, so of the keys of every unit under it too.
 * "May bind" is the semantic model's answer for the module and classes (`bindsListOrSet`: a function below that
 * subscripts `self` or `args` does not tie every unit to it), and "its own text names it" for functions, whose scopes
 * would have to be built for it.
 */
function changedInPlaceBelow(
  units: readonly AnalysisUnit[],
  factsOf: (unit: AnalysisUnit) => OwnTextFacts,
  model: () => SemanticModel,
): Array<string | undefined> {
  const below: Array<Set<string> | undefined> = new Array(units.length);
  for (const unit of units) {
    // The root has no unit above it to tell (in a file full of syntax errors its own text is nearly the whole file).
    if (!unit.parent) continue;
    const names = factsOf(unit).changedInPlace;
    if (names.length === 0) continue;
    for (let outer: AnalysisUnit | null = unit.parent; outer; outer = outer.parent) {
      const set = (below[outer.index] ??= new Set());
      for (const name of names) set.add(name);
    }
  }
  return below.map((set, index) => {
    if (!set) return undefined;
    const unit = units[index]!;
    const facts = factsOf(unit);
    // The scope's answer first: a word search of the module's own text (nearly the whole file when it does not parse)
    // for every name changed in place below would cost more than the rest of the keys.
    const named = [...set].filter((name) => (unit.kind === 'function' || model().bindsListOrSet(unit.node, name)) && facts.mayName(name));
    return named.length > 0 ? named.sort().join(',') : undefined;
  });
}

/**
 * An assignment to an attribute of `self` or `cls`, or to something inside one (`self.x = v`, `self.x += v`,
 * `self.x[k] = v`, `self.x.y = v`, `(self.x) = v`, `self.x: T = v`, line continuations anywhere): the attribute's name.
 * `SemanticModel.selfAttributeValues` counts any assignment whose target holds `self.x`. Two patterns, as elsewhere:
 * names with non-ASCII letters only in a text that may have some (`mayHaveNonAsciiNames`).
 */
function selfAssignmentPattern(name: string, flags: string): RegExp {
  const gap = String.raw`[\s\\]*`;
  return new RegExp(
    String.raw`\b(?:self|cls)${gap}\.${gap}(${name})(?:${gap}(?:\.${gap}${name}|\[[^\]\n]*\]))*${gap}\)?${gap}(?::[^=\n]*)?(?:[-+*/%&|^@]|\/\/|\*\*|<<|>>)?=(?!=)`,
    flags,
  );
}
const SELF_ASSIGNMENT = selfAssignmentPattern('[A-Za-z_][A-Za-z0-9_]*', 'g');
const SELF_ASSIGNMENT_UNICODE = selfAssignmentPattern(NAME, 'gu');

/**
 * What the methods of a class may read about each other: the own text of each `__init__` and what it may read of the
 * module (its view: `self.cmd = CMD` gives `self.cmd` the module's `CMD`), and the names of the attributes any other
 * function inside the class assigns, in methods, functions nested in them and nested classes alike
 * (`SemanticModel.selfAttributeValues` reads the class's whole body and treats those as not constant). Part of every
 * method unit's cache key. `viewOf` is a unit's module view (`ModuleView.viewOf`).
 */
function classAttributeSignatures(
  units: readonly AnalysisUnit[],
  factsOf: (unit: AnalysisUnit) => OwnTextFacts,
  viewOf: (unit: AnalysisUnit) => string,
): Map<AnalysisUnit, string> {
  const inits = new Map<AnalysisUnit, string[]>();
  const assigned = new Map<AnalysisUnit, Set<string>>();
  for (const unit of units) {
    if (unit.kind !== 'function') continue;
    // The unit directly in `owner`'s body on the way up: the unit itself for a method.
    let method: AnalysisUnit = unit;
    for (let owner = unit.parent; owner; method = owner, owner = owner.parent) {
      if (owner.kind !== 'class') continue;
      if (method === unit && unit.name === '__init__') {
        const list = inits.get(owner);
        const signature = `#${factsOf(unit).id}:${viewOf(unit)}`;
        if (list) list.push(signature);
        else inits.set(owner, [signature]);
        continue;
      }
      let names = assigned.get(owner);
      if (!names) assigned.set(owner, (names = new Set()));
      for (const name of factsOf(unit).selfAttributes) names.add(name);
    }
  }
  const result = new Map<AnalysisUnit, string>();
  for (const unit of units) {
    if (unit.kind !== 'class') continue;
    result.set(unit, `${(inits.get(unit) ?? []).join(' ')}\u0006${[...(assigned.get(unit) ?? [])].sort().join(',')}`);
  }
  return result;
}

/**
 * The time one analysis has used against its `AnalysisBudget`, and what was left out because of it: units skipped
 * or cut short, rules stopped. `reasons()` words it for `AnalysisResult.partial`.
 */
class BudgetClock {
  private start = performance.now();
  private pausedAt: number | undefined;
  private readonly spentByRule = new Map<Rule, number>();
  private readonly stopped = new Map<Rule, number>();
  private skipped = 0;
  private firstLeftOut: number | undefined;

  constructor(private readonly budget: AnalysisBudget) {}

  /** Stops the clock while the analysis is paused (`analyzeInSlices`). */
  pause(): void {
    this.pausedAt = performance.now();
  }

  resume(): void {
    if (this.pausedAt !== undefined) this.start += performance.now() - this.pausedAt;
    this.pausedAt = undefined;
  }

  /** Whether the analysis has run long enough to time rule calls one by one. */
  slow(): boolean {
    return performance.now() - this.start > SLOW_FILE_MS;
  }

  fileSpent(): boolean {
    return performance.now() - this.start > this.budget.fileMs;
  }

  /** A unit (starting on 0-based `line`) not analysed, or cut short. */
  skip(line: number): void {
    this.skipped++;
    this.firstLeftOut = Math.min(this.firstLeftOut ?? line, line);
  }


  anyRuleStopped(): boolean {
    return this.stopped.size > 0;
  }

  ruleStopped(rule: Rule): boolean {
    return this.stopped.has(rule);
  }

  /** Adds `ms` to a rule's time on this file; true when that stops the rule (it was in a unit at `line`). */
  charge(rule: Rule, ms: number, line: number): boolean {
    const spent = (this.spentByRule.get(rule) ?? 0) + ms;
    this.spentByRule.set(rule, spent);
    if (spent <= this.budget.ruleMs || this.stopped.has(rule)) return false;
    this.stopped.set(rule, line);
    return true;
  }

  reasons(units: number): string[] {
    const reasons: string[] = [];
    if (this.skipped > 0) {
      reasons.push(
        `the analysis stopped at its time budget (${this.budget.fileMs} ms): ${this.skipped} of ${units} parts of the file were not fully analysed, the first at line ${this.firstLeftOut! + 1}`,
      );
    }
    for (const [rule, line] of this.stopped) {
      reasons.push(
        `rule ${rule.meta.id} (${rule.meta.name}) stopped at its time budget (${this.budget.ruleMs} ms) near line ${line + 1}; its findings after that are missing`,
      );
    }
    return reasons;
  }
}

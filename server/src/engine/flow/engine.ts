import type { SemanticModel } from '../semantic/model';
import { nodeAt, type SyntaxNode } from '../syntax/syntaxNode';
import { DEFINITION_TYPES, enclosingClass, parameterEntries, unparenthesize } from '../syntax/python';
import { ALL_CONCEPTS, kindBit, type HandlerReturn, type HandlerRow, type RequestParameterRow } from './concepts';
import { UnitInterpreter, argumentMatches as conditionHolds, type FlowHit } from './interpreter';
import type { Knowledge } from './knowledge';
import type { FlowContext, FunctionSummary, LocalCallee, SummaryStep } from './summary';
import { fromSource, pathSteps, sourceStepMessage, step, type Taint } from './taint';
import { TypeResolver } from './types';

/**
 * The flow facts of one analysis unit, for rules: the sinks untrusted data reaches, and the value of any expression
 * of the unit.
 */
export interface UnitFlow {
  /** Every sink of the unit reached by data from a source, in source order. */
  readonly hits: readonly FlowHit[];
  /** What the flow layer knows about an expression of this unit (null: nothing untrusted, or not evaluated). */
  taintOf(node: SyntaxNode): Taint | null;
}

/**
 * Gives the summary of a same-file function, or null when it must be treated as unknown (a call inside a recursive
 * cycle). Supplied by the analyzer, which caches summaries across analyses.
 */
export type SummaryProvider = (definition: SyntaxNode, caller: SyntaxNode | null) => FunctionSummary | null;

interface HandlerInfo {
  /** Parameter index → the label of the request data it receives. */
  readonly sources: ReadonlyMap<number, string>;
  /** What its return value becomes for the client (a response body, a redirect target), one entry per meaning. */
  readonly returns: readonly HandlerReturn[];
}

/** A function's parameters that bind a name, in order, and the index of `*args` among them. */
interface ParameterList {
  readonly names: readonly SyntaxNode[];
  readonly all: readonly SyntaxNode[];
  readonly variadic?: number;
}

/** The request type of `models/generic.ts`: a request object known only by its conventional name. */
const CONVENTIONAL_REQUEST = 'vigil.conventional.Request';

const NO_HANDLER: HandlerInfo = { sources: new Map(), returns: [] };
/** Annotations whose values a framework has converted from text (FastAPI, Django Ninja, Flask converters via typing). */
const SCALAR_TYPES: ReadonlySet<string> = new Set([
  'int', 'float', 'bool', 'decimal.Decimal', 'uuid.UUID', 'datetime.date', 'datetime.datetime', 'datetime.time',
  'pydantic.PositiveInt', 'pydantic.NonNegativeInt', 'pydantic.conint',
]);

/**
 * The names the module's outer run (see `FlowEngine.outerValue`) leaves with untrusted data, kept from one analysis of
 * a document to the next while `key` is the same. The key must name everything that run reads: the Analyzer gives the
 * module unit's base key (its own text, the functions that rebind its names with `global`, the names units below
 * change in place). A function's free name the module does not leave untrusted is then answered without running the
 * module again: typing in a method no longer interprets the whole module on every keystroke. The names only, no
 * values: a value's path holds offsets of the tree it was computed on.
 */
export class ModuleOuterNames {
  /** Undefined until a run of this analysis or an earlier one with the same key has filled it. */
  untrusted: ReadonlySet<string> | undefined;

  constructor(readonly key: string) {}
}

/**
 * The flow layer for one parse of one file: runs the interpreter over units on demand and remembers the results
 * for the rest of the analysis. Two modes: *full* (calls of same-file functions go through their summaries; what
 * rules and summaries use) and *outer* (no summaries: the values a nested function reads from its enclosing
 * function or the module), so that a unit's outer values never depend on summaries, and the order in which units
 * are analysed never changes a result.
 */
export class FlowEngine {
  readonly types: TypeResolver;
  private readonly full = new Map<SyntaxNode, UnitInterpreter>();
  private readonly outer = new Map<SyntaxNode, UnitInterpreter>();
  private readonly handlers = new Map<SyntaxNode, HandlerInfo>();
  private readonly parameterLists = new Map<SyntaxNode, ParameterList>();

  constructor(
    readonly model: SemanticModel,
    readonly knowledge: Knowledge,
    private readonly summaries: SummaryProvider,
    /**
     * A unit's own text (the root's: the module's), given a unit's node: the only text of a unit the flow layer reads
     * as text (`HandlerReturn.mentions`), since the unit's cache key names it.
     */
    private readonly ownText: (unitNode: SyntaxNode) => string,
    /** What an earlier analysis of the same module learnt from its outer run (see `ModuleOuterNames`). */
    private readonly moduleOuter?: ModuleOuterNames,
  ) {
    this.types = new TypeResolver(model, knowledge, (identifier) => this.parameterType(identifier));
    const outerValue = (unitNode: SyntaxNode, name: string): Taint | null => this.outerValue(unitNode, name);
    this.fullContext = { model, knowledge, types: this.types, outerValue, localCall: (call) => this.localCall(call) };
    // An outer run resolves no call, but a module's or class's lists the calls it asked about (see `analyse`).
    const localCallOuter = (call: SyntaxNode): null => {
      this.outerCalls[this.outerCalls.length - 1]?.push(call);
      return null;
    };
    this.outerContext = { model, knowledge, types: this.types, outerValue, localCall: localCallOuter };
  }

  /** The calls each outer run under way asked `localCall` about (null for a function's: not kept), innermost last. */
  private readonly outerCalls: Array<SyntaxNode[] | null> = [];
  /** By module or class node analysed in outer mode: the calls its run asked `localCall` about. */
  private readonly outerCallsOf = new Map<SyntaxNode, readonly SyntaxNode[]>();

  private readonly fullContext: FlowContext;
  private readonly outerContext: FlowContext;

  /** The flow facts of a unit (a module, class or function node). */
  unitFlow(unitNode: SyntaxNode): UnitFlow {
    const interpreter = this.analyse(unitNode, 'full');
    const hits = [...interpreter.hits.values()].sort((a, b) => a.sink.start - b.sink.start || a.argument.start - b.argument.start);
    return { hits, taintOf: (node) => interpreter.values.get(node) ?? interpreter.values.get(unparenthesize(node)) ?? null };
  }

  /** The summary of a function definition, from a full analysis of its body. */
  summarize(definition: SyntaxNode): FunctionSummary {
    const interpreter = this.analyse(definition, 'full');
    const base = definition.start;
    const relative = (steps: readonly { start: number; end: number; message: string }[]): SummaryStep[] =>
      steps.map((item) => {
        if (item.start >= base && item.end <= definition.end) return { start: item.start - base, end: item.end - base, message: item.message };
        const anchor = anchorOf(this.model.root, item);
        return { start: item.start - anchor.start, end: item.end - anchor.start, message: item.message, anchor };
      });
    const { names, variadic } = this.parameterList(definition);
    const returned = interpreter.returned;
    const steps = returned ? pathSteps(returned.path) : [];
    return {
      parameterNames: names.map((parameter) => parameter.text),
      ...(variadic !== undefined ? { variadic } : {}),
      returns: returned
        ? {
            kinds: returned.kinds,
            params: returned.params,
            clean: returned.clean,
            ...(returned.paramClean !== undefined ? { paramClean: returned.paramClean } : {}),
            confidence: returned.confidence,
            steps: fromSource(returned) ? relative(steps) : [],
            paramSteps: fromSource(returned) ? [] : relative(steps.slice(1)),
          }
        : null,
      sinks: [...interpreter.parameterSinks.values()]
        .sort((a, b) => a.sink.start - b.sink.start || a.concept.localeCompare(b.concept))
        .map((sink) => ({
          concept: sink.concept,
          params: sink.params,
          clean: sink.clean,
          confidence: sink.confidence,
          label: sink.label,
          steps: relative(sink.steps),
        })),
    };
  }

  private analyse(unitNode: SyntaxNode, mode: 'full' | 'outer'): UnitInterpreter {
    const memo = mode === 'full' ? this.full : this.outer;
    const known = memo.get(unitNode);
    if (known) return known;
    const isFunction = unitNode.type === 'function_definition';
    if (mode === 'full' && !isFunction) {
      // A module or class starts from the same values in both modes, which differ only in calls of same-file
      // functions: when no call its outer run met is one, the full run would be the same run. (The module of a file
      // full of syntax errors is nearly the whole file, and every function's free names ask for its outer run.)
      const outer = this.outer.get(unitNode);
      const calls = this.outerCallsOf.get(unitNode);
      if (outer && calls && calls.every((call) => this.model.localDefinition(call, { untracked: true }) === null)) {
        this.full.set(unitNode, outer);
        return outer;
      }
    }
    const context = mode === 'full' ? this.fullContext : this.outerContext;
    const handler = isFunction ? this.handlerInfo(unitNode) : NO_HANDLER;
    const initial = new Map<string, Taint | null>();
    if (isFunction) {
      const { names, all } = this.parameterList(unitNode);
      names.forEach((name, index) => {
        const label = handler.sources.get(index);
        if (label) {
          initial.set(name.text, {
            kinds: kindBit('remote'),
            params: 0,
            // `item_id: int` in a FastAPI route: the framework converts it, so it cannot carry syntax; it is still
            // request data (an ID a client chose, for the ownership rules).
            clean: this.scalarAnnotated(all[index]) ? ALL_CONCEPTS : 0,
            confidence: 2,
            path: step(null, name, sourceStepMessage(label, name.text)),
          });
        } else if (index < 30 && mode === 'full' && !this.parameterType(name)) {
          initial.set(name.text, { kinds: 0, params: 1 << index, clean: 0, confidence: 2, path: step(null, name, `parameter \`${name.text}\``) });
        } else {
          initial.set(name.text, null);
        }
      });
    }
    const interpreter = new UnitInterpreter(context, unitNode, initial, handler.returns);
    if (mode === 'outer') this.outerCalls.push(isFunction ? null : []);
    try {
      interpreter.run();
    } finally {
      if (mode === 'outer') {
        const calls = this.outerCalls.pop();
        if (calls) this.outerCallsOf.set(unitNode, calls);
      }
    }
    memo.set(unitNode, interpreter);
    return interpreter;
  }

  /** Whether a parameter is annotated with a type frameworks convert request data to: a number, a bool, a UUID, a date. */
  private scalarAnnotated(parameter: SyntaxNode | undefined): boolean {
    const annotation = parameter?.child('type');
    if (!annotation) return false;
    const name = this.model.qualifiedName(unparenthesize(annotation.firstNamedChild() ?? annotation)) ?? annotation.text;
    return SCALAR_TYPES.has(name);
  }

  /** The value `name` has at the end of the nearest enclosing function or module that binds it. */
  private outerValue(unitNode: SyntaxNode, name: string): Taint | null {
    for (let enclosing = enclosingUnit(unitNode); enclosing; enclosing = enclosingUnit(enclosing)) {
      if (enclosing.type === 'class_definition') continue; // a class body's names are not visible to its methods
      const module = enclosing.parent === null;
      if (module && this.moduleOuter?.untrusted && !this.moduleOuter.untrusted.has(name)) return null;
      // Only enclosing units are asked, so this cannot come back to a unit being analysed.
      const interpreter = this.analyse(enclosing, 'outer');
      if (module && this.moduleOuter && !this.moduleOuter.untrusted) {
        const untrusted = new Set<string>();
        for (const [key, value] of interpreter.finalEnv) if (value && value.kinds !== 0) untrusted.add(key);
        this.moduleOuter.untrusted = untrusted;
      }
      if (interpreter.finalEnv.has(name)) {
        const value = interpreter.finalEnv.get(name) ?? null;
        // Another function's parameters mean nothing here; its untrusted data does.
        if (!value || value.kinds === 0) return null;
        return value.params ? { ...value, params: 0 } : value;
      }
    }
    return null;
  }

  /** The same-file function a call calls: `helper(x)`, or `self.helper(x)` inside a method of the same class. */
  private localCall(call: SyntaxNode): LocalCallee | null {
    // Exactly the call shapes `FlowDependencies` keys units on: `helper(…)`, `self.helper(…)`, `cls.helper(…)`.
    const local = this.model.localDefinition(call, { untracked: true });
    if (!local) return null;
    const { definition } = local;
    const offset = local.viaInstance && !isStaticMethod(definition) ? 1 : 0;
    const summary = this.summaries(definition, enclosingUnit(call));
    if (!summary) return null;
    return { summary, definition, name: definition.child('name')?.text ?? '?', offset };
  }

  // --- Handlers and parameter types -------------------------------------------------------------------------

  private parameterList(definition: SyntaxNode): ParameterList {
    let list = this.parameterLists.get(definition);
    if (!list) {
      const named = parameterEntries(definition.child('parameters')).filter((entry) => entry.name);
      const variadic = named.findIndex((entry) => entry.splat === 'list');
      list = { names: named.map((entry) => entry.name!), all: named.map((entry) => entry.node), ...(variadic >= 0 ? { variadic } : {}) };
      this.parameterLists.set(definition, list);
    }
    return list;
  }

  private importsAny(prefixes: readonly string[] | undefined): boolean {
    if (!prefixes) return true;
    return this.model.importedNames(true).some((name) => prefixes.some((prefix) => name === prefix || name.startsWith(prefix.endsWith('_') ? prefix : `${prefix}.`)));
  }

  /** Which parameters of a function receive request data, and what its return value becomes. */
  handlerInfo(definition: SyntaxNode): HandlerInfo {
    let info = this.handlers.get(definition);
    if (!info) {
      info = this.computeHandlerInfo(definition);
      this.handlers.set(definition, info);
    }
    return info;
  }

  private computeHandlerInfo(definition: SyntaxNode): HandlerInfo {
    const { knowledge } = this;
    const { names, all } = this.parameterList(definition);
    const rows: HandlerRow[] = [];
    // Decorators: `@app.route(...)`, `@router.get(...)`.
    const decorated = definition.parent?.type === 'decorated_definition' ? definition.parent : null;
    for (const decorator of decorated?.children.filter((child) => child.type === 'decorator') ?? []) {
      const expr = decorator.firstNamedChild();
      if (!expr) continue;
      const target = unparenthesize(expr);
      const name = target.type === 'call' ? this.types.calleeName(target) : this.types.typeOf(target);
      const row = name ? knowledge.decoratorHandlers.get(name) : undefined;
      if (!row) continue;
      // `returns.when` is a condition on the decorator's own arguments: without them it does not hold.
      const when = row.returns?.when;
      const holds = !when || (target.type === 'call' && conditionHolds(target, when));
      rows.push(holds ? row : { ...row, returns: undefined });
    }
    // Methods of handler classes.
    const owner = enclosingClass(definition);
    const functionName = definition.child('name')?.text ?? '';
    if (owner) {
      for (const base of this.classBases(owner)) {
        const row = knowledge.baseHandlers.get(base);
        if (row && row.methods?.includes(functionName)) rows.push(row);
      }
      const className = owner.child('name')?.text ?? '';
      for (const row of knowledge.suffixHandlers) {
        if (className.endsWith(row.classSuffix!) && row.methods?.includes(functionName) && this.importsAny(row.imports)) rows.push(row);
      }
    } else {
      for (const row of knowledge.signatureHandlers) {
        const signature = row.signature!;
        const matches = row.params ? names.length === signature.length : names.length >= signature.length;
        if (matches && signature.every((name, index) => names[index]?.text === name) && this.importsAny(row.imports)) rows.push(row);
      }
    }
    if (rows.length === 0) return NO_HANDLER;
    const sources = new Map<number, string>();
    const returns: HandlerReturn[] = [];
    for (const row of rows) {
      if (row.returns && (!row.returns.mentions || this.mentionsHold(definition, row.returns.mentions)) && !returns.includes(row.returns)) returns.push(row.returns);
      names.forEach((name, index) => {
        if (index < (row.skip ?? 0)) return;
        if (row.params && !row.params.includes(name.text)) return;
        if (!row.params && (name.text === 'self' || name.text === 'cls')) return;
        if (this.parameterType(name)) return;
        const parameter = all[index]!;
        const fallback = parameter.child('value');
        if (fallback && row.injectedDefaults && fallback.type === 'call') {
          const callee = this.types.calleeName(fallback);
          if (callee && row.injectedDefaults.includes(callee)) return;
        }
        sources.set(index, row.label);
      });
    }
    return { sources, returns };
  }

  /**
   * Whether a handler's code says what its `returns.mentions` asks (`text/html`): its own text, or the module's when
   * it names no other content type (a header list kept in a module constant). Own texts only, which the handler's
   * cache key names (the module's answers through `Knowledge.moduleTextPatterns`); not another function's text.
   */
  private mentionsHold(definition: SyntaxNode, mentions: NonNullable<HandlerReturn['mentions']>): boolean {
    const own = this.ownText(definition);
    if (mentions.matches.test(own)) return true;
    return !!mentions.otherwise && !mentions.otherwise.test(own) && mentions.matches.test(this.ownText(this.model.root));
  }

  /** The modelled types a class derives from, through classes of the same file (`class V(BaseView)`). */
  private classBases(definition: SyntaxNode, depth = 0): string[] {
    if (depth > 8) return [];
    const result: string[] = [];
    for (const base of definition.child('superclasses')?.namedChildren ?? []) {
      if (base.type === 'keyword_argument') continue;
      const name = this.model.qualifiedName(base);
      if (name) {
        result.push(this.knowledge.canonical(name));
        continue;
      }
      if (base.type === 'identifier') {
        const binding = this.model.bindingsOf(base).at(-1);
        if (binding?.kind === 'class' && binding.value) result.push(...this.classBases(binding.value, depth + 1));
      }
    }
    return result;
  }

  /** The type models give a parameter: `self` of a handler class, an annotated or conventionally named request. */
  private parameterType(identifier: SyntaxNode): string | null {
    const definition = identifier.ancestor('function_definition', 'lambda');
    if (!definition || definition.type !== 'function_definition') return null;
    const { names, all } = this.parameterList(definition);
    const index = names.indexOf(identifier);
    const position = index >= 0 ? index : names.findIndex((name) => name.text === identifier.text);
    if (position < 0) return null;
    const owner = enclosingClass(definition);
    if (position === 0 && owner && !isStaticMethod(definition) && (identifier.text === 'self' || identifier.text === 'cls')) {
      return this.classBases(owner).find((base) => this.knowledge.modelledTypes.has(base)) ?? null;
    }
    const annotation = all[position]?.child('type');
    const annotated = annotation ? this.model.qualifiedName(unparenthesize(annotation.firstNamedChild() ?? annotation)) : null;
    const byName: RequestParameterRow[] = [];
    for (const row of this.knowledge.requestParameters) {
      if (annotated && row.annotations?.includes(this.knowledge.canonical(annotated))) return row.type;
      if (!annotation && row.names?.includes(identifier.text) && this.importsAny(row.imports)) byName.push(row);
    }
    // The conventional request (no import needed) stands back when a framework's applies.
    const types = new Set(byName.map((row) => row.type));
    if (types.size > 1) types.delete(CONVENTIONAL_REQUEST);
    if (types.size <= 1) return types.values().next().value ?? null;
    return this.ambiguousRequestType(definition, byName.filter((row) => row.type !== CONVENTIONAL_REQUEST));
  }

  /**
   * A `request` parameter in a module that imports several frameworks (Pyramid views beside aiohttp handlers): the
   * framework of the function's decorator (`@view_config` → Pyramid) if one says so, else a request known by
   * convention, which has every framework's data members.
   */
  private ambiguousRequestType(definition: SyntaxNode, rows: readonly RequestParameterRow[]): string | null {
    const decorated = definition.parent?.type === 'decorated_definition' ? definition.parent : null;
    for (const decorator of decorated?.children.filter((child) => child.type === 'decorator') ?? []) {
      const expr = decorator.firstNamedChild();
      const target = expr ? unparenthesize(expr) : null;
      const fn = target?.type === 'call' ? target.child('function') : target;
      const name = fn ? this.model.qualifiedName(fn) : null;
      const row = name ? rows.find((candidate) => candidate.imports?.some((prefix) => name.startsWith(prefix))) : undefined;
      if (row) return row.type;
    }
    return CONVENTIONAL_REQUEST;
  }
}

function enclosingUnit(node: SyntaxNode): SyntaxNode | null {
  for (let current = node.parent; current; current = current.parent) {
    // The root is the module, whatever its type (an ERROR node when the file's top level does not parse).
    if (DEFINITION_TYPES.has(current.type) || current.parent === null) return current;
  }
  return null;
}

function isStaticMethod(definition: SyntaxNode): boolean {
  const decorated = definition.parent?.type === 'decorated_definition' ? definition.parent : null;
  return !!decorated?.children.some((child) => child.type === 'decorator' && /^@\s*staticmethod\b/.test(child.text));
}

/**
 * What a step outside a function is stored against (`SummaryStep.anchor`): the innermost definition holding it, else
 * the module-level statement holding it, else the root.
 */
function anchorOf(root: SyntaxNode, span: { readonly start: number; readonly end: number }): SyntaxNode {
  let holder = nodeAt(root, span.start) ?? root;
  while (holder.parent && holder.end < span.end) holder = holder.parent;
  for (let node: SyntaxNode | null = holder; node?.parent; node = node.parent) if (DEFINITION_TYPES.has(node.type)) return node;
  while (holder.parent?.parent) holder = holder.parent;
  return holder;
}

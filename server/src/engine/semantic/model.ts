import type { SyntaxNode } from '../syntax/syntaxNode';
import { DEFINITION_TYPES, enclosingClass, methodOf, stringLiteralValue, unparenthesize, hasInterpolation } from '../syntax/python';
import { buildScopes, scopeOf, type Binding, type Scope, type ScopeOptions, type ScopeTree } from './scopes';

/**
 * What a string expression is made of: literal text and the values spliced into it.
 * `"SELECT * FROM t WHERE id = %s" % uid` → text "SELECT * FROM t WHERE id = %s", then the value `uid`.
 */
export type StringPart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'value'; readonly node: SyntaxNode };

export type StringBuilding = 'literal' | 'f-string' | 'concatenation' | '%-formatting' | 'str.format()' | 'str.join()';

export interface StringShape {
  readonly parts: readonly StringPart[];
  /** How the outermost string operation built it. */
  readonly building: StringBuilding;
  /** The expression that builds the string (for a name: the expression assigned to it). */
  readonly origin: SyntaxNode;
}

/** The text of a shape with each spliced value shown as `?`: what rules match SQL or shell syntax against. */
export function shapeTemplate(shape: StringShape): string {
  return shape.parts.map((part) => (part.kind === 'text' ? part.text : '?')).join('');
}

export function shapeValues(shape: StringShape): SyntaxNode[] {
  return shape.parts.flatMap((part) => (part.kind === 'value' ? [part.node] : []));
}

/** Builtin names Python resolves when nothing in the module binds them (the ones rules care about). */
const BUILTINS = new Set([
  'eval', 'exec', 'compile', 'open', 'input', '__import__', 'getattr', 'setattr', 'print', 'str', 'int', 'float',
  'bool', 'len', 'repr', 'format', 'bytes', 'dict', 'list', 'tuple', 'set', 'hash', 'abs', 'round', 'min', 'max',
  'sorted', 'range', 'map', 'filter', 'zip', 'enumerate', 'iter', 'next', 'isinstance', 'issubclass', 'type',
  'hasattr', 'any', 'all', 'sum', 'reversed', 'Exception', 'BaseException', 'ValueError', 'IndexError', 'KeyError',
  'TypeError', 'LookupError', 'OSError',
]);

/** Alias chains (`run = os.system`) followed by `qualifiedName`; longer ones are not aliases anyone writes. */
const MAX_ALIAS_DEPTH = 64;

/**
 * How deeply constant folding and string shapes may recurse (syntax nesting plus names followed). Each node and
 * binding is computed once (memoised), so this bounds only the stack, never the total work; reaching it is
 * recorded in `SemanticModel.limitsReached` so that a partial answer is never a silent one.
 */
const MAX_NESTING = 400;

/** A shape keeps at most this much literal text per part: enough for any SQL or shell syntax rules look at. */
const MAX_TEXT = 4096;
/** Past this many parts a shape keeps each spliced value once (`q += q` repeated doubles the parts each time). */
const MAX_PARTS = 256;

/** Marks a node or binding whose answer is being computed (a cycle reaching it again gets "unknown"). */
const PENDING = Symbol('pending');

/** The answer "which string does this name hold" after a prefix of its bindings, read in source order. */
interface NameFold {
  /** The shape after the last binding of the prefix (null: not a string we can follow). */
  readonly current: StringShape | null;
  /** The last shape of the prefix that splices in a value: the one rules should see. */
  readonly dynamic: StringShape | null;
}

/**
 * Answers the questions rules ask about names and values in one module: what a name or call refers to
 * (`sp.call` → `subprocess.call`), and whether an expression is a constant string or is built from data.
 *
 * Built once per parse; every answer depends only on the module's text. Function scopes are built on first use
 * (`buildScopes`); `{ eager: true }` builds them all at once, with the same answers.
 */
export class SemanticModel {
  private readonly scopes: ScopeTree;
  /** Rules ask about the same names again and again: each identifier is looked up once. */
  private readonly bindingsCache = new Map<SyntaxNode, Binding[]>();

  constructor(
    readonly root: SyntaxNode,
    options: ScopeOptions = {},
  ) {
    this.scopes = buildScopes(root, options);
  }

  /**
   * The module's scope. A rule that reads it reads every module-level binding (which names are free, which import a
   * fix can reuse): its unit's result then depends on the module's whole own text, as after `moduleFact`
   * (`moduleFactAsked`).
   */
  get moduleScope(): Scope {
    this.moduleFactAsked = true;
    return this.scopes.module;
  }

  /** The scope tree, for the next model of the same document to take over (`ScopeOptions.previous`). */
  get scopeTree(): ScopeTree {
    return this.scopes;
  }

  private readonly scopeCache = new Map<SyntaxNode, Scope>();

  /** The innermost scope whose code contains `node` (memoised: rules ask about the same nodes again and again). */
  scopeOf(node: SyntaxNode): Scope {
    return this.scopeCache.get(node) ?? scopeOf(this.scopes, node, this.scopeCache);
  }

  /**
   * The scopes around `node`, innermost first, the module's last, read through `moduleScope` when the walk gets there:
   * a rule that looks a name up to the module ties its result to the module's own text then, and only then.
   */
  *scopesAround(node: SyntaxNode): Generator<Scope> {
    for (let scope: Scope | null = this.scopeOf(node); scope; scope = scope.parent) yield scope.parent ? scope : this.moduleScope;
  }

  /** The scope a definition (function, class, lambda, comprehension) opens, if `node` is one. */
  scopeOpenedBy(node: SyntaxNode): Scope | undefined {
    // Built around `node` first: only then is a definition inside a function in `byNode`.
    this.scopeOf(node);
    const scope = this.scopes.byNode.get(node);
    if (scope) this.scopes.expand(scope);
    return scope;
  }

  /**
   * The bindings that may give `identifier` its value where it is used: in its own scope those made before the
   * use (all of them if none is), in an enclosing scope all of them. Empty when nothing in the module binds it.
   */
  bindingsOf(identifier: SyntaxNode): Binding[] {
    let result = this.bindingsCache.get(identifier);
    if (!result) {
      result = this.lookUp(identifier);
      this.bindingsCache.set(identifier, result);
    }
    return result;
  }

  /**
   * The definition a call calls when it is written in this file: `helper(…)` (the name's last binding, a `def`), or
   * `self.method(…)` / `cls.method(…)` inside a class (the class's method of that name; `viaInstance`). Null for
   * anything else. The flow layer's summaries and the ownership rules resolve calls with it.
   */
  localDefinition(call: SyntaxNode, options: { readonly untracked?: boolean } = {}): { readonly definition: SyntaxNode; readonly viaInstance: boolean } | null {
    const found = this.findLocalDefinition(call);
    if (found && !options.untracked) this.definitionsRead?.add(found.definition);
    return found;
  }

  /**
   * While set (the analyzer sets it around one unit's rules), every definition `localDefinition` hands out is added
   * to it: a rule that read another function's body made its unit's findings depend on that body, which the unit's
   * own cache key does not name. The flow layer asks `untracked`: its reads are covered by the callees' summaries.
   */
  definitionsRead: Set<SyntaxNode> | undefined;

  /**
   * Set by `moduleFact` (the analyzer clears it before one unit's rules and reads it after): a module fact may read
   * any of the module's own text, so the unit's findings then depend on all of it, not only on the module-level
   * statements its names lead to (`ModuleViews`).
   */
  moduleFactAsked = false;

  private findLocalDefinition(call: SyntaxNode): { readonly definition: SyntaxNode; readonly viaInstance: boolean } | null {
    const expr = call.child('function');
    if (expr?.type === 'identifier') {
      const bindings = this.bindingsOf(expr);
      const last = bindings[bindings.length - 1];
      return last?.kind === 'function' && last.value?.type === 'function_definition' ? { definition: last.value, viaInstance: false } : null;
    }
    if (expr?.type !== 'attribute') return null;
    const object = expr.child('object');
    const attribute = expr.child('attribute');
    if (object?.type !== 'identifier' || (object.text !== 'self' && object.text !== 'cls') || !attribute) return null;
    const method = call.ancestor('function_definition');
    const owner = method ? enclosingClass(method) : null;
    const definition = owner ? methodOf(owner, attribute.text) : null;
    return definition ? { definition, viaInstance: true } : null;
  }

  private lookUp(identifier: SyntaxNode): Binding[] {
    const name = identifier.text;
    const home = this.scopeOf(identifier);
    let scope: Scope | null = home;
    while (scope) {
      if (scope.globals.has(name)) scope = scope.module;
      if (scope === home || scope.kind !== 'class') {
        const bindings = scope.bindings.get(name);
        if (bindings && bindings.length > 0) {
          if (scope !== home) return bindings;
          // Bindings are in source order: those before the use are a prefix.
          let low = 0;
          let high = bindings.length;
          while (low < high) {
            const mid = (low + high) >> 1;
            if (bindings[mid]!.node.start < identifier.start) low = mid + 1;
            else high = mid;
          }
          // In `x = f(x)` the `x` on the right is the earlier `x`: a binding whose value holds the use is not
          // visible to it.
          while (low > 0 && contains(bindings[low - 1]!.value, identifier)) low--;
          if (low > 0) return bindings.slice(0, low);
          // The use itself may be a binding target (`x = ...`): then only other bindings count.
          return bindings.filter((binding) => binding.node !== identifier && !contains(binding.value, identifier));
        }
      }
      scope = scope.parent;
    }
    return [];
  }

  /** Whether `identifier` is a parameter of the function (or lambda) it is used in. */
  isParameter(identifier: SyntaxNode): boolean {
    const bindings = this.bindingsOf(identifier);
    return bindings.length > 0 && bindings.every((binding) => binding.kind === 'parameter');
  }

  /**
   * The dotted name an expression refers to, through imports and simple aliases:
   * `sp.Popen` → `subprocess.Popen` after `import subprocess as sp`; `run` → `os.system` after
   * `from os import system as run`; `eval` → `eval` when nothing shadows the builtin. Null when unknown.
   */
  qualifiedName(expression: SyntaxNode, depth = 0): string | null {
    if (depth > 0) return this.readQualifiedName(expression, depth);
    // Most rules ask about the callee of every call: answered once per node (the answer is a new string each time).
    let name = this.qualifiedNames.get(expression);
    if (name === undefined) this.qualifiedNames.set(expression, (name = this.readQualifiedName(expression, 0)));
    return name;
  }

  private readonly qualifiedNames = new Map<SyntaxNode, string | null>();

  private readQualifiedName(expression: SyntaxNode, depth: number): string | null {
    if (depth > MAX_ALIAS_DEPTH) return null;
    const expr = unparenthesize(expression);
    if (expr.type === 'attribute') {
      const object = expr.child('object');
      const attribute = expr.child('attribute');
      if (!object || !attribute) return null;
      const head = this.qualifiedName(object, depth + 1);
      return head ? `${head}.${attribute.text}` : null;
    }
    if (expr.type !== 'identifier') return null;
    const bindings = this.bindingsOf(expr);
    if (bindings.length === 0) return BUILTINS.has(expr.text) ? expr.text : null;
    const binding = bindings[bindings.length - 1]!;
    if (binding.kind === 'import') return binding.qualifiedName;
    // `run = os.system`: follow a single plain alias.
    if (bindings.length === 1 && binding.kind === 'assignment' && binding.value) {
      const value = unparenthesize(binding.value);
      if (value.type === 'identifier' || value.type === 'attribute') return this.qualifiedName(value, depth + 1);
    }
    return null;
  }

  /** The qualified name of what a call calls: `subprocess.run` for `sp.run(...)`. */
  calleeQualifiedName(call: SyntaxNode): string | null {
    const fn = call.child('function');
    return fn ? this.qualifiedName(fn) : null;
  }

  /**
   * The expression a name was last given, when it was given exactly one way (one plain assignment or
   * walrus): `q` in `q = f"..."; run(q)` → the f-string. Null for parameters, loops, several assignments, and a list
   * or set literal changed in place afterwards.
   */
  singleValue(identifier: SyntaxNode): SyntaxNode | null {
    const expr = unparenthesize(identifier);
    if (expr.type !== 'identifier') return null;
    const bindings = this.bindingsOf(expr);
    if (bindings.length !== 1) return null;
    const binding = bindings[0]!;
    if ((binding.kind !== 'assignment' && binding.kind !== 'walrus') || !binding.value) return null;
    return this.changedInPlace(binding) ? null : binding.value;
  }

  /** Whether a name bound to a list or set literal is changed in place later (`parts.append(x)`): no longer that literal. */
  private changedInPlace(binding: Binding): boolean {
    return boundToListOrSet(binding) && this.mutatedBelow(binding.scope, binding.name);
  }

  /**
   * Whether `name` is a local variable of the function `definition`: bound by its own code (a parameter, an
   * assignment, an import, a loop target, a nested definition's name…) and not declared `global` or `nonlocal` there.
   * Then Python reads no other binding of it anywhere in the function's own code (a read before any assignment raises
   * `UnboundLocalError`; Python's execution model, "Resolution of names"). A nested function's `nonlocal` assignment
   * also binds in this scope (`Scope.add`) but does not count: Python requires the name bound here too, and the
   * answer must follow from the function's own text, which the analyzer keys it on. Builds the function's scope if it
   * is a stub.
   */
  isLocalTo(definition: SyntaxNode, name: string): boolean {
    if (definition.type !== 'function_definition') return false;
    const scope = this.scopeOpenedBy(definition);
    if (!scope || scope.globals.has(name) || scope.nonlocals.has(name)) return false;
    return scope.bindings.get(name)?.some((binding) => !inNestedBody(binding.node, definition)) ?? false;
  }

  /**
   * Whether the scope `definition` opens (the root: the module) binds `name` to a list or set literal: the only
   * bindings whose answers a change in place of `name` below that scope can change (`changedInPlace`).
   */
  bindsListOrSet(definition: SyntaxNode, name: string): boolean {
    const scope = definition.parent === null ? this.scopes.module : this.scopeOpenedBy(definition);
    return !!scope?.bindings.get(name)?.some(boundToListOrSet);
  }

  /** Whether the expression always has the same value: literals, arithmetic and string building of constants,
   * and names every binding of which is such a constant. */
  isConstant(expression: SyntaxNode): boolean {
    const expr = unparenthesize(expression);
    const known = this.constants.get(expr);
    if (known !== undefined) return known === true; // PENDING: a cycle, "not known to be constant"
    this.constants.set(expr, PENDING);
    const result = this.nested(false, () => this.computeConstant(expr));
    this.constants.set(expr, result);
    return result;
  }

  /**
   * Why some answers of this model are partial (an expression or a chain of names nested past `MAX_NESTING`):
   * empty for every ordinary module. The analyzer reports these as a partial analysis.
   */
  readonly limitsReached: string[] = [];

  /*
   * Constant folding, string shapes and constant text call each other. Each answer is memoised per node (and each
   * name's reading per binding), so the work is linear in the module; `nesting` bounds only the stack.
   */
  private nesting = 0;
  private readonly constants = new Map<SyntaxNode, boolean | typeof PENDING>();
  private readonly constantBindings = new Map<Binding, boolean | typeof PENDING>();
  private readonly shapes = new Map<SyntaxNode, StringShape | null | typeof PENDING>();
  private readonly texts = new Map<SyntaxNode, string | null | typeof PENDING>();
  private readonly folds = new Map<Binding, NameFold | null | typeof PENDING>();

  /** Records why an answer is partial (once per reason). */
  noteLimit(reason: string): void {
    if (!this.limitsReached.includes(reason)) this.limitsReached.push(reason);
  }

  private nested<T>(fallback: T, compute: () => T): T {
    if (this.nesting >= MAX_NESTING) {
      this.noteLimit(
        `an expression or a chain of assignments nests more than ${MAX_NESTING} levels deep; values past that depth were treated as unknown`,
      );
      return fallback;
    }
    this.nesting++;
    try {
      return compute();
    } finally {
      this.nesting--;
    }
  }

  private computeConstant(expr: SyntaxNode): boolean {
    switch (expr.type) {
      case 'integer':
      case 'float':
      case 'true':
      case 'false':
      case 'none':
      case 'ellipsis':
        return true;
      case 'string':
        return expr.children
          .filter((child) => child.type === 'interpolation')
          .every((field) => {
            const inner = field.child('expression');
            return !!inner && this.isConstant(inner);
          });
      case 'binary_operator':
      case 'boolean_operator': {
        // `a + b + c …` parses left-deep: the levels are answered bottom-up in a loop, each memoised, so a chain's
        // length grows neither the stack nor (when every level is asked about) the work beyond linear.
        const levels: SyntaxNode[] = [expr];
        for (let left = expr.child('left'); left && (left.type === 'binary_operator' || left.type === 'boolean_operator') && !this.constants.has(left); left = left.child('left')) {
          levels.push(left);
        }
        const bottom = levels[levels.length - 1]!.child('left');
        let constant = !!bottom && this.isConstant(bottom);
        for (let i = levels.length - 1; i >= 0; i--) {
          const right = levels[i]!.child('right');
          constant = constant && !!right && this.isConstant(right);
          if (i > 0) this.constants.set(levels[i]!, constant);
        }
        return constant;
      }
      case 'concatenated_string':
      case 'tuple':
      case 'list':
      case 'set':
      case 'unary_operator':
        return expr.namedChildren.every((element) => this.isConstant(element));
      case 'conditional_expression':
        // `a if cond else b`: the condition does not change which constants can come out.
        return expr.namedChildren.length === 3 && this.isConstant(expr.namedChildren[0]!) && this.isConstant(expr.namedChildren[2]!);
      case 'identifier': {
        const bindings = this.bindingsOf(expr);
        if (bindings.length === 0) return false;
        this.warm(bindings[0]!.scope);
        return bindings.every((binding) => this.bindingIsConstant(binding));
      }
      case 'attribute': {
        // `self.TABLE`, `self.order`: class attributes and attributes `__init__` sets, when all are constants.
        const values = this.selfAttributeValues(expr);
        return !!values && values.every((value) => this.isConstant(value));
      }
      case 'call': {
        // `"..." .format(consts)`, `sep.join([consts])`
        const shape = this.stringShape(expr);
        return !!shape && shape.parts.every((part) => part.kind === 'text' || this.isConstant(part.node));
      }
      default:
        return false;
    }
  }

  private bindingIsConstant(binding: Binding): boolean {
    const known = this.constantBindings.get(binding);
    if (known !== undefined) return known === true;
    const assigned = binding.kind === 'assignment' || binding.kind === 'augmented' || binding.kind === 'walrus';
    // `for name in ("a", "b")`, `a, b = "x", "y"`: drawn from a constant collection, the name is a constant too.
    const drawn = (binding.kind === 'loop' || binding.kind === 'unpack') && !!binding.value;
    if (!(assigned || drawn) || !binding.value) {
      this.constantBindings.set(binding, false);
      return false;
    }
    this.constantBindings.set(binding, PENDING);
    // A list or set literal stays that constant only while nothing changes it in place (`parts.append(x)`).
    const result = !this.changedInPlace(binding) && this.isConstant(binding.value);
    this.constantBindings.set(binding, result);
    return result;
  }

  private readonly mutatedNames = new Map<Scope, Map<string, boolean>>();

  /**
   * Whether `name` is changed in place in a scope or any scope nested in it (once per scope and name). Only the
   * functions and classes whose text mentions the name are looked into (and a function not built yet built): the
   * others cannot change it.
   */
  private mutatedBelow(scope: Scope, name: string): boolean {
    let known = this.mutatedNames.get(scope);
    if (!known) this.mutatedNames.set(scope, (known = new Map()));
    const answer = known.get(name);
    if (answer !== undefined) return answer;
    let found = false;
    const work: Scope[] = [scope];
    while (work.length > 0 && !found) {
      const next = work.pop()!;
      // A function or class whose text does not hold the name changes it nowhere inside: not read, not built.
      if (next !== scope && (next.kind === 'function' || next.kind === 'class') && !this.scopes.mentions(next, name)) continue;
      if (next.stub) this.scopes.expand(next);
      found = next.mutated.has(name);
      for (const child of next.children) work.push(child);
    }
    known.set(name, found);
    return found;
  }

  private readonly moduleFacts = new Map<object, unknown>();

  /**
   * A fact about the whole module, computed once per model (that is, once per analysis) whichever unit asks
   * first: rules run once per unit, so a rule that scans the module's statements from every function would cost
   * O(functions × statements). `key` names the fact (use the computing function itself). Rules may only read
   * module-level text this way: a unit whose rules asked a fact is reused only while the module's own text is the
   * same, unless the fact reads nothing but the imports (`importsOnly`: every unit's cache key names the module's
   * import statements).
   */
  moduleFact<T>(key: object, compute: (model: SemanticModel) => T, options: { readonly importsOnly?: boolean } = {}): T {
    if (!options.importsOnly) this.moduleFactAsked = true;
    if (!this.moduleFacts.has(key)) this.moduleFacts.set(key, compute(this));
    return this.moduleFacts.get(key) as T;
  }

  private imports: { module: string[]; all: string[]; roots: Set<string> } | undefined;

  /**
   * The qualified names the module imports (`flask`, `os.path`, `django.http.HttpResponse`, `.sibling` for relative
   * imports): at module level, or with `nested`, in every scope (imports inside functions too).
   */
  importedNames(nested = false): readonly string[] {
    return nested ? this.importIndex().all : this.importIndex().module;
  }

  /**
   * The modules the module imports with `from M import *`. Reads only import statements, which every unit's key names
   * (unlike `moduleScope`, reading it does not tie a unit to the module's whole own text).
   */
  moduleWildcardImports(): readonly string[] {
    return this.scopes.module.wildcardImports;
  }

  /** The top-level packages imported at module level, leading dots of relative imports dropped: `flask`, `os`. */
  importedRoots(): ReadonlySet<string> {
    return this.importIndex().roots;
  }

  private importIndex(): { module: string[]; all: string[]; roots: Set<string> } {
    if (!this.imports) {
      const module: string[] = [];
      const all: string[] = [];
      // In a loop, not by recursion: 5,000 nested comprehensions are 5,000 nested scopes.
      const work: Scope[] = [this.scopes.module];
      while (work.length > 0) {
        const scope = work.pop()!;
        // (A function that imports is never a stub: `import` makes the scope builder read it at once.)
        for (const binding of scope.imports) {
          if (!binding.qualifiedName) continue;
          all.push(binding.qualifiedName);
          if (scope === this.scopes.module) module.push(binding.qualifiedName);
        }
        for (let i = scope.children.length - 1; i >= 0; i--) work.push(scope.children[i]!);
      }
      const roots = new Set(module.map((name) => name.replace(/^\.+/, '').split('.')[0]!));
      this.imports = { module, all, roots };
    }
    return this.imports;
  }

  private readonly attributeValues = new Map<string, SyntaxNode[] | null>();

  /**
   * Every value `self.name` (or `cls.name`) can have inside a method: the class attribute's assignments and the
   * assignments `__init__` makes. Null when another method (or a nested function) assigns it, when it is bound any
   * other way, or when it is not a `self` attribute at all. The analyzer keys method units on `__init__`'s text and
   * on the attribute names other methods assign, so cached results stay correct (see `classAttributeSignatures` in the analyzer).
   */
  selfAttributeValues(attribute: SyntaxNode): SyntaxNode[] | null {
    const object = attribute.child('object');
    const name = attribute.child('attribute')?.text;
    if (object?.type !== 'identifier' || !name) return null;
    const method = attribute.ancestor('function_definition');
    const first = method?.child('parameters')?.namedChildren[0];
    if (!method || first?.type !== 'identifier' || first.text !== object.text) return null;
    const klass = enclosingClass(method);
    if (!klass) return null;
    const key = `${klass.start}:${name}`;
    if (this.attributeValues.has(key)) return this.attributeValues.get(key)!;
    const values: SyntaxNode[] = [];
    let ok = true;
    const classScope = this.scopeOpenedBy(klass);
    for (const binding of classScope?.bindings.get(name) ?? []) {
      if (binding.kind !== 'assignment' || !binding.value) ok = false;
      else values.push(binding.value);
    }
    // A walrus cannot assign an attribute: only assignments and augmented assignments can set `self.name`.
    klass.child('body')?.walk((node) => {
      if (!ok) return false;
      if (node.type !== 'assignment' && node.type !== 'augmented_assignment') return true;
      const target = node.child('left');
      if (target) {
        target.walk((part) => {
          if (part.type !== 'attribute' || part.child('attribute')?.text !== name) return;
          const owner = part.child('object');
          if (owner?.type !== 'identifier' || (owner.text !== 'self' && owner.text !== 'cls')) return;
          const where = part.ancestor('function_definition');
          const inInit = !!where && where.child('name')?.text === '__init__' && enclosingClass(where) === klass;
          const value = node.child('right');
          if (!inInit || node.type !== 'assignment' || target.type !== 'attribute' || !value) ok = false;
          else values.push(value);
        });
      }
      return true;
    });
    const result = ok && values.length > 0 ? values : null;
    this.attributeValues.set(key, result);
    return result;
  }

  /**
   * How a string expression is built, or null when the expression is not recognisably a string.
   * Names are followed to what they were assigned (including `+=` pieces), so `q = "SELECT " + x; run(q)`
   * shows the concatenation at `run(q)`. Literal text is capped at `MAX_TEXT` characters a part.
   */
  stringShape(expression: SyntaxNode): StringShape | null {
    const expr = unparenthesize(expression);
    const known = this.shapes.get(expr);
    if (known !== undefined) return known === PENDING ? null : known;
    this.shapes.set(expr, PENDING);
    const result = this.nested(null, () => this.computeShape(expr));
    this.shapes.set(expr, result);
    return result;
  }

  /** A spliced value as a part: its text when it is a constant, else the value itself. */
  private part(node: SyntaxNode): StringPart {
    const constantText = this.constantText(node);
    return constantText !== null ? { kind: 'text', text: constantText } : { kind: 'value', node };
  }

  private partsOf(node: SyntaxNode): readonly StringPart[] {
    return this.stringShape(node)?.parts ?? [this.part(node)];
  }

  private computeShape(expr: SyntaxNode): StringShape | null {
    switch (expr.type) {
      case 'string': {
        if (!hasInterpolation(expr)) return made([{ kind: 'text', text: stringLiteralValue(expr) ?? '' }], 'literal', expr);
        const parts: StringPart[] = [];
        for (const child of expr.children) {
          if (child.type === 'string_content') parts.push({ kind: 'text', text: child.text });
          else if (child.type === 'interpolation') {
            const inner = child.child('expression');
            if (inner) parts.push(...this.partsOf(inner));
          }
        }
        return made(parts, 'f-string', expr);
      }
      case 'concatenated_string': {
        const parts = expr.namedChildren.flatMap((piece) => this.partsOf(piece));
        return made(parts, expr.namedChildren.some((piece) => hasInterpolation(piece)) ? 'f-string' : 'literal', expr);
      }
      case 'binary_operator': {
        const left = expr.child('left');
        const right = expr.child('right');
        if (!left || !right) return null;
        if (expr.hasToken('+')) {
          // A left-deep chain `a + b + c …` is read bottom-up in a loop, each level as `(a + b) + c` reads, into one
          // list of parts: a 10,000-term concatenation grows neither the stack nor the work beyond linear.
          const levels = plusLevels(expr);
          let below: SyntaxNode = levels[0]!.child('left')!;
          const first = this.stringShape(below);
          let parts: StringPart[] | null = first ? [...first.parts] : null;
          for (const level of levels) {
            const right = level.child('right')!;
            const rightShape = this.stringShape(right);
            if (parts || rightShape) {
              parts ??= [this.part(below)];
              for (const piece of rightShape?.parts ?? [this.part(right)]) parts.push(piece);
            }
            below = level;
          }
          return parts ? made(parts, 'concatenation', expr) : null;
        }
        if (expr.hasToken('%')) {
          const template = this.stringShape(left);
          if (!template) return null;
          const operand = unparenthesize(right);
          const values =
            operand.type === 'tuple'
              ? operand.namedChildren
              : operand.type === 'dictionary'
                ? operand.namedChildren.flatMap((pair) => (pair.child('value') ? [pair.child('value')!] : []))
                : [operand];
          return made([...template.parts, ...values.map((node) => this.part(node))], '%-formatting', expr);
        }
        return null;
      }
      case 'call': {
        const fn = expr.child('function');
        if (fn?.type !== 'attribute') return null;
        const method = fn.child('attribute')?.text;
        const receiver = fn.child('object');
        if (!receiver) return null;
        if (method === 'format' || method === 'format_map') {
          const template = this.stringShape(receiver);
          if (!template) return null;
          const args = expr.child('arguments')?.namedChildren ?? [];
          const values = args.map((arg) => (arg.type === 'keyword_argument' ? arg.child('value') ?? arg : arg));
          return made([...template.parts, ...values.map((node) => this.part(node))], 'str.format()', expr);
        }
        if (method === 'join') {
          const separator = this.stringShape(receiver);
          if (!separator) return null;
          const args = expr.child('arguments');
          // `sep.join(x for x in xs)`: the argument list is itself the generator.
          const iterable = args?.type === 'generator_expression' ? args : args?.namedChildren[0];
          if (!iterable) return null;
          const items = unparenthesize(iterable);
          const parts: StringPart[] = [];
          if (items.type === 'list' || items.type === 'tuple') {
            items.namedChildren.forEach((item, index) => {
              if (index > 0) parts.push(...separator.parts);
              parts.push(...this.partsOf(item));
            });
          } else {
            parts.push(this.part(items));
          }
          return made(parts, 'str.join()', expr);
        }
        return null;
      }
      case 'conditional_expression': {
        const [whenTrue, , whenFalse] = expr.namedChildren;
        if (!whenTrue || !whenFalse) return null;
        const a = this.stringShape(whenTrue);
        const b = this.stringShape(whenFalse);
        if (!a || !b) return null;
        // Report the branch built from data, if any: that is the one that matters.
        return b.parts.some((part) => part.kind === 'value') ? b : a;
      }
      case 'identifier':
        return this.shapeOfName(expr);
      default:
        return null;
    }
  }

  /**
   * A name's string shape: its assignments in order, with `+=` pieces appended (straight-line reading); the last
   * shape that splices in a value wins. Each binding is folded once per model (`folds`), so a chain of n rebinds
   * costs O(n), not 2^n.
   */
  private shapeOfName(identifier: SyntaxNode): StringShape | null {
    const bindings = this.bindingsOf(identifier);
    if (bindings.length === 0) return null;
    const last = bindings[bindings.length - 1]!;
    const list = last.scope.bindings.get(last.name);
    let fold: NameFold | null;
    if (list?.[bindings.length - 1] === last) {
      this.warm(last.scope);
      fold = this.foldAt(list, bindings.length - 1);
    } else {
      fold = EMPTY_FOLD;
      for (const binding of bindings) {
        if (this.folds.get(binding) === PENDING) return null;
        fold = this.foldStep(fold, binding);
      }
    }
    return fold ? (fold.dynamic ?? fold.current) : null;
  }

  /** The fold of `list[0..index]` (a scope's bindings of one name): forward from the nearest memoised prefix. */
  private foldAt(list: readonly Binding[], index: number): NameFold | null {
    let start = index;
    while (start >= 0 && !this.folds.has(list[start]!)) start--;
    const memo = start >= 0 ? this.folds.get(list[start]!)! : EMPTY_FOLD;
    // A binding being folded is reached again (a lambda or comprehension reading the name): unknown, and nothing
    // after it is memoised from that.
    if (memo === PENDING) return null;
    let fold: NameFold | null = memo;
    for (let i = start + 1; i <= index; i++) {
      const binding = list[i]!;
      this.folds.set(binding, PENDING);
      fold = this.foldStep(fold, binding);
      this.folds.set(binding, fold);
    }
    return fold;
  }

  private readonly warmed = new Set<Scope>();

  /**
   * Answers, in source order, whether each binding of a scope is constant and which string it holds, the first
   * time the scope is asked about. Code defines names before using them, so each answer then finds the ones it
   * needs memoised: a chain of thousands of names (`a2 = a1 + "x"`, `a3 = a2 + "x"`, …) stays shallow on the
   * stack instead of reaching `MAX_NESTING`.
   */
  private warm(scope: Scope): void {
    if (this.warmed.has(scope)) return;
    this.warmed.add(scope);
    const order: Array<{ readonly list: readonly Binding[]; readonly index: number }> = [];
    for (const list of scope.bindings.values()) list.forEach((_, index) => order.push({ list, index }));
    order.sort((a, b) => a.list[a.index]!.node.start - b.list[b.index]!.node.start);
    for (const { list, index } of order) {
      const binding = list[index]!;
      if (binding.kind !== 'assignment' && binding.kind !== 'augmented' && binding.kind !== 'walrus') continue;
      this.bindingIsConstant(binding);
      this.foldAt(list, index);
    }
  }

  private foldStep(fold: NameFold | null, binding: Binding): NameFold | null {
    if (!fold || !binding.value) return null;
    if (binding.kind !== 'assignment' && binding.kind !== 'augmented' && binding.kind !== 'walrus') return null;
    const piece = this.stringShape(binding.value);
    let current: StringShape;
    if (binding.kind === 'augmented') {
      const base: StringShape = fold.current ?? {
        parts: [{ kind: 'value', node: binding.node }],
        building: 'concatenation',
        origin: binding.value,
      };
      current = made(
        [...base.parts, ...(piece?.parts ?? [{ kind: 'value', node: binding.value } as StringPart])],
        piece && piece.building !== 'literal' ? piece.building : 'concatenation',
        // The origin is where data first entered the string.
        base.parts.some((part) => part.kind === 'value') || !piece?.parts.some((part) => part.kind === 'value')
          ? base.origin
          : binding.value,
      );
    } else {
      if (!piece) return null;
      current = piece;
    }
    return { current, dynamic: current.parts.some((part) => part.kind === 'value') ? current : fold.dynamic };
  }

  /** The text of a constant that can be spliced into a string (a literal, a number, a constant name). */
  constantText(expression: SyntaxNode): string | null {
    const expr = unparenthesize(expression);
    const known = this.texts.get(expr);
    if (known !== undefined) return known === PENDING ? null : known;
    this.texts.set(expr, PENDING);
    const result = this.nested(null, () => this.computeConstantText(expr));
    this.texts.set(expr, result);
    return result;
  }

  private computeConstantText(expr: SyntaxNode): string | null {
    switch (expr.type) {
      case 'integer':
      case 'float':
        return expr.text;
      case 'string':
      case 'concatenated_string':
        return stringLiteralValue(expr);
      case 'identifier': {
        if (!this.isConstant(expr)) return null;
        const value = this.singleValue(expr);
        return value ? this.constantText(value) : null;
      }
      default: {
        if (!this.isConstant(expr)) return null;
        const shape = this.stringShape(expr);
        return shape && shape.parts.every((part) => part.kind === 'text') ? shapeTemplate(shape) : null;
      }
    }
  }

  /**
   * The integer a constant expression stands for (`1024`, `100_000`, `KEY_BITS` bound once to `512`), or null when
   * it is not a constant decimal integer.
   */
  constantInteger(expression: SyntaxNode): number | null {
    const text = this.constantText(expression);
    if (text === null || !/^\s*[0-9][0-9_]*\s*$/.test(text)) return null;
    const value = Number(text.replace(/_/g, ''));
    return Number.isSafeInteger(value) ? value : null;
  }

  /** Whether a value is a number (so splicing it into SQL or a shell command cannot inject syntax). */
  isNumeric(expression: SyntaxNode): boolean {
    let expr = unparenthesize(expression);
    // A chain of names (`a2 = a1`, `a1 = a0`…) is followed in a loop, not by recursion.
    const seen = new Set<SyntaxNode>();
    while (expr.type === 'identifier') {
      if (seen.has(expr)) return false;
      seen.add(expr);
      const bindings = this.bindingsOf(expr);
      // `def item(item_id: int)`: a parameter annotated as a number (FastAPI and typed code convert or check it).
      if (bindings.length === 1 && bindings[0]!.kind === 'parameter') {
        const annotation = bindings[0]!.node.parent?.child('type');
        return !!annotation && /^(int|float|bool)$/.test(annotation.text.trim());
      }
      const value = this.singleValue(expr);
      if (!value || value === expr) return false;
      expr = unparenthesize(value);
    }
    if (expr.type === 'integer' || expr.type === 'float') return true;
    if (expr.type === 'call') {
      const callee = this.calleeQualifiedName(expr);
      return callee === 'int' || callee === 'float' || callee === 'len' || callee === 'round' || callee === 'abs';
    }
    return false;
  }

}

function contains(outer: SyntaxNode | null, inner: SyntaxNode): boolean {
  return !!outer && outer.start <= inner.start && inner.end <= outer.end;
}

const EMPTY_FOLD: NameFold = { current: null, dynamic: null };

/**
 * A shape with adjacent literal text merged and capped (`MAX_TEXT`); past `MAX_PARTS` parts each spliced value is
 * kept once. Shapes then stay bounded however a name is doubled (`q += q`), and no spliced value is dropped.
 */
function made(parts: readonly StringPart[], building: StringBuilding, origin: SyntaxNode): StringShape {
  let merged = mergeText(parts);
  if (merged.length > MAX_PARTS) {
    const kept = new Set<SyntaxNode>();
    merged = mergeText(merged.filter((part) => part.kind === 'text' || (!kept.has(part.node) && !!kept.add(part.node))));
  }
  return { parts: merged, building, origin };
}

function mergeText(parts: readonly StringPart[]): StringPart[] {
  const out: StringPart[] = [];
  for (const part of parts) {
    const last = out[out.length - 1];
    if (part.kind === 'text' && last?.kind === 'text') out[out.length - 1] = { kind: 'text', text: capText(last.text + part.text) };
    else out.push(part.kind === 'text' && part.text.length > MAX_TEXT ? { kind: 'text', text: capText(part.text) } : part);
  }
  return out;
}

/** Keeps the head and the tail of a long text: where SQL or shell syntax around a spliced value is. */
function capText(text: string): string {
  return text.length <= MAX_TEXT ? text : text.slice(0, MAX_TEXT / 2) + text.slice(text.length - MAX_TEXT / 2);
}


/**
 * The `+` nodes of a left-deep chain, innermost first (`a + b + c` → `a + b`, then the whole): each has a left and a
 * right operand; a `+` inside parentheses or under another operator ends the chain.
 */
function plusLevels(expr: SyntaxNode): SyntaxNode[] {
  const levels: SyntaxNode[] = [expr];
  for (;;) {
    const left = levels[levels.length - 1]!.child('left');
    if (!left || left.type !== 'binary_operator' || !left.hasToken('+') || !left.child('left') || !left.child('right')) break;
    levels.push(left);
  }
  return levels.reverse();
}

function boundToListOrSet(binding: Binding): boolean {
  const value = binding.value && unparenthesize(binding.value);
  return !!value && (value.type === 'list' || value.type === 'set');
}

/** Whether `node`, inside `definition`, is in the body of a function or class nested in it. */
function inNestedBody(node: SyntaxNode, definition: SyntaxNode): boolean {
  for (let at: SyntaxNode | null = node; at && at !== definition; at = at.parent) {
    if (at.field === 'body' && at.parent && at.parent !== definition && DEFINITION_TYPES.has(at.parent.type)) return true;
  }
  return false;
}

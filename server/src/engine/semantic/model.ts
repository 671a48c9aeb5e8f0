import type { SyntaxNode } from '../syntax/syntaxNode';
import { enclosingClass, stringLiteralValue, unparenthesize, hasInterpolation } from '../syntax/python';
import { buildScopes, scopeOf, type Binding, type Scope, type ScopeTree } from './scopes';

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

const MAX_DEPTH = 12;

/**
 * Answers the questions rules ask about names and values in one module: what a name or call refers to
 * (`sp.call` → `subprocess.call`), and whether an expression is a constant string or is built from data.
 *
 * Built once per parse; every answer depends only on the module's text.
 */
export class SemanticModel {
  private readonly scopes: ScopeTree;
  /** Rules ask about the same names again and again: each identifier is looked up once. */
  private readonly bindingsCache = new Map<SyntaxNode, Binding[]>();

  constructor(readonly root: SyntaxNode) {
    this.scopes = buildScopes(root);
  }

  get moduleScope(): Scope {
    return this.scopes.module;
  }

  scopeOf(node: SyntaxNode): Scope {
    return scopeOf(this.scopes, node);
  }

  /** The scope a definition (function, class, lambda, comprehension) opens, if `node` is one. */
  scopeOpenedBy(node: SyntaxNode): Scope | undefined {
    return this.scopes.byNode.get(node);
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

  private lookUp(identifier: SyntaxNode): Binding[] {
    const name = identifier.text;
    const home = scopeOf(this.scopes, identifier);
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
    if (depth > MAX_DEPTH) return null;
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
   * walrus): `q` in `q = f"..."; run(q)` → the f-string. Null for parameters, loops, several assignments.
   */
  singleValue(identifier: SyntaxNode): SyntaxNode | null {
    const expr = unparenthesize(identifier);
    if (expr.type !== 'identifier') return null;
    const bindings = this.bindingsOf(expr);
    if (bindings.length !== 1) return null;
    const binding = bindings[0]!;
    return binding.kind === 'assignment' || binding.kind === 'walrus' ? binding.value : null;
  }

  /** Whether the expression always has the same value: literals, arithmetic and string building of constants,
   * and names every binding of which is such a constant. */
  isConstant(expression: SyntaxNode): boolean {
    return this.guarded(false, () => this.constant(expression, 0, new Set()));
  }

  /**
   * Constant folding, string shapes and constant text call each other; each entry starts its own cycle check, so
   * this bounds how deeply they may nest (pathological or self-referential code ends as "not constant").
   */
  private nesting = 0;
  private guarded<T>(fallback: T, compute: () => T): T {
    if (this.nesting > 24) return fallback;
    this.nesting++;
    try {
      return compute();
    } finally {
      this.nesting--;
    }
  }

  private constant(expression: SyntaxNode, depth: number, seen: Set<Binding>): boolean {
    if (depth > MAX_DEPTH) return false;
    const expr = unparenthesize(expression);
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
            return !!inner && this.constant(inner, depth + 1, seen);
          });
      case 'concatenated_string':
      case 'tuple':
      case 'list':
      case 'set':
        return expr.namedChildren.every((element) => this.constant(element, depth + 1, seen));
      case 'unary_operator':
      case 'binary_operator':
      case 'boolean_operator':
        return expr.namedChildren.every((operand) => this.constant(operand, depth + 1, seen));
      case 'conditional_expression':
        // `a if cond else b`: the condition does not change which constants can come out.
        return expr.namedChildren.length === 3 &&
          this.constant(expr.namedChildren[0]!, depth + 1, seen) &&
          this.constant(expr.namedChildren[2]!, depth + 1, seen);
      case 'identifier': {
        const bindings = this.bindingsOf(expr);
        if (bindings.length === 0) return false;
        return bindings.every((binding) => {
          if (seen.has(binding)) return false;
          if (binding.kind !== 'assignment' && binding.kind !== 'augmented' && binding.kind !== 'walrus') return false;
          if (!binding.value) return false;
          seen.add(binding);
          return this.constant(binding.value, depth + 1, seen);
        });
      }
      case 'attribute': {
        // `self.TABLE`, `self.order`: class attributes and attributes `__init__` sets, when all are constants.
        const values = this.selfAttributeValues(expr);
        return !!values && values.every((value) => this.constant(value, depth + 1, seen));
      }
      case 'call': {
        // `"..." .format(consts)`, `sep.join([consts])`
        const shape = this.stringShape(expr);
        return !!shape && shape.parts.every((part) => part.kind === 'text' || this.constant(part.node, depth + 1, seen));
      }
      default:
        return false;
    }
  }

  private imports: { module: string[]; all: string[]; roots: Set<string> } | undefined;

  /**
   * The qualified names the module imports (`flask`, `os.path`, `django.http.HttpResponse`, `.sibling` for relative
   * imports): at module level, or with `nested`, in every scope (imports inside functions too).
   */
  importedNames(nested = false): readonly string[] {
    return nested ? this.importIndex().all : this.importIndex().module;
  }

  /** The top-level packages imported at module level, leading dots of relative imports dropped: `flask`, `os`. */
  importedRoots(): ReadonlySet<string> {
    return this.importIndex().roots;
  }

  private importIndex(): { module: string[]; all: string[]; roots: Set<string> } {
    if (!this.imports) {
      const module: string[] = [];
      const all: string[] = [];
      const visit = (scope: Scope): void => {
        for (const list of scope.bindings.values()) {
          for (const binding of list) {
            if (binding.kind !== 'import' || !binding.qualifiedName) continue;
            all.push(binding.qualifiedName);
            if (scope === this.scopes.module) module.push(binding.qualifiedName);
          }
        }
        for (const child of scope.children) visit(child);
      };
      visit(this.scopes.module);
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
    const classScope = this.scopes.byNode.get(klass);
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
   * shows the concatenation at `run(q)`.
   */
  stringShape(expression: SyntaxNode): StringShape | null {
    return this.guarded(null, () => this.shape(expression, 0, new Set()));
  }

  private shape(expression: SyntaxNode, depth: number, seen: Set<Binding>): StringShape | null {
    if (depth > MAX_DEPTH) return null;
    const expr = unparenthesize(expression);
    const value = (node: SyntaxNode): StringPart => {
      const constantText = this.constantText(node);
      return constantText !== null ? { kind: 'text', text: constantText } : { kind: 'value', node };
    };
    const partsOf = (node: SyntaxNode): StringPart[] => this.shape(node, depth + 1, seen)?.parts.slice() ?? [value(node)];
    switch (expr.type) {
      case 'string': {
        const interpolated = hasInterpolation(expr);
        const parts: StringPart[] = [];
        for (const child of expr.children) {
          if (child.type === 'string_content') parts.push({ kind: 'text', text: child.text });
          else if (child.type === 'interpolation') {
            const inner = child.child('expression');
            if (inner) parts.push(...partsOf(inner));
          }
        }
        if (!interpolated) return { parts: [{ kind: 'text', text: stringLiteralValue(expr) ?? '' }], building: 'literal', origin: expr };
        return { parts, building: 'f-string', origin: expr };
      }
      case 'concatenated_string': {
        const parts = expr.namedChildren.flatMap((piece) => partsOf(piece));
        const building = expr.namedChildren.some((piece) => hasInterpolation(piece)) ? 'f-string' : 'literal';
        return { parts, building, origin: expr };
      }
      case 'binary_operator': {
        const left = expr.child('left');
        const right = expr.child('right');
        if (!left || !right) return null;
        if (expr.hasToken('+')) {
          const leftShape = this.shape(left, depth + 1, seen);
          const rightShape = this.shape(right, depth + 1, seen);
          if (!leftShape && !rightShape) return null;
          return {
            parts: [...(leftShape?.parts ?? [value(left)]), ...(rightShape?.parts ?? [value(right)])],
            building: 'concatenation',
            origin: expr,
          };
        }
        if (expr.hasToken('%')) {
          const template = this.shape(left, depth + 1, seen);
          if (!template) return null;
          const operand = unparenthesize(right);
          const values =
            operand.type === 'tuple'
              ? operand.namedChildren
              : operand.type === 'dictionary'
                ? operand.namedChildren.flatMap((pair) => (pair.child('value') ? [pair.child('value')!] : []))
                : [operand];
          return { parts: [...template.parts, ...values.map(value)], building: '%-formatting', origin: expr };
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
          const template = this.shape(receiver, depth + 1, seen);
          if (!template) return null;
          const args = expr.child('arguments')?.namedChildren ?? [];
          const values = args.map((arg) => (arg.type === 'keyword_argument' ? arg.child('value') ?? arg : arg));
          return { parts: [...template.parts, ...values.map(value)], building: 'str.format()', origin: expr };
        }
        if (method === 'join') {
          const separator = this.shape(receiver, depth + 1, seen);
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
              parts.push(...partsOf(item));
            });
          } else {
            parts.push(value(items));
          }
          return { parts, building: 'str.join()', origin: expr };
        }
        return null;
      }
      case 'conditional_expression': {
        const [whenTrue, , whenFalse] = expr.namedChildren;
        if (!whenTrue || !whenFalse) return null;
        const a = this.shape(whenTrue, depth + 1, seen);
        const b = this.shape(whenFalse, depth + 1, seen);
        if (!a || !b) return null;
        // Report the branch built from data, if any: that is the one that matters.
        return b.parts.some((part) => part.kind === 'value') ? b : a;
      }
      case 'identifier':
        return this.shapeOfName(expr, depth, seen);
      default:
        return null;
    }
  }

  /** A name's string shape: its assignments in order, with `+=` pieces appended (straight-line reading). */
  private shapeOfName(identifier: SyntaxNode, depth: number, seen: Set<Binding>): StringShape | null {
    const bindings = this.bindingsOf(identifier);
    if (bindings.length === 0) return null;
    let current: StringShape | null = null;
    let dynamic: StringShape | null = null;
    for (const binding of bindings) {
      if (seen.has(binding) || !binding.value) return null;
      if (binding.kind !== 'assignment' && binding.kind !== 'augmented' && binding.kind !== 'walrus') return null;
      seen.add(binding);
      const piece = this.shape(binding.value, depth + 1, seen);
      seen.delete(binding);
      if (binding.kind === 'augmented') {
        const base: StringShape = current ?? {
          parts: [{ kind: 'value', node: binding.node }],
          building: 'concatenation',
          origin: binding.value,
        };
        current = {
          parts: [...base.parts, ...(piece?.parts ?? [{ kind: 'value', node: binding.value } as StringPart])],
          building: piece && piece.building !== 'literal' ? piece.building : 'concatenation',
          // The origin is where data first entered the string.
          origin:
            base.parts.some((part) => part.kind === 'value') || !piece?.parts.some((part) => part.kind === 'value')
              ? base.origin
              : binding.value,
        };
      } else {
        if (!piece) return null;
        current = piece;
      }
      if (current.parts.some((part) => part.kind === 'value')) dynamic = current;
    }
    return dynamic ?? current;
  }

  /** The text of a constant that can be spliced into a string (a literal, a number, a constant name). */
  constantText(expression: SyntaxNode): string | null {
    return this.guarded(null, () => this.computeConstantText(expression));
  }

  private computeConstantText(expression: SyntaxNode): string | null {
    const expr = unparenthesize(expression);
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

  /** Whether a value is a number (so splicing it into SQL or a shell command cannot inject syntax). */
  isNumeric(expression: SyntaxNode): boolean {
    const expr = unparenthesize(expression);
    if (expr.type === 'integer' || expr.type === 'float') return true;
    if (expr.type === 'call') {
      const callee = this.calleeQualifiedName(expr);
      return callee === 'int' || callee === 'float' || callee === 'len' || callee === 'round' || callee === 'abs';
    }
    if (expr.type === 'identifier') {
      const value = this.singleValue(expr);
      return !!value && value !== expr && this.isNumeric(value);
    }
    return false;
  }
}

function contains(outer: SyntaxNode | null, inner: SyntaxNode): boolean {
  return !!outer && outer.start <= inner.start && inner.end <= outer.end;
}

import { DefinitionMemo, type SyntaxNode } from '../syntax/syntaxNode';
import { containsWord, namesGlobalOrNonlocal, parameterEntries } from '../syntax/python';

/**
 * Python's scopes and the names bound in them, built in one pass over a module.
 *
 * Flow-insensitive on purpose: a binding records where a name is bound and to what, not which branches
 * reach a use. Rules get "the values a name may hold", which is what constant folding and import
 * resolution need, at a cost linear in the file.
 */

export type ScopeKind = 'module' | 'function' | 'class' | 'lambda' | 'comprehension';

export type BindingKind =
  | 'import'
  | 'assignment'
  | 'augmented'
  | 'walrus'
  | 'unpack'
  | 'parameter'
  | 'loop'
  | 'with'
  | 'except'
  | 'match'
  | 'function'
  | 'class';

export interface Binding {
  readonly name: string;
  readonly kind: BindingKind;
  /** The identifier that is bound. */
  readonly node: SyntaxNode;
  /**
   * The expression assigned (assignment, augmented, walrus, with, parameter default); for a loop target the iterable
   * (`for name in ("a", "b")`), for an element of an unpacking the matching element (`a, b = "x", "y"`).
   */
  readonly value: SyntaxNode | null;
  /** For imports: the dotted name the binding stands for (`subprocess`, `os.system`, `.sibling`). */
  readonly qualifiedName: string | null;
  readonly scope: Scope;
}

const NO_NAMES: ReadonlySet<string> = new Set();
const NO_MODULES: readonly string[] = [];
const NO_BINDINGS: readonly Binding[] = [];

export class Scope {
  readonly bindings = new Map<string, Binding[]>();
  readonly children: Scope[] = [];
  // The sets below are made when a first name is added: most scopes have none, and a keystroke builds hundreds of
  // scopes (every function of the module is at least a stub).
  private globalNames: Set<string> | undefined;
  private nonlocalNames: Set<string> | undefined;
  private wildcards: string[] | undefined;
  private mutatedNames: Set<string> | undefined;
  private importBindings: Binding[] | undefined;

  /** Names declared `global` in this scope. */
  get globals(): ReadonlySet<string> {
    return this.globalNames ?? NO_NAMES;
  }

  /** Names declared `nonlocal` in this scope. */
  get nonlocals(): ReadonlySet<string> {
    return this.nonlocalNames ?? NO_NAMES;
  }

  /** Modules imported with `from M import *` in this scope. */
  get wildcardImports(): readonly string[] {
    return this.wildcards ?? NO_MODULES;
  }

  /**
   * Names whose value this scope changes in place (`xs.append(v)`, `d[k] = v`, `s.update(t)`): a list bound once
   * to a constant literal is no longer that constant. By name, not resolved: a shadowing local counts too.
   */
  get mutated(): ReadonlySet<string> {
    return this.mutatedNames ?? NO_NAMES;
  }

  /** The import bindings of this scope (`import x`, `from m import y as z`), in the order they were added. */
  get imports(): readonly Binding[] {
    return this.importBindings ?? NO_BINDINGS;
  }

  addGlobal(name: string): void {
    (this.globalNames ??= new Set()).add(name);
  }

  addNonlocal(name: string): void {
    (this.nonlocalNames ??= new Set()).add(name);
  }

  addWildcardImport(module: string): void {
    (this.wildcards ??= []).push(module);
  }

  addMutated(name: string): void {
    (this.mutatedNames ??= new Set()).add(name);
  }
  /**
   * A function scope whose body has not been read yet (see `buildScopes`): until `ScopeTree.expand` reads it, its
   * bindings, `mutated` names and children are empty. Only the semantic model sees stubs: it expands one before
   * anything can read it (`scopeOf`, `scopeOpenedBy`, the names a function changes in place).
   */
  stub = false;

  constructor(
    readonly kind: ScopeKind,
    readonly node: SyntaxNode,
    /** The enclosing scope; changes only when the next build of the document takes this class scope over. */
    public parent: Scope | null,
  ) {
    parent?.children.push(this);
  }

  get module(): Scope {
    let scope: Scope = this;
    while (scope.parent) scope = scope.parent;
    return scope;
  }

  /** The nearest function scope that encloses this one (for `nonlocal`). */
  get enclosingFunction(): Scope | null {
    for (let scope = this.parent; scope; scope = scope.parent) if (scope.kind === 'function') return scope;
    return null;
  }

  add(binding: Omit<Binding, 'scope'>): void {
    let target: Scope = this;
    if (this.globals.has(binding.name)) target = this.module;
    else if (this.nonlocals.has(binding.name)) target = this.enclosingFunction ?? this;
    else if (this.kind === 'comprehension' && binding.kind === 'walrus') {
      // PEP 572: a walrus in a comprehension binds in the enclosing non-comprehension scope.
      while (target.kind === 'comprehension' && target.parent) target = target.parent;
    }
    const list = target.bindings.get(binding.name);
    const full: Binding = { ...binding, scope: target };
    if (list) list.push(full);
    else target.bindings.set(binding.name, [full]);
    if (full.kind === 'import') (target.importBindings ??= []).push(full);
  }
}

const COMPREHENSIONS = new Set([
  'list_comprehension',
  'set_comprehension',
  'dictionary_comprehension',
  'generator_expression',
]);

const PATTERN_CONTAINERS = new Set([
  'pattern_list',
  'tuple_pattern',
  'list_pattern',
  'tuple',
  'list',
  'parenthesized_expression',
  'list_splat_pattern',
  'list_splat',
]);

export interface ScopeTree {
  readonly module: Scope;
  /** Scope-owning node → its scope (a function scope may be a stub; nothing inside a stub is here yet). */
  readonly byNode: Map<SyntaxNode, Scope>;
  /** Reads the body of a stub (whose enclosing scopes are built); nested functions in it become stubs in turn. */
  expand(scope: Scope): void;
  /** Whether the text of a function or class contains `name` as a whole word (so it may change `name` in place). */
  mentions(scope: Scope, name: string): boolean;
}

export interface ScopeOptions {
  /** Build every function scope at once (no stubs): the reference the lazy build must agree with. */
  readonly eager?: boolean;
  /**
   * The scope tree of the previous copy of the same document (another root), given up to this build: the scopes of
   * classes and functions whose copy this tree reused are taken over whole (see `ScopeBuilder.takeOver`), so it must
   * not be read afterwards. Ignored by an eager build.
   */
  readonly previous?: ScopeTree;
}

/** Statements of a function body that change scopes outside it: such functions are always built at once. */
const OUTWARD_KEYWORDS = ['import', 'global', 'nonlocal'];
const OUTWARD_LONGEST = Math.max(...OUTWARD_KEYWORDS.map((word) => word.length));

/** Whether a definition must be built at once, remembered across edits (`DefinitionMemo`). */
const eagerness = new DefinitionMemo<boolean>();

/**
 * Per definition, whether its text holds a name as a whole word, for each name asked (`ScopeTree.mentions`),
 * remembered across edits: a keystroke searches only the definitions it changed, not the whole file once per name.
 */
const mentioned = new DefinitionMemo<Map<string, boolean>>();

/** Whether a class's text names `global` or `nonlocal` (so something in it may bind outside it), remembered across edits. */
const bindsOutside = new DefinitionMemo<boolean>();

/**
 * Builds the scope tree of a module. Iterative, so deeply nested (or garbage) input cannot overflow the stack.
 *
 * Lazy by default: the module, class bodies, lambdas and comprehensions outside functions are built at once, but a
 * function's scope is a stub (its name bound outside, its defaults and return annotation read where they run) whose
 * body is read on first use (`ScopeTree.expand`). The answers are those of an eager build because a stub's body
 * can record nothing outside the function: a function whose text contains `import`, `global` or `nonlocal`, or that
 * has a syntax error in it, is built at once (with every function around it, whose text contains it too); a walrus
 * in a comprehension binds in the function at most; and the names it changes in place (`xs.append`) are found by
 * `mentions` and `expand` when an enclosing scope's list is asked about.
 */
export function buildScopes(root: SyntaxNode, options: ScopeOptions = {}): ScopeTree {
  const previous = !options.eager && options.previous?.module.node !== root ? options.previous : undefined;
  return new ScopeBuilder(root, !options.eager, previous);
}

class ScopeBuilder implements ScopeTree {
  readonly module: Scope;
  readonly byNode: Map<SyntaxNode, Scope>;
  /** The nodes left to read and the scope each is read in (two stacks, not a pair per node: this runs per keystroke). */
  private readonly workNodes: SyntaxNode[] = [];
  private readonly workScopes: Scope[] = [];
  /** Scopes made by the current run, whose bindings are sorted at its end. */
  private made: Scope[] = [];
  private readonly lazy: boolean;

  /**
   * The previous build's tree while this one's first walk runs; then let go (a class met later, in a function read
   * on first use, is built afresh), or every build would hold the one before it, and so every tree ever made.
   */
  private previous: ScopeTree | undefined;

  constructor(
    private readonly root: SyntaxNode,
    lazy: boolean,
    previous: ScopeTree | undefined,
  ) {
    this.previous = previous;
    this.module = new Scope('module', root, null);
    this.byNode = new Map<SyntaxNode, Scope>([[root, this.module]]);
    this.lazy = lazy;
    this.made.push(this.module);
    this.workNodes.push(root);
    this.workScopes.push(this.module);
    this.run();
    this.previous = undefined;
  }

  expand(scope: Scope): void {
    if (!scope.stub) return;
    scope.stub = false;
    const node = scope.node;
    bindParameterNames(node.child('parameters'), scope);
    this.push(node.child('body'), scope);
    this.pushErrors(node, scope);
    this.made.push(scope);
    this.run();
  }

  mentions(scope: Scope, name: string): boolean {
    const definition = scope.node;
    const asked = mentioned.get(definition, () => new Map());
    let answer = asked.get(name);
    if (answer === undefined) asked.set(name, (answer = containsWord(definition.text, name)));
    return answer;
  }

  private push(node: SyntaxNode | null | undefined, scope: Scope): void {
    if (node) {
      this.workNodes.push(node);
      this.workScopes.push(scope);
    }
  }

  private pushChildren(node: SyntaxNode, scope: Scope): void {
    for (let i = node.children.length - 1; i >= 0; i--) {
      const child = node.children[i]!;
      if (child.isNamed) this.push(child, scope);
    }
  }

  // When a body does not parse, tree-sitter may leave its statements in ERROR children of the definition:
  // they still belong to the definition's scope.
  private pushErrors(definition: SyntaxNode, inner: Scope): void {
    for (const child of definition.children) if (child.type === 'ERROR') this.push(child, inner);
  }

  private newScope(kind: ScopeKind, node: SyntaxNode, parent: Scope): Scope {
    const scope = new Scope(kind, node, parent);
    this.byNode.set(node, scope);
    this.made.push(scope);
    return scope;
  }

  /**
   * Whether a function must be built at once: its body may record something outside it (see `buildScopes`): its
   * text holds one of `OUTWARD_KEYWORDS` (anywhere, as a word or not). Remembered per body and header (`eagerness`):
   * a keystroke reads only the text of the definitions it changed.
   */
  private eager(definition: SyntaxNode): boolean {
    if (!this.lazy || definition.hasError) return true;
    return eagerness.get(definition, () => {
      // A keyword that starts inside the definition counts, as long as it ends inside the module.
      const end = Math.min(definition.end + OUTWARD_LONGEST - 1, this.root.end);
      const text = definition.source.slice(definition.start, end);
      const inside = definition.end - definition.start;
      return OUTWARD_KEYWORDS.some((word) => {
        const at = text.indexOf(word);
        return at >= 0 && at < inside;
      });
    });
  }

  /**
   * Takes over the previous build's scope of a class or function whose copy the new tree reused (the same
   * `SyntaxNode`, so the same subtree, only moved): its bindings, its methods' scopes (stubs or already read) and
   * everything inside are what a build of its body would make, since nothing inside a class or function binds outside
   * it unless it says `global` or `nonlocal` (then it is built again). A keystroke in one class does not rebuild the
   * others, nor the stubs of the methods beside the one it is in, and a function read for an earlier analysis is not
   * read again. What a definition binds around it (its name, its defaults' lambdas) is made by the caller, as for a
   * new scope. False when not taken.
   */
  private takeOver(node: SyntaxNode, scope: Scope, kind: 'class' | 'function'): boolean {
    const old = this.previous?.byNode.get(node);
    if (old?.kind !== kind || node.hasError) return false;
    if (bindsOutside.get(node, () => namesGlobalOrNonlocal(node.text))) return false;
    old.parent = scope;
    scope.children.push(old);
    const scopes: Scope[] = [old];
    while (scopes.length > 0) {
      const next = scopes.pop()!;
      this.byNode.set(next.node, next);
      for (const child of next.children) scopes.push(child);
    }
    return true;
  }

  private run(): void {
    const { workNodes, workScopes } = this;
    const push = (node: SyntaxNode | null | undefined, scope: Scope): void => this.push(node, scope);
    while (workNodes.length > 0) {
      const node = workNodes.pop()!;
      const scope = workScopes.pop()!;
      noteMutation(node, scope);
      switch (node.type) {
        case 'function_definition': {
          const name = node.child('name');
          if (name) scope.add({ name: name.text, kind: 'function', node: name, value: node, qualifiedName: null });
          const parameters = node.child('parameters');
          pushDefaults(parameters, scope, push);
          push(node.child('return_type'), scope);
          if (this.takeOver(node, scope, 'function')) break;
          const inner = this.newScope('function', node, scope);
          if (this.eager(node)) {
            bindParameterNames(parameters, inner);
          } else {
            inner.stub = true;
          }
          if (!inner.stub) {
            push(node.child('body'), inner);
            this.pushErrors(node, inner);
          }
          break;
        }
        case 'class_definition': {
          const name = node.child('name');
          if (name) scope.add({ name: name.text, kind: 'class', node: name, value: node, qualifiedName: null });
          push(node.child('superclasses'), scope);
          if (this.takeOver(node, scope, 'class')) break;
          const inner = this.newScope('class', node, scope);
          push(node.child('body'), inner);
          this.pushErrors(node, inner);
          break;
        }
        case 'lambda': {
          const inner = this.newScope('lambda', node, scope);
          bindParameterNames(node.child('parameters'), inner);
          pushDefaults(node.child('parameters'), scope, push);
          push(node.child('body'), inner);
          break;
        }
        case 'assignment': {
          const right = node.child('right');
          let value = right;
          while (value?.type === 'assignment') value = value.child('right');
          bindTarget(node.child('left'), scope, 'assignment', value ?? null);
          push(node.child('left'), scope);
          push(right, scope);
          break;
        }
        case 'augmented_assignment': {
          bindTarget(node.child('left'), scope, 'augmented', node.child('right'));
          push(node.child('left'), scope);
          push(node.child('right'), scope);
          break;
        }
        case 'named_expression': {
          const name = node.child('name');
          if (name) scope.add({ name: name.text, kind: 'walrus', node: name, value: node.child('value'), qualifiedName: null });
          push(node.child('value'), scope);
          break;
        }
        case 'for_statement':
          bindTarget(node.child('left'), scope, 'loop', node.child('right'));
          this.pushChildren(node, scope);
          break;
        case 'with_item':
        case 'except_clause': {
          const pattern = node.child('value');
          if (pattern?.type === 'as_pattern') {
            const target = pattern.child('alias')?.firstNamedChild();
            const kind = node.type === 'with_item' ? 'with' : 'except';
            bindTarget(target ?? null, scope, kind, pattern.firstNamedChild());
          }
          this.pushChildren(node, scope);
          break;
        }
        case 'import_statement':
          for (const name of node.childrenOf('name')) bindImport(name, scope, null);
          break;
        case 'import_from_statement': {
          const moduleName = node.child('module_name');
          const from = moduleName ? moduleName.text.replace(/\s+/g, '') : '';
          for (const name of node.childrenOf('name')) bindImport(name, scope, from);
          if (node.children.some((child) => child.type === 'wildcard_import')) scope.addWildcardImport(from);
          break;
        }
        case 'global_statement':
          for (const name of node.namedChildren) if (name.type === 'identifier') scope.addGlobal(name.text);
          break;
        case 'nonlocal_statement':
          for (const name of node.namedChildren) if (name.type === 'identifier') scope.addNonlocal(name.text);
          break;
        case 'case_pattern':
        case 'splat_pattern':
          bindCaptures(node, scope);
          this.pushChildren(node, scope);
          break;
        default:
          if (COMPREHENSIONS.has(node.type)) {
            const inner = this.newScope('comprehension', node, scope);
            let first = true;
            for (const child of node.namedChildren) {
              if (child.type === 'for_in_clause') {
                bindTarget(child.child('left'), inner, 'loop', child.child('right'));
                // The first iterable is evaluated in the enclosing scope.
                push(child.child('right'), first ? scope : inner);
                first = false;
              } else {
                push(child, inner);
              }
            }
          } else {
            this.pushChildren(node, scope);
          }
      }
    }
    // Source order, so "the bindings before a use" is a prefix found by binary search. A run binds only in the
    // scopes it made and the one it started in (a stub records nothing outside itself).
    for (const scope of this.made) {
      for (const list of scope.bindings.values()) list.sort((a, b) => a.node.start - b.node.start);
    }
    this.made = [];
  }
}

/** Methods of `list`, `dict`, `set` and `bytearray` that change the container they are called on. */
export const IN_PLACE_METHODS: ReadonlySet<string> = new Set([
  'append', 'extend', 'insert', 'remove', 'pop', 'clear', 'reverse', 'sort', 'update', 'add', 'discard',
  'setdefault', 'popitem', 'difference_update', 'intersection_update', 'symmetric_difference_update', '__setitem__',
]);

/** Records `name.append(…)`-style calls and `name[k] = v` / `name[k] += v` in `scope.mutated`. */
function noteMutation(node: SyntaxNode, scope: Scope): void {
  let target: SyntaxNode | null = null;
  if (node.type === 'call') {
    const fn = node.child('function');
    if (fn?.type === 'attribute' && IN_PLACE_METHODS.has(fn.child('attribute')?.text ?? '')) target = fn.child('object');
  } else if (node.type === 'assignment' || node.type === 'augmented_assignment') {
    const left = node.child('left');
    if (left?.type === 'subscript') target = left.child('value');
  }
  if (target?.type === 'identifier') scope.addMutated(target.text);
}

function bindParameterNames(parameters: SyntaxNode | null, inner: Scope): void {
  for (const { name, defaultValue } of parameterEntries(parameters)) {
    if (name) inner.add({ name: name.text, kind: 'parameter', node: name, value: defaultValue, qualifiedName: null });
  }
}

/** Defaults (and annotations) are evaluated where the function is defined. */
function pushDefaults(parameters: SyntaxNode | null, outer: Scope, push: (node: SyntaxNode | null, scope: Scope) => void): void {
  for (const { defaultValue } of parameterEntries(parameters)) push(defaultValue, outer);
}

function bindTarget(target: SyntaxNode | null, scope: Scope, kind: BindingKind, value: SyntaxNode | null): void {
  if (!target) return;
  if (target.type === 'identifier') {
    scope.add({ name: target.text, kind, node: target, value, qualifiedName: null });
    return;
  }
  if (PATTERN_CONTAINERS.has(target.type)) {
    const elementKind: BindingKind = kind === 'assignment' ? 'unpack' : kind;
    // `a, b = "x", "y"`: each name gets its element, when both sides have the same plain shape.
    const elements = target.namedChildren;
    const source = kind === 'assignment' && value ? unparenthesizeValue(value) : null;
    const values = source && ['tuple', 'list', 'expression_list', 'pattern_list'].includes(source.type) ? source.namedChildren : null;
    const paired = !!values && values.length === elements.length && ![...elements, ...values].some((node) => node.type.includes('splat'));
    elements.forEach((element, index) => bindTarget(element, scope, elementKind, paired ? values![index]! : null));
  }
  // Attributes and subscripts bind no name.
}

function unparenthesizeValue(node: SyntaxNode): SyntaxNode {
  let current = node;
  while (current.type === 'parenthesized_expression' && current.namedChildren.length === 1) current = current.namedChildren[0]!;
  return current;
}

function bindImport(name: SyntaxNode, scope: Scope, from: string | null): void {
  const join = (head: string, tail: string): string => (head === '' ? tail : head.endsWith('.') ? head + tail : `${head}.${tail}`);
  if (name.type === 'aliased_import') {
    const dotted = name.child('name');
    const alias = name.child('alias');
    if (!dotted || !alias) return;
    const target = from === null ? dotted.text : join(from, dotted.text);
    scope.add({ name: alias.text, kind: 'import', node: alias, value: null, qualifiedName: target });
    return;
  }
  if (name.type !== 'dotted_name') return;
  const first = name.firstNamedChild('identifier');
  if (!first) return;
  if (from === null) {
    // `import os.path` binds `os`.
    scope.add({ name: first.text, kind: 'import', node: first, value: null, qualifiedName: first.text });
  } else {
    const last = name.namedChildren.at(-1)!;
    scope.add({ name: last.text, kind: 'import', node: last, value: null, qualifiedName: join(from, name.text) });
  }
}

/** Capture names in `match` patterns: `case [x, *rest]`, `case {"k": v}`, `case Point(x=px)`. */
function bindCaptures(pattern: SyntaxNode, scope: Scope): void {
  for (const child of pattern.namedChildren) {
    if (child.type === 'identifier') {
      scope.add({ name: child.text, kind: 'match', node: child, value: null, qualifiedName: null });
    } else if (child.type === 'dotted_name' && child.namedChildren.length === 1 && pattern.type === 'case_pattern') {
      const identifier = child.firstNamedChild('identifier');
      if (identifier && identifier.text !== '_') {
        scope.add({ name: identifier.text, kind: 'match', node: identifier, value: null, qualifiedName: null });
      }
    }
  }
}

/**
 * The innermost scope whose code contains `node`, honouring where defaults, annotations and iterables run.
 *
 * A stub met on the way up that `node` runs inside is built, with the stubs on the way to it (outermost first), and
 * the walk starts again: the lambdas, comprehensions and functions inside a stub are not in `byNode` until then.
 *
 * With `cache`, answers are kept for `node` and for the plain ancestors visited below the first scope-owning node
 * (their answer is the same, see `isPlain`), and read back from them: a left-deep chain of 10,000 operators is then
 * walked once, not once per operand.
 */
export function scopeOf(tree: ScopeTree, node: SyntaxNode, cache?: Map<SyntaxNode, Scope>): Scope {
  for (;;) {
    const path: SyntaxNode[] = [node];
    /** Whether some node of `path` is a parameter's default value or annotation (kept as the path grows). */
    let inDefault = isDefaultOrAnnotation(node);
    /** Visited ancestors whose answer is the node's, until the first owner is met. */
    const same: SyntaxNode[] = [];
    let sharing = !!cache;
    let result: Scope = tree.module;
    let stub: Scope | null = null;
    for (let ancestor = node.parent; ancestor; ancestor = ancestor.parent) {
      const scope = tree.byNode.get(ancestor);
      if (scope) sharing = false;
      else if (sharing && isPlain(ancestor, tree)) {
        const known = cache!.get(ancestor);
        if (known) {
          result = known;
          break;
        }
        same.push(ancestor);
      }
      if (scope && runsInside(ancestor, path, inDefault)) {
        if (scope.stub) stub = scope;
        result = scope;
        break;
      }
      path.push(ancestor);
      inDefault ||= isDefaultOrAnnotation(ancestor);
    }
    if (stub) {
      tree.expand(stub);
      for (let i = path.length - 1; i >= 1; i--) {
        const inner = path[i]!.type === 'function_definition' ? tree.byNode.get(path[i]!) : undefined;
        if (inner) tree.expand(inner);
      }
      continue;
    }
    if (cache) {
      cache.set(node, result);
      for (const ancestor of same) cache.set(ancestor, result);
    }
    return result;
  }
}

/**
 * A node whose scope is the scope of every node below it, up to the first scope-owning ancestor: not a parameter
 * list or parameter (defaults run outside the function), and not a direct child of an owner (a comprehension's first
 * iterable runs outside it).
 */
function isPlain(node: SyntaxNode, tree: ScopeTree): boolean {
  if (node.type === 'parameters' || node.type === 'lambda_parameters' || node.type.endsWith('parameter')) return false;
  return !node.parent || !tree.byNode.has(node.parent);
}

/** A comprehension's first `for … in` clause, by comprehension node (a node's children never change once copied). */
const firstFors = new WeakMap<SyntaxNode, SyntaxNode | null>();

function firstForClause(comprehension: SyntaxNode): SyntaxNode | null {
  let first = firstFors.get(comprehension);
  if (first === undefined) {
    first = comprehension.namedChildren.find((child) => child.type === 'for_in_clause') ?? null;
    firstFors.set(comprehension, first);
  }
  return first;
}

/** A parameter's default value or annotation: code that runs where the function is defined, not inside it. */
function isDefaultOrAnnotation(node: SyntaxNode): boolean {
  return (node.field === 'value' || node.field === 'type') && node.parent !== null && node.parent.type.endsWith('parameter');
}

/**
 * Whether the code at the end of `path` (innermost first, ending just below `owner`) runs in owner's scope.
 * `inDefault`: whether a node of `path` is a parameter's default or annotation (`isDefaultOrAnnotation`), kept by the
 * caller as the path grows: asking the path each time made a query quadratic in its depth.
 */
function runsInside(owner: SyntaxNode, path: readonly SyntaxNode[], inDefault: boolean): boolean {
  const child = path[path.length - 1]!;
  switch (owner.type) {
    case 'module':
      return true;
    case 'class_definition':
      return child.field === 'body' || child.type === 'ERROR';
    case 'function_definition':
    case 'lambda':
      if (child.field === 'body' || child.type === 'ERROR') return true;
      if (child.field !== 'parameters') return false;
      // Inside the parameter list, defaults and annotations run in the enclosing scope.
      return !inDefault;
    default: {
      // A comprehension: everything but its first iterable.
      if (child !== firstForClause(owner)) return true;
      const inIterable = path.length >= 2 && path[path.length - 2]!.field === 'right';
      return !inIterable;
    }
  }
}

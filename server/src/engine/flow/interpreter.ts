import type { SyntaxNode } from '../syntax/syntaxNode';
import { callArguments, dictionaryValue, stringLiteralValue, unparenthesize } from '../syntax/python';
import { codeSnippet } from '../syntax/snippets';
import { ALL_CONCEPTS, UNSANITIZABLE_KINDS, conceptBit, kindBit, type ArgumentCondition, type ArgumentSpec, type Concept, type HandlerReturn, type TaintKind } from './concepts';
import {
  cleaned,
  join,
  paramClean,
  joinAll,
  pathSteps,
  sameTaint,
  sourceStepMessage,
  step,
  throughUnknownCall,
  withStep,
  type ConfidenceLevel,
  type FlowStep,
  type PathNode,
  type Taint,
} from './taint';
import type { SourceMatch } from './knowledge';
import type { FlowContext, FunctionSummary, LocalCallee, SummaryStep } from './summary';
import { operatorMethod } from './types';

/** A sink reached by untrusted data: the flow layer's answer to a rule. */
export interface FlowHit {
  readonly concept: Concept;
  /** The sink: a call, or a `return` of a request handler, or a header assignment. */
  readonly sink: SyntaxNode;
  /** The expression that carries the data into the sink. */
  readonly argument: SyntaxNode;
  /** What the sink does with it: "`send_file()` reads the file". */
  readonly label: string;
  readonly taint: Taint;
  /** From the source to the sink, oldest first (the sink itself is not a step). */
  readonly steps: readonly FlowStep[];
}

/** A parameter reaching a sink inside a function: what a summary records for callers. */
interface ParameterSink {
  readonly concept: Concept;
  readonly params: number;
  readonly clean: number;
  readonly confidence: ConfidenceLevel;
  readonly label: string;
  readonly steps: readonly FlowStep[];
  readonly sink: SyntaxNode;
}

type Env = Map<string, Taint | null>;

/** A call's receiver and its value: arguments' values are read from `values` as they were evaluated. */
interface CallValues {
  readonly receiver: Taint | null;
  readonly receiverNode: SyntaxNode | null;
}

const MUTATORS = new Set(['append', 'extend', 'insert', 'add', 'update', 'appendleft', 'extendleft', 'setdefault']);
/** Unknown callees named like a check or a cleaner: their result, and an argument they were called on, are clean. */
const VALIDATOR_NAME = /^_*(validate|verify|sanitize|sanitise|escape|is_valid|is_safe|check_valid|ensure_valid|assert_valid)/i;
/** Predicates named like an allow-list check (`is_allowed_host(h)`, `safe_path(p)`, `is_origin_allowed(c, o)`): clean on the branch where true. */
const ALLOW_CHECK_NAME = /^_*(is_)?(allowed|permitted|whitelisted|safe)_|^_*(is|check)_\w+_(allowed|permitted|whitelisted|trusted|valid)$/i;
/**
 * Predicates named like a containment check (`is_within_directory(base, target)`, the zip-slip check pip and the
 * CVE-2007-4559 patches use; `is_subpath`, `is_inside`): their arguments are clean for paths on the branch where true.
 */
const CONTAINMENT_CHECK_NAME = /^_*(is_|path_is_)?(within|inside|subpath|sub_path|contained_in)(_|$)/i;
const NUMERIC_ONLY_OPERATORS = ['-', '/', '//', '**', '<<', '>>'];
/** Sinks whose result is an HTTP response: what goes into it was judged at the call. */
const RESPONSE_CONCEPTS: ReadonlySet<Concept> = new Set(['html', 'redirect', 'path', 'template', 'header']);
const COMPREHENSIONS = new Set(['list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression']);

/**
 * Abstract interpretation of one analysis unit (a function body, or a module's or class's own statements) over
 * taint values: statements in order, branches merged, loops to a fixed point, each expression evaluated once per
 * visit (linear in the unit's size; a loop body is visited at most three times).
 */
/**
 * How deeply expressions may nest before the interpreter stops following data into them (the rest is treated as
 * holding nothing untrusted, and the analysis reports itself partial). Chains of binary operators do not count:
 * they are read in a loop.
 */
const MAX_EXPRESSION_DEPTH = 300;

export class UnitInterpreter {
  readonly hits = new Map<string, FlowHit>();
  readonly parameterSinks = new Map<string, ParameterSink>();
  /** The value of every expression evaluated, for rules that ask about one (`taintOf`). */
  readonly values = new Map<SyntaxNode, Taint | null>();
  returned: Taint | null = null;
  finalEnv: Env = new Map();

  constructor(
    private readonly context: FlowContext,
    private readonly unitNode: SyntaxNode,
    /** Parameter names in order, with their starting values. */
    private readonly initial: Env,
    /** What a value this function returns becomes for the client (a Flask view's: the HTML response body). */
    private readonly returnSinks: readonly HandlerReturn[],
  ) {}

  run(): void {
    // The root is the module's body, whatever its type (an ERROR node when the file's top level does not parse).
    const module = this.unitNode.parent === null;
    const body = module ? this.unitNode : this.unitNode.child('body');
    const env = new Map(this.initial);
    const end = !body ? env : module ? this.moduleBody(body, env) : this.block(body, env);
    this.finalEnv = end ?? env;
  }

  /**
   * The module's top-level statements. Unlike a block's, one that never falls through (`raise`, `sys.exit()`,
   * `assert False`, a stray `return`) does not cut off the statements after it: those run from what held before it.
   * Code after a module-level exit is rare and still worth reviewing; a `return` outside a function does not even
   * compile, and is most often a method's tail that tree-sitter's error recovery put at module level while a line
   * above is half typed. It also means a top-level statement changes only the names it mentions, which lets units
   * below the module depend on the statements that mention their names only (`ModuleViews`).
   */
  private moduleBody(body: SyntaxNode, env: Env): Env {
    let current = env;
    for (const statement of body.children) {
      if (!statement.isNamed || statement.type === 'comment') continue;
      current = this.statement(statement, current) ?? current;
    }
    return current;
  }

  // --- Statements -------------------------------------------------------------------------------------------

  /** Runs a block; returns the environment after it, or null when it never falls through (return, raise…). */
  private block(block: SyntaxNode, env: Env): Env | null {
    let current: Env | null = env;
    for (const statement of block.children) {
      if (!statement.isNamed || statement.type === 'comment') continue;
      if (!current) return null;
      current = this.statement(statement, current);
    }
    return current;
  }

  private statement(node: SyntaxNode, env: Env): Env | null {
    switch (node.type) {
      case 'expression_statement': {
        for (const child of node.namedChildren) this.expressionStatement(child, env);
        const only = node.namedChildren.length === 1 ? unparenthesize(node.namedChildren[0]!) : null;
        if (only?.type === 'call' && this.context.knowledge.isTerminator(this.context.types.calleeName(only))) return null;
        return env;
      }
      case 'return_statement': {
        const value = node.firstNamedChild();
        if (value) {
          const taint = this.expression(value, env);
          this.returned = join(this.returned, withStep(taint, value, 'returned'));
          for (const sink of this.returnSinks) this.returnedToClient(sink, value, env);
        }
        return null;
      }
      case 'raise_statement':
        for (const child of node.namedChildren) this.expression(child, env);
        return null;
      case 'continue_statement':
      case 'break_statement':
        return null;
      case 'if_statement':
        return this.ifStatement(node, env);
      case 'for_statement':
        return this.forStatement(node, env);
      case 'while_statement':
        return this.whileStatement(node, env);
      case 'try_statement':
        return this.tryStatement(node, env);
      case 'with_statement': {
        for (const item of node.descendantsOfType('with_item')) {
          const value = item.child('value');
          if (!value) continue;
          if (value.type === 'as_pattern') {
            const source = value.firstNamedChild();
            const target = value.child('alias')?.firstNamedChild() ?? null;
            const taint = source ? this.expression(source, env) : null;
            if (target) this.bind(target, taint, env, source);
          } else {
            this.expression(value, env);
          }
        }
        const body = node.child('body');
        return body ? this.block(body, env) : env;
      }
      case 'match_statement': {
        const subject = node.child('subject');
        const taint = subject ? this.expression(subject, env) : null;
        const results: Env[] = [];
        let exhaustive = false;
        for (const clause of node.child('body')?.namedChildren ?? []) {
          if (clause.type !== 'case_clause') continue;
          const branch = new Map(env);
          for (const pattern of clause.namedChildren) {
            if (pattern.type !== 'case_pattern') continue;
            pattern.walk((inner) => {
              if (inner.type === 'identifier' && inner.parent?.type !== 'attribute') branch.set(inner.text, taint);
            });
            if (pattern.text.trim() === '_') exhaustive = true;
          }
          const body = clause.child('consequence');
          const after = body ? this.block(body, branch) : branch;
          if (after) results.push(after);
        }
        if (!exhaustive) results.push(env);
        return this.merge(results);
      }
      case 'assert_statement': {
        const condition = node.firstNamedChild();
        if (!condition) return env;
        this.expression(condition, env);
        const refined = new Map(env);
        this.refine(condition, true, refined);
        return refined;
      }
      case 'function_definition':
      case 'class_definition':
      case 'decorated_definition':
        // Units of their own. Decorators run here, though.
        if (node.type === 'decorated_definition') for (const decorator of node.children.filter((child) => child.type === 'decorator')) this.expression(decorator, env);
        return env;
      case 'delete_statement':
      case 'pass_statement':
      case 'import_statement':
      case 'import_from_statement':
      case 'future_import_statement':
      case 'global_statement':
      case 'nonlocal_statement':
        return env;
      case 'block':
        return this.block(node, env);
      default:
        // print/exec statements, ERROR nodes, type aliases: evaluate what is inside for its effects.
        for (const child of node.namedChildren) {
          if (child.type === 'block' || child.type.endsWith('_statement')) {
            const after: Env | null = this.statement(child, env);
            if (!after) return null;
            env = after;
          } else {
            this.expressionStatement(child, env);
          }
        }
        return env;
    }
  }

  private expressionStatement(node: SyntaxNode, env: Env): void {
    const expr = unparenthesize(node);
    if (expr.type === 'assignment') return this.assignment(expr, env);
    if (expr.type === 'augmented_assignment') return this.augmented(expr, env);
    this.expression(expr, env);
    // `validate_name(name)` on its own line: a check that raises when the value is bad.
    if (expr.type === 'call') {
      if (VALIDATOR_NAME.test(this.functionName(expr))) {
        for (const argument of callArguments(expr).positional) this.cleanKey(argument, ALL_CONCEPTS, env);
      }
    }
  }

  private assignment(node: SyntaxNode, env: Env): void {
    const left = node.child('left');
    const right = node.child('right');
    if (!right) return;
    let value: SyntaxNode = right;
    const targets: SyntaxNode[] = left ? [left] : [];
    while (value.type === 'assignment') {
      const inner = value.child('left');
      if (inner) targets.push(inner);
      const next = value.child('right');
      if (!next) return;
      value = next;
    }
    const taint = this.expression(value, env);
    for (const target of targets) this.bind(target, taint, env, value);
  }

  private augmented(node: SyntaxNode, env: Env): void {
    const left = node.child('left');
    const right = node.child('right');
    if (!left || !right) return;
    const added = this.expression(right, env);
    const before = this.expression(left, env);
    const operator = node.children.find((child) => !child.isNamed)?.type ?? '+=';
    const numeric = ['-=', '/=', '//=', '**=', '<<=', '>>='].includes(operator);
    this.bind(left, numeric ? cleaned(join(before, added), ALL_CONCEPTS) : join(before, added), env, right);
  }

  /** Gives a target the value `taint`: names, access paths (`self.x`), containers (`d[k] = v`), unpacking. */
  private bind(target: SyntaxNode, taint: Taint | null, env: Env, value: SyntaxNode | null): void {
    const node = unparenthesize(target);
    switch (node.type) {
      case 'identifier':
        env.set(node.text, withStep(taint, node, `assigned to \`${node.text}\``));
        return;
      case 'attribute': {
        const key = accessKey(node);
        if (key) env.set(key, withStep(taint, node, `stored in \`${key}\``));
        return;
      }
      case 'subscript': {
        const container = node.child('value');
        if (!container) return;
        this.headerAssignment(node, container, taint, value);
        const key = accessKey(container);
        if (key) env.set(key, join(this.lookup(key, container, env), withStep(taint, node, `stored in \`${codeSnippet(container, 30)}\``)));
        return;
      }
      case 'pattern_list':
      case 'tuple_pattern':
      case 'list_pattern':
      case 'tuple':
      case 'list':
      case 'expression_list': {
        const elements = node.namedChildren;
        const values = value ? unparenthesize(value) : null;
        const pairwise = values && (values.type === 'tuple' || values.type === 'list' || values.type === 'expression_list') && values.namedChildren.length === elements.length;
        elements.forEach((element, index) => {
          const elementValue = pairwise ? values!.namedChildren[index]! : null;
          const elementTaint = elementValue ? this.values.get(unparenthesize(elementValue)) ?? null : taint;
          this.bind(element, elementTaint, env, elementValue);
        });
        return;
      }
      case 'list_splat_pattern':
      case 'list_splat': {
        const inner = node.firstNamedChild();
        if (inner) this.bind(inner, taint, env, null);
        return;
      }
      default:
        return;
    }
  }

  /** `response.headers["X-Name"] = value`: a response header written from data (CWE-113). */
  private headerAssignment(subscript: SyntaxNode, container: SyntaxNode, taint: Taint | null, value: SyntaxNode | null): void {
    if (!taint || !value) return;
    const expr = unparenthesize(container);
    const isHeaders = expr.type === 'attribute' && expr.child('attribute')?.text === 'headers';
    // `response["Location"] = next_url` (Django), `resp.headers["Location"] = …`: a redirect (CWE-601).
    const key = subscript.child('subscript');
    const isResponse = isHeaders || /(^|_)(resp|response)$/i.test(expr.type === 'identifier' ? expr.text : expr.child('attribute')?.text ?? '');
    if (key && isResponse && /^[rbuRBU]?['"]location['"]$/i.test(key.text)) {
      this.sinkReached({ concept: 'redirect', label: 'the `Location` header sends the browser there' }, subscript, value, taint);
    }
    if (!isHeaders) return;
    this.sinkReached({ concept: 'header', label: 'the response header is set from it' }, subscript, value, taint);
  }

  private ifStatement(node: SyntaxNode, env: Env): Env | null {
    const results: Env[] = [];
    let pending: Env | null = env;
    const clauses: Array<{ condition: SyntaxNode | null; body: SyntaxNode | null }> = [
      { condition: node.child('condition'), body: node.child('consequence') },
    ];
    for (const alternative of node.childrenOf('alternative')) {
      if (alternative.type === 'elif_clause') clauses.push({ condition: alternative.child('condition'), body: alternative.child('consequence') });
      else clauses.push({ condition: null, body: alternative.child('body') });
    }
    let hasElse = false;
    for (const clause of clauses) {
      if (!pending) break;
      if (!clause.condition) {
        hasElse = true;
        const after = clause.body ? this.block(clause.body, pending) : pending;
        if (after) results.push(after);
        pending = null;
        break;
      }
      this.expression(clause.condition, pending);
      const whenTrue: Env = new Map(pending);
      this.refine(clause.condition, true, whenTrue);
      const whenFalse: Env = new Map(pending);
      this.refine(clause.condition, false, whenFalse);
      const after = clause.body ? this.block(clause.body, whenTrue) : whenTrue;
      if (after) results.push(after);
      pending = whenFalse;
    }
    if (!hasElse && pending) results.push(pending);
    return this.merge(results);
  }

  private forStatement(node: SyntaxNode, env: Env): Env | null {
    const iterable = node.child('right');
    const target = node.child('left');
    const iterTaint = iterable ? this.expression(iterable, env) : null;
    const body = node.child('body');
    const loop = this.loop(env, (state) => {
      if (target) this.bind(target, withStep(iterTaint, target, `loop variable \`${codeSnippet(target, 20)}\``), state, null);
      return body ? this.block(body, state) : state;
    });
    const alternative = node.child('alternative')?.child('body');
    return alternative ? this.block(alternative, loop) : loop;
  }

  private whileStatement(node: SyntaxNode, env: Env): Env | null {
    const condition = node.child('condition');
    const body = node.child('body');
    const loop = this.loop(env, (state) => {
      if (condition) this.expression(condition, state);
      return body ? this.block(body, state) : state;
    });
    const alternative = node.child('alternative')?.child('body');
    return alternative ? this.block(alternative, loop) : loop;
  }

  /** Runs a loop body until the values stop changing (at most three times), merging with "zero iterations". */
  private loop(env: Env, body: (state: Env) => Env | null): Env {
    let state = env;
    for (let pass = 0; pass < 3; pass++) {
      const after = body(new Map(state));
      const merged = after ? this.merge([state, after])! : state;
      if (sameEnv(merged, state)) return merged;
      state = merged;
    }
    return state;
  }

  private tryStatement(node: SyntaxNode, env: Env): Env | null {
    const body = node.child('body');
    const afterBody = body ? this.block(body, new Map(env)) : env;
    // A handler may start anywhere in the body: from what held before it or after it.
    const handlerStart = this.merge([env, ...(afterBody ? [afterBody] : [])])!;
    const results: Env[] = [];
    let normal = afterBody;
    for (const child of node.namedChildren) {
      if (child.type === 'except_clause' || child.type === 'except_group_clause') {
        const block = child.namedChildren.find((inner) => inner.type === 'block');
        const start = new Map(handlerStart);
        const alias = child.child('alias');
        if (alias?.type === 'identifier') start.set(alias.text, null);
        const after = block ? this.block(block, start) : start;
        if (after) results.push(after);
      } else if (child.type === 'else_clause' && normal) {
        const block = child.child('body');
        normal = block ? this.block(block, normal) : normal;
      }
    }
    if (normal) results.push(normal);
    let merged = this.merge(results);
    const finallyClause = node.namedChildren.find((child) => child.type === 'finally_clause');
    const finallyBlock = finallyClause?.namedChildren.find((inner) => inner.type === 'block');
    if (finallyBlock) {
      const after = this.block(finallyBlock, new Map(merged ?? handlerStart));
      if (!after) return null;
      if (merged) merged = after;
    }
    return merged;
  }

  private merge(envs: readonly Env[]): Env | null {
    if (envs.length === 0) return null;
    if (envs.length === 1) return envs[0]!;
    const result: Env = new Map();
    const keys = new Set<string>();
    for (const env of envs) for (const key of env.keys()) keys.add(key);
    for (const key of keys) {
      let value: Taint | null = null;
      let missing = false;
      for (const env of envs) {
        if (env.has(key)) value = join(value, env.get(key) ?? null);
        else missing = true;
      }
      // A name set on one branch only keeps its outer value on the others: look it up lazily later.
      if (missing && !value) continue;
      result.set(key, missing ? join(value, this.outer(key)) : value);
    }
    return result;
  }

  // --- Guards -----------------------------------------------------------------------------------------------

  /** Applies what `condition` being `truth` tells about values (allow-lists, regex checks, isinstance…). */
  private refine(condition: SyntaxNode, truth: boolean, env: Env): void {
    const expr = unparenthesize(condition);
    switch (expr.type) {
      case 'not_operator': {
        const inner = expr.child('argument') ?? expr.firstNamedChild();
        if (inner) this.refine(inner, !truth, env);
        return;
      }
      case 'boolean_operator': {
        const left = expr.child('left');
        const right = expr.child('right');
        const isAnd = expr.hasToken('and');
        if ((isAnd && truth) || (!isAnd && !truth)) {
          if (left) this.refine(left, truth, env);
          if (right) this.refine(right, truth, env);
          this.refineTraversalChecks(expr, truth, env);
        }
        return;
      }
      case 'comparison_operator':
        return this.refineComparison(expr, truth, env);
      case 'call': {
        if (!truth) return;
        const callee = this.context.types.calleeName(expr);
        const method = methodName(expr);
        // `if is_safe_url(target):` / `if not validate_name(name): abort()`: a check of your own, by its name.
        const name = this.functionName(expr);
        if (VALIDATOR_NAME.test(name) || ALLOW_CHECK_NAME.test(name)) {
          for (const argument of callArguments(expr).positional) this.cleanKey(argument, ALL_CONCEPTS, env);
        } else if (CONTAINMENT_CHECK_NAME.test(name)) {
          for (const argument of callArguments(expr).positional) this.cleanKey(argument, conceptBit('path'), env);
        }
        for (const guard of this.context.knowledge.guards(callee, method)) {
          for (const checked of argumentsFor(expr, guard.args)) {
            if (callee === 'isinstance' && !/\b(int|float|bool|UUID|Decimal|datetime|date)\b/.test(callArguments(expr).positional[1]?.text ?? '')) continue;
            this.cleanKey(checked, guard.mask, env);
          }
        }
        return;
      }
      default:
        return;
    }
  }

  /**
   * A name checked both for `..` and for being absolute in one condition (`if name.startswith("/") or ".." in name:
   * continue`, `shutil`'s own zip unpacking) cannot leave the directory it is joined to: clean for paths. Either check
   * alone is not enough (`os.path.join(dest, "/etc/passwd")` has no `..`).
   */
  private refineTraversalChecks(condition: SyntaxNode, truth: boolean, env: Env): void {
    const facts = new Map<string, { node: SyntaxNode; bits: number }>();
    this.traversalFacts(condition, truth, facts, 0);
    for (const { node, bits } of facts.values()) if (bits === (NO_PARENT_PART | NOT_ABSOLUTE)) this.cleanKey(node, conceptBit('path'), env);
  }

  /** What `condition` being `truth` says about names: no `..` in them, not absolute (bits, by access key). */
  private traversalFacts(condition: SyntaxNode, truth: boolean, facts: Map<string, { node: SyntaxNode; bits: number }>, depth: number): void {
    if (depth > 16) return;
    const expr = unparenthesize(condition);
    const note = (subject: SyntaxNode | null | undefined, bit: number): void => {
      const node = subject ? this.checkedName(subject) : null;
      const key = node ? accessKey(node) : null;
      if (!node || !key) return;
      const known = facts.get(key);
      facts.set(key, { node, bits: (known?.bits ?? 0) | bit });
    };
    if (expr.type === 'not_operator') {
      const inner = expr.child('argument') ?? expr.firstNamedChild();
      if (inner) this.traversalFacts(inner, !truth, facts, depth + 1);
    } else if (expr.type === 'boolean_operator') {
      const isAnd = expr.hasToken('and');
      if ((isAnd && truth) || (!isAnd && !truth)) {
        for (const side of [expr.child('left'), expr.child('right')]) if (side) this.traversalFacts(side, truth, facts, depth + 1);
      }
    } else if (expr.type === 'comparison_operator') {
      // `".." in name` false, `".." not in name` true.
      const [left, right] = expr.namedChildren;
      const op = expr.children.filter((child) => !child.isNamed).map((child) => child.type).join(' ');
      if (left && right && this.context.model.constantText(left) === '..' && ((op === 'in' && !truth) || (op === 'not in' && truth))) note(right, NO_PARENT_PART);
    } else if (expr.type === 'call' && !truth) {
      // `name.startswith("/")`, `name.startswith(("/", "\\"))`, `os.path.isabs(name)`, `path.is_absolute()` false.
      const callee = this.context.types.calleeName(expr);
      const method = methodName(expr);
      const fn = expr.child('function');
      const receiver = fn && unparenthesize(fn).type === 'attribute' ? unparenthesize(fn).child('object') : null;
      const argument = callArguments(expr).positional[0];
      if (callee === 'os.path.isabs' || callee === 'posixpath.isabs' || callee === 'ntpath.isabs') note(argument, NOT_ABSOLUTE);
      else if (method === 'is_absolute') note(receiver, NOT_ABSOLUTE);
      else if (method === 'startswith' && argument) {
        const prefixes = unparenthesize(argument).type === 'tuple' ? unparenthesize(argument).namedChildren : [argument];
        if (prefixes.some((prefix) => /^[/\\]$/.test(this.context.model.constantText(prefix) ?? '') || /^os\.(sep|path\.sep)$/.test(prefix.text))) note(receiver, NOT_ABSOLUTE);
      }
    }
  }

  /**
   * The name a `..` or absoluteness check is about: `name` in `name`, `name.split("/")` (a method of the value),
   * `Path(name).parts`, `os.path.normpath(name)` (a function of it).
   */
  private checkedName(node: SyntaxNode): SyntaxNode | null {
    let expr = unparenthesize(node);
    for (let depth = 0; depth < 4; depth++) {
      const object = expr.type === 'attribute' ? expr.child('object') : null;
      if (object && expr.child('attribute')?.text === 'parts') {
        expr = unparenthesize(object);
      } else if (expr.type === 'call') {
        const fn = expr.child('function');
        const callee = fn ? unparenthesize(fn) : null;
        const isMethod = callee?.type === 'attribute' && !this.context.model.qualifiedName(callee);
        const inner = isMethod ? callee!.child('object') : callArguments(expr).positional[0];
        if (!inner) return null;
        expr = unparenthesize(inner);
      } else {
        break;
      }
    }
    return accessKey(expr) ? expr : null;
  }

  private refineComparison(expr: SyntaxNode, truth: boolean, env: Env): void {
    const operands = expr.namedChildren;
    const operators = expr.children.filter((child) => !child.isNamed).map((child) => child.type);
    if (operands.length !== 2 || operators.length === 0) return;
    const [left, right] = operands as [SyntaxNode, SyntaxNode];
    const op = operators.join(' ');
    const { model } = this.context;
    // `x in ALLOWED` / `x not in ALLOWED` with a constant collection; `x == "literal"`.
    const membership = op === 'in' || op === 'not in';
    const equality = op === '==' || op === '!=' || op === 'is' || op === 'is not';
    const positive = op === 'in' || op === '==' || op === 'is';
    if ((membership || equality) && truth === positive) {
      if (model.isConstant(right) || this.isConstantCollection(right)) this.cleanKey(left, ALL_CONCEPTS, env);
      else if (equality && model.isConstant(left)) this.cleanKey(right, ALL_CONCEPTS, env);
    }
    // `os.path.commonpath([base, path]) == base` keeps `path` under `base`.
    if (equality && truth === positive) {
      for (const side of [left, right]) {
        const call = unparenthesize(side);
        if (call.type !== 'call') continue;
        const callee = this.context.types.calleeName(call);
        if (callee !== 'os.path.commonpath' && callee !== 'os.path.commonprefix') continue;
        const list = callArguments(call).positional[0];
        for (const item of list ? unparenthesize(list).namedChildren : []) this.cleanKey(item, conceptBit('path'), env);
      }
    }
  }

  /** A name bound once to a literal set/list/tuple/dict of constants, or such a literal. */
  private isConstantCollection(node: SyntaxNode): boolean {
    const { model } = this.context;
    let expr = unparenthesize(node);
    if (expr.type === 'identifier' || expr.type === 'attribute') {
      const value = expr.type === 'identifier' ? model.singleValue(expr) : null;
      if (!value) return /^[A-Z][A-Z0-9_]*$/.test(expr.text.split('.').pop() ?? '');
      expr = unparenthesize(value);
    }
    if (expr.type === 'call') {
      // `frozenset({...})`, `set([...])`
      const inner = callArguments(expr).positional[0];
      return !!inner && ['set', 'frozenset', 'tuple', 'list'].includes(expr.child('function')?.text ?? '') && this.isConstantCollection(inner);
    }
    if (expr.type === 'dictionary') return expr.namedChildren.every((pair) => pair.type === 'pair' && !!pair.child('key') && model.isConstant(pair.child('key')!));
    return ['set', 'list', 'tuple'].includes(expr.type) && expr.namedChildren.every((item) => model.isConstant(item));
  }

  /**
   * Marks the values a checked expression names (`x`, `self.x`, `os.path.realpath(x)` → `x`) clean for `mask`. A check
   * on a value built by a call holds for each of its arguments (`os.path.realpath(os.path.join(dest, name))` → `dest`
   * and `name`), or for the receiver of a method called without arguments (`name.strip()` → `name`).
   */
  private cleanKey(node: SyntaxNode, mask: number, env: Env, depth = 0): void {
    const expr = unparenthesize(node);
    // `urlparse(url).hostname in ALLOWED_HOSTS`: a check of the URL's host holds for the URL (and the parsed value)
    // as a destination (SSRF, redirects), not for what else its text may carry.
    const parsed = this.parsedUrlHost(expr);
    if (parsed) {
      for (const target of parsed) this.cleanKey(target, mask & (conceptBit('url') | conceptBit('redirect')), env, depth + 1);
      return;
    }
    if (expr.type === 'call') {
      if (depth >= 8) return;
      const { positional } = callArguments(expr);
      const fn = expr.child('function');
      const inner = positional.length > 0 ? positional : fn?.type === 'attribute' && fn.child('object') ? [fn.child('object')!] : [];
      for (const argument of inner) this.cleanKey(argument, mask, env, depth + 1);
      return;
    }
    const key = accessKey(expr);
    if (!key) return;
    const current = this.lookup(key, expr, env);
    if (current) env.set(key, cleaned(current, mask));
  }

  /**
   * For the host of a parsed URL (`urlparse(url).hostname`, `.netloc`, or `parts.hostname` with `parts =
   * urlsplit(url)` bound once), the expressions the check is about: the URL, and the parsed value's name. Else null.
   */
  private parsedUrlHost(expr: SyntaxNode): SyntaxNode[] | null {
    if (expr.type !== 'attribute' || !URL_HOST_PARTS.has(expr.child('attribute')?.text ?? '')) return null;
    const object = expr.child('object');
    if (!object) return null;
    const name = unparenthesize(object);
    const call = name.type === 'identifier' ? this.context.model.singleValue(name) : name;
    if (!call || unparenthesize(call).type !== 'call') return null;
    const callee = this.context.types.calleeName(unparenthesize(call));
    if (!callee || !URL_PARSERS.has(callee)) return null;
    const url = callArguments(unparenthesize(call)).positional[0];
    return [...(url ? [url] : []), ...(name.type === 'identifier' ? [name] : [])];
  }

  // --- Expressions ------------------------------------------------------------------------------------------

  private depth = 0;

  expression(node: SyntaxNode, env: Env): Taint | null {
    if (this.depth >= MAX_EXPRESSION_DEPTH) {
      this.context.model.noteLimit(
        `an expression nests more than ${MAX_EXPRESSION_DEPTH} levels deep; data flowing through its inner levels was not followed`,
      );
      this.values.set(node, null);
      return null;
    }
    this.depth++;
    try {
      const taint = this.evaluate(node, env);
      this.values.set(node, taint);
      return taint;
    } finally {
      this.depth--;
    }
  }

  private evaluate(node: SyntaxNode, env: Env): Taint | null {
    switch (node.type) {
      case 'identifier':
        return this.identifier(node, env);
      case 'attribute':
        return this.attribute(node, env);
      case 'subscript': {
        const value = node.child('value');
        for (const index of node.childrenOf('subscript')) this.expression(index, env);
        const container = value ? this.expression(value, env) : null;
        const type = value ? this.context.types.typeOf(value) : null;
        if (type && !container) {
          const source = this.context.knowledge.memberSource(type, '*');
          if (source) return this.source(node, source.kind, source.label);
        }
        // An item a guard checked (`if not PATTERN.fullmatch(o["value"]): raise`).
        const key = container ? accessKey(node) : null;
        if (key && env.has(key)) return env.get(key) ?? null;
        return container;
      }
      case 'call':
        return this.call(node, env);
      case 'string':
        return this.string(node, env);
      case 'concatenated_string':
        return this.joined(node, node.namedChildren, env);
      case 'binary_operator': {
        // `a + b + c …` parses left-deep: the levels are evaluated bottom-up in a loop, each as the recursion would,
        // so a 10,000-term expression does not grow the stack.
        const levels: SyntaxNode[] = [node];
        for (let left = node.child('left'); left?.type === 'binary_operator'; left = left.child('left')) levels.push(left);
        const innermost = levels[levels.length - 1]!.child('left');
        let value = innermost ? this.expression(innermost, env) : null;
        for (let i = levels.length - 1; i >= 0; i--) {
          const level = levels[i]!;
          const left = level.child('left');
          const right = level.child('right');
          const b = right ? this.expression(right, env) : null;
          // An operator a model names as its left operand's method: `Path(base) / name` (`pathlib.Path.__truediv__`)
          // passes taint on; `Markup(…) % x` (`__mod__`) escapes it. Other numeric operators make numbers.
          const method = left ? this.operatorMethodName(level, left) : null;
          if (method && this.context.knowledge.summary(method, null)) value = join(value, b);
          // A number: clean for every concept (a predictable one stays predictable).
          else if (NUMERIC_ONLY_OPERATORS.some((op) => level.hasToken(op))) value = cleaned(join(value, b), ALL_CONCEPTS);
          else if (level.hasToken('%') && left && this.formatsOnlyNumbers(left)) value = cleaned(join(value, b), ALL_CONCEPTS);
          else {
            const combined = join(value, b);
            value = left && (level.hasToken('+') || level.hasToken('%')) ? this.fixedPrefix(left, combined) : combined;
            const clean = method ? this.context.knowledge.sanitizer(method, null) : 0;
            if (clean) value = cleaned(value, clean);
          }
          if (i > 0) this.values.set(level, value);
        }
        return value;
      }
      case 'boolean_operator':
        return join(
          node.child('left') ? this.expression(node.child('left')!, env) : null,
          node.child('right') ? this.expression(node.child('right')!, env) : null,
        );
      case 'comparison_operator':
      case 'not_operator':
      case 'unary_operator':
        // Booleans and numbers: nothing untrusted comes out.
        for (const child of node.namedChildren) this.expression(child, env);
        return null;
      case 'conditional_expression': {
        const [whenTrue, condition, whenFalse] = node.namedChildren;
        if (condition) this.expression(condition, env);
        const trueEnv = new Map(env);
        if (condition) this.refine(condition, true, trueEnv);
        const falseEnv = new Map(env);
        if (condition) this.refine(condition, false, falseEnv);
        return join(whenTrue ? this.expression(whenTrue, trueEnv) : null, whenFalse ? this.expression(whenFalse, falseEnv) : null);
      }
      case 'list':
      case 'tuple':
      case 'set':
      case 'expression_list':
      case 'parenthesized_expression':
      case 'list_splat':
      case 'dictionary_splat':
      case 'await':
      case 'keyword_argument':
      case 'pair':
      case 'interpolation':
      case 'format_expression':
      case 'dictionary': {
        let result: Taint | null = null;
        for (const child of node.namedChildren) {
          if (node.type === 'keyword_argument' && child.field === 'name') continue;
          result = join(result, this.expression(child, env));
        }
        return result;
      }
      case 'yield': {
        let result: Taint | null = null;
        for (const child of node.namedChildren) result = join(result, this.expression(child, env));
        // A WSGI app written as a generator sends each value it yields.
        const value = node.firstNamedChild();
        if (value && !node.children.some((child) => child.type === 'from')) {
          for (const sink of this.returnSinks) if (sink.body === 'items') this.bodySent(sink, value, env);
        }
        return result;
      }
      case 'named_expression': {
        const name = node.child('name');
        const value = node.child('value');
        const taint = value ? this.expression(value, env) : null;
        if (name) this.bind(name, taint, env, value);
        return taint;
      }
      case 'lambda': {
        const inner = new Map(env);
        for (const parameter of node.child('parameters')?.namedChildren ?? []) {
          const name = parameter.type === 'identifier' ? parameter : parameter.child('name');
          if (name) inner.set(name.text, null);
        }
        const body = node.child('body');
        return body ? this.expression(body, inner) : null;
      }
      default:
        if (COMPREHENSIONS.has(node.type)) return this.comprehension(node, env);
        return null;
    }
  }

  private identifier(node: SyntaxNode, env: Env): Taint | null {
    const name = node.text;
    if (env.has(name)) return env.get(name) ?? null;
    const { model, knowledge } = this.context;
    const qualified = model.qualifiedName(node);
    if (qualified) {
      const source = knowledge.valueSource(knowledge.canonical(qualified));
      if (source) return this.source(node, source.kind, source.label);
    }
    return this.outer(name);
  }

  /**
   * A name without a value here: the value the enclosing function or the module leaves it with, unless it is one of
   * the function's local variables (assigned on another path only, or later), which never reads an outer value.
   */
  private outer(name: string): Taint | null {
    if (this.context.model.isLocalTo(this.unitNode, name)) return null;
    return this.context.outerValue(this.unitNode, name);
  }

  private lookup(key: string, node: SyntaxNode, env: Env): Taint | null {
    if (env.has(key)) return env.get(key) ?? null;
    return key.includes('.') || key.includes('[') ? this.values.get(node) ?? null : this.outer(key);
  }

  private attribute(node: SyntaxNode, env: Env): Taint | null {
    const { model, knowledge, types } = this.context;
    const object = node.child('object');
    const attribute = node.child('attribute');
    if (!object || !attribute) return null;
    const qualified = model.qualifiedName(node);
    if (qualified) {
      const source = knowledge.valueSource(knowledge.canonical(qualified));
      if (source) return this.source(node, source.kind, source.label);
    }
    const objectTaint = this.expression(object, env);
    // A member assigned or checked in this unit (`member.name` after `if ".." in member.name: continue`) has that value.
    const key = accessKey(node);
    if (key && env.has(key)) return env.get(key) ?? null;
    const type = types.typeOf(object);
    if (type) {
      const source = knowledge.memberSource(type, attribute.text);
      if (source) return this.source(node, source.kind, source.label);
    }
    return objectTaint;
  }

  /** A call that is a source: its result, or (`inPlace`) the argument it changes in place (`random.shuffle(xs)`). */
  private sourceCall(node: SyntaxNode, source: SourceMatch, env: Env): Taint | null {
    if (source.inPlace === undefined) return this.source(node, source.kind, source.label);
    const argument = callArguments(node).positional[source.inPlace];
    const key = argument ? accessKey(unparenthesize(argument)) : null;
    if (key && argument) {
      const current = this.lookup(key, argument, env);
      const made = this.source(node, source.kind, source.label);
      // Already of that kind (a list of random picks, shuffled): the call is one more step of its path.
      env.set(key, current && current.kinds & made.kinds ? withStep(current, node, sourceStepMessage(source.label, codeSnippet(node, 40))) : join(current, made));
    }
    return null;
  }

  private source(node: SyntaxNode, kind: TaintKind, label: string): Taint {
    // An archive member name is surely the archive author's choice, as request data is the client's, and a row
    // read back surely the database's data (whether an attacker wrote it is the rule's judgement).
    // A pseudo-random value surely is one: it is no danger at any sink (clean for all), only a guessable secret.
    const unsanitizable = (kindBit(kind) & UNSANITIZABLE_KINDS) !== 0;
    const confidence: ConfidenceLevel = kind === 'remote' || kind === 'archive' || kind === 'stored' || unsanitizable ? 2 : kind === 'local' ? 1 : 0;
    return {
      kinds: kindBit(kind),
      params: 0,
      clean: unsanitizable ? ALL_CONCEPTS : 0,
      confidence,
      path: step(null, node, sourceStepMessage(label, codeSnippet(node, 40))),
    };
  }

  private string(node: SyntaxNode, env: Env): Taint | null {
    const pieces: SyntaxNode[] = [];
    let numbers: Taint | null = null;
    for (const child of node.children) {
      if (child.type !== 'interpolation') continue;
      const format = child.child('format_specifier');
      // `{count:d}` formats a number.
      if (format && /^:?[<>=^]?[+\- ]?#?0?\d*[,_]?(\.\d+)?[bcdoxXneEfFgG%]$/.test(format.text)) {
        numbers = join(numbers, cleaned(this.expression(child, env), ALL_CONCEPTS));
        continue;
      }
      pieces.push(child);
    }
    return join(this.joined(node, pieces, env), numbers);
  }

  /**
   * A string made of `pieces` (the parts of an implicit concatenation, the fields of an f-string); a constant
   * scheme-and-host prefix keeps the result from choosing the host.
   */
  private joined(node: SyntaxNode, pieces: readonly SyntaxNode[], env: Env): Taint | null {
    let result: Taint | null = null;
    for (const piece of pieces) result = join(result, this.expression(piece, env));
    if (!result) return null;
    const prefix = leadingText(node);
    return prefix !== null ? applyPrefix(prefix, result) : result;
  }

  private fixedPrefix(left: SyntaxNode, combined: Taint | null): Taint | null {
    if (!combined) return null;
    const text = this.context.model.constantText(left) ?? leadingText(unparenthesize(left));
    return text !== null ? applyPrefix(text, combined) : combined;
  }

  /** `"%d items" % n`: every conversion in the template is numeric. */
  private formatsOnlyNumbers(template: SyntaxNode): boolean {
    const text = this.context.model.constantText(template);
    if (text === null) return false;
    const conversions = text.replace(/%%/g, '').match(/%(\([^)]*\))?[#0\- +]*(\*|\d+)?(\.(\*|\d+))?[hlL]?[a-zA-Z]/g) ?? [];
    return conversions.length > 0 && conversions.every((conversion) => /[diouxXeEfFgG]$/.test(conversion));
  }

  private comprehension(node: SyntaxNode, env: Env): Taint | null {
    const inner = new Map(env);
    for (const clause of node.namedChildren) {
      if (clause.type === 'for_in_clause') {
        const right = clause.child('right');
        const left = clause.child('left');
        const taint = right ? this.expression(right, inner) : null;
        if (left) this.bind(left, taint, inner, null);
      } else if (clause.type === 'if_clause') {
        const condition = clause.firstNamedChild();
        if (condition) {
          this.expression(condition, inner);
          this.refine(condition, true, inner);
        }
      }
    }
    const body = node.child('body');
    return body ? this.expression(body, inner) : null;
  }

  // --- Calls ------------------------------------------------------------------------------------------------

  private call(node: SyntaxNode, env: Env): Taint | null {
    const { knowledge, types } = this.context;
    const fn = node.child('function');
    if (!fn) return null;
    const fnExpr = unparenthesize(fn);
    const receiverNode = fnExpr.type === 'attribute' ? fnExpr.child('object') : null;
    const receiver = receiverNode ? this.expression(receiverNode, env) : null;
    const list = node.child('arguments');
    const argumentNodes = list ? (list.type === 'argument_list' ? list.namedChildren : [list]) : [];
    const argumentValues = argumentNodes.map((argument) => this.expression(argument, env));
    const callee = types.calleeName(node);
    const method = methodName(node);
    const args: CallValues = { receiver, receiverNode };

    // Sinks: where each modelled argument's value goes.
    let response = false;
    let sinkCall = false;
    for (const row of knowledge.sinks(callee, method)) {
      if (row.when && !argumentMatches(node, row.when)) continue;
      if (row.unless && argumentMatches(node, row.unless)) continue;
      if (row.callee) sinkCall = true;
      if (RESPONSE_CONCEPTS.has(row.concept) && row.callee) response = true;
      for (const argument of argumentsFor(node, row.args)) {
        const taint = this.valueOf(argument, args);
        if (taint) this.sinkReached(row, node, argument, taint);
      }
    }
    // A response object (`send_file(…)`, `redirect(…)`, `HttpResponse(…)`) is judged where it is made, not again
    // where it is returned.
    if (response) return null;
    // What a modelled sink returns (a fetched page, a process's output) is not the data that went in.
    if (sinkCall) return throughUnknownCall(withStep(joinAll([receiver, ...argumentValues]), node, `through \`${codeSnippet(fnExpr, 30)}()\``));

    // Sources.
    if (callee) {
      const source = knowledge.callSource(callee);
      if (source) return this.sourceCall(node, source, env);
    }
    if (receiverNode && method) {
      const type = types.typeOf(receiverNode);
      const source = (type ? knowledge.memberSource(type, method) : null) ?? knowledge.methodSource(method);
      if (source) return this.sourceCall(node, source, env);
    }

    const all = joinAll([receiver, ...argumentValues]);
    // Container writes: `items.append(x)`, `params.update(d)`.
    if (receiverNode && method && MUTATORS.has(method)) {
      const key = accessKey(unparenthesize(receiverNode));
      const added = joinAll(argumentValues);
      if (key && added) env.set(key, join(this.lookup(key, receiverNode, env), withStep(added, node, `added to \`${key}\``)));
    }

    const sanitizer = knowledge.sanitizer(callee, method);
    if (sanitizer) return cleaned(all, sanitizer);

    const local = this.context.localCall(node);
    if (local) return this.throughLocalFunction(node, local, args);

    const summary = knowledge.summary(callee, method);
    if (summary) {
      if (summary.from.length === 0) return null;
      let result: Taint | null = null;
      for (const spec of summary.from) {
        if (spec === 'receiver') result = join(result, receiver);
        else if (spec === '*') result = join(result, joinAll(argumentValues));
        else for (const argument of argumentsFor(node, [spec])) result = join(result, this.valueOf(argument, args));
      }
      return result;
    }
    if (VALIDATOR_NAME.test(this.functionName(node))) return null;
    // A call Vigil knows nothing about: what goes in may come out, less surely (Pysa's "obscure" calls).
    return throughUnknownCall(withStep(all, node, `through \`${codeSnippet(fnExpr, 30)}()\``));
  }

  /** The qualified method a binary operator calls (`pathlib.Path.__truediv__`), when its left operand's type is known. */
  private operatorMethodName(operator: SyntaxNode, left: SyntaxNode): string | null {
    const method = operatorMethod(operator);
    const type = method ? this.context.types.typeOf(left) : null;
    return type ? `${type}.${method}` : null;
  }

  /** The last part of what a call calls (`validate_name` for `forms.validate_name(x)`), for checks known by name. */
  private functionName(call: SyntaxNode): string {
    const fn = call.child('function');
    const name = this.context.types.calleeName(call) ?? (fn ? unparenthesize(fn).text : '');
    return name.slice(name.lastIndexOf('.') + 1);
  }

  private valueOf(argument: SyntaxNode, args: CallValues): Taint | null {
    if (argument === args.receiverNode) return args.receiver;
    return this.values.get(argument) ?? this.values.get(unparenthesize(argument)) ?? null;
  }

  /** A call of a function defined in this file: its summary says what reaches its result and its sinks. */
  private throughLocalFunction(
    node: SyntaxNode,
    local: LocalCallee,
    args: CallValues,
  ): Taint | null {
    const { summary, definition } = local;
    const bound = this.bindArguments(node, summary, local.offset);
    const display = `\`${local.name}()\``;
    for (const sink of summary.sinks) {
      const reaching = bound.filter((entry) => sink.params & (1 << entry.index));
      for (const entry of reaching) {
        const taint = cleaned(this.valueOf(entry.node, args), sink.clean);
        if (!taint) continue;
        const through = withStep(taint, entry.node, `passed to ${display} as \`${summary.parameterNames[entry.index] ?? '?'}\``)!;
        const path = spliceSteps(through.path, sink.steps, definition.start);
        const merged: Taint = { ...through, confidence: Math.min(through.confidence, sink.confidence) as ConfidenceLevel, path };
        this.sinkReached({ concept: sink.concept, label: `${sink.label} in ${display}` }, node, entry.node, merged);
      }
    }
    const ret = summary.returns;
    if (!ret) return null;
    let result: Taint | null = null;
    if (ret.kinds) {
      result = {
        kinds: ret.kinds,
        params: 0,
        clean: ret.clean,
        confidence: ret.confidence,
        path: spliceSteps(null, ret.steps, definition.start),
      };
    }
    for (const entry of bound) {
      if (!(ret.params & (1 << entry.index))) continue;
      const taint = this.valueOf(entry.node, args);
      if (!taint) continue;
      const passed = withStep(taint, entry.node, `passed to ${display} as \`${summary.parameterNames[entry.index] ?? '?'}\``)!;
      const path = spliceSteps(passed.path, ret.paramSteps, definition.start);
      result = join(result, cleaned({ ...passed, confidence: Math.min(passed.confidence, ret.confidence) as ConfidenceLevel, path }, ret.paramClean ?? ret.clean));
    }
    return withStep(result, node, `returned by ${display}`);
  }

  /** Which argument expression gives each parameter of a local function (`self` is the receiver of a method call). */
  private bindArguments(node: SyntaxNode, summary: FunctionSummary, offset: number): Array<{ index: number; node: SyntaxNode }> {
    const result: Array<{ index: number; node: SyntaxNode }> = [];
    const list = node.child('arguments');
    if (!list || list.type !== 'argument_list') return result;
    let position = offset;
    for (const argument of list.namedChildren) {
      if (argument.type === 'keyword_argument') {
        const name = argument.child('name')?.text;
        const index = name ? summary.parameterNames.indexOf(name) : -1;
        const value = argument.child('value');
        if (index >= 0 && value) result.push({ index, node: value });
      } else if (argument.type === 'list_splat' || argument.type === 'dictionary_splat') {
        // `*args`: may fill any later parameter.
        for (let index = position; index < summary.parameterNames.length; index++) result.push({ index, node: argument });
      } else {
        const index = Math.min(position, summary.variadic ?? Number.MAX_SAFE_INTEGER);
        if (index < summary.parameterNames.length) result.push({ index, node: argument });
        position++;
      }
    }
    return result;
  }

  /** Records untrusted data (or a parameter, for the summary) reaching a sink. */
  private sinkReached(reached: { readonly concept: Concept; readonly label?: string }, sink: SyntaxNode, argument: SyntaxNode, taint: Taint): void {
    const { concept } = reached;
    // The sources' data and the parameters' data may be clean apart (`os.path.join(dest, basename(name))`).
    const forParams = paramClean(taint);
    if (taint.clean & forParams & conceptBit(concept)) return;
    const label = reached.label ?? `\`${codeSnippet(sink.child('function') ?? sink, 30)}()\``;
    const key = `${concept}:${sink.start}:${argument.start}`;
    if (taint.kinds && !(taint.clean & conceptBit(concept))) {
      const known = this.hits.get(key);
      if (!known || known.taint.confidence < taint.confidence) {
        this.hits.set(key, { concept, sink, argument, label, taint, steps: pathSteps(taint.path) });
      }
    }
    if (taint.params && !(forParams & conceptBit(concept))) {
      const known = this.parameterSinks.get(key);
      this.parameterSinks.set(key, {
        concept,
        params: taint.params | (known?.params ?? 0),
        clean: known ? known.clean & forParams : forParams,
        confidence: Math.max(taint.confidence, known?.confidence ?? 0) as ConfidenceLevel,
        label,
        steps: [...pathSteps(stripParameterStep(taint.path)), { start: sink.start, end: sink.end, message: label }],
        sink,
      });
    }
  }

  /**
   * A handler's return value goes to the client: a Flask view's is the body, HTML unless it is JSON-like (a list or a
   * dict); a WSGI app's body is each item of the iterable it returns; a Lambda proxy response's parts are entries of
   * the dict it returns (`"body"`, `"headers"` → `"Location"`).
   */
  private returnedToClient(sink: HandlerReturn, value: SyntaxNode, env: Env): void {
    let expr = unparenthesize(value);
    const body = sink.body ?? 'value';
    if (body === 'items') {
      if (expr.type === 'list' || expr.type === 'tuple' || expr.type === 'expression_list') {
        for (const item of expr.namedChildren) this.bodySent(sink, item, env);
      } else if (expr.type !== 'dictionary') this.bodySent(sink, expr, env);
      return;
    }
    if (typeof body === 'object') {
      // Follow the keys through dict literals (`{"headers": {"Location": url}}`); header names ignore case.
      let entry: SyntaxNode | null = expr;
      for (const wanted of body.keys) {
        if (entry?.type !== 'dictionary') return;
        entry = dictionaryValue(entry, wanted, true);
      }
      if (entry) this.bodySent(sink, entry, env);
      return;
    }
    if (expr.type === 'tuple' || expr.type === 'expression_list') {
      const first = expr.namedChildren[0];
      if (!first) return;
      expr = unparenthesize(first);
    }
    if (expr.type === 'dictionary' || expr.type === 'list' || expr.type === 'dictionary_comprehension' || expr.type === 'list_comprehension') return;
    this.bodySent(sink, expr, env);
  }

  /** `node` goes to the client as `sink` says (the response body, a redirect target). */
  private bodySent(sink: HandlerReturn, node: SyntaxNode, env: Env): void {
    const expr = unparenthesize(node);
    const taint = this.values.get(expr) ?? this.values.get(node) ?? this.expression(expr, env);
    // Only what is surely request data: a value that went through calls Vigil does not know may be anything.
    if (taint && taint.confidence === 2) this.sinkReached(sink, node, expr, taint);
  }
}

// --- Helpers --------------------------------------------------------------------------------------------------

/** The parts of a parsed URL that name its destination, and the parsers that make one. */
const URL_HOST_PARTS = new Set(['hostname', 'netloc']);
const URL_PARSERS = new Set(['urllib.parse.urlparse', 'urllib.parse.urlsplit', 'urlparse.urlparse', 'urlparse.urlsplit', 'six.moves.urllib.parse.urlparse']);

/** Facts a condition gives about a path name: it has no `..` part; it is not absolute. */
const NO_PARENT_PART = 1;
const NOT_ABSOLUTE = 2;

function methodName(call: SyntaxNode): string | null {
  const fn = call.child('function');
  const expr = fn ? unparenthesize(fn) : null;
  return expr?.type === 'attribute' ? expr.child('attribute')?.text ?? null : null;
}

/** `x`, `self.x`, `a.b.c`: a name or an access path the interpreter tracks; null for anything else. */
export function accessKey(node: SyntaxNode): string | null {
  // Paths of at most three parts; read in a loop, so a 100,000-long `a.b.b…` chain costs three steps. An item with a
  // constant key is a part too (`body["port"]`, `o["opt_value"]`: a guard on it cleans that item, not `body`).
  const parts: string[] = [];
  let expr = unparenthesize(node);
  while (expr.type === 'attribute' || expr.type === 'subscript') {
    if (parts.length === 2) return null;
    if (expr.type === 'attribute') {
      const object = expr.child('object');
      const attribute = expr.child('attribute');
      if (!object || !attribute) return null;
      parts.push(`.${attribute.text}`);
      expr = unparenthesize(object);
    } else {
      const value = expr.child('value');
      const indexes = expr.childrenOf('subscript');
      const index = indexes.length === 1 ? indexes[0]! : null;
      const key = index?.type === 'string' ? stringLiteralValue(index) : index?.type === 'integer' ? index.text : null;
      if (!value || key === null || key.length > 64) return null;
      parts.push(`[${JSON.stringify(key)}]`);
      expr = unparenthesize(value);
    }
  }
  return expr.type === 'identifier' ? expr.text + parts.reverse().join('') : null;
}

/** The argument expressions a row's specs name in this call (`receiver` = the object of a method call). */
export function argumentsFor(call: SyntaxNode, specs: readonly ArgumentSpec[]): SyntaxNode[] {
  const args = callArguments(call);
  const result: SyntaxNode[] = [];
  const list = call.child('arguments');
  for (const spec of specs) {
    if (spec === 'receiver') {
      const fn = call.child('function');
      const expr = fn ? unparenthesize(fn) : null;
      const object = expr?.type === 'attribute' ? expr.child('object') : null;
      if (object) result.push(object);
    } else if (spec === '*') {
      if (list?.type === 'argument_list') {
        for (const argument of list.namedChildren) result.push(argument.type === 'keyword_argument' ? argument.child('value') ?? argument : argument);
      } else if (list) {
        result.push(list);
      }
    } else if (typeof spec === 'number') {
      const node = args.positional[spec];
      if (node) result.push(node);
    } else {
      const node = args.keywords.get(spec);
      if (node) result.push(node);
    }
  }
  return [...new Set(result)];
}

/** Whether a call's argument named by `condition` (a keyword or a position) is present and its text matches. */
export function argumentMatches(call: SyntaxNode, condition: ArgumentCondition): boolean {
  const args = callArguments(call);
  const keywords = condition.keyword === undefined ? [] : typeof condition.keyword === 'string' ? [condition.keyword] : condition.keyword;
  const value = keywords.map((keyword) => args.keywords.get(keyword)).find((found) => !!found) ??
    (condition.position !== undefined ? args.positional[condition.position] : undefined);
  return !!value && condition.matches.test(value.text);
}

/** The literal text a string or concatenation starts with, up to its first interpolation. */
function leadingText(node: SyntaxNode): string | null {
  const expr = unparenthesize(node);
  if (expr.type === 'concatenated_string') return expr.namedChildren[0] ? leadingText(expr.namedChildren[0]) : null;
  if (expr.type !== 'string') return null;
  let text = '';
  for (const child of expr.children) {
    if (child.type === 'string_content') text += child.text;
    else if (child.type === 'interpolation') break;
  }
  return text;
}

const FIXED_HOST = /^[a-z][a-z0-9+.-]*:\/\/[^/?#\s{}%]+[/?#]/i;
const RELATIVE_PATH = /^\/[^/\\]/;

/**
 * A string that starts with a constant scheme and host (`"https://api.example.com/items/" + x`) cannot be made to
 * go elsewhere by what follows: clean for SSRF and open redirects. A constant path prefix (`"/profile/" + x`) keeps a
 * redirect on this site.
 */
function applyPrefix(prefix: string, taint: Taint): Taint | null {
  if (FIXED_HOST.test(prefix)) return cleaned(taint, conceptBit('url') | conceptBit('redirect'));
  if (RELATIVE_PATH.test(prefix)) return cleaned(taint, conceptBit('redirect'));
  return taint;
}

function sameEnv(a: Env, b: Env): boolean {
  if (a.size !== b.size) return false;
  for (const [key, value] of a) if (!b.has(key) || !sameTaint(value, b.get(key))) return false;
  return true;
}

/** A path with its first step (the parameter itself) removed: summaries store the steps inside the function. */
function stripParameterStep(path: PathNode | null): PathNode | null {
  if (!path) return null;
  if (!path.prev) return null;
  return { ...path, prev: stripParameterStep(path.prev), length: path.length - 1 };
}

/** Appends a callee's steps (stored relative to its definition, or to their anchor) to a caller's path. */
function spliceSteps(path: PathNode | null, steps: readonly SummaryStep[], base: number): PathNode | null {
  let result = path;
  for (const item of steps) {
    const from = item.anchor ? item.anchor.start : base;
    result = step(result, { start: from + item.start, end: from + item.end }, item.message);
  }
  return result;
}


import type { SemanticModel } from '../../semantic/model';
import type { Binding } from '../../semantic/scopes';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { calleeName, calleeReceiver, callArguments, unparenthesize } from '../../syntax/python';
import type { AnalysisUnit } from '../../analysis/units';
import { forEachNodeInUnit } from '../../analysis/units';

/**
 * Which values spliced into a string (SQL, code) cannot change its syntax: constants, numbers, repetitions of a
 * constant placeholder (`",".join("?" * len(ids))`), values formatted as numbers (`%d`, `{x:d}`), values passed
 * through a quoting function, and lists that only ever hold constant strings (`clauses.append("a = %s")`).
 */
/** Statements that leave the block: after `if x not in ALLOWED: <one of these>`, `x` is in `ALLOWED`. */
const EXITS: ReadonlySet<string> = new Set(['raise_statement', 'return_statement', 'continue_statement', 'break_statement']);

export class SplicedValues {
  private readonly listCache = new Map<Binding, boolean>();
  private readonly harmless = new Map<SyntaxNode, boolean>();
  private guards: Map<string, SyntaxNode[]> | undefined;

  constructor(
    private readonly model: SemanticModel,
    /** The unit being analysed: list mutations are only looked for inside it. */
    private readonly unit: AnalysisUnit,
    private readonly sanitizers: ReadonlySet<string> = new Set(),
  ) {}

  /** Whether splicing `node` into the string cannot inject syntax. */
  isHarmless(node: SyntaxNode, depth = 0): boolean {
    if (depth > 0) return this.judge(node, depth);
    let known = this.harmless.get(node);
    if (known === undefined) {
      known = this.judge(node, 0);
      this.harmless.set(node, known);
    }
    return known;
  }

  private judge(node: SyntaxNode, depth: number): boolean {
    if (depth > 10) return false;
    const { model } = this;
    const expr = unparenthesize(node);
    if (model.isConstant(expr) || model.isNumeric(expr)) return true;
    if (formattedAsNumber(model, expr)) return true;
    switch (expr.type) {
      case 'binary_operator': {
        const left = expr.child('left');
        const right = expr.child('right');
        if (!left || !right) return false;
        // `"?" * n`, `["%s"] * len(ids)`: repetitions of a constant.
        if (expr.hasToken('*') && (this.isConstantSequence(left) || this.isConstantSequence(right))) return true;
        if (['+', '-', '*', '//', '%'].some((op) => expr.hasToken(op)) && this.isNumber(left, depth) && this.isNumber(right, depth)) {
          return true;
        }
        return this.shapeIsHarmless(expr, depth);
      }
      case 'generator_expression':
      case 'list_comprehension':
      case 'set_comprehension': {
        const body = expr.child('body');
        return !!body && this.isHarmless(body, depth + 1);
      }
      case 'conditional_expression': {
        const [whenTrue, , whenFalse] = expr.namedChildren;
        return !!whenTrue && !!whenFalse && this.isHarmless(whenTrue, depth + 1) && this.isHarmless(whenFalse, depth + 1);
      }
      case 'call': {
        if (this.isSanitizer(expr)) return true;
        if (calleeName(expr) === 'get') {
          // `COLUMNS.get(key, "name")`
          const table = calleeReceiver(expr);
          const fallback = callArguments(expr).positional[1];
          if (table && this.isConstantTable(table, depth) && (!fallback || this.isHarmless(fallback, depth + 1))) return true;
        }
        const callee = model.calleeQualifiedName(expr);
        const args = callArguments(expr);
        if (callee === 'str' && args.positional.length === 1) return this.isHarmless(args.positional[0]!, depth + 1);
        if (callee === 'repr' && args.positional.length === 1) return this.isNumber(args.positional[0]!, depth);
        if (this.isFixedFormatValue(expr, callee, depth)) return true;
        return this.shapeIsHarmless(expr, depth);
      }
      case 'attribute': {
        // `uuid.uuid4().hex`, `datetime.now().year`
        const object = expr.child('object');
        return !!object && unparenthesize(object).type === 'call' && this.isFixedFormatValue(unparenthesize(object), model.calleeQualifiedName(unparenthesize(object)), depth);
      }
      case 'subscript': {
        // `ORDER = {"asc": "ASC", "desc": "DESC"}; ORDER[direction]`: a lookup in a table of constants.
        const table = expr.child('value');
        return !!table && this.isConstantTable(table, depth);
      }
      case 'identifier': {
        const bindings = model.bindingsOf(expr);
        if (bindings.length === 0) return false;
        if (this.isAllowListed(expr)) return true;
        if (bindings.every((binding) => (binding.kind === 'assignment' || binding.kind === 'walrus') && binding.value)) {
          if (bindings.every((binding) => this.isHarmless(binding.value!, depth + 1))) return true;
        }
        return this.isConstantStringList(expr);
      }
      case 'string':
      case 'concatenated_string':
        return this.shapeIsHarmless(expr, depth);
      default:
        return false;
    }
  }

  /** A dict, list or tuple whose values are all constants (keys may be anything). */
  private isConstantTable(node: SyntaxNode, depth: number): boolean {
    if (depth > 10) return false;
    const expr = unparenthesize(node);
    if (expr.type === 'dictionary') {
      return expr.namedChildren.every((pair) => pair.type === 'pair' && !!pair.child('value') && this.model.isConstant(pair.child('value')!));
    }
    if (expr.type === 'list' || expr.type === 'tuple') return this.model.isConstant(expr);
    if (expr.type === 'identifier') {
      const bindings = this.model.bindingsOf(expr);
      return (
        bindings.length > 0 &&
        bindings.every((binding) => binding.kind === 'assignment' && !!binding.value && this.isConstantTable(binding.value, depth + 1))
      );
    }
    return false;
  }

  /** A set of constants to test membership in: `("asc", "desc")`, `ALLOWED`, `COLUMNS.keys()`, `frozenset({...})`. */
  private isConstantCollection(node: SyntaxNode): boolean {
    const expr = unparenthesize(node);
    if (this.model.isConstant(expr) || this.isConstantTable(expr, 0)) return true;
    if (expr.type === 'call') {
      const name = calleeName(expr);
      const receiver = calleeReceiver(expr);
      if (receiver && name === 'keys') return this.isConstantTable(receiver, 0);
      const args = callArguments(expr).positional;
      if (!receiver && (name === 'set' || name === 'frozenset' || name === 'tuple' || name === 'list') && args.length === 1) {
        return this.isConstantCollection(args[0]!);
      }
    }
    return false;
  }

  /** `name in COLLECTION` (or `not in`) for this name and a constant collection. */
  private isMembershipTest(condition: SyntaxNode | null, name: string, operator: 'in' | 'not in'): boolean {
    if (!condition) return false;
    const expr = unparenthesize(condition);
    if (expr.type === 'boolean_operator') {
      // `if not x or x not in ALLOWED: raise`, `if x and x in ALLOWED:`
      const joiner = operator === 'in' ? 'and' : 'or';
      return expr.hasToken(joiner) && expr.namedChildren.some((operand) => this.isMembershipTest(operand, name, operator));
    }
    if (expr.type !== 'comparison_operator' || !expr.hasToken(operator)) return false;
    const [left, right, extra] = expr.namedChildren;
    if (!left || !right || extra) return false;
    const subject = unparenthesize(left);
    return subject.type === 'identifier' && subject.text === name && this.isConstantCollection(right);
  }

  /**
   * A name checked against a fixed set before it is used: inside `if name in ALLOWED:`, or after
   * `if name not in ALLOWED: raise …` (or `return`, `continue`, `break`) in an enclosing block, with no
   * assignment to the name after the check.
   */
  private isAllowListed(identifier: SyntaxNode): boolean {
    const name = identifier.text;
    for (let node = this.gateAbove(identifier); node && node !== this.unit.node; node = this.gateAbove(node)) {
      if (node.type === 'if_statement' || node.type === 'elif_clause') {
        const consequence = node.child('consequence');
        if (consequence?.contains(identifier) && this.isMembershipTest(node.child('condition'), name, 'in')) return true;
      }
      if (node.type === 'function_definition' || node.type === 'class_definition' || node.type === 'lambda') break;
    }
    const guards = this.exitGuards().get(name);
    if (!guards) return false;
    const bindings = this.model.bindingsOf(identifier);
    return guards.some((guard) => {
      if (guard.end > identifier.start) return false;
      const block = guard.parent;
      if (!block || !block.contains(identifier)) return false;
      if (!this.isMembershipTest(guard.child('condition'), name, 'not in')) return false;
      return !bindings.some((binding) => binding.node.start > guard.start && binding.node.start < identifier.start);
    });
  }

  /** Nearest ancestor of each node that is an `if`, `elif`, definition, lambda or the unit's root (see `gateAbove`). */
  private readonly gates = new Map<SyntaxNode, SyntaxNode | null>();

  /**
   * The nearest ancestor of `node` that `isAllowListed` looks at, with every node walked through remembered: values
   * spliced deep in a 10,000-term expression are answered in amortised constant time, not by a walk each.
   */
  private gateAbove(node: SyntaxNode): SyntaxNode | null {
    const walked: SyntaxNode[] = [];
    let answer: SyntaxNode | null = null;
    for (let current = node.parent; current; current = current.parent) {
      if (current === this.unit.node || GATES.has(current.type)) {
        answer = current;
        break;
      }
      // `current` is no gate: the gate above it is the gate above `node`.
      const known = this.gates.get(current);
      if (known !== undefined) {
        answer = known;
        break;
      }
      walked.push(current);
    }
    this.gates.set(node, answer);
    for (const current of walked) this.gates.set(current, answer);
    return answer;
  }

  /** The unit's `if x not in …: raise/return/continue/break` statements, by the name they test (found once). */
  private exitGuards(): Map<string, SyntaxNode[]> {
    if (this.guards) return this.guards;
    const guards = new Map<string, SyntaxNode[]>();
    forEachNodeInUnit(this.unit.node, (node) => {
      if (node.type !== 'if_statement') return;
      const last = node.child('consequence')?.namedChildren.at(-1);
      if (!last || !(EXITS.has(last.type) || this.endsRequest(last))) return;
      const condition = node.child('condition');
      if (!condition) return;
      for (const comparison of [condition, ...condition.descendantsOfType('comparison_operator')]) {
        if (comparison.type !== 'comparison_operator' || !comparison.hasToken('not in')) continue;
        const subject = comparison.namedChildren[0] ? unparenthesize(comparison.namedChildren[0]) : null;
        if (subject?.type !== 'identifier') continue;
        const list = guards.get(subject.text);
        if (list) list.push(node);
        else guards.set(subject.text, [node]);
      }
    });
    this.guards = guards;
    return guards;
  }

  /** `abort(400)`, `flask.abort(404)`, `sys.exit(1)`: a call that never returns, as a statement. */
  private endsRequest(statement: SyntaxNode): boolean {
    const call = statement.type === 'expression_statement' ? statement.firstNamedChild() : null;
    if (call?.type !== 'call') return false;
    const name = this.model.calleeQualifiedName(call) ?? call.child('function')?.text ?? '';
    return /(^|\.)(abort|exit|_exit)$/.test(name);
  }

  /** The values of a shape that could inject syntax. */
  unsafeValues(values: readonly SyntaxNode[]): SyntaxNode[] {
    return values.filter((value) => !this.isHarmless(value));
  }

  private shapeIsHarmless(expr: SyntaxNode, depth: number): boolean {
    const shape = this.model.stringShape(expr);
    if (!shape) return false;
    return shape.parts.every((part) => part.kind === 'text' || (part.node !== expr && this.isHarmless(part.node, depth + 1)));
  }

  /**
   * A value whose text has a fixed format no input can change: a timestamp, a date, a UUID
   * (`datetime.now()`, `date.today().isoformat()`, `uuid.uuid4()`), or a `strftime` with a constant format.
   */
  private isFixedFormatValue(call: SyntaxNode, callee: string | null, depth: number): boolean {
    if (depth > 10) return false;
    if (callee && /^(?:datetime\.(?!.*strftime$)|time\.(?:time|time_ns|monotonic|perf_counter)$|uuid\.uuid[1345]$|os\.getpid$)/.test(callee)) {
      return true;
    }
    const method = calleeName(call);
    const receiver = calleeReceiver(call);
    if (!receiver || !method) return false;
    const inner = unparenthesize(receiver);
    if (inner.type !== 'call' || !this.isFixedFormatValue(inner, this.model.calleeQualifiedName(inner), depth + 1)) return false;
    if (['isoformat', 'date', 'time', 'timestamp', 'astimezone', 'replace', 'utcnow', 'now'].includes(method)) return true;
    if (method === 'strftime') {
      const format = callArguments(call).positional[0];
      return !!format && this.model.isConstant(format);
    }
    return false;
  }

  /** A number: a numeric literal or conversion, or arithmetic of those. */
  private isNumber(node: SyntaxNode, depth: number): boolean {
    if (depth > 10) return false;
    const expr = unparenthesize(node);
    if (this.model.isNumeric(expr)) return true;
    if (expr.type === 'unary_operator') {
      const operand = expr.child('argument') ?? expr.namedChildren[0];
      return !!operand && this.isNumber(operand, depth + 1);
    }
    if (expr.type === 'binary_operator' && ['+', '-', '*', '//', '%', '/'].some((op) => expr.hasToken(op))) {
      const left = expr.child('left');
      const right = expr.child('right');
      return !!left && !!right && this.isNumber(left, depth + 1) && this.isNumber(right, depth + 1);
    }
    return false;
  }

  /** A constant string, list or tuple (what `* n` repeats). */
  private isConstantSequence(node: SyntaxNode): boolean {
    const expr = unparenthesize(node);
    if (!this.model.isConstant(expr)) return false;
    if (['string', 'concatenated_string', 'list', 'tuple'].includes(expr.type)) return true;
    if (expr.type === 'identifier') {
      const value = this.model.singleValue(expr);
      return !!value && value !== expr && this.isConstantSequence(value);
    }
    return false;
  }

  /** `conn.escape_string(x)`, `connection.ops.quote_name(x)`, `quote_ident(x, cur)`. */
  private isSanitizer(call: SyntaxNode): boolean {
    const name = calleeName(call);
    if (!name || !this.sanitizers.has(name)) return false;
    const qualified = this.model.calleeQualifiedName(call);
    // `urllib.parse.quote` and `shlex.quote` quote for URLs and shells, not SQL.
    return !(qualified && /^(?:urllib|shlex|pipes|html|xml|re|markupsafe|cgi|jinja2|bleach)\b/.test(qualified));
  }

  /**
   * A list built in this unit from constant strings only: `clauses = []` then `clauses.append("a = %s")`,
   * and not handed to anything that could add other strings.
   */
  private isConstantStringList(identifier: SyntaxNode): boolean {
    const bindings = this.model.bindingsOf(identifier);
    if (bindings.length === 0) return false;
    const key = bindings[0]!;
    const cached = this.listCache.get(key);
    if (cached !== undefined) return cached;
    this.listCache.set(key, false);
    const result = this.computeConstantStringList(identifier.text, bindings);
    this.listCache.set(key, result);
    return result;
  }

  private computeConstantStringList(name: string, bindings: readonly Binding[]): boolean {
    const constantElements = (container: SyntaxNode | null): boolean => {
      if (!container) return false;
      const expr = unparenthesize(container);
      if (expr.type === 'list' || expr.type === 'tuple') {
        return expr.namedChildren.every((element) => element.type !== 'list_splat' && this.isHarmless(element, 3));
      }
      if (expr.type === 'list_comprehension' || expr.type === 'generator_expression') return this.isHarmless(expr, 3);
      return false;
    };
    for (const binding of bindings) {
      if (!isInsideUnit(binding.node, this.unit)) return false;
      if (binding.kind !== 'assignment' && binding.kind !== 'augmented') return false;
      if (!constantElements(binding.value)) return false;
    }
    const targets = new Set(bindings.map((binding) => binding.node));
    const scope = bindings[0]!.scope;
    let safe = true;
    forEachNodeInUnit(this.unit.node, (node) => {
      if (!safe || node.type !== 'identifier' || node.text !== name || targets.has(node)) return;
      const uses = this.model.bindingsOf(node);
      if (uses.length === 0 || uses[0]!.scope !== scope) return;
      if (!this.isReadOnlyListUse(node, constantElements)) safe = false;
    });
    return safe;
  }

  private isReadOnlyListUse(use: SyntaxNode, constantElements: (node: SyntaxNode | null) => boolean): boolean {
    let node = use;
    while (node.parent?.type === 'parenthesized_expression') node = node.parent;
    const parent = node.parent;
    if (!parent) return false;
    if (parent.type === 'attribute' && node.field === 'object') {
      const method = parent.child('attribute')?.text ?? '';
      const call = parent.parent;
      if (call?.type !== 'call' || parent.field !== 'function') return false;
      const args = callArguments(call);
      if (['pop', 'clear', 'copy', 'count', 'index', 'remove', 'reverse', 'sort'].includes(method)) return true;
      if (method === 'append') return args.positional.length === 1 && this.isHarmless(args.positional[0]!, 3);
      if (method === 'insert') return args.positional.length === 2 && this.isHarmless(args.positional[1]!, 3);
      if (method === 'extend') return args.positional.length === 1 && constantElements(args.positional[0]!);
      return false;
    }
    if (parent.type === 'argument_list') {
      const call = parent.parent;
      if (call?.type !== 'call') return false;
      const callee = this.model.calleeQualifiedName(call);
      if (callee && ['len', 'bool', 'list', 'tuple', 'sorted'].includes(callee)) return true;
      return calleeName(call) === 'join' && calleeReceiver(call) !== null;
    }
    if (['if_statement', 'elif_clause', 'while_statement', 'not_operator', 'boolean_operator', 'comparison_operator'].includes(parent.type)) {
      return true;
    }
    if (parent.type === 'conditional_expression') return parent.namedChildren[1] === node;
    if (parent.type === 'for_statement' || parent.type === 'for_in_clause') return node.field === 'right';
    return false;
  }
}

/** Whether `node` is in the unit's own code (not in a function or class nested in it). */
export function isInsideUnit(node: SyntaxNode, unit: AnalysisUnit): boolean {
  if (!unit.node.contains(node)) return false;
  for (let current = node.parent; current && current !== unit.node; current = current.parent) {
    if (current.type === 'function_definition' || current.type === 'class_definition') {
      // A definition's header (decorators aside) runs in the enclosing unit; its body does not.
      const body = current.child('body');
      if (body && body.contains(node)) return false;
    }
  }
  return true;
}

/** Presentation conversions that only accept numbers: `%d`, `{x:d}`, `{x:.2f}`. */
const PERCENT_NUMERIC = new Set(['d', 'i', 'u', 'o', 'x', 'X', 'e', 'E', 'f', 'F', 'g', 'G']);
const FORMAT_NUMERIC = new Set(['d', 'n', 'x', 'X', 'o', 'b', 'e', 'E', 'f', 'F', 'g', 'G', '%']);

/** Whether a value spliced into a string goes through a numeric conversion (`"%d" % x`, `f"{x:d}"`). */
export function formattedAsNumber(model: SemanticModel, value: SyntaxNode): boolean {
  let node = value;
  while (node.parent?.type === 'parenthesized_expression') node = node.parent;
  const parent = node.parent;
  if (!parent) return false;
  // f-string field with a format spec.
  if (parent.type === 'interpolation' && node.field === 'expression') {
    if (parent.children.some((child) => child.type === 'type_conversion')) return false;
    const spec = parent.child('format_specifier');
    if (!spec || spec.children.some((child) => child.type === 'interpolation')) return false;
    return FORMAT_NUMERIC.has(spec.text.replace(/^:/, '').trim().slice(-1));
  }
  const placeholder = placeholderOf(model, value);
  if (!placeholder) return false;
  return placeholder.style === '%'
    ? PERCENT_NUMERIC.has(placeholder.conversion)
    : FORMAT_NUMERIC.has(placeholder.conversion.trim().slice(-1)) && !/![rsa]/.test(placeholder.conversion);
}

export interface Placeholder {
  readonly style: '%' | '{}';
  /** The constant template the value is formatted into. */
  readonly template: string;
  /** Where the value's placeholder starts in the template, and its length. */
  readonly offset: number;
  readonly length: number;
  /** `%` style: the conversion letter; `{}` style: the conversion and format spec (`!r`, `:d`). */
  readonly conversion: string;
}

/**
 * The placeholder a value fills in `"..." % (a, b)`, `"%(k)s" % {"k": v}` or `"{}".format(a)` with a constant
 * template, or null.
 */
export function placeholderOf(model: SemanticModel, value: SyntaxNode): Placeholder | null {
  let node = value;
  while (node.parent?.type === 'parenthesized_expression') node = node.parent;
  const parent = node.parent;
  if (!parent) return null;
  let operator: SyntaxNode | null = null;
  let index = 0;
  let key: string | null = null;
  if (parent.type === 'binary_operator' && node.field === 'right') operator = parent;
  else if (parent.type === 'tuple') {
    let tuple = parent;
    while (tuple.parent?.type === 'parenthesized_expression') tuple = tuple.parent;
    if (tuple.parent?.type === 'binary_operator' && tuple.field === 'right') {
      operator = tuple.parent;
      index = parent.namedChildren.indexOf(node);
    }
  } else if (parent.type === 'pair' && node.field === 'value') {
    const dict = parent.parent;
    let outer = dict;
    while (outer?.parent?.type === 'parenthesized_expression') outer = outer.parent;
    if (dict?.type === 'dictionary' && outer?.parent?.type === 'binary_operator' && outer.field === 'right') {
      operator = outer.parent;
      const keyNode = parent.child('key');
      key = keyNode ? model.constantText(keyNode) : null;
      if (key === null) return null;
    }
  }
  if (operator && operator.hasToken('%')) {
    const left = operator.child('left');
    const template = left ? model.constantText(left) : null;
    if (template === null) return null;
    const specs = percentSpecs(template);
    if (!specs) return null;
    const spec = key !== null ? specs.find((item) => item.key === key) : specs.filter((item) => item.key === null)[index];
    return spec ? { style: '%', template, offset: spec.offset, length: spec.length, conversion: spec.conversion } : null;
  }
  // `"{:d}".format(x)`, `"{id:d}".format(id=x)`.
  const call = parent.type === 'argument_list' ? parent.parent : parent.type === 'keyword_argument' ? parent.parent?.parent : null;
  if (call?.type === 'call' && calleeName(call) === 'format') {
    const receiver = calleeReceiver(call);
    const template = receiver ? model.constantText(receiver) : null;
    if (template === null) return null;
    const fields = formatFields(template);
    if (!fields) return null;
    let field: { name: string; spec: string; offset: number; length: number } | undefined;
    if (parent.type === 'keyword_argument') {
      const name = parent.child('name')?.text;
      field = fields.find((item) => item.name === name);
    } else {
      const position = parent.namedChildren.filter((arg) => arg.type !== 'keyword_argument').indexOf(node);
      field = fields.find((item) => item.name === String(position));
    }
    return field ? { style: '{}', template, offset: field.offset, length: field.length, conversion: field.spec } : null;
  }
  return null;
}

function percentSpecs(template: string): Array<{ key: string | null; conversion: string; offset: number; length: number }> | null {
  const specs: Array<{ key: string | null; conversion: string; offset: number; length: number }> = [];
  const pattern = /%(?:\(([^)]*)\))?([#0\- +]*)(\*|\d+)?(?:\.(\*|\d+))?[hlL]?([a-zA-Z%])/g;
  for (let match = pattern.exec(template); match; match = pattern.exec(template)) {
    if (match[5] === '%') continue;
    // `%*d` takes the width from the arguments: give up rather than miscount.
    if (match[3] === '*' || match[4] === '*') return null;
    specs.push({ key: match[1] ?? null, conversion: match[5]!, offset: match.index, length: match[0].length });
  }
  return specs;
}

/** The fields of a `str.format` template with automatic numbering resolved: `{}` `{0}` `{name:d}`. */
function formatFields(template: string): Array<{ name: string; spec: string; offset: number; length: number }> | null {
  const fields: Array<{ name: string; spec: string; offset: number; length: number }> = [];
  let automatic = 0;
  const pattern = /\{\{|\}\}|\{([^{}:!]*)(![rsa])?(?::([^{}]*))?\}/g;
  for (let match = pattern.exec(template); match; match = pattern.exec(template)) {
    if (match[0] === '{{' || match[0] === '}}') continue;
    let name = match[1] ?? '';
    if (name === '') name = String(automatic++);
    if (!/^\w+$/.test(name)) return null;
    fields.push({ name, spec: (match[2] ?? '') + (match[3] ?? ''), offset: match.index, length: match[0].length });
  }
  return fields;
}

/** Short code for messages: whitespace collapsed, long text cut. */
export function codeText(node: SyntaxNode, max = 32): string {
  const text = node.text.replace(/\s+/g, ' ').trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** `` `a` ``, `` `a` and `b` ``, `` `a`, `b` and 2 more ``. */
export function listCode(nodes: readonly SyntaxNode[]): string {
  const names = [...new Set(nodes.map((node) => `\`${codeText(node)}\``))];
  if (names.length === 1) return names[0]!;
  if (names.length <= 3) return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  return `${names.slice(0, 2).join(', ')} and ${names.length - 2} more`;
}

const GATES = new Set(['if_statement', 'elif_clause', 'function_definition', 'class_definition', 'lambda']);

import type { SyntaxNode } from './syntaxNode';

/** Small, shape-level questions about Python syntax that many rules ask. No name resolution here. */

/** Strips redundant parentheses: `((x))` → `x`. */
export function unparenthesize(node: SyntaxNode): SyntaxNode {
  let current = node;
  while (current.type === 'parenthesized_expression') {
    const inner = current.firstNamedChild();
    if (!inner) break;
    current = inner;
  }
  return current;
}

/** A call's arguments (`callArguments`). Shared by every rule that asks about the call, so never changed. */
export interface CallArguments {
  readonly positional: readonly SyntaxNode[];
  readonly keywords: ReadonlyMap<string, SyntaxNode>;
  /** The `name=value` nodes themselves, for fixes that remove an argument. */
  readonly keywordNodes: ReadonlyMap<string, SyntaxNode>;
  /** `*args` or `**kwargs` present: arguments may hide there. */
  readonly hasUnpacking: boolean;
}

/** The arguments read so far, by call node, while `rememberingCallArguments` runs. */
let remembered: Map<SyntaxNode, CallArguments> | undefined;

/**
 * Runs `work` with each call's arguments read once (most rules ask about every call of a unit: in a file full of syntax
 * errors that was a fifth of what a keystroke allocated), and forgets them after, so no tree is kept alive by them.
 * The analyzer runs each unit's rules in it.
 */
export function rememberingCallArguments<T>(work: () => T): T {
  const outer = remembered;
  remembered = new Map();
  try {
    return work();
  } finally {
    remembered = outer;
  }
}

/** A call's positional arguments, keyword arguments by name, and whether `*`/`**` unpacking may hide more. */
export function callArguments(call: SyntaxNode): CallArguments {
  if (remembered === undefined) return readCallArguments(call);
  let known = remembered.get(call);
  if (known === undefined) remembered.set(call, (known = readCallArguments(call)));
  return known;
}

const NO_KEYWORDS: ReadonlyMap<string, SyntaxNode> = new Map();

function readCallArguments(call: SyntaxNode): CallArguments {
  const positional: SyntaxNode[] = [];
  let keywords: Map<string, SyntaxNode> | undefined;
  let keywordNodes: Map<string, SyntaxNode> | undefined;
  let hasUnpacking = false;
  const list = call.child('arguments');
  if (list && list.type === 'argument_list') {
    for (const argument of list.namedChildren) {
      if (argument.type === 'keyword_argument') {
        const name = argument.child('name');
        const value = argument.child('value');
        if (name && value) {
          (keywords ??= new Map()).set(name.text, value);
          (keywordNodes ??= new Map()).set(name.text, argument);
        }
      } else if (argument.type === 'list_splat' || argument.type === 'dictionary_splat') {
        hasUnpacking = true;
      } else {
        positional.push(argument);
      }
    }
  } else if (list && list.type === 'generator_expression') {
    positional.push(list);
  }
  return { positional, keywords: keywords ?? NO_KEYWORDS, keywordNodes: keywordNodes ?? NO_KEYWORDS, hasUnpacking };
}

/** The argument at `index`, or the keyword argument `name`. */
export function argument(call: SyntaxNode, index: number, name?: string): SyntaxNode | null {
  const args = callArguments(call);
  return args.positional[index] ?? (name !== undefined ? args.keywords.get(name) ?? null : null);
}

/** The name a call is made through: `run` for `run(x)`, `execute` for `cur.execute(x)`. */
export function calleeName(call: SyntaxNode): string | null {
  const fn = call.child('function');
  if (!fn) return null;
  if (fn.type === 'identifier') return fn.text;
  if (fn.type === 'attribute') return fn.child('attribute')?.text ?? null;
  return null;
}

/** The object a method is called on: `cur` for `cur.execute(x)`. */
export function calleeReceiver(call: SyntaxNode): SyntaxNode | null {
  const fn = call.child('function');
  return fn?.type === 'attribute' ? fn.child('object') : null;
}

/** The last name in an expression: `password` for `self.conf.password`, `x` for `x`, the key of `d['token']`. */
export function terminalName(node: SyntaxNode): string | null {
  const expr = unparenthesize(node);
  switch (expr.type) {
    case 'identifier':
      return expr.text;
    case 'attribute':
      return expr.child('attribute')?.text ?? null;
    case 'subscript': {
      const key = expr.child('subscript');
      return key ? stringLiteralValue(key) : null;
    }
    default:
      return null;
  }
}

export function isTrue(node: SyntaxNode | null | undefined): boolean {
  return !!node && unparenthesize(node).type === 'true';
}

export function isFalse(node: SyntaxNode | null | undefined): boolean {
  return !!node && unparenthesize(node).type === 'false';
}

/** Whether a string node has `{...}` interpolations (an f-string with fields). */
export function hasInterpolation(node: SyntaxNode): boolean {
  return node.children.some((child) => child.type === 'interpolation');
}

export function stringPrefix(node: SyntaxNode): string {
  const start = node.children.find((child) => child.type === 'string_start');
  return start ? start.text.replace(/['"]+$/, '').toLowerCase() : '';
}

/**
 * The value of a string literal with no interpolations (`'a'`, `"a" "b"`, `r'a'`), or null. Escapes are
 * decoded for the common cases; rules use the value to recognise SQL, shell names, placeholders.
 */
export function stringLiteralValue(node: SyntaxNode): string | null {
  const expr = unparenthesize(node);
  if (expr.type === 'concatenated_string') {
    let value = '';
    for (const part of expr.namedChildren) {
      const partValue = stringLiteralValue(part);
      if (partValue === null) return null;
      value += partValue;
    }
    return value;
  }
  if (expr.type !== 'string' || hasInterpolation(expr)) return null;
  const raw = stringPrefix(expr).includes('r');
  let value = '';
  for (const child of expr.children) {
    if (child.type === 'string_content') value += raw ? child.text : decodeEscapes(child.text);
  }
  return value;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '0': '\0',
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '\n': '',
};

function decodeEscapes(text: string): string {
  return text.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.|\n)/g, (match, body: string) => {
    if (body.length > 1 && 'xuU'.includes(body[0]!)) {
      // Past U+10FFFF (`\\U8001f600`) Python refuses the literal; the escape is kept as written.
      const codePoint = parseInt(body.slice(1), 16);
      return codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : match;
    }
    return SIMPLE_ESCAPES[body] ?? match;
  });
}

/** A Python name as a regular-expression source (identifiers may be Unicode; use with the `u` flag). */
export const NAME = String.raw`[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*`;

/**
 * Whether `word` occurs in `text` with no ASCII letter, digit or `_` next to it. An identifier is never next to one
 * in code that parses, so no place a name is used is left out; a Unicode letter next to it does not count, so for a
 * Unicode name the answer may be a false "yes" (callers use it to prune work, where a false "yes" only costs time).
 */
export function containsWord(text: string, word: string): boolean {
  if (word.length === 0) return false;
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
    if (!isWordChar(text.charCodeAt(at - 1)) && !isWordChar(text.charCodeAt(at + word.length))) return true;
  }
  return false;
}

function isWordChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

/**
 * Whether `text` has the word `global` or `nonlocal`: code in it may then bind a name of an enclosing scope. A textual
 * superset of the statements (a comment or string saying it counts too), so a "no" is always right.
 */
export function namesGlobalOrNonlocal(text: string): boolean {
  return /\b(?:global|nonlocal)\b/.test(text);
}

/** Identifier-like words of a name: `dbPassword` → [db, password], `API_KEY` → [api, key]. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0);
}

/** One parameter of a `def` or `lambda`: the node, the name it binds, its default, and whether it is `*a` or `**kw`. */
export interface ParameterEntry {
  readonly node: SyntaxNode;
  readonly name: SyntaxNode | null;
  readonly defaultValue: SyntaxNode | null;
  readonly splat: 'list' | 'dictionary' | null;
}

const entriesOf = new WeakMap<SyntaxNode, readonly ParameterEntry[]>();

/**
 * The parameters of a parameter list in order (separators such as `*` and `/` bind nothing and are left out).
 * Computed once per list (the semantic model reads every method's list on every analysis, and a list a keystroke did
 * not touch is the same node, with the same children, afterwards).
 */
export function parameterEntries(parameters: SyntaxNode | null): readonly ParameterEntry[] {
  if (!parameters) return [];
  let entries = entriesOf.get(parameters);
  if (!entries) entriesOf.set(parameters, (entries = Object.freeze(readParameters(parameters))));
  return entries;
}

function readParameters(parameters: SyntaxNode): ParameterEntry[] {
  const entries: ParameterEntry[] = [];
  for (const parameter of parameters.namedChildren) {
    let name: SyntaxNode | null = null;
    let defaultValue: SyntaxNode | null = null;
    let splat: ParameterEntry['splat'] = null;
    switch (parameter.type) {
      case 'identifier':
        name = parameter;
        break;
      case 'default_parameter':
      case 'typed_default_parameter':
        name = parameter.child('name');
        defaultValue = parameter.child('value');
        break;
      case 'typed_parameter': {
        name = parameter.firstNamedChild('identifier') ?? parameter.firstNamedChild()?.firstNamedChild('identifier') ?? null;
        const inner = parameter.firstNamedChild()?.type;
        splat = inner === 'list_splat_pattern' ? 'list' : inner === 'dictionary_splat_pattern' ? 'dictionary' : null;
        break;
      }
      case 'list_splat_pattern':
      case 'dictionary_splat_pattern':
        name = parameter.firstNamedChild('identifier');
        splat = parameter.type === 'list_splat_pattern' ? 'list' : 'dictionary';
        break;
      default:
        continue;
    }
    entries.push({ node: parameter, name: name?.type === 'identifier' ? name : null, defaultValue, splat });
  }
  return entries;
}

/** The class a function is defined in directly (its body, possibly under decorators), if it is a method. */
/**
 * The value of a dict literal's entry whose key is the string `key` (`ignoreCase`: for header names), unparenthesized;
 * null when there is none.
 */
export function dictionaryValue(dictionary: SyntaxNode, key: string, ignoreCase = false): SyntaxNode | null {
  const wanted = ignoreCase ? key.toLowerCase() : key;
  for (const pair of dictionary.namedChildren) {
    const name = pair.type === 'pair' ? pair.child('key') : null;
    const value = pair.child('value');
    const text = name ? stringLiteralValue(name) : null;
    if (value && text !== null && (ignoreCase ? text.toLowerCase() : text) === wanted) return unparenthesize(value);
  }
  return null;
}

/** The method of a class definition with this name: the last one in its body, as Python binds it; else null. */
export function methodOf(owner: SyntaxNode, name: string): SyntaxNode | null {
  let found: SyntaxNode | null = null;
  for (const statement of owner.child('body')?.namedChildren ?? []) {
    const definition = statement.type === 'decorated_definition' ? statement.child('definition') : statement;
    if (definition?.type === 'function_definition' && definition.child('name')?.text === name) found = definition;
  }
  return found;
}

export function enclosingClass(definition: SyntaxNode): SyntaxNode | null {
  let parent = definition.parent;
  if (parent?.type === 'decorated_definition') parent = parent.parent;
  if (parent?.type === 'block') parent = parent.parent;
  return parent?.type === 'class_definition' ? parent : null;
}

/** Statement types that start a new analysis unit and scope. */
export const DEFINITION_TYPES: ReadonlySet<string> = new Set(['function_definition', 'class_definition']);

/**
 * The node types whose subtrees may hold a definition in a tree without syntax errors: Python's `def` and `class` are
 * statements, so they sit in the module, in blocks, and in the compound statements and clauses that hold blocks, never
 * in an expression. Derived from tree-sitter-python's `node-types.json` (the types from which `function_definition`
 * or `class_definition` is reachable as a child); the parser test derives it again, so a grammar that adds one fails it.
 */
export const HOLDS_DEFINITIONS: ReadonlySet<string> = new Set([
  'module', 'block', 'decorated_definition', 'function_definition', 'class_definition', 'if_statement', 'elif_clause',
  'else_clause', 'for_statement', 'while_statement', 'try_statement', 'except_clause', 'finally_clause',
  'with_statement', 'match_statement', 'case_clause',
]);

/**
 * The function and class definitions nested directly in `root` (not inside another definition), in source order,
 * as `forEachNodeInUnit` meets them, without walking expressions: only children that may hold a definition
 * (`HOLDS_DEFINITIONS`) or hold a syntax error (error recovery can put a definition anywhere) are entered. A module's
 * tables of literals are thousands of nodes that cannot hold one.
 */
export function nestedDefinitions(root: SyntaxNode): SyntaxNode[] {
  const found: SyntaxNode[] = [];
  const stack: SyntaxNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node !== root && DEFINITION_TYPES.has(node.type)) {
      found.push(node);
      continue;
    }
    const children = node.children;
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i]!;
      if (child.hasError || HOLDS_DEFINITIONS.has(child.type)) stack.push(child);
    }
  }
  return found;
}

/** The statement that contains `node` (an expression statement, an assignment, a return…). */
export function enclosingStatement(node: SyntaxNode): SyntaxNode {
  let current = node;
  while (current.parent && !current.parent.type.endsWith('block') && current.parent.type !== 'module') {
    if (current.type.endsWith('_statement') && current.type !== 'expression_statement') return current;
    current = current.parent;
  }
  return current;
}

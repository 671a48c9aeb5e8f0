import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { SourceFile } from '../server/src/engine';
import { SemanticModel, type StringShape } from '../server/src/engine/semantic/model';
import type { Binding, Scope } from '../server/src/engine/semantic/scopes';
import type { SyntaxNode } from '../server/src/engine/syntax/syntaxNode';
import { loadParser } from './support/engine';

/*
 * Function scopes are built on first use (`buildScopes`). The invariant: every answer the model gives is the answer
 * of a model that builds every scope at once (`{ eager: true }`), whatever was asked before.
 */

const at = (node: SyntaxNode | null | undefined): string => (node ? `${node.type}@${node.start}-${node.end}` : '-');
const scopeName = (scope: Scope | undefined): string => (scope ? `${scope.kind}@${scope.node.start}` : '-');
const binding = (b: Binding): string => `${b.name}:${b.kind}@${b.node.start}=${at(b.value)}/${b.qualifiedName ?? ''}/${scopeName(b.scope)}`;
const shape = (s: StringShape | null): string =>
  s ? `${s.building}<${at(s.origin)}>[${s.parts.map((p) => (p.kind === 'text' ? JSON.stringify(p.text) : at(p.node))).join(',')}]` : 'null';
const EXPRESSIONS = new Set([
  'identifier', 'attribute', 'call', 'string', 'concatenated_string', 'binary_operator', 'boolean_operator',
  'conditional_expression', 'list', 'tuple', 'set', 'parenthesized_expression', 'integer', 'subscript',
]);
const DEFINITIONS = new Set([
  'function_definition', 'class_definition', 'lambda', 'list_comprehension', 'set_comprehension',
  'dictionary_comprehension', 'generator_expression',
]);

type Question = (model: SemanticModel, node: SyntaxNode) => string | null;

/** Every question a rule (or the flow layer) can ask of the model about one node; null: not asked of this node. */
const QUESTIONS: Record<string, Question> = {
  scopeOf: (model, node) => {
    const scope = model.scopeOf(node);
    return `${scopeName(scope)}<${scopeName(scope.parent ?? undefined)}`;
  },
  bindingsOf: (model, node) => (node.type === 'identifier' ? model.bindingsOf(node).map(binding).join(' ') : null),
  isParameter: (model, node) => (node.type === 'identifier' ? String(model.isParameter(node)) : null),
  qualifiedName: (model, node) => (EXPRESSIONS.has(node.type) ? String(model.qualifiedName(node)) : null),
  calleeQualifiedName: (model, node) => (node.type === 'call' ? String(model.calleeQualifiedName(node)) : null),
  singleValue: (model, node) => (node.type === 'identifier' ? at(model.singleValue(node)) : null),
  isConstant: (model, node) => (EXPRESSIONS.has(node.type) ? String(model.isConstant(node)) : null),
  stringShape: (model, node) => (EXPRESSIONS.has(node.type) ? shape(model.stringShape(node)) : null),
  constantText: (model, node) => (EXPRESSIONS.has(node.type) ? String(model.constantText(node)) : null),
  isNumeric: (model, node) => (EXPRESSIONS.has(node.type) ? String(model.isNumeric(node)) : null),
  selfAttributeValues: (model, node) =>
    node.type === 'attribute' ? (model.selfAttributeValues(node)?.map(at).join(',') ?? 'null') : null,
  scopeOpenedBy: (model, node) => {
    if (!DEFINITIONS.has(node.type)) return null;
    const scope = model.scopeOpenedBy(node);
    if (!scope) return '-';
    const names = [...scope.bindings].map(([name, list]) => `${name}=${list.map(binding).join('|')}`);
    return `${scopeName(scope)} ${names.join(' ')} g:${[...scope.globals]} n:${[...scope.nonlocals]} m:${[...scope.mutated].sort()} c:${scope.children.map(scopeName)}`;
  },
};

/** Questions about the whole module. */
function moduleAnswers(model: SemanticModel): string {
  const module = model.moduleScope;
  return JSON.stringify({
    imports: model.importedNames(),
    nested: model.importedNames(true),
    roots: [...model.importedRoots()],
    bindings: [...module.bindings].map(([name, list]) => `${name}=${list.map(binding).join('|')}`),
    wildcards: module.wildcardImports,
    limits: model.limitsReached,
  });
}

function nodesOf(root: SyntaxNode): SyntaxNode[] {
  const nodes: SyntaxNode[] = [];
  root.walk((node) => {
    if (node.isNamed) nodes.push(node);
  });
  return nodes;
}

function assertSame(label: string, expected: Map<SyntaxNode, string>, actual: Map<SyntaxNode, string>): void {
  for (const [node, answer] of expected) {
    if (actual.get(node) !== answer) {
      assert.fail(`${label} at ${at(node)} ${JSON.stringify(node.text.slice(0, 60))}:\n  eager ${answer}\n  lazy  ${actual.get(node)}`);
    }
  }
  assert.equal(actual.size, expected.size, label);
}

/** Asks `questions` about `nodes`, node by node, of one model. */
function ask(model: SemanticModel, questions: ReadonlyArray<[string, Question]>, nodes: readonly SyntaxNode[]): Map<string, Map<SyntaxNode, string>> {
  const got = new Map(questions.map(([kind]) => [kind, new Map<SyntaxNode, string>()]));
  for (const node of nodes) {
    for (const [kind, question] of questions) {
      const answer = question(model, node);
      if (answer !== null) got.get(kind)!.set(node, answer);
    }
  }
  return got;
}

/*
 * Some answers depend on the order questions are asked in, eager or lazy (a name read while its own value is being
 * computed is "unknown", and that is memoised), so each sequence of questions is asked of an eager and of a lazy
 * model and the answers compared.
 */
async function checkAgreement(name: string, text: string): Promise<void> {
  const parser = await loadParser();
  agreeOn(name, parser.parseOnce(text).root);
}

function agreeOn(name: string, root: SyntaxNode): void {
  const nodes = nodesOf(root);
  const reversed = [...nodes].reverse();
  const all = Object.entries(QUESTIONS);
  const compare = (label: string, questions: ReadonlyArray<[string, Question]>, order: readonly SyntaxNode[]): void => {
    const expected = ask(new SemanticModel(root, { eager: true }), questions, order);
    const actual = ask(new SemanticModel(root), questions, order);
    for (const [kind] of questions) assertSame(`${name}: ${kind} (${label})`, expected.get(kind)!, actual.get(kind)!);
  };

  // Module-wide answers first, from a model nothing has expanded yet.
  const eagerModule = moduleAnswers(new SemanticModel(root, { eager: true }));
  assert.equal(moduleAnswers(new SemanticModel(root)), eagerModule, `${name}: module answers`);
  // Each kind of question alone, on fresh models (so nothing else has built the functions it needs).
  for (const question of all) compare('alone', [question], reversed);
  // Everything, node by node, in both orders.
  compare('interleaved, last node first', all, reversed);
  compare('interleaved, in order', all, nodes);
  // The module answers of a model that has built everything.
  const expanded = new SemanticModel(root);
  ask(expanded, all, nodes);
  assert.equal(moduleAnswers(expanded), eagerModule, `${name}: module answers after expansion`);
}

const SNIPPETS: Record<string, string> = {
  'nested functions changing outer lists': [
    'ITEMS = ["a", "b"]',
    'FLAGS = {"x"}',
    'PLAIN = ["c"]',
    'def add(v):',
    '    def inner():',
    '        ITEMS.append(v)',
    '    inner()',
    'def other():',
    '    FLAGS.add("y")',
    '    return "ITEMS"',
    'def outer():',
    '    parts = ["SELECT"]',
    '    def helper(x):',
    '        parts.append(x)',
    '    cmd = ["ls"]',
    '    run = lambda x: cmd.extend(x)',
    '    seen = ["k"]',
    '    [seen.__setitem__(0, i) for i in range(3)]',
    '    table = ["t"]',
    '    def deep():',
    '        def deeper():',
    '            table[0] = input()',
    '    return " ".join(parts), cmd, seen, table',
    'def uses():',
    '    return " ".join(ITEMS) + " ".join(FLAGS) + " ".join(PLAIN)',
    'class K:',
    '    NAMES = ["n"]',
    '    def m(self):',
    '        NAMES.append(1)',
    '        self.NAMES.append(2)',
    'x_y = ["z"]',
    'def near():',
    '    x_y_z = 1',
    '    x_y.append(2)',
    // Changed only in a method: the class holding it is looked into, the one that never names it is not.
    'REGISTRY = ["r"]',
    'class Quiet:',
    '    def m(self):',
    '        return "REGISTRY_X"',
    'class Holder:',
    '    class Inner:',
    '        def keep(self, v):',
    '            REGISTRY.append(v)',
    'def listed():',
    '    return " ".join(REGISTRY)',
    '',
  ].join('\n'),
  'nonlocal and global': [
    'counter = 0',
    'name = "a"',
    'def bump():',
    '    global counter, name',
    '    counter += 1',
    '    name = name + input()',
    'def outer():',
    '    total = "x"',
    '    def inner():',
    '        nonlocal total',
    '        total = total + input()',
    '    def plain():',
    '        return total',
    '    inner()',
    '    return total',
    'def reads():',
    '    return name, counter',
    'def later():',
    '    def first():',
    '        def second():',
    '            global late',
    '            late = "q"',
    'print(late)',
    '',
  ].join('\n'),
  'imports inside functions': [
    'import os',
    'def f(cmd):',
    '    import subprocess as sp',
    '    from shlex import quote',
    '    def g():',
    '        return sp.call(quote(cmd), shell=True)',
    '    return g',
    'def h():',
    '    from os.path import *',
    'def k(x):',
    '    def j():',
    '        from .. import sibling',
    '        return sibling.run(x)',
    'def important(): return os.system("x")',
    '',
  ].join('\n'),
  'classes, methods, lambdas, comprehensions': [
    'import subprocess',
    'BASE = "ls "',
    'class Runner(object):',
    '    TABLE = "users"',
    '    order = ["id"]',
    '    def __init__(self, flag="-l"):',
    '        self.flag = flag',
    '        self.cmd = BASE + "-a"',
    '    def run(self, arg):',
    '        query = "SELECT * FROM " + self.TABLE + " WHERE x = %s" % arg',
    '        subprocess.call(self.cmd + arg, shell=True)',
    '        class Inner:',
    '            LOCAL = "v"',
    '            def go(self):',
    '                return self.LOCAL + Runner.TABLE',
    '        f = lambda a, b=BASE: a + b',
    '        g = [y for x in range(3) if (y := x * 2)]',
    '        h = {k: v for k, v in zip("ab", "cd")}',
    '        return query, f, g, h, (z for z in self.order)',
    '    @staticmethod',
    '    def helper(q: str = "dflt", *args, **kw) -> "Runner":',
    '        async def co():',
    '            async with q as r:',
    '                return r',
    '        for (a, b) in [(1, 2)]:',
    '            try:',
    '                pass',
    '            except ValueError as e:',
    '                raise e from None',
    '        match q:',
    '            case [first, *rest]:',
    '                return first',
    '            case {"k": val}:',
    '                return val',
    '        return co',
    'def defaults(a=lambda: [n for n in range(2)], b=(m := 3)):',
    '    return a, b, m',
    '',
  ].join('\n'),
  'rebinding and string building': [
    'def build(user):',
    '    q = "SELECT "',
    '    q += "* FROM t"',
    '    q += " WHERE u = \'%s\'" % user',
    '    r = q',
    '    s = f"{q} LIMIT {1}"',
    '    t = "{} {}".format(q, "x")',
    '    u = ", ".join([q, "y"])',
    '    n = len(q)',
    '    def inner():',
    '        return q + r + s',
    '    x = x = q',
    '    return q, r, s, t, u, n, inner',
    '',
  ].join('\n'),
  'syntax errors': [
    'def broken(cmd):',
    '    subprocess.call(cmd, shell=True',
    'def fine(x):',
    '    def inner():',
    '        xs = [1]',
    '        xs.append(x)',
    '    return inner',
    'def half(',
    '    return 1',
    'from os system',
    'def after():',
    '    from x y',
    '    return y',
    '',
  ].join('\n'),
};

describe('lazy function scopes agree with building every scope at once', () => {
  for (const [name, text] of Object.entries(SNIPPETS)) {
    test(name, async () => checkAgreement(name, text));
  }

  // Whether a function must be built at once is remembered per body and header across edits (`eagerness`): after
  // each edit of an incrementally parsed document (bodies tree-sitter reused keep their copies), the answers agree.
  test('across edits that add and remove statements reaching outside a function', async () => {
    const text = ['X = ["a"]', 'def f(a):', '    y = a', '    return y', 'def g(b):', '    return X', ''].join('\n');
    const source = new SourceFile(await loadParser(), text);
    const edits: Array<[string, string]> = [
      ['    y = a', '    global X\n    X = a\n    y = a'],
      ['def f(a):', 'def f(a=importer):'],
      ['    global X\n    X = a\n', '    X.append(a)\n'],
      ['def f(a=importer):', 'def f(a):'],
      ['    return X', '    nonlocal_x = 1\n    return X'],
      ['    X.append(a)\n', '    import os as X\n'],
    ];
    try {
      agreeOn('before the edits', source.syntax.root);
      for (const [i, [from, to]] of edits.entries()) {
        const at = source.text.indexOf(from);
        assert.ok(at >= 0, `edit ${i + 1}: ${from}`);
        source.edit(at, at + from.length, to);
        agreeOn(`after edit ${i + 1}`, source.syntax.root);
      }
    } finally {
      source.dispose();
    }
  });

  // Eager and lazy models prune the same way (`mutatedBelow` looks into a class or function only when its text
  // names the list), so the answer itself is checked here, across edits that move the change in and out of classes.
  test('a list changed in place in a method of a nested class, or after edits, is no constant', async () => {
    const text = SNIPPETS['nested functions changing outer lists']!;
    const source = new SourceFile(await loadParser(), text);
    const constantAtUse = (): boolean => {
      const root = source.syntax.root;
      const use = root.descendantsOfType('identifier').filter((node) => node.text === 'REGISTRY').at(-1)!;
      return new SemanticModel(root).isConstant(use);
    };
    try {
      assert.equal(constantAtUse(), false, 'changed in Holder.Inner.keep');
      const call = '            REGISTRY.append(v)';
      let at = source.text.indexOf(call);
      source.edit(at, at + call.length, '            pass');
      assert.equal(constantAtUse(), true, 'changed nowhere');
      at = source.text.indexOf('        return "REGISTRY_X"');
      source.edit(at, at, '        REGISTRY[0] = input()\n');
      assert.equal(constantAtUse(), false, 'changed in Quiet.m');
    } finally {
      source.dispose();
    }
  });

  const stdlib = '/usr/lib/python3.11';
  const files = ['_pydecimal.py', 'argparse.py', 'inspect.py', 'json/encoder.py', 'subprocess.py', 'string.py'];
  for (const file of files) {
    const path = `${stdlib}/${file}`;
    test(`stdlib ${file}`, { skip: !existsSync(path) && `${path} is not installed` }, async () => {
      await checkAgreement(file, readFileSync(path, 'utf8'));
    });
  }
});

describe('imported names', () => {
  // `importedNames` reads the lists of imports each scope keeps as they are bound (`Scope.imports`): imports in
  // classes and nested functions count for `nested`, one a function binds in the module (`global`) counts for both,
  // and the lists survive a later model taking the scopes over.
  test('at module level, and in every scope with nested, after edits too', async () => {
    const text = [
      'import os, os.path as osp',
      'from a.b import c as d',
      'from .sibling import helper',
      'class K:',
      '    import json',
      'def f():',
      '    import subprocess',
      '    def g():',
      '        from x import y',
      'def h():',
      '    global q',
      '    import q',
      'def plain():',
      '    return 1',
      '',
    ].join('\n');
    const source = new SourceFile(await loadParser(), text);
    const names = (nested: boolean, previous?: SemanticModel): { names: string[]; model: SemanticModel } => {
      const model = new SemanticModel(source.syntax.root, previous ? { previous: previous.scopeTree } : {});
      return { names: [...model.importedNames(nested)].sort(), model };
    };
    try {
      const moduleLevel = ['.sibling.helper', 'a.b.c', 'os', 'os.path', 'q'];
      const everywhere = [...moduleLevel, 'json', 'subprocess', 'x.y'].sort();
      const first = names(false);
      assert.deepEqual(first.names, moduleLevel);
      assert.deepEqual(names(true).names, everywhere);
      assert.deepEqual([...first.model.importedRoots()].sort(), ['a', 'os', 'q', 'sibling']);
      // An edit in another function: the next model takes over the scopes of `f`, `g`, `h` and `K`.
      const at = source.text.indexOf('return 1');
      source.edit(at, at + 'return 1'.length, 'return 2');
      const second = names(true, first.model);
      assert.deepEqual(second.names, everywhere);
      assert.deepEqual(second.model.importedNames(false).slice().sort(), moduleLevel);
    } finally {
      source.dispose();
    }
  });
});

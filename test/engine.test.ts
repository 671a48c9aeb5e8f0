import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { analyzeText, LineIndex, SourceFile } from '../server/src/engine';
import { SemanticModel, shapeTemplate, shapeValues } from '../server/src/engine/semantic/model';
import { memoByName } from '../server/src/engine/rules/support/nameMemo';
import { directWalks, setDirectWalks } from '../server/src/engine/syntax/cursor';
import { forEachNodeInUnit } from '../server/src/engine/analysis/units';
import { callArguments, DEFINITION_TYPES, HOLDS_DEFINITIONS, nestedDefinitions, rememberingCallArguments } from '../server/src/engine/syntax/python';
import { shorten } from '../server/src/engine/syntax/snippets';
import { LEFT_OVERS, type SyntaxNode } from '../server/src/engine/syntax/syntaxNode';
import { loadParser } from './support/engine';

/**
 * Every node of a copy (type, offsets, field, flags, parent, and with `ids` its tree-sitter id), its comments and whether
 * it has errors, one per line. Copies of one tree compare ids too: every id in a copy must be its node's in the tree it
 * mirrors (the next copy trusts the subtrees whose ids match, `sameShape`).
 */
function dumpCopy(tree: { root: SyntaxNode; comments: readonly SyntaxNode[]; hasErrors: boolean }, ids = true): string {
  const lines: string[] = [];
  const stack: SyntaxNode[] = [tree.root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    lines.push(`${node.type}|${node.start}|${node.end}|${node.field}|${node.isNamed}|${node.isMissing}|${node.hasError}|${node.parent?.type}|${node.text.length}${ids ? `|${node.tsId}` : ''}`);
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
  lines.push(`comments ${tree.comments.map((comment) => `${comment.start}:${comment.text}`).join(',')}`, `errors ${tree.hasErrors}`);
  return lines.join('\n');
}

/** The text of the first `count` rule fixtures, joined: a few hundred lines of varied Python. */
function fixtureText(count: number): string {
  const fixtures = join(__dirname, 'fixtures', 'rules');
  return readdirSync(fixtures)
    .filter((name) => name.endsWith('.py'))
    .sort()
    .slice(0, count)
    .map((name) => readFileSync(join(fixtures, name), 'utf8'))
    .join('\n');
}

/** `classes` classes of `methods` methods each, with nested blocks: a file where most statements sit in blocks. */
function nestedClasses(classes: number, methods: number): string {
  const lines: string[] = [];
  for (let c = 0; c < classes; c++) {
    lines.push(`class C${c}(Base):`, `    """Class ${c}."""`, '');
    for (let m = 0; m < methods; m++) {
      lines.push(
        `    def m${m}(self, value):`,
        `        # method ${m}`,
        `        if value > ${m}:`,
        `            self.total = value * ${m}`,
        '            for item in self.items:',
        `                item.update(value, key="k${m}")`,
        '        else:',
        '            self.total = 0',
        '        return self.total',
        '',
      );
    }
  }
  return lines.join('\n');
}

/** Tuple assignments among classes and functions: where expressions and patterns share their syntax. */
const TUPLES = [
  '"""A module of tuple assignments between classes."""',
  'import codecs',
  '',
  'first, second = codecs.lookup, codecs.encode',
  'left = first, second',
  '',
  'def pair(a, b):',
  '    return a, b',
  '',
  'class Reader(codecs.StreamReader):',
  '    decode = codecs.utf_8_decode',
  '    low, high = 0, 255',
  '',
  'class Writer(codecs.StreamWriter):',
  '    encode = codecs.utf_8_encode',
  '    window = low, high = 1, 2',
  '',
  'def entry():',
  '    x, y = pair(1, 2)',
  '    total = x, y',
  '    return codecs.CodecInfo(',
  "        name='pairs',",
  '        encode=Writer,',
  '        decode=Reader,',
  '    )',
  '',
  'values = entry(), pair(3, 4)',
  '',
].join('\n');

function calls(root: SyntaxNode): SyntaxNode[] {
  return root.descendantsOfType('call');
}

describe('parser', () => {
  test('the pinned grammar loads and parses Python 3.12 syntax without errors', async () => {
    const parser = await loadParser();
    const source = [
      'type Pair[T] = tuple[T, T]',
      'class Box[T: (int, str)]:',
      '    def get[U](self, default: U) -> T | U: ...',
      'def f(point):',
      '    match point:',
      '        case {"x": int(x), **rest} if x > 0:',
      '            return f"{x!r:>{width}} {f"{rest}"}"',
      '        case [1, *others]:',
      '            pass',
      '        case _:',
      '            return None',
      'async def g():',
      '    async with a as b, c as d:',
      '        await (y := 3)',
      'try:',
      '    pass',
      'except* ValueError as group:',
      '    pass',
      '',
    ].join('\n');
    const syntax = parser.parseOnce(source);
    assert.equal(syntax.hasErrors, false, 'Python 3.12 syntax parses cleanly');
    const fstrings = syntax.root.descendantsOfType('string').filter((node) => node.text.startsWith('f"{x'));
    assert.equal(fstrings.length, 1);
    assert.ok(fstrings[0]!.descendantsOfType('interpolation').length >= 3, 'nested f-string fields are parsed');
  });

  test('offsets are UTF-16 code units, like LSP positions', async () => {
    const parser = await loadParser();
    const text = 's = "é😀"; t = yaml.load(x)\n';
    const syntax = parser.parseOnce(text);
    const call = calls(syntax.root)[0]!;
    assert.equal(call.text, 'yaml.load(x)');
    assert.equal(text.slice(call.start, call.end), 'yaml.load(x)');
    assert.deepEqual(new LineIndex(text).positionAt(call.start), { line: 0, character: 15 }, 'the emoji counts as two units');
  });

  test('incremental edits keep the tree equal to a fresh parse', async () => {
    const parser = await loadParser();
    const file = new SourceFile(parser, 'def f(a):\n    return a\n');
    try {
      void file.syntax;
      file.edit(10, 10, '    x = "é"\n');
      file.edit(0, 3, 'async def');
      assert.equal(file.text, 'async def f(a):\n    x = "é"\n    return a\n');
      const dump = (node: SyntaxNode): string => `${node.type}[${node.start},${node.end}](${node.children.map(dump).join(' ')})`;
      assert.equal(dump(file.syntax.root), dump(parser.parseOnce(file.text).root));
    } finally {
      file.dispose();
    }
  });

  // Three texts: the rule fixtures (mostly module-level code); classes of methods with nested blocks, edited with
  // indentation (statements of a block that tree-sitter rebuilt are taken over by place and text, `rebuiltInBlock`);
  // and tuple assignments, whose shape the takeover checks.
  const reuseCases = [
    { name: 'rule fixtures', text: () => fixtureText(6), pieces: ['x', ' ', '\n', '\n    ', '(', ')', '"', "'", ':', '# note\n', 'def g(a):\n    return a\n', ''] },
    {
      name: 'nested blocks',
      text: () => nestedClasses(3, 12),
      pieces: ['x', ' ', '    ', '\t', '\f', '\n', '\n        ', ':', '(', '"', 'if a:\n            b = 1\n        ', '# c\n    ', 'def h(self):\n        pass\n    ', ''],
    },
    {
      // tree-sitter can parse the same text of a rebuilt statement differently (`a = b, c`: `expression_list` or
      // `pattern_list`): it is taken over only when its shape matches (`sameShape`). These seeds diverged without it.
      name: 'tuple assignments',
      text: () => TUPLES,
      pieces: ['x', ' ', '    ', '\t', '\f', '\n', '\n        ', ':', '(', ')', '"', 'if a:\n            b = 1\n        ', '# c\n    ', 'def h(self):\n        pass\n    ', ''],
      seeds: [5, 20, 104],
    },
  ];
  for (const { name, text: textOf, pieces, seeds = [20261130] } of reuseCases)
  for (const drops of ['every few keystrokes', 'on every keystroke'] as const)
  for (const first of seeds)
  test(`a copy that reuses the previous one equals a fresh copy of the same tree, through typing and syntax errors (${name}, seed ${first}; left-over reuse entries dropped ${drops})`, async () => {
    // The incremental copy takes over the previous copy's reusable subtrees (shared text, reuse entries: nodes before
    // the edit are not visited, nodes after it only shifted). Compared with a fresh copy of the very same tree-sitter
    // tree, so the check is exact even where tree-sitter's incremental error recovery differs from a fresh parse.
    const parser = await loadParser();
    const text = textOf();
    const dump = dumpCopy;
    let seed = first;
    const random = (below: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % below;
    };
    const file = new SourceFile(parser, text);
    const defaults = { ...LEFT_OVERS };
    if (drops === 'on every keystroke') Object.assign(LEFT_OVERS, { kept: 0, keptPerLive: 0 });
    try {
      void file.syntax;
      for (let i = 0; i < 60; i++) {
        const at = random(file.text.length);
        const removed = random(4) === 0 ? random(20) : 0;
        file.edit(at, Math.min(file.text.length, at + removed), pieces[random(pieces.length)]!);
        const incremental = dump(file.syntax);
        // Reuse chains of 3 edits, then of 10 (a check releases the copy: the next copy starts from a fresh one).
        const chain = i < 30 ? 3 : 10;
        if (i % chain !== chain - 1) continue;
        file.releaseSyntax();
        assert.equal(incremental, dump(file.syntax), `after edit ${i + 1}`);
      }
    } finally {
      Object.assign(LEFT_OVERS, defaults);
      file.dispose();
    }
  });

  test('the first edit of a freshly parsed class takes over the copies of the methods tree-sitter rebuilt unchanged', async () => {
    // After a fresh parse, tree-sitter's first reparses rebuild most statements of the edited block (here, the other
    // methods of the class), bodies and all, under new ids: the copy finds them by place and text instead of copying
    // them again (`rebuiltInBlock`), and the next edits keep them.
    const parser = await loadParser();
    const text = nestedClasses(2, 40);
    const file = new SourceFile(parser, text);
    try {
      const methodsOf = (root: SyntaxNode): SyntaxNode[] => root.children[0]!.child('body')!.children.filter((node) => node.type === 'function_definition');
      const before = methodsOf(file.syntax.root);
      const at = text.indexOf('# method 10');
      const edits: Array<[number, string]> = [[at, 'x'], [at + 1, 'y'], [text.indexOf('return self.total', at), '\n        ']];
      for (const [offset, inserted] of edits) {
        file.edit(offset, offset, inserted);
        const after = methodsOf(file.syntax.root);
        assert.equal(after.length, before.length);
        const kept = after.filter((node, i) => node === before[i]).length;
        // The edited method is copied again (its comment changed); every other one is the same object.
        assert.equal(kept, before.length - 1, `methods taken over after inserting ${JSON.stringify(inserted)}`);
        assert.equal(after[39]!.text, before[39]!.text);
        before.splice(0, before.length, ...after);
      }
      const incremental = dumpCopy(file.syntax);
      file.releaseSyntax();
      assert.equal(incremental, dumpCopy(file.syntax));
    } finally {
      file.dispose();
    }
  });

  test('a walk that calls the runtime directly copies what the public cursor copies, through typing and syntax errors', async () => {
    // The direct walk keeps the cursor in the runtime's transfer buffer instead of copying it in and out on every call
    // (`syntax/cursor.ts`): any other runtime call in the middle of a walk would clobber it. Two documents take the
    // same edits; one is copied with direct walks, the other through web-tree-sitter's public TreeCursor.
    const parser = await loadParser();
    assert.ok(directWalks(), 'PythonParser.load lets walks call the runtime directly');
    const text = fixtureText(8);
    const direct = new SourceFile(parser, text);
    const cursor = new SourceFile(parser, text);
    const copy = (file: SourceFile, directly: boolean): string => {
      setDirectWalks(directly);
      try {
        return dumpCopy(file.syntax, false);
      } finally {
        setDirectWalks(true);
      }
    };
    let seed = 20261130;
    const random = (below: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % below;
    };
    // Typing first (definitions rebuilt around reused bodies: the walk asks the runtime whether a node has an error),
    // then brackets and quotes that pile errors up.
    const pieces = ['x', ' ', '\n    ', 'def g(a):\n    return a\n', '(', '"', "'", '"""', ')', ':', '\n'];
    try {
      assert.equal(copy(direct, true), copy(cursor, false));
      for (let i = 0; i < 40; i++) {
        const at = random(direct.text.length);
        const piece = pieces[i < 20 ? random(4) : random(pieces.length)]!;
        direct.edit(at, at, piece);
        cursor.edit(at, at, piece);
        assert.equal(copy(direct, true), copy(cursor, false), `after edit ${i + 1}`);
      }
      assert.ok(direct.syntax.hasErrors, 'the edits left syntax errors');
    } finally {
      direct.dispose();
      cursor.dispose();
    }
  });

  test("a call's arguments are read once while a unit's rules run, and forgotten after", async () => {
    const parser = await loadParser();
    const call = calls(parser.parseOnce('f(a, b=1, *c)\n').root)[0]!;
    const outside = callArguments(call);
    assert.deepEqual(outside.positional.map((node) => node.text), ['a']);
    assert.deepEqual([...outside.keywords.keys()], ['b']);
    assert.equal(outside.hasUnpacking, true);
    assert.notEqual(callArguments(call), outside, 'read afresh outside a rule run');
    rememberingCallArguments(() => {
      const first = callArguments(call);
      assert.equal(callArguments(call), first, 'read once inside');
      assert.deepEqual(first, outside);
      rememberingCallArguments(() => assert.notEqual(callArguments(call), first, 'an inner run has its own memo'));
      assert.equal(callArguments(call), first, 'the outer memo is back after an inner run');
    });
    assert.notEqual(callArguments(call), outside, 'forgotten after');
  });

  test('a name memo reads each name once, and starts over past its limit', () => {
    const read: string[] = [];
    const lengthOf = memoByName((name) => {
      read.push(name);
      return { length: name.length };
    }, 2);
    assert.equal(lengthOf('alpha'), lengthOf('alpha'));
    lengthOf('beta');
    assert.deepEqual(read, ['alpha', 'beta']);
    lengthOf('gamma');
    lengthOf('alpha');
    assert.deepEqual(read, ['alpha', 'beta', 'gamma', 'alpha'], 'the third name started the memo over');
  });

  test('a half-typed call is recovered as a call', async () => {
    const parser = await loadParser();
    const syntax = parser.parseOnce('def f(cmd):\n    subprocess.call(cmd, shell=True\n\nx = 1\n');
    assert.equal(syntax.hasErrors, true);
    const recovered = calls(syntax.root).find((node) => node.child('function')?.text === 'subprocess.call');
    assert.ok(recovered, 'subprocess.call( is a call');
    assert.deepEqual(
      recovered.child('arguments')!.namedChildren.map((node) => node.text),
      ['cmd', 'shell=True'],
      'its arguments stop before the next statement',
    );
  });

  test('a 100-level nested expression and 10k-deep brackets do not overflow the stack', async () => {
    const parser = await loadParser();
    const nested = 'x = ' + '('.repeat(100) + 'eval(s)' + ')'.repeat(100) + '\n';
    assert.equal(analyzeText(parser, nested).ruleErrors.length, 0);
    const garbage = '['.repeat(10_000);
    const result = analyzeText(parser, garbage);
    assert.deepEqual(result.ruleErrors, []);
  });

  test('HOLDS_DEFINITIONS is every node type a definition can sit in, by the grammar\'s node-types.json', () => {
    type NodeType = { type: string; subtypes?: { type: string }[]; fields?: Record<string, { types: { type: string }[] }>; children?: { types: { type: string }[] } };
    const types = JSON.parse(readFileSync(join(__dirname, '..', 'node_modules', 'tree-sitter-python', 'src', 'node-types.json'), 'utf8')) as NodeType[];
    const subtypes = new Map(types.filter((t) => t.subtypes).map((t) => [t.type, t.subtypes!.map((s) => s.type)]));
    const concrete = (type: string): string[] => (subtypes.has(type) ? subtypes.get(type)!.flatMap(concrete) : [type]);
    const children = new Map(
      types.map((t) => [t.type, new Set([...Object.values(t.fields ?? {}), ...(t.children ? [t.children] : [])].flatMap((slot) => slot.types.flatMap((c) => concrete(c.type))))]),
    );
    // The types from which a definition is reachable as a child, to a fixed point.
    const holds = new Set<string>();
    for (let grew = true; grew; ) {
      grew = false;
      for (const [type, kids] of children) {
        if (holds.has(type) || subtypes.has(type)) continue;
        if ([...kids].some((kid) => DEFINITION_TYPES.has(kid) || holds.has(kid))) {
          holds.add(type);
          grew = true;
        }
      }
    }
    assert.deepEqual([...HOLDS_DEFINITIONS].sort(), [...holds].sort());
  });

  test('nestedDefinitions finds what a walk of every node finds, in clean and in broken code', async () => {
    const parser = await loadParser();
    const texts = [
      ['@dec', 'def a():', '    def b(): pass', '    f = lambda: [x for x in y]', '    class C:', '        def m(self): pass', 'if x:', '    def c(): pass', 'elif y:', '    class D: pass', 'else:', '    def e(): pass'].join('\n'),
      ['try:', '    def f(): pass', 'except E:', '    def g(): pass', 'finally:', '    def h(): pass', 'with a:', '    for i in x:', '        while y:', '            def k(): pass', 'match v:', '    case 1:', '        def m(): pass'].join('\n'),
      ['TABLE = [', '    (1, "a"),', '    {"k": [f(x) for x in range(3)]},', ']', 'def after(): pass'].join('\n'),
      // Broken: error recovery may put a definition inside an expression's error.
      ['x = foo(', 'def f():', '    pass', 'y = [1, 2', 'class C:', '    def m(self): pass'].join('\n'),
      ['d = {', '@dec', 'def g(): pass', '"k": (', 'def h(', '    pass'].join('\n'),
    ];
    for (const text of texts) {
      const { root } = parser.parseOnce(text);
      const queue = [root];
      while (queue.length > 0) {
        const node = queue.pop()!;
        const walked: SyntaxNode[] = [];
        forEachNodeInUnit(node, () => {}, (definition) => walked.push(definition));
        assert.deepEqual(nestedDefinitions(node).map((d) => d.start), walked.map((d) => d.start), `in ${JSON.stringify(text)} under the ${node.type} at ${node.start}`);
        queue.push(...walked);
      }
    }
  });
});

describe('code snippets', () => {
  test('shorten reads only the start of a long text and gives what collapsing the whole text gives', () => {
    const whole = (text: string, max: number): string => {
      const oneLine = text.replace(/\s*\n\s*/g, ' ').trim();
      return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1).trimEnd()}…`;
    };
    const piece = fc.constantFrom('x', 'call(a, b)', ' ', '  ', '\n', '\n    ', '\r\n', '\t', '"s"', '😀', '\u00a0');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 400 }), fc.integer({ min: 1, max: 80 }), (pieces, max) => {
        const text = pieces.join('');
        assert.equal(shorten(text, max), whole(text, max));
      }),
      { numRuns: 500, seed: 20261130 },
    );
    assert.equal(shorten(`f(${' \n'.repeat(200)}x)`, 10), 'f( x)');
  });
});

describe('line index', () => {
  test('lines end at \\n, \\r\\n and lone \\r, as in LSP', () => {
    const index = new LineIndex('a\r\nbb\rc\n\nd');
    assert.equal(index.lineCount, 5);
    assert.deepEqual(index.positionAt(3), { line: 1, character: 0 });
    assert.deepEqual(index.positionAt(6), { line: 2, character: 0 });
    assert.equal(index.offsetAt({ line: 1, character: 99 }), 5, 'characters past the end clamp to the line end');
    assert.equal(index.lineText(1), 'bb');
    assert.equal(index.offsetAt({ line: 9, character: 0 }), 10, 'lines past the end clamp to the end');
    assert.deepEqual(index.positionAt(2), { line: 0, character: 1 }, 'between the \\r and the \\n of a line end: its end');
  });

  test('an index made from the one before an edit equals a fresh index of the new text', () => {
    let seed = 7;
    const random = (below: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % below;
    };
    // Inserts, deletions and replacements at line starts, line ends and inside lines; `\r` only in the last part.
    const pieces = ['', 'a', '\n', 'ab\ncd\n', '\n\n', 'x\n', 'é😀\n', '\r', '\r\n'];
    let text = 'line1\nline2\n\nline4';
    let index = new LineIndex(text);
    const lines = (of: LineIndex): number[] => Array.from({ length: of.lineCount }, (_, line) => of.lineStart(line));
    for (let i = 0; i < 3000; i++) {
      const from = random(text.length + 1);
      const to = Math.min(text.length, from + (random(3) === 0 ? random(12) : 0));
      const inserted = pieces[random(i < 2500 ? pieces.length - 2 : pieces.length)]!;
      text = text.slice(0, from) + inserted + text.slice(to);
      index = LineIndex.afterEdit(index, text, from, to, inserted);
      const fresh = new LineIndex(text);
      assert.deepEqual(lines(index), lines(fresh), `after edit ${i + 1}`);
      assert.equal(index.hasCarriageReturn, fresh.hasCarriageReturn);
      if (text.length > 2000) index = new LineIndex((text = text.slice(0, 300)));
    }
  });
});

describe('semantic model', () => {
  async function model(source: string) {
    const parser = await loadParser();
    const syntax = parser.parseOnce(source);
    return { root: syntax.root, model: new SemanticModel(syntax.root) };
  }

  test('resolves calls through imports, aliases and from-imports', async () => {
    const { root, model: m } = await model(
      [
        'import subprocess as sp',
        'from os import system as run',
        'from yaml import load',
        'import os.path',
        'import xml.etree.ElementTree as ET',
        'shell = sp.Popen',
        'def f(eval):',
        '    sp.call(x); run(x); load(x); os.path.join(x); ET.parse(x); shell(x); eval(x); exec(x)',
        'def exec(x): pass',
      ].join('\n'),
    );
    const names = calls(root).map((call) => [call.child('function')!.text, m.calleeQualifiedName(call)]);
    assert.deepEqual(names, [
      ['sp.call', 'subprocess.call'],
      ['run', 'os.system'],
      ['load', 'yaml.load'],
      ['os.path.join', 'os.path.join'],
      ['ET.parse', 'xml.etree.ElementTree.parse'],
      ['shell', 'subprocess.Popen'],
      ['eval', null], // a parameter shadows the builtin
      ['exec', null], // a module-level def shadows the builtin
    ]);
  });

  test('tells constant strings from strings built with data', async () => {
    const { root, model: m } = await model(
      [
        'TABLE = "users"',
        'COLUMNS = ", ".join(["id", "name"])',
        'def f(uid, n=3):',
        '    a = "SELECT " + COLUMNS + " FROM " + TABLE',
        '    b = f"SELECT * FROM {TABLE} WHERE id = {uid}"',
        '    c = "SELECT %s FROM t" % (TABLE,)',
        '    d = "id = {}".format(int(uid))',
        '    e = "x"',
        '    e += uid',
        '    use(a, b, c, d, e, TABLE, "lit" "eral", n)',
      ].join('\n'),
    );
    const use = calls(root).find((call) => call.child('function')!.text === 'use')!;
    const args = use.child('arguments')!.namedChildren;
    assert.deepEqual(
      args.map((arg) => m.isConstant(arg)),
      [true, false, true, false, false, true, true, false],
    );
    const built = m.stringShape(args[1]!)!;
    assert.equal(built.building, 'f-string');
    assert.equal(shapeTemplate(built), 'SELECT * FROM users WHERE id = ?');
    assert.deepEqual(shapeValues(built).map((node) => node.text), ['uid']);
    assert.equal(built.origin.text, 'f"SELECT * FROM {TABLE} WHERE id = {uid}"', 'origin is where the string was built');
    const formatted = m.stringShape(args[3]!)!;
    assert.equal(formatted.building, 'str.format()');
    assert.ok(m.isNumeric(shapeValues(formatted)[0]!), 'int(...) is numeric');
    const augmented = m.stringShape(args[4]!)!;
    assert.deepEqual(shapeValues(augmented).map((node) => node.text), ['uid'], '+= pieces are followed');
  });

  test('a name assigned from itself refers to its earlier value, without endless recursion', async () => {
    const { root, model: m } = await model(['NAME = "a"', 'NAME = "{}/{}".format(NAME, x)', 'use(NAME)', 'LOOP = LOOP + "x"', 'use(LOOP)'].join('\n'));
    const uses = calls(root).filter((call) => call.child('function')!.text === 'use');
    assert.equal(m.isConstant(uses[0]!.child('arguments')!.namedChildren[0]!), false);
    assert.deepEqual(shapeValues(m.stringShape(uses[0]!.child('arguments')!.namedChildren[0]!)!).map((n) => n.text), ['x']);
    assert.equal(m.isConstant(uses[1]!.child('arguments')!.namedChildren[0]!), false);
  });

  test('scopes: class bodies are not visible from methods, comprehension variables stay inside', async () => {
    const { root, model: m } = await model(
      [
        'import yaml',
        'class C:',
        '    yaml = None',
        '    def m(self):',
        '        return yaml.load(s)',
        'def g(items):',
        '    [yaml for yaml in items]',
        '    return yaml.load(s)',
      ].join('\n'),
    );
    const loads = calls(root).filter((call) => call.child('function')!.text === 'yaml.load');
    assert.deepEqual(loads.map((call) => m.calleeQualifiedName(call)), ['yaml.load', 'yaml.load']);
  });
});

describe('architecture', () => {
  test('the engine imports nothing from editors or LSP libraries', () => {
    const engine = join(__dirname, '..', 'server', 'src', 'engine');
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (path.endsWith('.ts')) files.push(path);
      }
    };
    walk(engine);
    assert.ok(files.length > 10);
    for (const file of files) {
      const imports = [...readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)].map((match) => match[1]!);
      for (const specifier of imports) {
        assert.ok(!/^vscode/.test(specifier), `${file} imports ${specifier}`);
        assert.ok(!/\/(lsp|cli|host)\//.test(specifier), `${file} imports ${specifier}`);
        assert.ok(!/^node:/.test(specifier) || specifier === 'node:util', `${file} does I/O through ${specifier}`);
      }
    }
  });
});

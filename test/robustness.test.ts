// Inputs that once made analysis exponential, quadratic or silently partial. Each test asserts the answer, not a
// time: an exponential or quadratic engine does not finish them within the test runner's timeout.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Analyzer, analyzeText, LineIndex, ruleById, type Rule } from '../server/src/engine';
import { SemanticModel, shapeTemplate, shapeValues } from '../server/src/engine/semantic/model';
import { loadParser } from './support/engine';

const lines = (count: number, line: (index: number) => string): string =>
  Array.from({ length: count }, (_, index) => line(index)).join('');

async function findings(text: string, select: string[]) {
  const parser = await loadParser();
  const result = analyzeText(parser, text, { select });
  assert.deepEqual(result.ruleErrors, []);
  return result;
}

describe('value-following is linear', () => {
  test('a command rebuilt 3,000 times (`q = q + " -x"`) is still known to be constant', async () => {
    const text = `import subprocess\nq = 'ls'\n${lines(3000, () => "q = q + ' -x'\n")}subprocess.call(q, shell=True)\n`;
    const result = await findings(text, ['VG102']);
    assert.equal(result.findings.length, 1);
    assert.equal(result.findings[0]!.severity, 'low', 'a constant command is only a note');
    assert.deepEqual(result.partial, []);
  });

  test('a query with 300 `query = query + " AND ..."` filters from a request is reported once, high', async () => {
    const filters = lines(300, (i) => `    if a.get('k${i}'):\n        query = query + " AND c${i} = '" + a['k${i}'] + "'"\n`);
    const text = `def search(cur, a):\n    query = 'SELECT * FROM t WHERE 1=1'\n${filters}    cur.execute(query)\n`;
    const result = await findings(text, ['VG101']);
    assert.equal(result.findings.length, 1);
    assert.equal(result.findings[0]!.severity, 'high');
  });

  test('`q += q` gives the same answer repeated 12, 13 or 60 times (no depth cap flips it)', async () => {
    for (const count of [12, 13, 60]) {
      const constant = await findings(`import subprocess\nq = 'ls'\n${lines(count, () => 'q += q\n')}subprocess.call(q, shell=True)\n`, ['VG102']);
      assert.deepEqual(constant.findings.map((f) => f.severity), ['low'], `constant, ${count} doublings`);
      const data = await findings(
        `import subprocess\ndef f(x):\n    q = x\n${lines(count, () => '    q += q\n')}    subprocess.call(q, shell=True)\n`,
        ['VG102'],
      );
      assert.deepEqual(data.findings.map((f) => f.severity), ['medium'], `from a parameter, ${count} doublings`);
    }
  });

  test('a chain of 3,000 names (`a1 = a0 + "x"`, `a2 = a1 + "x"`, ...) folds to a constant', async () => {
    const text = `import subprocess\na0 = 'ls'\n${lines(3000, (i) => `a${i + 1} = a${i} + ' -x'\n`)}subprocess.call(a3000, shell=True)\n`;
    const result = await findings(text, ['VG102']);
    assert.deepEqual(result.findings.map((f) => f.severity), ['low']);
    assert.deepEqual(result.partial, []);
  });

  test('a name used twice in one expression is still a constant (`b = a + a`)', async () => {
    const parser = await loadParser();
    const syntax = parser.parseOnce("a = 'x'\nb = a + a\nrun(b)\n");
    const model = new SemanticModel(syntax.root);
    const use = syntax.root.descendantsOfType('call')[0]!.child('arguments')!.namedChildren[0]!;
    assert.equal(model.isConstant(use), true);
    assert.equal(model.constantText(use), 'xx');
  });

  test('doubling a spliced value keeps the shape bounded and the value in it', async () => {
    const parser = await loadParser();
    const syntax = parser.parseOnce(`def f(x):\n    q = "SELECT " + x\n${lines(40, () => '    q += q\n')}    run(q)\n`);
    const model = new SemanticModel(syntax.root);
    const use = syntax.root.descendantsOfType('call').at(-1)!.child('arguments')!.namedChildren[0]!;
    const shape = model.stringShape(use)!;
    assert.ok(shape.parts.length <= 512, `${shape.parts.length} parts`);
    assert.deepEqual([...new Set(shapeValues(shape).map((node) => node.text))], ['x']);
    assert.ok(shapeTemplate(shape).startsWith('SELECT ?'));
  });
});

describe('module-wide facts are computed once per analysis', () => {
  test('20,000 functions in one module (a module-level fact read from each) finish, and the module fact still counts', async () => {
    const header = 'import tarfile\ntarfile.TarFile.extraction_filter = staticmethod(tarfile.data_filter)\n';
    const body = lines(20000, (i) => `def f${i}(p):\n    return p + ${i}\n`);
    const tail = 'def unpack(path, out):\n    with tarfile.open(path) as tar:\n        tar.extractall(out)\n';
    const result = await findings(header + body + tail, ['VG204']);
    assert.deepEqual(result.findings, [], 'the module-level default filter applies to the archive in a function');
    const without = await findings('import tarfile\n' + body + tail, ['VG204']);
    assert.equal(without.findings.length, 1);
  });
});

describe('time budgets', () => {
  const slowRule = (id: string, ms: number): Rule => ({
    meta: { ...ruleById('VG102')!.meta, id, name: 'slow-rule' },
    create: () => ({
      call: () => {
        const until = performance.now() + ms;
        while (performance.now() < until);
      },
    }),
  });
  const input = async (text: string) => {
    const parser = await loadParser();
    return { text, syntax: parser.parseOnce(text), lineIndex: new LineIndex(text) };
  };
  const text = lines(100, (i) => `def f${i}(x):\n    return g(x, ${i})\n`) + 'import os\nos.system(cmd)\n';

  test('a rule past its budget stops for the rest of the file, the others finish, and the result says so', async () => {
    const analyzer = new Analyzer([ruleById('VG102')!, slowRule('VG999', 5)], undefined, { fileMs: 60_000, ruleMs: 50 });
    const result = analyzer.analyze(await input(text));
    assert.deepEqual(
      result.partial.map((reason) => reason.replace(/near line \d+/, 'near line N')),
      ['rule VG999 (slow-rule) stopped at its time budget (50 ms) near line N; its findings after that are missing'],
    );
    assert.ok(result.findings.some((finding) => finding.ruleId === 'VG102'), 'the other rules still report');
    // Nothing partial was cached: the next analysis runs the units again rather than reusing them as complete.
    const again = analyzer.analyze(await input(text));
    assert.ok(again.stats.unitsAnalyzed > 0);
    assert.equal(again.partial.length, 1);
  });

  test('past the file budget the remaining units are skipped and the result names the first one', async () => {
    const analyzer = new Analyzer([slowRule('VG998', 20)], undefined, { fileMs: 100, ruleMs: 60_000 });
    const result = analyzer.analyze(await input(text));
    assert.equal(result.partial.length, 1);
    assert.match(result.partial[0]!, /the analysis stopped at its time budget \(100 ms\): \d+ of 101 parts of the file were not fully analysed, the first at line \d+/);
  });

  test('an ordinary file is analysed whole', async () => {
    const result = await findings(text, []);
    assert.deepEqual(result.partial, []);
  });
});

describe('line endings', () => {
  test('a lone CR ends a line: a comment stops there, findings after it stay, `# nosec` applies to its own line', async () => {
    const text = 'import yaml\r# a comment  # nosec\rx = yaml.load(h, Loader=yaml.Loader)\ry = yaml.load(h, Loader=yaml.Loader)  # nosec\r';
    const result = await findings(text, ['VG202']);
    assert.deepEqual(result.findings.map((f) => f.range.start.line), [2]);
    assert.equal(result.suppressedCount, 1);
  });

  test('old Mac, Unix and Windows line endings give the same findings on the same lines', async () => {
    const unix = 'import yaml, subprocess\n# comment\ndef f(h, cmd):\n    subprocess.call(cmd, shell=True)\n    return yaml.load(h, Loader=yaml.Loader)\n';
    const expected = (await findings(unix, [])).findings.map((f) => `${f.ruleId}@${f.range.start.line}:${f.range.start.character}`);
    assert.ok(expected.length >= 2);
    for (const newline of ['\r', '\r\n']) {
      const result = await findings(unix.replaceAll('\n', newline), []);
      assert.deepEqual(result.findings.map((f) => `${f.ruleId}@${f.range.start.line}:${f.range.start.character}`), expected, JSON.stringify(newline));
    }
  });

  test('a fix that adds an import uses the file\'s own line break', async () => {
    const result = await findings('import os\rdef f(s):\r    return eval(s)\r', ['VG103']);
    const edits = result.findings.flatMap((finding) => finding.fixes.flatMap((fix) => fix.edits));
    const added = edits.find((edit) => edit.newText.startsWith('import ast'));
    assert.ok(added, `edits: ${JSON.stringify(edits)}`);
    assert.equal(added.newText, 'import ast\r');
  });
});

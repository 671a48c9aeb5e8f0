// Jupyter notebooks on the command line (issue 9): the Python cells of an .ipynb are analysed (host/notebook.ts),
// findings are reported as `cell N, line M`, and IPython magics are skipped, not syntax errors.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { analyzeText } from '../server/src/engine';
import { cellsToPython, notebookToPython } from '../server/src/host/notebook';
import { NotebookView, singleEdit } from '../server/src/lsp/notebooks';
import { loadParser } from './support/engine';
import { git, vigil, write } from './support/git';

interface Cell {
  cell_type: 'code' | 'markdown' | 'raw';
  source: string | string[];
  metadata?: object;
}

function notebook(cells: Cell[], language = 'python'): string {
  return JSON.stringify(
    {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { kernelspec: { name: 'k', display_name: 'K', language }, language_info: { name: language } },
      cells: cells.map((cell) => ({ metadata: {}, ...(cell.cell_type === 'code' ? { execution_count: null, outputs: [] } : {}), ...cell })),
    },
    null,
    1,
  );
}

/** Jupyter's way: one string per line, each with its line break but the last. */
const lines = (...source: string[]): string[] => source.map((line, index) => (index < source.length - 1 ? `${line}\n` : line));

const ANALYSIS = notebook([
  { cell_type: 'markdown', source: lines('# Exploring', 'Some `eval(x)` in prose is not code.') },
  { cell_type: 'code', source: lines('%matplotlib inline', 'import subprocess', '!pip install requests', 'files = !ls', 'import yaml') },
  {
    cell_type: 'code',
    source: lines('def run(cmd):', '    %time x = 1', '    !echo hi', '    subprocess.call(cmd, shell=True)', '', 'eval(input())'),
  },
  { cell_type: 'code', source: lines('%%bash', 'echo $(eval "$X")') },
  { cell_type: 'code', source: '%%time\nyaml.load(open("f"))\n' },
  { cell_type: 'code', source: 'SELECT 1', metadata: { vscode: { languageId: 'sql' } } },
]);

describe('notebooks: from cells to Python', () => {
  test('code cells are joined, mapped back to (cell, line), with magics made harmless', () => {
    const python = notebookToPython(ANALYSIS);
    assert.ok(!('error' in python));
    assert.equal(
      python.text,
      ['pass', 'import subprocess', 'pass', 'files = None', 'import yaml', 'def run(cmd):', '    pass', '    pass', '    subprocess.call(cmd, shell=True)', '', 'eval(input())', '', 'yaml.load(open("f"))', ''].join('\n'),
    );
    assert.deepEqual(python.lines.cellNumbers, [2, 3, 5]);
    assert.deepEqual(python.lines.locate(0), { cell: 2, line: 0 });
    assert.deepEqual(python.lines.locate(8), { cell: 3, line: 3 });
    assert.deepEqual(python.lines.locate(12), { cell: 5, line: 1 });
    assert.equal(python.lines.lineOf(3, 5), 10);
    assert.equal(python.lines.lineOf(4, 0), null, 'the %%bash cell is not Python');
  });

  test('the magics leave no syntax error', async () => {
    const python = notebookToPython(ANALYSIS);
    assert.ok(!('error' in python));
    const result = analyzeText(await loadParser(), python.text);
    assert.equal(result.hasSyntaxErrors, false);
    assert.deepEqual(result.findings.map((finding) => [finding.ruleId, python.lines.locate(finding.range.start.line)]), [
      ['VG102', { cell: 3, line: 3 }],
      ['VG103', { cell: 3, line: 5 }],
      ['VG202', { cell: 5, line: 1 }],
    ]);
  });

  test('notebooks in other languages, older formats and broken files are refused with a reason', () => {
    assert.deepEqual(notebookToPython(notebook([{ cell_type: 'code', source: 'x <- 1' }], 'R')), { error: 'skipped: not a Python notebook (language: r)' });
    assert.match((notebookToPython('{"nbformat": 3, "worksheets": []}') as { error: string }).error, /format 3 is not supported/);
    assert.match((notebookToPython('{') as { error: string }).error, /not a valid notebook/);
    const empty = notebookToPython(notebook([]));
    assert.ok(!('error' in empty));
    assert.equal(empty.text, '');
  });
});

describe('notebooks on the command line', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-notebook-'));
    write(dir, { 'nb/analysis.ipynb': ANALYSIS, 'nb/.ipynb_checkpoints/analysis-checkpoint.ipynb': ANALYSIS, 'nb/r.ipynb': notebook([{ cell_type: 'code', source: 'x <- 1' }], 'R') });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('text output says `cell N, line M`; folders are searched for notebooks (not checkpoints)', () => {
    const { code, stdout, stderr } = vigil(['check', 'nb'], dir);
    assert.equal(code, 1, stderr);
    // Each line's place and rule (the messages are the rules' own, checked by their fixtures).
    assert.deepEqual(
      stdout.split('\n').map((line) => /^.*?: VG\d+ \[\w+\]/.exec(line)?.[0] ?? line),
      [
        'nb/analysis.ipynb: cell 3, line 4, column 5: VG102 [medium]',
        'nb/analysis.ipynb: cell 3, line 6, column 1: VG103 [high]',
        'nb/analysis.ipynb: cell 5, line 2, column 1: VG202 [info]',
        '',
      ],
    );
    assert.match(stdout, /VG102 \[medium\] `subprocess\.call\(\)` runs `cmd` through a shell/);
    assert.match(stderr, /nb\/r\.ipynb: skipped: not a Python notebook \(language: r\)/);
    assert.doesNotMatch(stderr, /syntax error/);
  });

  test('JSON keeps its fields and adds `cell` (and `endCell`); lines count within the cell', () => {
    const report = JSON.parse(vigil(['check', '--format', 'json', 'nb/analysis.ipynb'], dir).stdout);
    assert.deepEqual(
      report.findings.map((finding: Record<string, unknown>) => [finding.path, finding.cell, finding.line, finding.column, finding.endCell, finding.endLine, finding.ruleId]),
      [
        ['nb/analysis.ipynb', 3, 4, 5, 3, 4, 'VG102'],
        ['nb/analysis.ipynb', 3, 6, 1, 3, 6, 'VG103'],
        ['nb/analysis.ipynb', 5, 2, 1, 5, 2, 'VG202'],
      ],
    );
    const fix = report.findings[2].fixes[0].edits[0];
    assert.equal(fix.cell, 5);
    assert.equal(fix.range.start.line, 1, 'fix ranges count within the cell too');
    assert.deepEqual(report.notices, []);
  });

  test('SARIF names the cell in the properties, with no region of the .ipynb file', () => {
    const log = JSON.parse(vigil(['check', '--format', 'sarif', 'nb/analysis.ipynb'], dir).stdout);
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(require.resolve('@microsoft/sarif-multitool-linux/sarif-2.1.0.json'), 'utf8')));
    const valid: boolean = validate(log);
    assert.ok(valid, JSON.stringify(validate.errors, null, 2));
    const [result] = log.runs[0].results;
    assert.deepEqual([result.properties.cell, result.properties.cellLine, result.properties.cellColumn], [3, 4, 5]);
    assert.equal(result.locations[0].physicalLocation.region, undefined);
  });

  test('review of a notebook names cells', () => {
    const { code, stdout } = vigil(['review', 'nb/analysis.ipynb'], dir);
    assert.equal(code, 0);
    assert.match(stdout, /^## 1\. eval or exec of non-literal input \(cell 3, line 6\)$/m);
    assert.match(stdout, /^- \*\*Where:\*\* cell 3, line 6, column 1$/m);
    assert.match(stdout, /^6 \| eval\(input\(\)\)$/m);
  });

  test('in a change, only the notebook findings the base did not have are new', () => {
    const repo = mkdtempSync(join(tmpdir(), 'vigil-notebook-repo-'));
    try {
      git(repo, 'init', '-q', '-b', 'main');
      writeFileSync(join(repo, 'a.ipynb'), notebook([{ cell_type: 'code', source: lines('import yaml', 'yaml.load(open("f"))') }]));
      git(repo, 'add', '-A');
      git(repo, 'commit', '-q', '-m', 'base');
      writeFileSync(
        join(repo, 'a.ipynb'),
        notebook([
          { cell_type: 'markdown', source: 'A new first cell.' },
          { cell_type: 'code', source: lines('import yaml', 'yaml.load(open("f"))') },
          { cell_type: 'code', source: lines('!ls', 'eval(input())') },
        ]),
      );
      const { code, stdout } = vigil(['check', '--diff', 'HEAD'], repo);
      assert.equal(code, 1);
      assert.match(stdout, /^a\.ipynb: cell 3, line 2, column 1: VG103 /);
      assert.equal(stdout.trim().split('\n').length, 1, stdout);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });
});

describe('notebooks in the editor: the joined text and its cells (lsp/notebooks.ts)', () => {
  const cellsOf = (sources: string[]) => {
    const python = cellsToPython(sources.map((source, index) => ({ cell: index + 1, source })));
    const cells = sources.map((source, index) => ({ uri: `cell:${index + 1}`, number: index + 1, version: 7, lines: source.split('\n') }));
    return new NotebookView('file:///nb.ipynb', python.text, python.lines, cells);
  };

  test('singleEdit is the span between the common prefix and suffix, never inside a surrogate pair', () => {
    assert.deepEqual(singleEdit('abcdef', 'abXYef'), { start: 2, end: 4, text: 'XY' });
    assert.deepEqual(singleEdit('abc', 'abc'), { start: 3, end: 3, text: '' });
    assert.deepEqual(singleEdit('ab', 'aXb'), { start: 1, end: 1, text: 'X' });
    // U+1F600 and U+1F601 share their high surrogate: the edit takes the whole pair.
    const edit = singleEdit('x\u{1F600}y', 'x\u{1F601}y');
    assert.deepEqual(edit, { start: 1, end: 3, text: '\u{1F601}' });
    const before = 'x\u{1F600}y';
    assert.equal(before.slice(0, edit.start) + edit.text + before.slice(edit.end), 'x\u{1F601}y');
  });

  test('ranges go to the cell of their start; one running into the next cell is cut at its cell\'s end', () => {
    const view = cellsOf(['import os\nx = (', '1)\nos.system(x)']);
    assert.deepEqual(view.toCell({ start: { line: 3, character: 0 }, end: { line: 3, character: 12 } }), {
      uri: 'cell:2',
      version: 7,
      range: { start: { line: 1, character: 0 }, end: { line: 1, character: 12 } },
    });
    assert.deepEqual(view.toCell({ start: { line: 1, character: 4 }, end: { line: 2, character: 2 } })?.range, {
      start: { line: 1, character: 4 },
      end: { line: 1, character: 5 },
    });
    assert.deepEqual(view.fromCell('cell:2', { line: 1, character: 3 }), { line: 3, character: 3 });
    assert.equal(view.fromCell('cell:9', { line: 0, character: 0 }), undefined);
  });

  test('a fix goes to its cell; one across cells or on a magic line is dropped', () => {
    const view = cellsOf(['%time y = 1\nimport os', 'os.system(x)']);
    const joined = view.text.split('\n');
    const action = (range: { start: { line: number; character: number }; end: { line: number; character: number } }) => ({
      title: 't',
      edit: { documentChanges: [{ textDocument: { uri: 'file:///nb.ipynb', version: 3 }, edits: [{ range, newText: 'z' }] }] },
    });
    const mapped = view.actionsToCells(
      [
        action({ start: { line: 2, character: 0 }, end: { line: 2, character: 2 } }), // in cell 2
        action({ start: { line: 1, character: 0 }, end: { line: 2, character: 2 } }), // across cells
        action({ start: { line: 0, character: 0 }, end: { line: 0, character: 4 } }), // the magic, `pass` in the joined text
        action({ start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }), // an insertion at a line start
      ],
      (line) => joined[line] ?? '',
    );
    assert.deepEqual(
      mapped.map((item) => JSON.stringify(item.edit?.documentChanges)),
      [
        JSON.stringify([{ textDocument: { uri: 'cell:2', version: 7 }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 2 } }, newText: 'z' }] }]),
        JSON.stringify([{ textDocument: { uri: 'cell:1', version: 7 }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: 'z' }] }]),
      ],
    );
  });
});

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
import { notebookToPython } from '../server/src/host/notebook';
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
    assert.equal(
      stdout,
      [
        'nb/analysis.ipynb: cell 3, line 4, column 5: VG102 [medium] `subprocess.call()` runs `cmd` through a shell (`shell=True`); if any part of it comes from outside, it can inject commands (CWE-78)',
        'nb/analysis.ipynb: cell 3, line 6, column 1: VG103 [high] `eval()` runs `input()`, which is not a constant: whoever controls it runs arbitrary code; use `ast.literal_eval` for literals, or parse the input yourself (CWE-95, CWE-94)',
        'nb/analysis.ipynb: cell 5, line 2, column 1: VG202 [medium] `yaml.load()` without a safe `Loader` can construct arbitrary Python objects from the document (CWE-502, CWE-20)',
        '',
      ].join('\n'),
    );
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

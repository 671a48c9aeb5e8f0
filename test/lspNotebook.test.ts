// Jupyter notebooks in the editor (issue 9), through the real server (dist/server.js) and LSP 3.17 notebook sync:
// the Python cells of a notebook are analysed together as one module, each diagnostic is published on the cell its
// line is in, hovers and quick fixes are answered on cells, and edits of a cell move or clear its diagnostics.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type {
  DidChangeNotebookDocumentParams,
  DidCloseNotebookDocumentParams,
  DidOpenNotebookDocumentParams,
  PublishDiagnosticsParams,
  TextDocumentEdit,
} from 'vscode-languageserver-protocol';
import { TestClient } from './support/lspClient';

const NOTEBOOK = 'file:///work/notebooks/analysis.ipynb';
const cellUri = (id: string): string => `vscode-notebook-cell:/work/notebooks/analysis.ipynb#${id}`;
const FIRST = cellUri('W0sZmlsZQ==');
const PROSE = cellUri('W1sZmlsZQ==');
const SECOND = cellUri('W2sZmlsZQ==');
const THIRD = cellUri('W3sZmlsZQ==');

/** Cell 1 imports (between IPython magics, which must be skipped, not errors); cell 3 uses the import. */
const FIRST_TEXT = ['%matplotlib inline', 'import subprocess', '!pip install requests', 'files = !ls', ''].join('\n');
const SECOND_TEXT = ['def run(cmd):', '    %time x = 1', '    subprocess.call(cmd, shell=True)', ''].join('\n');

const codes = (params: PublishDiagnosticsParams): string[] => params.diagnostics.map((d) => `${String(d.code)}@${d.range.start.line}:${d.range.start.character}`);

describe('Jupyter notebooks in the language server', () => {
  let client: TestClient;
  let version = 1;
  const versions = new Map<string, number>([
    [FIRST, 1],
    [SECOND, 1],
  ]);

  /** Edits one cell's text: `didChange` of the notebook with the cell's text content change. */
  const editCell = async (uri: string, range: { start: { line: number; character: number }; end: { line: number; character: number } }, text: string): Promise<void> => {
    const cellVersion = (versions.get(uri) ?? 1) + 1;
    versions.set(uri, cellVersion);
    const params: DidChangeNotebookDocumentParams = {
      notebookDocument: { uri: NOTEBOOK, version: ++version },
      change: { cells: { textContent: [{ document: { uri, version: cellVersion }, changes: [{ range, text }] }] } },
    };
    await client.notify('notebookDocument/didChange', params);
  };

  before(async () => {
    // Only the rules this test is about (an import of `subprocess` has its own information-level rule).
    client = await TestClient.start({ settings: { select: ['VG102', 'VG103'] } });
    const open: DidOpenNotebookDocumentParams = {
      notebookDocument: {
        uri: NOTEBOOK,
        notebookType: 'jupyter-notebook',
        version,
        cells: [
          { kind: 2, document: FIRST },
          { kind: 1, document: PROSE },
          { kind: 2, document: SECOND },
        ],
      },
      cellTextDocuments: [
        { uri: FIRST, languageId: 'python', version: 1, text: FIRST_TEXT },
        { uri: PROSE, languageId: 'markdown', version: 1, text: 'Some `eval(x)` in prose is not code.\n' },
        { uri: SECOND, languageId: 'python', version: 1, text: SECOND_TEXT },
      ],
    };
    await client.notify('notebookDocument/didOpen', open);
  });
  after(async () => client.stop());

  test('a finding lands in the second code cell, on its line there; the magics cause nothing', async () => {
    const second = await client.diagnostics(SECOND, (params) => params.diagnostics.length > 0);
    assert.deepEqual(codes(second), ['VG102@2:4']);
    assert.equal(second.version, 1, 'published with the cell version');
    const first = await client.diagnostics(FIRST);
    assert.deepEqual(first.diagnostics, [], 'no syntax error or finding from %matplotlib, !pip, files = !ls');
    assert.equal(client.published.get(PROSE), undefined, 'nothing is published on a Markdown cell');
    assert.equal(client.published.get(NOTEBOOK), undefined, 'nothing on the notebook itself');
  });

  test('hover on the cell explains the finding, with the range in the cell', async () => {
    const hover = await client.hover(SECOND, 2, 10);
    assert.ok(hover, 'a hover on the finding');
    assert.match((hover.contents as { value: string }).value, /VG102/);
    assert.equal(hover.range?.start.line, 2);
    assert.equal(await client.hover(SECOND, 0, 2), null, 'no hover away from findings');
    assert.equal(await client.hover(FIRST, 1, 2), null, 'nor in the other cell');
  });

  test('quick fixes edit the cell, with its version', async () => {
    const diagnostics = (await client.diagnostics(SECOND)).diagnostics;
    const actions = await client.codeActions(SECOND, diagnostics[0]!.range, diagnostics);
    const suppress = actions.find((action) => action.title === 'Suppress VG102 on this line');
    assert.ok(suppress, JSON.stringify(actions.map((action) => action.title)));
    const [change] = suppress.edit!.documentChanges! as TextDocumentEdit[];
    assert.equal(change!.textDocument.uri, SECOND);
    assert.equal(change!.textDocument.version, 1);
    assert.deepEqual(change!.edits, [{ range: { start: { line: 2, character: 36 }, end: { line: 2, character: 36 } }, newText: '  # vigil: ignore[VG102]' }]);
    assert.deepEqual(suppress.diagnostics, [diagnostics[0]], 'the action names the cell\'s diagnostic');
    // "In this file" means the whole notebook: the comment goes to the first analysed cell.
    const file = actions.find((action) => action.title === 'Suppress VG102 in this file');
    const [fileChange] = file!.edit!.documentChanges! as TextDocumentEdit[];
    assert.equal(fileChange!.textDocument.uri, FIRST);
    assert.deepEqual(fileChange!.edits[0]!.range.start, { line: 0, character: 0 });
  });

  test('editing a cell moves its finding; a finding in another cell appears there', async () => {
    // Two lines inserted at the top of the second cell: the finding moves down in that cell only.
    await editCell(SECOND, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, '# helpers\n\n');
    const moved = await client.diagnostics(SECOND, (params) => params.version === 2);
    assert.deepEqual(codes(moved), ['VG102@4:4']);
    // A defect typed into the first cell, at its end.
    await editCell(FIRST, { start: { line: 4, character: 0 }, end: { line: 4, character: 0 } }, 'eval(input())\n');
    const first = await client.diagnostics(FIRST, (params) => params.version === 2);
    assert.deepEqual(codes(first), ['VG103@4:0']);
    assert.deepEqual(codes(client.published.get(SECOND)!), ['VG102@4:4'], 'the second cell keeps its finding');
    // Fixed in place: gone.
    await editCell(SECOND, { start: { line: 4, character: 31 }, end: { line: 4, character: 35 } }, 'False');
    assert.deepEqual(codes(await client.diagnostics(SECOND, (params) => params.version === 3)), []);
  });

  test('the module is the cells together: a name defined in one cell, used in another', async () => {
    // A new third cell using `subprocess` imported by the first: the cells are one module, so this is found.
    const params: DidChangeNotebookDocumentParams = {
      notebookDocument: { uri: NOTEBOOK, version: ++version },
      change: {
        cells: {
          structure: {
            array: { start: 3, deleteCount: 0, cells: [{ kind: 2, document: THIRD }] },
            didOpen: [{ uri: THIRD, languageId: 'python', version: 1, text: 'subprocess.run("ls " + files[0], shell=True)\n' }],
          },
        },
      },
    };
    await client.notify('notebookDocument/didChange', params);
    const third = await client.diagnostics(THIRD, (params) => params.diagnostics.length > 0);
    assert.deepEqual(codes(third).map((code) => code.replace(/:\d+$/, '')), ['VG102@0']);
    // The cell removed: its diagnostics are cleared.
    await client.notify('notebookDocument/didChange', {
      notebookDocument: { uri: NOTEBOOK, version: ++version },
      change: { cells: { structure: { array: { start: 3, deleteCount: 1 }, didClose: [{ uri: THIRD }] } } },
    } satisfies DidChangeNotebookDocumentParams);
    await client.diagnostics(THIRD, (params) => params.diagnostics.length === 0);
  });

  test('closing the notebook clears every cell', async () => {
    const close: DidCloseNotebookDocumentParams = { notebookDocument: { uri: NOTEBOOK }, cellTextDocuments: [{ uri: FIRST }, { uri: PROSE }, { uri: SECOND }] };
    await client.notify('notebookDocument/didClose', close);
    await client.diagnostics(FIRST, (params) => params.diagnostics.length === 0);
    await client.diagnostics(SECOND, (params) => params.diagnostics.length === 0);
  });
});

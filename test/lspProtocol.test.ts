import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ErrorCodes, ResponseError, type Diagnostic, type PublishDiagnosticsParams, type TextDocumentContentChangeEvent } from 'vscode-languageserver-protocol';
import { EXPORT_SARIF_REQUEST, REVIEW_FILE_REQUEST, REVIEW_WORKSPACE_REQUEST, RULES_REQUEST } from '../server/src/protocol';
import { normalizeDiagnostics } from './support/fuzz/runner';
import { Random } from './support/fuzz/random';
import { SERVER_PATH, TestClient } from './support/lspClient';

/**
 * The server against clients that get the protocol wrong, or right in unusual ways: requests for documents it does
 * not have, versions that go backwards, ranges past the end, a thousand changes at once, malformed params, garbage
 * settings, requests after shutdown, exit without shutdown. Whatever arrives, the server stays up, answers every
 * request, says in its log what it rejected, and what it publishes matches the client's latest text.
 */

/** A request's outcome within `ms`: a result, or an error response. No answer at all fails the test. */
async function answer<T>(promise: Promise<T>, what: string, ms = 5000): Promise<{ result?: T; error?: unknown }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer to ${what} within ${ms} ms`)), ms)));
  try {
    return await Promise.race([promise.then((result) => ({ result }), (error: unknown) => ({ error })), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The diagnostics a fresh document with `text` gets in this server (a from-scratch analysis). */
let freshCount = 0;
async function fromScratch(client: TestClient, text: string): Promise<unknown[]> {
  const uri = `file:///protocol/fresh-${freshCount++}.py`;
  await client.open(uri, text);
  const diagnostics = await client.diagnosticsFor(uri);
  await client.close(uri);
  return normalizeDiagnostics(diagnostics, uri);
}

/**
 * Waits until `uri` has been quiet for `quietMs` after a publication that came after `since` (an index into
 * `client.publications`), and returns that last publication.
 */
async function settled(client: TestClient, uri: string, since: number, quietMs = 350, timeoutMs = 10_000): Promise<PublishDiagnosticsParams> {
  const deadline = Date.now() + timeoutMs;
  let last: PublishDiagnosticsParams | undefined;
  let lastCount = -1;
  let quietSince = Date.now();
  for (;;) {
    const mine = client.publications.slice(since).filter((p) => p.uri === uri);
    if (mine.length !== lastCount) {
      lastCount = mine.length;
      last = mine.at(-1);
      quietSince = Date.now();
    }
    if (last && Date.now() - quietSince >= quietMs) return last;
    if (Date.now() > deadline) throw new Error(`no diagnostics for ${uri} settled within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const show = (diagnostics: readonly Diagnostic[]) => `[${diagnostics.map((d) => `${String(d.code)}@${d.range.start.line}`).join(', ')}]`;

/** Applies changes the way the LSP reference implementation does (ranges clamped to the document, as the spec says). */
function applyReference(text: string, changes: TextDocumentContentChangeEvent[]): string {
  const document = TextDocument.create('file:///reference.py', 'python', 1, text);
  return TextDocument.update(document, changes, 2).getText();
}

/** Log lines (window/logMessage and stderr) that appeared after `logs`/`stderr` marks. */
function logSince(client: TestClient, mark: { logs: number; stderr: number }): string {
  return [...client.logs.slice(mark.logs).map((log) => log.message), client.stderr.slice(mark.stderr)].join('\n');
}
const markOf = (client: TestClient) => ({ logs: client.logs.length, stderr: client.stderr.length });

const SOURCE = ['import yaml', '', 'def load(path):', '    with open(path) as fh:', '        return yaml.load(fh)', ''].join('\n');

describe('language server protocol robustness', () => {
  let client: TestClient;

  before(async () => {
    assert.ok(existsSync(SERVER_PATH), 'dist/server.js is missing: run `npm run build` first');
    client = await TestClient.start();
  });
  after(async () => client.stop());

  /** After each test: still running, still analysing. */
  async function assertHealthy(): Promise<void> {
    assert.equal(client.process.exitCode, null, 'the server is still running');
    const uri = `file:///protocol/health-${freshCount++}.py`;
    await client.open(uri, SOURCE);
    assert.deepEqual((await client.diagnosticsFor(uri)).map((d) => d.code), ['VG202'], 'the server still analyses');
    await client.close(uri);
  }

  describe('documents the server does not have', () => {
    const requests = (uri: string): Array<[string, () => Promise<unknown>]> => [
      ['hover', () => client.hover(uri, 0, 0)],
      ['codeAction', () => client.codeActions(uri, { start: { line: 0, character: 0 }, end: { line: 0, character: 5 } }, [])],
      [REVIEW_FILE_REQUEST, () => client.request(REVIEW_FILE_REQUEST, { uri })],
      [EXPORT_SARIF_REQUEST, () => client.request(EXPORT_SARIF_REQUEST, { uri })],
    ];

    test('requests for a document never opened are answered (empty or an error), and the refusal is logged', async () => {
      for (const uri of ['file:///protocol/never-opened.py', 'untitled:Untitled-1', 'not a uri at all']) {
        for (const [name, send] of requests(uri)) {
          const mark = markOf(client);
          const outcome = await answer(send(), `${name} for ${uri}`);
          if (name === 'hover') assert.equal(outcome.result ?? null, null, 'no hover for an unknown document');
          if (name === 'codeAction') assert.deepEqual(outcome.result ?? [], [], 'no code actions for an unknown document');
          if (name === REVIEW_FILE_REQUEST && outcome.result === null) {
            // Nothing to review: the server answered null, so its log must say why.
            await new Promise((resolve) => setTimeout(resolve, 100));
            assert.match(logSince(client, mark), /reviewFile|cannot review/i, `the refusal of ${name} for ${uri} is logged`);
          }
        }
      }
      await assertHealthy();
    });

    test('requests for a closed document are answered as for an unknown one', async () => {
      const uri = 'file:///protocol/closed.py';
      await client.open(uri, SOURCE);
      await client.diagnosticsFor(uri);
      await client.close(uri);
      for (const [name, send] of requests(uri)) {
        const outcome = await answer(send(), `${name} for a closed document`);
        if (name === 'hover') assert.equal(outcome.result ?? null, null);
        if (name === 'codeAction') assert.deepEqual(outcome.result ?? [], []);
      }
      // Changes and saves for the closed document are ignored; closing it twice is harmless.
      await client.changeWithVersion(uri, 7, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 'eval(x)\n' }]);
      await client.notify('textDocument/didSave', { textDocument: { uri } });
      await client.close(uri);
      await assertHealthy();
      const late = client.publications.filter((p) => p.uri === uri).at(-1);
      assert.deepEqual(late?.diagnostics ?? [], [], 'nothing is published for a closed document after its close');
    });

    test('vigil/rules and vigil/reviewWorkspace answer without any document open', async () => {
      const rules = await answer(client.request<unknown[]>(RULES_REQUEST, null), RULES_REQUEST);
      assert.ok(Array.isArray(rules.result) && rules.result.length > 0);
      const review = await answer(client.request(REVIEW_WORKSPACE_REQUEST, {}), REVIEW_WORKSPACE_REQUEST, 20_000);
      assert.ok(review.result !== undefined || review.error !== undefined);
      await assertHealthy();
    });
  });

  describe('document versions', () => {
    const T1 = 'import yaml\n';
    const insertLine = (line: number, text: string): TextDocumentContentChangeEvent => ({ range: { start: { line, character: 0 }, end: { line, character: 0 } }, text });
    const SAFE = { range: { start: { line: 1, character: 4 }, end: { line: 1, character: 13 } }, text: 'yaml.safe_load' };

    test(
      'a lower version after a higher one: what is published matches the latest text, never an older one',
      async () => {
      const uri = 'file:///protocol/lower-version.py';
      await client.open(uri, T1, 1);
      await client.changeWithVersion(uri, 2, [insertLine(1, 'a = yaml.load(x)\n')]);
      const v2 = await client.diagnosticsFor(uri, 2);
      assert.deepEqual(v2.map((d) => d.code), ['VG202']);
      const since = client.publications.length;
      await client.changeWithVersion(uri, 3, [insertLine(2, 'eval(s)\n')]);
      await client.changeWithVersion(uri, 2, [SAFE]); // version 2 again, lower than 3: a broken or replaying client
      const text = 'import yaml\na = yaml.safe_load(x)\neval(s)\n';
      const expected = await fromScratch(client, text);
      const last = await settled(client, uri, since);
      const published = client.publications.slice(since).filter((p) => p.uri === uri);
      const stale = JSON.stringify(normalizeDiagnostics(v2, uri));
      for (const publication of published) {
        assert.notEqual(JSON.stringify(normalizeDiagnostics(publication.diagnostics, uri)), stale, `republished the findings of version 2's older text: ${show(publication.diagnostics)}`);
      }
      assert.deepEqual(normalizeDiagnostics(last.diagnostics, uri), expected, `published ${show(last.diagnostics)} (version ${last.version}) for the latest text`);
      await client.close(uri);
      },
    );

    test('the same version twice: the second text is analysed, not the first one\'s findings republished', async () => {
      const uri = 'file:///protocol/duplicate-version.py';
      await client.open(uri, T1, 1);
      await client.changeWithVersion(uri, 2, [insertLine(1, 'a = yaml.load(x)\n')]);
      assert.deepEqual((await client.diagnosticsFor(uri, 2)).map((d) => d.code), ['VG202']);
      const since = client.publications.length;
      await client.changeWithVersion(uri, 2, [SAFE, insertLine(2, 'eval(s)\n')]);
      const expected = await fromScratch(client, 'import yaml\na = yaml.safe_load(x)\neval(s)\n');
      const last = await settled(client, uri, since);
      assert.deepEqual(normalizeDiagnostics(last.diagnostics, uri), expected, `published ${show(last.diagnostics)}`);
      await client.close(uri);
    });

    test('versions out of order (3 before 2) and jumps (2 → 1000): the published diagnostics follow the text', async () => {
      const uri = 'file:///protocol/out-of-order.py';
      await client.open(uri, T1, 1);
      const since = client.publications.length;
      await client.changeWithVersion(uri, 3, [insertLine(1, 'a = yaml.load(x)\n')]);
      await client.changeWithVersion(uri, 2, [insertLine(2, 'eval(s)\n')]);
      let expected = await fromScratch(client, 'import yaml\na = yaml.load(x)\neval(s)\n');
      let last = await settled(client, uri, since);
      assert.deepEqual(normalizeDiagnostics(last.diagnostics, uri), expected, `published ${show(last.diagnostics)}`);
      const jump = client.publications.length;
      await client.changeWithVersion(uri, 1000, [SAFE]);
      expected = await fromScratch(client, 'import yaml\na = yaml.safe_load(x)\neval(s)\n');
      last = await settled(client, uri, jump);
      assert.equal(last.version, 1000);
      assert.deepEqual(normalizeDiagnostics(last.diagnostics, uri), expected);
      await client.close(uri);
    });

    test('re-opening an open document replaces it', async () => {
      const uri = 'file:///protocol/reopen.py';
      await client.open(uri, SOURCE, 5);
      await client.diagnosticsFor(uri, 5);
      await client.open(uri, T1, 1);
      assert.deepEqual(await client.diagnosticsFor(uri, 1), []);
      await client.close(uri);
      await assertHealthy();
    });
  });

  describe('ranges out of bounds', () => {
    /** Spec-defined clamping (LSP: a character past the line's end means the end; positions past the text, its end). */
    const CLAMPED: Array<[string, TextDocumentContentChangeEvent]> = [
      ['a line past the end of the document', { range: { start: { line: 999, character: 0 }, end: { line: 999, character: 0 } }, text: 'eval(x)\n' }],
      ['a character past the end of a line', { range: { start: { line: 0, character: 500 }, end: { line: 0, character: 600 } }, text: ', subprocess\nsubprocess.call(c, shell=True)' }],
      ['an end past the end of the document', { range: { start: { line: 4, character: 8 }, end: { line: 100_000, character: 100_000 } }, text: 'return yaml.safe_load(fh)\n' }],
      ['a range spanning the whole document and more', { range: { start: { line: 0, character: 0 }, end: { line: 1 << 30, character: 1 << 30 } }, text: 'import os\nos.system(x)\n' }],
      ['negative positions (clamped to the start)', { range: { start: { line: -1, character: -5 }, end: { line: 0, character: -1 } }, text: 'import pickle\n' }],
    ];
    for (const [name, change] of CLAMPED) {
      test(`didChange with ${name}: the diagnostics match the text the client has`, async () => {
        const uri = `file:///protocol/range-${name.replace(/\W+/g, '-')}.py`;
        await client.open(uri, SOURCE);
        await client.diagnosticsFor(uri);
        const since = client.publications.length;
        await client.change(uri, [change]);
        const text = applyReference(SOURCE, [change]);
        const expected = await fromScratch(client, text);
        const last = await settled(client, uri, since);
        assert.deepEqual(normalizeDiagnostics(last.diagnostics, uri), expected, `published ${show(last.diagnostics)} for ${JSON.stringify(text)}`);
        await client.close(uri);
      });
    }

    test('requests with positions and ranges out of bounds are answered', async () => {
      const uri = 'file:///protocol/request-ranges.py';
      await client.open(uri, SOURCE);
      const diagnostics = await client.diagnosticsFor(uri);
      for (const [line, character] of [[1e6, 0], [0, 1e6], [-1, -1], [2 ** 31, 2 ** 31], [4, 9999]] as const) {
        const hover = await answer(client.hover(uri, line, character), `hover at ${line}:${character}`);
        assert.equal(hover.result ?? null, null, `no hover at ${line}:${character}`);
      }
      for (const range of [
        { start: { line: 1e6, character: 0 }, end: { line: 1e6 + 1, character: 0 } },
        { start: { line: 4, character: 20 }, end: { line: 2, character: 0 } },
        { start: { line: -5, character: -5 }, end: { line: 1e9, character: 1e9 } },
      ]) {
        const actions = await answer(client.codeActions(uri, range, diagnostics), `codeAction ${JSON.stringify(range)}`);
        assert.ok(actions.error === undefined || actions.error instanceof ResponseError, String(actions.error));
      }
      // A diagnostic the server never published (wrong range, unknown rule, foreign data): no action built on it.
      const forged: Diagnostic = { range: { start: { line: 999, character: 0 }, end: { line: 999, character: 1 } }, message: 'x', code: 'VG999', data: { ruleId: 'VG999', version: 1 } };
      const actions = await answer(client.codeActions(uri, forged.range, [forged]), 'codeAction with a forged diagnostic');
      assert.ok(!JSON.stringify(actions.result ?? []).includes('VG999'), 'no action for a diagnostic the server did not publish');
      await client.close(uri);
      await assertHealthy();
    });
  });

  test('1,000 changes sent without waiting: the final diagnostics equal a from-scratch analysis', async () => {
    const uri = 'file:///protocol/thousand.py';
    let document = TextDocument.create(uri, 'python', 1, SOURCE);
    await client.open(uri, SOURCE);
    const rng = new Random(1000);
    const typed = 'import subprocess\nsubprocess.call(cmd, shell=True)\npassword = "hunter2"  # 😀\neval(data)\n\r\n';
    const started = Date.now();
    const since = client.publications.length;
    const sends: Array<Promise<number>> = [];
    for (let i = 0; i < 1000; i++) {
      const text = document.getText();
      let change: TextDocumentContentChangeEvent;
      const at = rng.int(0, text.length);
      if (rng.chance(0.7)) {
        change = { range: { start: document.positionAt(at), end: document.positionAt(at) }, text: typed[i % typed.length]! };
      } else {
        change = { range: { start: document.positionAt(at), end: document.positionAt(Math.min(text.length, at + rng.int(1, 3))) }, text: '' };
      }
      // Keep surrogate pairs and CRLFs whole, as an editor does.
      const start = document.offsetAt(change.range.start);
      const end = document.offsetAt(change.range.end);
      const cut = (o: number) => {
        const before = text.charCodeAt(o - 1);
        const after = text.charCodeAt(o);
        return (before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff) || (before === 13 && after === 10);
      };
      if (cut(start) || cut(end)) continue;
      document = TextDocument.update(document, [change], document.version + 1);
      sends.push(client.change(uri, [change]));
    }
    await Promise.all(sends);
    const finalVersion = client.versionOf(uri);
    const last = await client.diagnostics(uri, (params) => params.version === finalVersion, 30_000);
    const expected = await fromScratch(client, document.getText());
    assert.deepEqual(normalizeDiagnostics(last.diagnostics, uri), expected, `after ${sends.length} changes: ${show(last.diagnostics)}`);
    const publications = client.publications.slice(since).filter((p) => p.uri === uri).length;
    assert.ok(publications < sends.length / 2, `the burst was debounced (${publications} publications for ${sends.length} changes)`);
    assert.ok(Date.now() - started < 30_000);
    await client.close(uri);
  });

  describe('malformed params', () => {
    /** Notifications the server cannot use: it must ignore them, keep serving, and log that it did. */
    const NOTIFICATIONS: Array<[string, string, unknown, string?]> = [
      ['didOpen without textDocument', 'textDocument/didOpen', {}],
      ['didOpen with a number for the text', 'textDocument/didOpen', { textDocument: { uri: 'file:///protocol/bad-open.py', languageId: 'python', version: 1, text: 42 } }],
      ['didOpen with null params', 'textDocument/didOpen', null],
      ['didChange without contentChanges', 'textDocument/didChange', { textDocument: { uri: 'file:///protocol/malformed.py', version: 2 } }],
      ['didChange with contentChanges not an array', 'textDocument/didChange', { textDocument: { uri: 'file:///protocol/malformed.py', version: 2 }, contentChanges: { text: 'x' } }],
      ['didChange with a change without text', 'textDocument/didChange', { textDocument: { uri: 'file:///protocol/malformed.py', version: 2 }, contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }] }],
      ['didChange with strings for positions', 'textDocument/didChange', { textDocument: { uri: 'file:///protocol/malformed.py', version: 2 }, contentChanges: [{ range: { start: { line: '0', character: '1' }, end: { line: '0', character: '2' } }, text: 'x' }] }],
      ['didChange with a range without end', 'textDocument/didChange', { textDocument: { uri: 'file:///protocol/malformed.py', version: 2 }, contentChanges: [{ range: { start: { line: 0, character: 0 } }, text: 'x' }] }],
      ['didChange with fractional positions', 'textDocument/didChange', { textDocument: { uri: 'file:///protocol/malformed.py', version: 2 }, contentChanges: [{ range: { start: { line: 0.5, character: 1.5 }, end: { line: 0.5, character: 2.5 } }, text: 'x' }] }],
      ['didChange with a null change', 'textDocument/didChange', { textDocument: { uri: 'file:///protocol/malformed.py', version: 2 }, contentChanges: [null] }],
      ['didClose without params', 'textDocument/didClose', undefined],
      ['didSave with a number for the document', 'textDocument/didSave', { textDocument: 7 }],
      ['didChangeWatchedFiles without changes', 'workspace/didChangeWatchedFiles', {}],
    ];
    for (const [name, method, params, todo] of NOTIFICATIONS) {
      test(`${name}: ignored, logged, and the document stays in step`, todo ? { todo } : {}, async () => {
        const uri = 'file:///protocol/malformed.py';
        await client.open(uri, SOURCE);
        await client.diagnosticsFor(uri);
        const mark = markOf(client);
        await client.notify(method, params);
        // The server must still answer, and a full resync must give the right diagnostics.
        await answer(client.hover(uri, 4, 20), 'hover after a malformed notification');
        const since = client.publications.length;
        const resync = 'import yaml\neval(x)\n';
        await client.change(uri, [{ text: resync }]);
        const last = await settled(client, uri, since);
        assert.deepEqual(normalizeDiagnostics(last.diagnostics, uri), await fromScratch(client, resync));
        assert.match(logSince(client, mark), new RegExp(method.split('/').pop()!.replace(/^did/, '') + '|invalid|malformed|ignor|reject|failed', 'i'), `the server logged nothing about ${name}`);
        await client.close(uri);
        await assertHealthy();
      });
    }

    /** Requests with params of the wrong shape: an error response or an empty answer, never silence or a crash. */
    const REQUESTS: Array<[string, string, unknown, string?]> = [
      ['hover without position', 'textDocument/hover', { textDocument: { uri: 'file:///protocol/malformed-req.py' } }],
      ['hover with null params', 'textDocument/hover', null],
      ['hover with a string position', 'textDocument/hover', { textDocument: { uri: 'file:///protocol/malformed-req.py' }, position: 'start' }],
      ['codeAction without context', 'textDocument/codeAction', { textDocument: { uri: 'file:///protocol/malformed-req.py' }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } } }],
      ['codeAction with diagnostics not an array', 'textDocument/codeAction', { textDocument: { uri: 'file:///protocol/malformed-req.py' }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, context: { diagnostics: 'all' } }],
      ['codeAction with garbage diagnostics', 'textDocument/codeAction', { textDocument: { uri: 'file:///protocol/malformed-req.py' }, range: { start: { line: 4, character: 0 }, end: { line: 4, character: 30 } }, context: { diagnostics: [null, 1, { code: 'VG202' }, { range: 'x', data: 'y' }] } }],
      ['codeAction with only: a string', 'textDocument/codeAction', { textDocument: { uri: 'file:///protocol/malformed-req.py' }, range: { start: { line: 4, character: 0 }, end: { line: 4, character: 30 } }, context: { diagnostics: [], only: 'source.fixAll.vigil' } }],
      ['vigil/reviewFile with no uri', REVIEW_FILE_REQUEST, {}],
      ['vigil/reviewFile with a number', REVIEW_FILE_REQUEST, 42],
      ['vigil/reviewFile with a bad reportUri', REVIEW_FILE_REQUEST, { uri: 'file:///protocol/malformed-req.py', reportUri: 12 }],
      ['vigil/exportSarif with an array', EXPORT_SARIF_REQUEST, [1, 2]],
      ['vigil/exportSarif with null', EXPORT_SARIF_REQUEST, null],
      ['vigil/reviewWorkspace with a string', REVIEW_WORKSPACE_REQUEST, 'all'],
    ];
    for (const [name, method, params, todo] of REQUESTS) {
      test(`${name}: answered (a result, an empty answer or an error), and a refusal is logged`, todo ? { todo } : {}, async () => {
        const uri = 'file:///protocol/malformed-req.py';
        await client.open(uri, SOURCE);
        await client.diagnosticsFor(uri);
        const mark = markOf(client);
        const outcome = await answer(client.request(method, params), name, method === REVIEW_WORKSPACE_REQUEST ? 20_000 : 5000);
        await new Promise((resolve) => setTimeout(resolve, 50));
        // A refusal is an error response or, when the server answers empty, a line in its log. (An empty hover or
        // code action list is a normal answer.)
        const empty = outcome.result === null || outcome.result === undefined || (Array.isArray(outcome.result) && outcome.result.length === 0);
        if (outcome.error === undefined && empty && !/hover|codeAction/.test(method)) {
          assert.notEqual(logSince(client, mark).trim(), '', `${name}: answered ${JSON.stringify(outcome.result)} without an error response or a log line`);
        }
        await client.close(uri);
        await assertHealthy();
      });
    }

    test('an unknown method gets MethodNotFound', async () => {
      const outcome = await answer(client.request('vigil/doesNotExist', {}), 'an unknown method');
      assert.ok(outcome.error instanceof ResponseError && outcome.error.code === ErrorCodes.MethodNotFound, `unknown method: ${String(outcome.error)}`);
      await assertHealthy();
    });

    test('a didOpen whose text is not a string is refused at the door', async () => {
      const uri = 'file:///protocol/bad-open-text.py';
      const mark = markOf(client);
      await client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text: 42 } });
      await answer(client.hover(uri, 0, 0), 'hover on the refused document');
      await new Promise((resolve) => setTimeout(resolve, 300));
      const log = logSince(client, mark);
      assert.match(log, /didOpen/, 'the refusal names didOpen');
      assert.doesNotMatch(log, /analysing .* failed|hover failed/, 'the refused document is never analysed');
      await assertHealthy();
    });
  });

  describe('workspace/configuration answered with garbage', () => {
    const GARBAGE: Array<[string, unknown]> = [
      ['null', null],
      ['a number', 42],
      ['a string', 'vigil'],
      ['an empty array', []],
      ['an array of numbers', [1, 2, 3]],
      ['an array holding null', [null]],
      ['an array of arrays', [[{ enable: false }]]],
      ['an object instead of an array', { enable: false }],
      ['values of the wrong types', [{ enable: 'no', run: 7, select: 'VG1', ignore: [1, null, {}], severity: ['error'], minimumConfidence: 3, exclude: 'x', workspaceReview: true, configurationPreference: {} }]],
      ['severities that are not levels', [{ severity: { VG202: 'fatal', medium: 42, __proto__: { VG202: 'hint' } } }]],
      ['deeply nested junk', [JSON.parse('{"select":' + '['.repeat(2000) + ']'.repeat(2000) + '}')]],
    ];
    for (const [name, response] of GARBAGE) {
      test(`${name}: the server keeps analysing with defaults and answers`, async () => {
        const uri = `file:///protocol/config-${name.replace(/\W+/g, '-')}.py`;
        await client.open(uri, SOURCE);
        await client.diagnosticsFor(uri);
        const since = client.publications.length;
        client.configurationResponse = () => response;
        try {
          await client.changeSettings({});
          const last = await settled(client, uri, since);
          assert.deepEqual(last.diagnostics.map((d) => d.code), ['VG202'], `published ${show(last.diagnostics)}`);
          const hover = await answer(client.hover(uri, 4, 20), 'hover with garbage settings');
          assert.ok(hover.result, 'the hover still explains the finding');
        } finally {
          client.configurationResponse = undefined;
          await client.changeSettings({});
        }
        await client.close(uri);
      });
    }

    test('an error response to workspace/configuration: defaults apply', async () => {
      const uri = 'file:///protocol/config-error.py';
      await client.open(uri, SOURCE);
      await client.diagnosticsFor(uri);
      const since = client.publications.length;
      client.configurationResponse = () => {
        throw new ResponseError(ErrorCodes.InternalError, 'the client could not read its settings');
      };
      try {
        await client.changeSettings({});
        const last = await settled(client, uri, since);
        assert.deepEqual(last.diagnostics.map((d) => d.code), ['VG202']);
      } finally {
        client.configurationResponse = undefined;
        await client.changeSettings({});
      }
      await client.close(uri);
    });

    test('settings the server could not use are reported in its log', async () => {
      const uri = 'file:///protocol/config-logged.py';
      await client.open(uri, SOURCE);
      await client.diagnosticsFor(uri);
      const mark = markOf(client);
      const since = client.publications.length;
      client.configurationResponse = () => [{ enable: 'no', run: 7, select: 'VG1' }];
      try {
        await client.changeSettings({});
        await settled(client, uri, since);
        assert.match(logSince(client, mark), /setting|configuration/i);
      } finally {
        client.configurationResponse = undefined;
        await client.changeSettings({});
      }
      await client.close(uri);
    });
  });
});

describe('language server lifecycle', () => {
  test('requests after shutdown are answered, and exit then ends the process with code 0', async () => {
    const client = await TestClient.start();
    const uri = 'file:///protocol/after-shutdown.py';
    await client.open(uri, SOURCE);
    await client.diagnosticsFor(uri);
    await answer(client.connection.sendRequest('shutdown'), 'shutdown');
    const hover = await answer(client.hover(uri, 4, 20), 'hover after shutdown');
    const actions = await answer(client.codeActions(uri, { start: { line: 4, character: 0 }, end: { line: 4, character: 30 } }, []), 'codeAction after shutdown');
    await answer(client.request(REVIEW_FILE_REQUEST, { uri }), 'reviewFile after shutdown');
    await client.open('file:///protocol/after-shutdown-2.py', SOURCE);
    assert.ok(hover.result !== undefined || hover.error !== undefined);
    assert.ok(actions.result !== undefined || actions.error !== undefined);
    assert.equal(client.process.exitCode, null, 'shutdown alone does not end the process');
    await client.notify('exit', undefined);
    const exit = await Promise.race([client.exited, new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), 5000))]);
    assert.notEqual(exit, 'running', 'exit ends the process');
    assert.deepEqual(exit, { code: 0, signal: null });
    client.kill();
  });

  test('requests after shutdown fail with InvalidRequest, as LSP says', async () => {
    const client = await TestClient.start();
    try {
      const uri = 'file:///protocol/after-shutdown-strict.py';
      await client.open(uri, SOURCE);
      await client.diagnosticsFor(uri);
      await client.connection.sendRequest('shutdown');
      const hover = await answer(client.hover(uri, 4, 20), 'hover after shutdown');
      assert.ok(hover.error instanceof ResponseError && hover.error.code === ErrorCodes.InvalidRequest, `answered ${JSON.stringify(hover.result ?? String(hover.error)).slice(0, 100)}`);
    } finally {
      client.kill();
    }
  });

  test('exit without shutdown ends the process (code 1)', async () => {
    const client = await TestClient.start();
    const uri = 'file:///protocol/exit.py';
    await client.open(uri, SOURCE);
    await client.diagnosticsFor(uri);
    await client.notify('exit', undefined);
    const exit = await Promise.race([client.exited, new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), 5000))]);
    assert.notEqual(exit, 'running', 'exit ends the process');
    assert.deepEqual(exit, { code: 1, signal: null });
    client.kill();
  });

  test('the client going away (stdin closed) ends the process', async () => {
    const client = await TestClient.start();
    await client.open('file:///protocol/orphan.py', SOURCE);
    await client.diagnosticsFor('file:///protocol/orphan.py');
    client.process.stdin!.end();
    const exit = await Promise.race([client.exited, new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), 5000))]);
    assert.notEqual(exit, 'running', 'an orphaned server exits');
    client.kill();
  });
});

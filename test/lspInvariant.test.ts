import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic, TextDocumentContentChangeEvent } from 'vscode-languageserver-protocol';
import { normalizeDiagnostics } from './support/fuzz/runner';
import { SERVER_PATH, TestClient } from './support/lspClient';

/**
 * The server's invariant, end to end: whatever incremental edits a client sends, the diagnostics it publishes for
 * the last version equal those of a fresh document opened with the client's final text (a from-scratch analysis in
 * the same server, so the check also holds while others rebuild dist/ or edit the engine's source).
 *
 * test/incremental.test.ts checks the engine's incremental path (SourceFile + Analyzer) and lsp.test.ts sends
 * single ASCII edits, one per notification, waiting for nothing. This adds what only the server sees: several
 * changes in one didChange (each range relative to the text after the previous one), multi-line pastes,
 * whole-document replacements, CRLF, lone CR and mixed line ends, astral-plane characters (UTF-16 surrogate pairs:
 * 😀, 𝔘), edits aimed inside strings and comments, bursts sent without waiting interleaved with pauses that let an
 * analysis run mid-sequence, and several documents edited at once.
 *
 * `VIGIL_INVARIANT_RUNS` sets the number of sequences (default 40, about 10 s); `VIGIL_INVARIANT_SEED` the seed;
 * `VIGIL_SERVER_PATH` another build of the server (a snapshot of dist/ for long runs).
 */

const RUNS = Number(process.env.VIGIL_INVARIANT_RUNS ?? 40);
const SEED = Number(process.env.VIGIL_INVARIANT_SEED ?? 20261130);
/** Sequences run at once, each on its own document (the debounce waits overlap). */
const BATCH = 4;
/** Property runs per server process: long runs restart the server now and then. */
const RUNS_PER_SERVER = 150;
const SERVER = process.env.VIGIL_SERVER_PATH ?? SERVER_PATH;
/** How long the server may take to replace diagnostics of text with syntax errors by a fresh parse's (ms). */
const SETTLE_MS = 3000;

const fixture = (name: string, lines: number) =>
  readFileSync(join(__dirname, 'fixtures', 'rules', name), 'utf8').split('\n').slice(3, 3 + lines).join('\n');

/** Starting texts: real findings, flows across functions, strings and comments with astral characters. */
const SEEDS: readonly string[] = [
  [fixture('VG102-shell-injection.py', 40), fixture('VG202-yaml-unsafe-load.py', 25), fixture('VG401-hardcoded-secret.py', 25)].join('\n'),
  [
    'import os, subprocess, logging',
    'from flask import Flask, request, redirect',
    'app = Flask(__name__)',
    'LOG = logging.getLogger(__name__)',
    '',
    'def build(column, value):',
    '    # the query is built here: "SELECT" + value',
    '    return "SELECT * FROM t WHERE %s = \'%s\'" % (column, value)',
    '',
    'def run(cmd):',
    '    subprocess.call(cmd, shell=True)  # nosec? no: a real finding',
    '',
    '@app.route("/x")',
    'def view(cursor):',
    '    name = request.args.get("f")',
    '    LOG.info("user asked for %s", name)',
    '    cursor.execute(build("name", name))',
    '    run("ls " + name)',
    '    return redirect(name)',
    '',
  ].join('\n'),
  [
    '# 😀 comment with 𝔘 and é',
    'import yaml, hashlib, requests',
    'GREETING = "héllo 😀 wörld 𝔘𝔘"',
    'password = "𝔘-secret-😀"',
    'def load(path):',
    '    """Docstring with 😀 and a quote \' inside."""',
    '    with open(path) as fh:',
    '        data = yaml.load(fh)  # 𝔘',
    '    digest = hashlib.md5(b"😀").hexdigest()',
    '    requests.get("https://example.com/𝔘", verify=False)',
    '    return eval(data["😀"])',
    '',
  ].join('\n'),
];

/** Pieces people type and paste: code with findings, structure, quotes, line ends of every kind, astral characters. */
const SNIPPETS = [
  '', '(', ')', '[', ']', ':', ',', '.', ' = ', '"', "'", '"""', '#', '\\', '    ', '\n', '\n    ', '\r\n', '\r', '\r\n    ',
  'x', 'name', 'value', 'é', '😀', '𝔘', '"😀"', '# 𝔘 ', '\u{10437}', 'yaml.load(x)', 'eval(s)', 'os.system(cmd)',
  'subprocess.call(cmd, shell=True)\n', 'password = "hunter2"\n', 'request.args["q"]', 'cursor.execute("SELECT " + v)\n',
  'def helper(a):\n    return os.system(a)\n', 'def helper(a):\r\n    return os.system(a)\r\n', 'class C:\n    def m(self, x):\n        eval(x)\n',
  'try:\n    pass\nexcept Exception:\n    pass\n', 'if x:\n    ', 'return ', 'import subprocess as sp\n', 'sp.Popen(c, shell=True)\n',
  '"""\n', "f'{x}'", 'f"{request.args[\'q\']}"', '# vigil: ignore[VG102]', '  # nosec', '# noqa: S506\n', '😀 = 1\n',
];
const ALPHABET = ['a', 'x', ' ', '(', ')', '"', "'", '#', ':', '\n', '\r\n', '\r', '\t', '\\', '😀', '𝔘', 'é', '=', '.', ','];

type Anchor = 'any' | 'string' | 'comment' | 'lineStart' | 'lineEnd';

interface Edit {
  readonly anchor: Anchor;
  readonly at: number;
  readonly remove: number;
  readonly insert: string;
}

interface Step {
  readonly edits: readonly Edit[];
  /** Send the result as one whole-document change instead of ranged ones. */
  readonly full: boolean;
  /** Wait for this version's diagnostics before the next change (an analysis runs mid-sequence). */
  readonly wait: boolean;
}

interface Sequence {
  readonly seed: number;
  readonly eol: 'lf' | 'crlf' | 'cr' | 'mixed';
  readonly steps: readonly Step[];
}

const editArbitrary: fc.Arbitrary<Edit> = fc.record({
  anchor: fc.constantFrom<Anchor>('any', 'any', 'string', 'comment', 'lineStart', 'lineEnd'),
  at: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
  remove: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 4, arbitrary: fc.nat({ max: 12 }) }, { weight: 1, arbitrary: fc.nat({ max: 300 }) }),
  insert: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...SNIPPETS) }, { weight: 1, arbitrary: fc.array(fc.constantFrom(...ALPHABET), { maxLength: 8 }).map((units) => units.join('')) }),
});

const sequenceArbitrary: fc.Arbitrary<Sequence> = fc.record({
  seed: fc.nat({ max: SEEDS.length - 1 }),
  eol: fc.constantFrom<Sequence['eol']>('lf', 'lf', 'crlf', 'cr', 'mixed'),
  steps: fc.array(
    fc.record({
      edits: fc.array(editArbitrary, { minLength: 1, maxLength: 4 }),
      full: fc.double({ min: 0, max: 1, noNaN: true }).map((x) => x < 0.05),
      wait: fc.double({ min: 0, max: 1, noNaN: true }).map((x) => x < 0.12),
    }),
    { minLength: 1, maxLength: 12 },
  ),
});

function withLineEnds(text: string, eol: Sequence['eol']): string {
  if (eol === 'lf') return text;
  let i = 0;
  return text.replace(/\n/g, () => (eol === 'crlf' ? '\r\n' : eol === 'cr' ? '\r' : ['\n', '\r\n', '\r'][i++ % 3]!));
}

/** Never between the halves of a surrogate pair or of a CRLF: positions an editor can name. */
function addressable(text: string, offset: number): number {
  const o = Math.max(0, Math.min(offset, text.length));
  const before = text.charCodeAt(o - 1);
  const after = text.charCodeAt(o);
  if (before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff) return o - 1;
  if (before === 13 && after === 10) return o - 1;
  return o;
}

/** Where an edit lands: anywhere, inside a string literal or a comment, at a line start or end. */
function target(text: string, anchor: Anchor, at: number): number {
  const spans = (pattern: RegExp, inner: (m: RegExpExecArray) => [number, number]) => {
    const found: Array<[number, number]> = [];
    for (let m = pattern.exec(text); m; m = pattern.exec(text)) found.push(inner(m));
    return found;
  };
  let candidates: Array<[number, number]>;
  switch (anchor) {
    case 'string':
      candidates = spans(/("|')(?:(?!\1)[^\\\r\n]|\\.)*\1/g, (m) => [m.index + 1, m.index + m[0].length - 1]);
      break;
    case 'comment':
      candidates = spans(/#[^\r\n]*/g, (m) => [m.index + 1, m.index + m[0].length]);
      break;
    case 'lineStart':
      candidates = [[0, 0], ...spans(/\r\n|\r|\n/g, (m) => [m.index + m[0].length, m.index + m[0].length])];
      break;
    case 'lineEnd':
      candidates = [...spans(/\r\n|\r|\n/g, (m) => [m.index, m.index]), [text.length, text.length]];
      break;
    default:
      return Math.floor(at * (text.length + 1));
  }
  if (candidates.length === 0) return Math.floor(at * (text.length + 1));
  const scaled = at * candidates.length;
  const [start, end] = candidates[Math.floor(scaled)]!;
  return start + Math.floor((scaled % 1) * (end - start + 1));
}

/**
 * Plays one sequence on `uri` and returns the client's final text. Positions come from the reference implementation
 * of LSP text sync (vscode-languageserver-textdocument), so the client's text is what the protocol says.
 */
async function play(client: TestClient, uri: string, sequence: Sequence): Promise<string> {
  const initial = withLineEnds(SEEDS[sequence.seed]!, sequence.eol);
  let document = TextDocument.create(uri, 'python', 1, initial);
  await client.open(uri, initial);
  for (const step of sequence.steps) {
    const changes: TextDocumentContentChangeEvent[] = [];
    const before = document.getText();
    for (const edit of step.edits) {
      const text = document.getText();
      const start = addressable(text, target(text, edit.anchor, edit.at));
      const end = addressable(text, Math.max(start, start + edit.remove));
      const range = { start: document.positionAt(start), end: document.positionAt(end) };
      changes.push({ range, text: edit.insert });
      document = TextDocument.update(document, [{ range, text: edit.insert }], document.version + 1);
    }
    if (step.full && before !== document.getText()) {
      await client.change(uri, [{ text: document.getText() }]);
    } else {
      await client.change(uri, changes);
    }
    if (step.wait) await client.diagnosticsFor(uri);
  }
  return document.getText();
}

const show = (diagnostics: readonly Diagnostic[]) => diagnostics.map((d) => `${String(d.code)}@${d.range.start.line}:${d.range.start.character}`).join(', ');

describe('language server invariant: incremental edits equal a fresh document', () => {
  test(`${RUNS} random edit sequences (seed ${SEED}) end with the diagnostics of a from-scratch analysis`, async () => {
    assert.ok(existsSync(SERVER), `${SERVER} is missing: run \`npm run build\` first`);
    let client: TestClient | undefined;
    let runs = 0;
    let sequences = 0;
    let compared = 0;
    let settledLater = 0;
    const started = Date.now();
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(sequenceArbitrary, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
          if (!client || runs % RUNS_PER_SERVER === 0) {
            await client?.stop();
            client = await TestClient.start({ serverPath: SERVER });
          }
          const c = client;
          const run = runs++;
          await Promise.all(
            batch.map(async (sequence, i) => {
              const uri = `file:///invariant/run-${run}-${i}.py`;
              const fresh = `file:///invariant/run-${run}-${i}-fresh.py`;
              const text = await play(c, uri, sequence);
              let incremental = await c.diagnosticsFor(uri);
              await c.open(fresh, text);
              const scratch = await c.diagnosticsFor(fresh);
              const same = () => JSON.stringify(normalizeDiagnostics(incremental, uri)) === JSON.stringify(normalizeDiagnostics(scratch, fresh));
              if (!same()) {
                // With syntax errors the server re-parses afresh once the client pauses (tree-sitter's incremental
                // recovery can differ from a fresh parse): what must match is what stays on screen.
                const version = c.versionOf(uri);
                const deadline = Date.now() + SETTLE_MS;
                while (!same() && Date.now() < deadline) {
                  await new Promise((resolve) => setTimeout(resolve, 50));
                  const latest = c.published.get(uri);
                  if (latest && latest.version === version) incremental = latest.diagnostics;
                }
                if (same()) settledLater++;
              }
              await c.close(uri);
              await c.close(fresh);
              assert.deepEqual(
                normalizeDiagnostics(incremental, uri),
                normalizeDiagnostics(scratch, fresh),
                `after the edits: [${show(incremental)}]; a fresh document: [${show(scratch)}]; final text: ${JSON.stringify(text).slice(0, 3000)}`,
              );
              sequences++;
              compared += scratch.length;
            }),
          );
          assert.equal(c.process.exitCode, null, 'the server is still running');
        }),
        { numRuns: Math.max(1, Math.ceil(RUNS / BATCH)), seed: SEED, endOnFailure: true },
      );
    } finally {
      await client?.stop();
      if (RUNS > 200) console.log(
          `lspInvariant: ${sequences} sequences in ${runs} batches (${compared} diagnostics compared; ${settledLater} matched only after the server's idle re-parse), ${((Date.now() - started) / 1000).toFixed(0)} s`,
        );
    }
  });
});

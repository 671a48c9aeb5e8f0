import { performance } from 'node:perf_hooks';
import { ACTIVE_RULES, Analyzer, SourceFile, type PythonParser, type Rule, type SyntaxTree } from '../server/src/engine';
import { analyzeFromScratch } from './engine';

/** Replace `[start, end)` with `text`, in UTF-16 offsets of the text as it is when the edit applies. */
export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** Where the typist starts a new line: the end of a function's first statement, and that statement's indent. */
interface Stop {
  readonly offset: number;
  readonly indent: string;
}

/** Lines a person might type in a function body; several are what the rules look for, so rules really run. */
const LINES = [
  'value = helper(data, 2)',
  'cmd = "ls " + path',
  'subprocess.call(cmd, shell=True)',
  'query = "SELECT * FROM t WHERE id = %s" % key',
  'config = yaml.load(stream)',
  'password = "hunter2"',
  'log.info("token %s", token)',
  'field = line.split(":")[1]',
];

/** Lines a person might type at module level: constants, a logger, a call, a secret (so module rules run too). */
const MODULE_LINES = [
  'RETRY_LIMIT = 5',
  'log = logging.getLogger(__name__)',
  'DEFAULT_TIMEOUT = 30 * 60',
  'print(__doc__)',
  'API_TOKEN = "sk-test-1234"',
  'CACHE = {}',
];

/** Editors close these as they are typed (VS Code's default), so plain typing does not leave brackets open. */
const PAIRS: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}', '"': '"', "'": "'" };

function functionStops(syntax: SyntaxTree, text: string): Stop[] {
  const stops: Stop[] = [];
  syntax.root.walk((node) => {
    if (node.type !== 'function_definition') return;
    const first = node.child('body')?.namedChildren[0];
    if (!first) return;
    const lineStart = text.lastIndexOf('\n', first.start - 1) + 1;
    const indent = text.slice(lineStart, first.start);
    if (!/^[ \t]+$/.test(indent)) return; // `def f(): pass` on one line: no body line to type after
    let lineEnd = text.indexOf('\n', first.end);
    if (lineEnd === -1) lineEnd = text.length;
    else if (text[lineEnd - 1] === '\r') lineEnd--; // keep a `\r\n` together
    stops.push({ offset: lineEnd, indent });
  });
  // A nested def that is its parent's first statement can end on the same line: keep one stop per offset.
  return stops.sort((a, b) => a.offset - b.offset).filter((stop, i, all) => i === 0 || all[i - 1]!.offset !== stop.offset);
}

/** Where the typist starts a new module-level line: the end of a top-level statement that is no definition. */
function moduleStops(syntax: SyntaxTree, text: string): Stop[] {
  const stops: Stop[] = [];
  for (const statement of syntax.root.namedChildren) {
    if (!/^(expression_statement|import_statement|import_from_statement)$/.test(statement.type)) continue;
    let lineEnd = text.indexOf('\n', statement.end);
    if (lineEnd === -1) lineEnd = text.length;
    else if (text[lineEnd - 1] === '\r') lineEnd--;
    stops.push({ offset: lineEnd, indent: '' });
  }
  return stops.filter((stop, i, all) => i === 0 || all[i - 1]!.offset !== stop.offset);
}

/**
 * A person typing `count` edits into function bodies spread over the file (`where: 'module'`: new module-level lines
 * after top-level statements instead): Enter (with the editor's
 * auto-indent, one edit), then a line one character per edit, brackets and quotes auto-closed and typed over.
 * Every few lines the cursor moves to the next function further down. With `unclosedParen` the first new line
 * starts with a `(` that is never closed, and typing carries on after it: the error-recovery case.
 *
 * Stops are visited in file order, so each one's current offset is its original offset plus all that was
 * inserted before it: the script needs no re-parsing to stay inside function bodies.
 */
export function typingScript(syntax: SyntaxTree, text: string, count: number, unclosedParen: boolean, where: 'functions' | 'module' = 'functions'): TextEdit[] {
  const candidates = where === 'module' ? moduleStops(syntax, text) : functionStops(syntax, text);
  const lines = where === 'module' ? MODULE_LINES : LINES;
  if (candidates.length === 0) return [];
  const wanted = Math.min(candidates.length, Math.max(1, Math.round(count / 50)));
  const stops = Array.from({ length: wanted }, (_, i) => candidates[Math.floor(((i + 0.5) * candidates.length) / wanted)]!);
  const linesPerStop = Math.ceil(count / 25 / wanted);

  const edits: TextEdit[] = [];
  const insert = (at: number, piece: string) => edits.push({ start: at, end: at, text: piece });
  let inserted = 0;
  let cursor = 0;
  for (let line = 0; edits.length < count; line++) {
    const stop = stops[Math.min(stops.length - 1, Math.floor(line / linesPerStop))]!;
    if (line % linesPerStop === 0 && line / linesPerStop < stops.length) cursor = stop.offset + inserted;
    insert(cursor, '\n' + stop.indent);
    cursor += 1 + stop.indent.length;
    inserted += 1 + stop.indent.length;
    if (unclosedParen && line === 0) {
      insert(cursor, '(');
      cursor += 1;
      inserted += 1;
    }
    const closers: string[] = [];
    for (const char of lines[line % lines.length]!) {
      if (edits.length >= count) break;
      if (closers.at(-1) === char) {
        closers.pop(); // typing over the auto-inserted closer: the cursor moves, the text does not change
        cursor += 1;
        continue;
      }
      const closer = PAIRS[char];
      insert(cursor, closer ? char + closer : char);
      if (closer) closers.push(closer);
      cursor += 1;
      inserted += closer ? 2 : 1;
    }
    cursor += closers.length; // a line cut short by `count`: step past its closers like the End key
  }
  return edits;
}

export interface SessionResult {
  readonly edits: number;
  /** Per edit: `SourceFile.edit` plus reading `syntax` (incremental reparse, old tree deleted, copy). */
  readonly reparseMs: number[];
  /** Per edit: line index plus `Analyzer.analyze` with the document's own cache. */
  readonly analyzeMs: number[];
  readonly totalMs: number[];
  /** From-scratch analysis (parse + copy + fresh Analyzer) of the same text, sampled every few edits. */
  readonly fullMs: number[];
  readonly unitsAnalyzed: number[];
  readonly unitsReused: number[];
  /** How many edits left the text with syntax errors. */
  readonly editsWithErrors: number;
}

/** Replays `edits` the way the language server handles a document, timing each step. */
export function runSession(
  parser: PythonParser,
  text: string,
  edits: readonly TextEdit[],
  fullEvery: number,
  rules: readonly Rule[] = ACTIVE_RULES,
): SessionResult {
  const source = new SourceFile(parser, text);
  const analyzer = new Analyzer(rules);
  const result: SessionResult = {
    edits: edits.length,
    reparseMs: [],
    analyzeMs: [],
    totalMs: [],
    fullMs: [],
    unitsAnalyzed: [],
    unitsReused: [],
    editsWithErrors: 0,
  };
  let withErrors = 0;
  try {
    // Opening the document: the first parse and a full analysis fill the tree and the cache (not counted).
    analyzer.analyze({ text: source.text, syntax: source.syntax, lineIndex: source.lineIndex });
    edits.forEach((edit, i) => {
      const start = performance.now();
      source.edit(edit.start, edit.end, edit.text);
      const syntax = source.syntax;
      const parsed = performance.now();
      const analysis = analyzer.analyze({ text: source.text, syntax, lineIndex: source.lineIndex });
      const done = performance.now();
      result.reparseMs.push(parsed - start);
      result.analyzeMs.push(done - parsed);
      result.totalMs.push(done - start);
      result.unitsAnalyzed.push(analysis.stats.unitsAnalyzed);
      result.unitsReused.push(analysis.stats.unitsReused);
      if (syntax.hasErrors) withErrors++;
      if ((i + 1) % fullEvery === 0) {
        const full = analyzeFromScratch(parser, source.text, rules);
        result.fullMs.push(full.parseMs + full.analyzeMs);
      }
    });
  } finally {
    source.dispose();
  }
  return { ...result, editsWithErrors: withErrors };
}

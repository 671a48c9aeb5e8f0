/**
 * The fuzzer's inputs: buffer `index` of `seed` is a pure function of the two and the corpus, so it can be
 * regenerated anywhere (the parent saves a hung worker's input without having received it).
 *
 * Most buffers are a window of real Python (the rule fixtures, the stdlib) with byte- or token-level damage, a
 * splice of two files, stray brackets and quotes, NULs, lone surrogates and odd line ends; 0.6% are the
 * large classes: one line of a megabyte, 100,000-line files and 5,000-deep nesting.
 */
import type { Corpus, CorpusFile } from './corpus';
import { Random } from './random';

export type SmallKind = 'bytes' | 'tokens' | 'splice' | 'brackets' | 'nul' | 'unicode' | 'eol' | 'stack' | 'whole';
export type LargeKind = 'line1mb' | 'lines100k' | 'deep';
export type CaseKind = SmallKind | LargeKind;

export interface FuzzCase {
  readonly seed: number;
  readonly index: number;
  readonly kind: CaseKind;
  /** Which variant of the kind (for large classes) or which mutations were applied, for the summary and saved inputs. */
  readonly variant: string;
  readonly text: string;
  /** The text before the damage (for the incremental check: edit `base` into `text`); empty for the large classes. */
  readonly base: string;
  readonly large: boolean;
  /** The watchdog's limit for this buffer. */
  readonly budgetMs: number;
}

export interface MixOptions {
  /** Include the large classes (1 MB lines, 100k-line files, 5,000-deep nesting). Default true. */
  readonly large?: boolean;
  /** Per-buffer limit for ordinary buffers, in ms (default 1000). */
  readonly budgetMs?: number;
  /** Nesting depth of the `deep` class (default 5000). */
  readonly depth?: number;
  /** Kinds left out (e.g. `whole`: whole stdlib files, up to 224 KB, for a short slice with a tight budget). */
  readonly exclude?: readonly CaseKind[];
}

/** Weights out of 10,000: the large classes are 0.6% of buffers but much of the run's time. */
export const WEIGHTS: Readonly<Record<CaseKind, number>> = {
  bytes: 2300,
  tokens: 2400,
  splice: 1100,
  brackets: 1100,
  nul: 500,
  unicode: 700,
  eol: 300,
  stack: 1340,
  whole: 200,
  line1mb: 8,
  lines100k: 8,
  deep: 44,
};

const LARGE_KINDS: readonly CaseKind[] = ['line1mb', 'lines100k', 'deep'];

/**
 * The watchdog's limit: `budgetMs` per buffer, and for buffers over 100k characters (only the large classes) a
 * further `budgetMs` per 100k characters, since analysis is linear in the text; never more than a minute.
 */
export function budgetFor(length: number, budgetMs = 1000): number {
  return Math.min(60_000, budgetMs * Math.max(1, Math.ceil(length / 100_000)));
}

export function generateCase(corpus: Corpus, seed: number, index: number, options: MixOptions = {}): FuzzCase {
  const rng = Random.forCase(seed, index);
  const weights: Record<CaseKind, number> = options.large === false ? withoutLarge(WEIGHTS) : { ...WEIGHTS };
  for (const kind of options.exclude ?? []) weights[kind] = 0;
  const kind = rng.weighted(weights);
  const large = LARGE_KINDS.includes(kind);
  let text: string;
  let base = '';
  let variant: string;
  if (kind === 'line1mb') [variant, text] = megabyteLine(rng, corpus);
  else if (kind === 'lines100k') [variant, text] = hundredThousandLines(rng, corpus);
  else if (kind === 'deep') [variant, text] = deepNesting(rng, options.depth ?? 5000);
  else {
    base = kind === 'whole' ? rng.pick(corpus.files).text : window(rng, rng.pick(corpus.files));
    const applied: string[] = [];
    text = mutate(rng, corpus, kind, base, applied);
    variant = applied.join('+');
  }
  return { seed, index, kind, variant, text, base, large, budgetMs: budgetFor(text.length, options.budgetMs) };
}

function withoutLarge(weights: Readonly<Record<CaseKind, number>>): Record<CaseKind, number> {
  return { ...weights, line1mb: 0, lines100k: 0, deep: 0 };
}

/** A run of whole lines of a file: mostly short (tens of lines), sometimes a few hundred. */
function window(rng: Random, file: CorpusFile): string {
  const lines = file.lineStarts.length;
  const length = 1 + rng.small(300);
  const start = rng.int(0, Math.max(0, lines - 1));
  const from = file.lineStarts[start]!;
  const to = start + length < lines ? file.lineStarts[start + length]! : file.text.length;
  return file.text.slice(from, to);
}

function mutate(rng: Random, corpus: Corpus, kind: SmallKind, text: string, applied: string[]): string {
  switch (kind) {
    case 'bytes':
      applied.push('bytes');
      return byteMutations(rng, text);
    case 'tokens':
      applied.push('tokens');
      return tokenMutations(rng, corpus, text);
    case 'splice':
      applied.push('splice');
      return splice(rng, text, window(rng, rng.pick(corpus.files)));
    case 'brackets':
      applied.push('brackets');
      return sprinkle(rng, text, BRACKETS, 1 + rng.small(60));
    case 'nul':
      applied.push('nul');
      return nuls(rng, text);
    case 'unicode':
      applied.push('unicode');
      return unicode(rng, text);
    case 'eol':
      applied.push('eol');
      return lineEnds(rng, text);
    case 'whole':
      applied.push('whole');
      return rng.chance(0.5) ? text : tokenMutations(rng, corpus, text);
    case 'stack': {
      const steps = rng.int(2, 4);
      for (let i = 0; i < steps; i++) {
        const next = rng.pick<SmallKind>(['bytes', 'tokens', 'splice', 'brackets', 'nul', 'unicode', 'eol']);
        text = mutate(rng, corpus, next, text, applied);
      }
      return text;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Byte level: the text as UTF-8, damaged, decoded back (lossily, or as Latin-1 so every byte becomes a character).

const INTERESTING_BYTES: readonly number[][] = [
  [0x00], [0xff], [0xc0], [0xc3], [0xe2, 0x80], [0xed, 0xa0, 0x80], [0xf0, 0x9f, 0x98, 0x80], [0x0d], [0x0a],
  [0x0d, 0x0a], [0x09], [0x0c], [0x0b], [0x1a], [0x5c], [0x22, 0x22, 0x22], [0x27], [0x23], [0x28], [0x29],
  [0xef, 0xbb, 0xbf], [0xfe, 0xff], [0x80],
];

function byteMutations(rng: Random, text: string): string {
  let bytes = Buffer.from(text, 'utf8');
  const ops = 1 + rng.small(12);
  for (let i = 0; i < ops; i++) {
    const at = rng.int(0, bytes.length);
    switch (rng.int(0, 6)) {
      case 0: // flip a bit
        if (bytes.length > 0) {
          const j = Math.min(at, bytes.length - 1);
          bytes[j] = bytes[j]! ^ (1 << rng.int(0, 7));
        }
        break;
      case 1: // a random byte
        if (bytes.length > 0) bytes[Math.min(at, bytes.length - 1)] = rng.int(0, 255);
        break;
      case 2: {
        const inserted = Buffer.from(Array.from({ length: 1 + rng.small(16) }, () => rng.int(0, 255)));
        bytes = Buffer.concat([bytes.subarray(0, at), inserted, bytes.subarray(at)]);
        break;
      }
      case 3: {
        const end = Math.min(bytes.length, at + 1 + rng.small(200));
        bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(end)]);
        break;
      }
      case 4: {
        const end = Math.min(bytes.length, at + 1 + rng.small(200));
        const copy = bytes.subarray(at, end);
        const to = rng.int(0, bytes.length);
        bytes = Buffer.concat([bytes.subarray(0, to), copy, bytes.subarray(to)]);
        break;
      }
      default:
        bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(rng.pick(INTERESTING_BYTES)), bytes.subarray(at)]);
    }
  }
  return rng.chance(0.8) ? bytes.toString('utf8') : bytes.toString('latin1');
}

// ---------------------------------------------------------------------------------------------------------------
// Token level: a rough Python tokenizer, then tokens dropped, duplicated, swapped, replaced and repeated.

const TOKEN =
  /[ \t]+|\r\n|\r|\n|#[^\r\n]*|(?:[rRbBuUfF]{1,2})?(?:"""|'''|"|')|\d[\w.]*|[A-Za-z_]\w*|\*\*=?|\/\/=?|<<=?|>>=?|->|:=|[=!<>]=|[-+*/%@&|^~]=?|[\s\S]/g;

const KEYWORDS = [
  'def', 'class', 'if', 'elif', 'else', 'for', 'while', 'try', 'except', 'finally', 'with', 'as', 'import', 'from',
  'return', 'yield', 'lambda', 'async', 'await', 'match', 'case', 'global', 'nonlocal', 'pass', 'break', 'continue',
  'raise', 'del', 'assert', 'not', 'and', 'or', 'is', 'in', 'None', 'True', 'False', 'type', 'print', 'self',
];

/** Pieces that make rules and the flow layer work: sinks, sources, sanitizers, secrets. */
const SECURITY_TOKENS = [
  'subprocess.call(cmd, shell=True)', 'os.system(', 'eval(', 'exec(', 'yaml.load(', 'pickle.loads(', 'request.args["q"]',
  'request.GET.get("id")', 'cursor.execute(', '"SELECT * FROM t WHERE a = %s" % ', 'hashlib.md5(', 'verify=False',
  'password = "hunter2"', 'tempfile.mktemp()', 'tarfile.open(p).extractall()', 'random.random()', 'LOG.info("%s", token)',
  'f"{x}"', 'redirect(', 'open(', 'requests.get(url)', 'escape(', 'os.path.join(BASE, name)', 'shell=True', 'import os',
  'from flask import request', 'import subprocess as sp', 'sp.Popen(', 'app.run(debug=True)', 'except Exception:\n    pass',
  'q = q + " -x"', 'Template(', 'ldap.search_s(', 'etree.parse(', 'ssl._create_unverified_context()', '.format(',
  ' % (', '+=', 'self.', 'request.form["f"]', 'context.elevated()', 'split("/")[1]', '# nosec', '# noqa: S602',
  '# vigil: ignore[VG102]', 'jinja2.Environment(autoescape=False)', 'paramiko.AutoAddPolicy()', 'secrets.token_hex()',
];

const PUNCTUATION = [
  '(', ')', '[', ']', '{', '}', ':', ',', '.', ';', '=', '==', '+', '-', '*', '**', '/', '//', '%', '@', '->', ':=',
  '\\', '\n', '\n    ', '    ', '\t', '"', "'", '"""', "'''", 'f"', "b'", 'rb"', '#', '...', '*args', '**kw',
];

function tokenize(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

function tokenMutations(rng: Random, corpus: Corpus, text: string): string {
  const tokens = tokenize(text);
  const donor = () => rng.pick(tokenize(window(rng, rng.pick(corpus.files))).concat(['x']));
  const ops = 1 + rng.small(10);
  for (let i = 0; i < ops; i++) {
    const at = rng.int(0, tokens.length);
    switch (rng.int(0, 8)) {
      case 0:
        tokens.splice(at, 1 + rng.small(8));
        break;
      case 1:
        if (tokens.length > 0) tokens.splice(at, 0, ...tokens.slice(at, at + 1 + rng.small(12)));
        break;
      case 2:
        if (at + 1 < tokens.length) [tokens[at], tokens[at + 1]] = [tokens[at + 1]!, tokens[at]!];
        break;
      case 3:
        tokens.splice(at, 1, rng.pick(KEYWORDS));
        break;
      case 4:
        tokens.splice(at, rng.int(0, 1), rng.pick(PUNCTUATION));
        break;
      case 5:
        tokens.splice(at, rng.int(0, 1), rng.pick(SECURITY_TOKENS));
        break;
      case 6:
        tokens.splice(at, rng.int(0, 1), donor());
        break;
      case 7: {
        // Repeat a line: builds chains such as `q = q + " -x"` repeated, and long runs of one statement.
        const joined = tokens.join('');
        const lines = joined.split('\n');
        const line = rng.int(0, lines.length - 1);
        const times = 1 + rng.small(40);
        lines.splice(line, 0, ...Array.from({ length: times }, () => lines[line]!));
        tokens.length = 0;
        // Not `push(...all)`: a long text's tokens are more arguments than the stack holds.
        for (const token of tokenize(lines.join('\n'))) tokens.push(token);
        break;
      }
      default: {
        // Rename: one identifier replaced everywhere by another one from the file (scopes and bindings shift).
        const names = tokens.filter((token) => /^[A-Za-z_]\w*$/.test(token));
        if (names.length >= 2) {
          const from = rng.pick(names);
          const to = rng.pick(names);
          for (let j = 0; j < tokens.length; j++) if (tokens[j] === from) tokens[j] = to;
        }
      }
    }
  }
  return tokens.join('');
}

// ---------------------------------------------------------------------------------------------------------------

function splice(rng: Random, a: string, b: string): string {
  if (rng.chance(0.3)) {
    // Interleave lines of the two.
    const left = a.split('\n');
    const right = b.split('\n');
    const out: string[] = [];
    while (left.length > 0 || right.length > 0) {
      const from = right.length === 0 || (left.length > 0 && rng.chance(0.5)) ? left : right;
      out.push(...from.splice(0, 1 + rng.small(6)));
    }
    return out.join('\n');
  }
  return a.slice(0, rng.int(0, a.length)) + b.slice(rng.int(0, b.length));
}

const BRACKETS = [
  '(', ')', '[', ']', '{', '}', '"', "'", '"""', "'''", 'f"', "f'", "b'", 'rb"', 'f"{', '}"', '\\', '#', ':', ',',
  '\n', '(\n', '[\n', '{\n', ')\n', 'f"""{', '"\n', "'\n",
];

function sprinkle(rng: Random, text: string, pieces: readonly string[], count: number): string {
  for (let i = 0; i < count; i++) {
    const at = rng.int(0, text.length);
    const piece = rng.pick(pieces);
    text = rng.chance(0.8) ? text.slice(0, at) + piece + text.slice(at) : text.slice(0, at) + piece + text.slice(at + piece.length);
  }
  return text;
}

function nuls(rng: Random, text: string): string {
  const variant = rng.int(0, 3);
  if (variant === 0) return sprinkle(rng, text, ['\0'], 1 + rng.small(30));
  if (variant === 1) return text.replace(/[ \t]/g, (space) => (rng.chance(0.1) ? '\0' : space));
  if (variant === 2) {
    const at = rng.int(0, text.length);
    return text.slice(0, at) + '\0'.repeat(1 + rng.small(5000)) + text.slice(at);
  }
  return sprinkle(rng, text, ['\0', '"\0"', "'\\0'", '# \0', '\0\n', 'x\0 = 1\n'], 1 + rng.small(10));
}

const UNICODE_PIECES = [
  '\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uDFFF\uD800', '😀', '𝔘', '𐐷', '𝔘 = eval(x)\n', '"😀"', '# 𝔘\n', '\uFEFF',
  '\u200B', '\u202E', '\u2028', '\u2029', '\u0085', '\u000B', '\u000C', 'é', 'e\u0301', 'ǅ', 'ℌ', '＿', '\u00A0',
  '\u3000', '\u1680', '\uFFFD', '\uFFFF', '\uFFFE', '𝔘𝔘𝔘', 'ﬁ', 'ß', 'İ',
];

function unicode(rng: Random, text: string): string {
  const ops = 1 + rng.small(20);
  for (let i = 0; i < ops; i++) {
    const at = rng.int(0, text.length);
    const roll = rng.int(0, 9);
    if (roll <= 5) {
      text = text.slice(0, at) + rng.pick(UNICODE_PIECES) + text.slice(at);
    } else if (roll === 6) {
      // Split an astral character (or whatever sits there): one half of a surrogate pair is left alone.
      const pair = text.slice(0, at) + '😀' + text.slice(at);
      text = pair.slice(0, at + 1) + pair.slice(at + 2);
    } else if (roll === 7) {
      text = text.slice(0, at) + String.fromCharCode(rng.int(0xd800, 0xdfff)) + text.slice(at + 1);
    } else if (roll === 8) {
      text = text.replace(/[A-Za-z]/g, (ch) => (rng.chance(0.02) ? String.fromCodePoint(0x1d4d0 + (ch.charCodeAt(0) % 26)) : ch));
    } else {
      text = text.slice(0, at) + String.fromCharCode(rng.int(0, 0xffff)) + text.slice(at);
    }
  }
  return text;
}

function lineEnds(rng: Random, text: string): string {
  switch (rng.int(0, 5)) {
    case 0:
      return text.replace(/\r?\n/g, '\r\n');
    case 1:
      return text.replace(/\r?\n/g, '\r');
    case 2:
      return text.replace(/\r?\n/g, () => rng.pick(['\n', '\r\n', '\r', '\n\r']));
    case 3:
      return text.replace(/\s+$/, '');
    case 4:
      return text.replace(/\n/g, () => (rng.chance(0.1) ? ' \\\n' : '\n'));
    default:
      return text.replace(/^( +)/gm, (indent) => (rng.chance(0.2) ? indent.replace(/ {4}/, '\t') : indent));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The large classes.

const MB = 1 << 20;

function repeatTo(piece: string, length: number): string {
  return piece.repeat(Math.ceil(length / piece.length));
}

function megabyteLine(rng: Random, corpus: Corpus): [string, string] {
  const variant = rng.pick([
    'string', 'unterminated-string', 'comment', 'identifier', 'plus-chain', 'sql-chain', 'call-args', 'list', 'dict',
    'attr-chain', 'fstring', 'semicolons', 'corpus-joined', 'noise',
  ]);
  const fill = MB;
  switch (variant) {
    case 'string':
      return [variant, `x = "${'a'.repeat(fill)}"\n`];
    case 'unterminated-string':
      return [variant, `x = "${repeatTo('ab\\"c', fill)}\n`];
    case 'comment':
      return [variant, `# ${'x'.repeat(fill)}\nimport os\nos.system(x)\n`];
    case 'identifier':
      return [variant, `${'a'.repeat(fill)} = eval(b)\n`];
    case 'plus-chain':
      return [variant, `x = a${repeatTo(' + a', fill)}\n`];
    case 'sql-chain':
      return [variant, `def f(cursor, a):\n    cursor.execute("SELECT * FROM t WHERE x = " ${repeatTo('+ a ', fill)})\n`];
    case 'call-args':
      return [variant, `subprocess.call(${repeatTo('a, ', fill)}shell=True)\n`];
    case 'list':
      return [variant, `x = [${repeatTo('1, ', fill)}]\n`];
    case 'dict':
      return [variant, `x = {${repeatTo('"k": v, ', fill)}}\n`];
    case 'attr-chain':
      return [variant, `x = a${repeatTo('.b', fill)}\n`];
    case 'fstring':
      return [variant, `x = f"${repeatTo('{a}b', fill)}"\n`];
    case 'semicolons':
      return [variant, `${repeatTo('x = eval(y); ', fill)}\n`];
    case 'corpus-joined': {
      const parts: string[] = [];
      let length = 0;
      while (length < fill) {
        const piece = window(rng, rng.pick(corpus.files)).replace(/\s*[\r\n]+\s*/g, '; ');
        parts.push(piece);
        length += piece.length;
      }
      return [variant, parts.join('; ') + '\n'];
    }
    default:
      return [variant, Array.from({ length: fill }, () => String.fromCharCode(rng.int(32, 126))).join('') + '\n'];
  }
}

const LINES = 100_000;

function hundredThousandLines(rng: Random, corpus: Corpus): [string, string] {
  const variant = rng.pick([
    'corpus-repeat', 'assign', 'calls', 'defs', 'methods', 'unclosed-list', 'string-body', 'flow-chain', 'blank',
    'crlf', 'zigzag',
  ]);
  const lines = (make: (i: number) => string) => Array.from({ length: LINES }, (_, i) => make(i)).join('\n') + '\n';
  switch (variant) {
    case 'corpus-repeat': {
      const out: string[] = [];
      while (out.length < LINES) for (const line of rng.pick(corpus.files).text.split('\n')) out.push(line);
      return [variant, out.slice(0, LINES).join('\n') + '\n'];
    }
    case 'assign':
      return [variant, lines((i) => `x${i} = ${i}`)];
    case 'calls':
      return [variant, lines(() => 'subprocess.call(cmd, shell=True)')];
    case 'defs':
      return [variant, lines((i) => (i % 2 === 0 ? `def f${i}(a):` : `    return os.system(a)`))];
    case 'methods':
      return [variant, 'class C:\n' + lines((i) => (i % 2 === 0 ? `    def m${i}(self, a):` : `        return self.m${i - 1}(a)`))];
    case 'unclosed-list':
      return [variant, 'x = [\n' + lines((i) => `    ${i},`)];
    case 'string-body':
      return [variant, 'x = """\n' + lines((i) => `line ${i} with 'quotes' and "more"`)];
    case 'flow-chain':
      return [
        variant,
        'from flask import request\n\ndef view(cursor):\n    a0 = request.args["q"]\n' +
          lines((i) => `    a${i + 1} = a${i}`) +
          `    cursor.execute("SELECT * FROM t WHERE x = '%s'" % a${LINES})\n`,
      ];
    case 'blank':
      return [variant, '\n'.repeat(LINES) + 'eval(x)\n'];
    case 'crlf':
      return [variant, lines((i) => `y${i} = eval(x)`).replace(/\n/g, '\r\n')];
    default:
      return [variant, lines((i) => (i % 2 === 0 ? 'if x:' : '    pass'))];
  }
}

function deepNesting(rng: Random, maxDepth: number): [string, string] {
  const depth = rng.chance(0.8) ? maxDepth : rng.int(Math.min(500, maxDepth), maxDepth);
  // Statement nesting needs one more space of indentation per level (5,000 levels: 12.5 MB), so it is rarer.
  const statement = rng.chance(0.08);
  if (statement) {
    const variant = rng.pick(['if', 'for', 'while', 'try', 'with', 'def', 'class', 'async-def', 'mixed']);
    const header = (i: number): string => {
      const kind = variant === 'mixed' ? ['if', 'for', 'while', 'with', 'def', 'class'][i % 6]! : variant;
      switch (kind) {
        case 'if': return 'if x:';
        case 'for': return `for v${i} in y:`;
        case 'while': return 'while x:';
        case 'try': return 'try:';
        case 'with': return `with open(p) as f${i}:`;
        case 'def': return `def f${i}(a):`;
        case 'class': return `class C${i}:`;
        default: return `async def f${i}(a):`;
      }
    };
    const out: string[] = [];
    for (let i = 0; i < depth; i++) out.push(' '.repeat(i) + header(i));
    out.push(' '.repeat(depth) + 'subprocess.call(a, shell=True)');
    if (variant === 'try') for (let i = depth - 1; i >= 0; i--) out.push(' '.repeat(i) + 'except Exception:\n' + ' '.repeat(i + 1) + 'pass');
    return [`${variant}@${depth}`, out.join('\n') + '\n'];
  }
  const variant = rng.pick([
    'parens', 'list', 'dict', 'set', 'call', 'subscript', 'attr', 'not', 'minus', 'lambda', 'await', 'nested-binop',
    'left-binop', 'sql-concat', 'ternary', 'compare', 'fstring', 'comprehension', 'unclosed', 'closers', 'random-brackets',
    'tuple', 'star',
  ]);
  const r = (piece: string) => piece.repeat(depth);
  let text: string;
  switch (variant) {
    case 'parens': text = `x = ${r('(')}a${r(')')}\n`; break;
    case 'list': text = `x = ${r('[')}${r(']')}\n`; break;
    case 'dict': text = `x = ${r('{"k": ')}v${r('}')}\n`; break;
    case 'set': text = `x = ${r('{frozenset(')}v${r(')}')}\n`; break;
    case 'call': text = `x = ${r('f(')}request.args["q"]${r(')')}\nos.system(x)\n`; break;
    case 'subscript': text = `x = a${r('[a')}${r(']')}\n`; break;
    case 'attr': text = `x = a${r('.b')}\n`; break;
    case 'not': text = `x = ${r('not ')}y\n`; break;
    case 'minus': text = `x = ${r('-')}y\n`; break;
    case 'lambda': text = `x = ${r('lambda: ')}y\n`; break;
    case 'await': text = `async def f():\n    x = ${r('await ')}y\n`; break;
    case 'nested-binop': text = `x = ${r('(a + ')}a${r(')')}\n`; break;
    case 'left-binop': text = `x = a${r(' + a')}\neval(x)\n`; break;
    case 'sql-concat': text = `def f(cursor, a):\n    q = "SELECT * FROM t WHERE x = " ${r('+ a ')}\n    cursor.execute(q)\n`; break;
    case 'ternary': text = `x = ${r('a if b else ')}c\n`; break;
    case 'compare': text = `x = a${r(' < a')}\n`; break;
    case 'fstring': text = `x = ${r('f"{')}a${r('}"')}\n`; break;
    case 'comprehension': text = `x = ${r('[')}y${r(' for y in z]')}\n`; break;
    case 'unclosed': text = `x = ${r(rng.pick(['(', '[', '{', 'f(']))}\n`; break;
    case 'closers': text = `${r(rng.pick([')', ']', '}']))}\n`; break;
    case 'tuple': text = `x = ${r('(a, ')}a${r(')')}\n`; break;
    case 'star': text = `f(${r('*')}a)\n`; break;
    default: text = Array.from({ length: depth * 2 }, () => rng.pick(['(', ')', '[', ']', '{', '}', 'a', ','])).join('') + '\n';
  }
  return [`${variant}@${depth}`, text];
}

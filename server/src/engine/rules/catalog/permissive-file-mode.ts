import { defineRule } from '../rule';
import type { Confidence, Severity } from '../../findings';
import type { SemanticModel } from '../../semantic/model';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { callArguments, unparenthesize } from '../../syntax/python';
import { codeSnippet } from '../support/snippets';

/** `stat` module permission bits, by qualified name. */
const STAT_BITS: ReadonlyMap<string, number> = new Map([
  ['S_ISUID', 0o4000],
  ['S_ISGID', 0o2000],
  ['S_ISVTX', 0o1000],
  ['S_IRWXU', 0o700],
  ['S_IRUSR', 0o400],
  ['S_IWUSR', 0o200],
  ['S_IXUSR', 0o100],
  ['S_IREAD', 0o400],
  ['S_IWRITE', 0o200],
  ['S_IEXEC', 0o100],
  ['S_IRWXG', 0o70],
  ['S_IRGRP', 0o40],
  ['S_IWGRP', 0o20],
  ['S_IXGRP', 0o10],
  ['S_IRWXO', 0o7],
  ['S_IROTH', 0o4],
  ['S_IWOTH', 0o2],
  ['S_IXOTH', 0o1],
].flatMap(([name, value]) => [[`stat.${name as string}`, value as number], [`os.${name as string}`, value as number]]));

const S_IWOTH = 0o2;
const S_IWGRP = 0o20;
const S_ISVTX = 0o1000;

interface ModeCall {
  /** Where the mode is: positional index and keyword. */
  readonly position: number;
  readonly keyword: string;
  /** Whether the mode is masked by the process umask (creation), rather than set as given (chmod). */
  readonly masked: boolean;
}

const MODE_CALLS: ReadonlyMap<string, ModeCall> = new Map([
  ['os.chmod', { position: 1, keyword: 'mode', masked: false }],
  ['os.fchmod', { position: 1, keyword: 'mode', masked: false }],
  ['os.lchmod', { position: 1, keyword: 'mode', masked: false }],
  ['os.fchmodat', { position: 2, keyword: 'mode', masked: false }],
  ['os.open', { position: 2, keyword: 'mode', masked: true }],
  ['os.mkdir', { position: 1, keyword: 'mode', masked: true }],
  ['os.makedirs', { position: 1, keyword: 'mode', masked: true }],
  ['os.mkfifo', { position: 1, keyword: 'mode', masked: true }],
]);

const PATH_CLASSES: ReadonlySet<string> = new Set([
  'pathlib.Path',
  'pathlib.PosixPath',
  'pathlib.WindowsPath',
  'pathlib.PurePath',
]);
/** Path methods with a mode: `chmod(mode)`, `lchmod(mode)`, `mkdir(mode=0o777)`, `touch(mode=0o666)`. */
const PATH_METHODS: ReadonlyMap<string, ModeCall> = new Map([
  ['chmod', { position: 0, keyword: 'mode', masked: false }],
  ['lchmod', { position: 0, keyword: 'mode', masked: false }],
  ['mkdir', { position: 0, keyword: 'mode', masked: true }],
  ['touch', { position: 0, keyword: 'mode', masked: true }],
]);

/**
 * The value of a constant permission mode: integer literals in any base, `stat.S_I*` names, `|`, `+`, `&`, `^`, `~`
 * of those, and names every binding of which is such a constant. Null when not a constant Vigil can fold.
 */
export function foldMode(model: SemanticModel, node: SyntaxNode, depth = 0): number | null {
  if (depth > 16) return null;
  const expr = unparenthesize(node);
  switch (expr.type) {
    case 'integer': {
      const text = expr.text.replace(/_/g, '').toLowerCase();
      if (/[lj]$/.test(text)) return null;
      // Python 2 octal (`0777`) is a syntax error in Python 3, but still means octal to whoever wrote it.
      const value = /^0\d+$/.test(text) ? parseInt(text.slice(1), 8) : Number(text);
      return Number.isSafeInteger(value) ? value : null;
    }
    case 'attribute': {
      const name = model.qualifiedName(expr);
      return name !== null ? STAT_BITS.get(name) ?? null : null;
    }
    case 'identifier': {
      const name = model.qualifiedName(expr);
      if (name !== null && STAT_BITS.has(name)) return STAT_BITS.get(name)!;
      // A name given exactly one value (`MODE = stat.S_IRWXU | stat.S_IWOTH`): `stat` names are not literals.
      const value = model.singleValue(expr);
      return value && value !== expr ? foldMode(model, value, depth + 1) : null;
    }
    case 'binary_operator': {
      const left = expr.child('left');
      const right = expr.child('right');
      if (!left || !right) return null;
      const a = foldMode(model, left, depth + 1);
      const b = a === null ? null : foldMode(model, right, depth + 1);
      if (a === null || b === null) return null;
      if (expr.hasToken('|')) return a | b;
      if (expr.hasToken('+')) return a + b;
      if (expr.hasToken('&')) return a & b;
      if (expr.hasToken('^')) return a ^ b;
      if (expr.hasToken('-')) return a - b;
      return null;
    }
    case 'unary_operator': {
      const operand = expr.child('argument') ?? expr.firstNamedChild();
      const value = operand ? foldMode(model, operand, depth + 1) : null;
      if (value === null) return null;
      if (expr.hasToken('~')) return ~value & 0o7777;
      if (expr.hasToken('+')) return value;
      return null;
    }
    default:
      return null;
  }
}

function octal(mode: number): string {
  return `0o${(mode & 0o7777).toString(8)}`;
}

export default defineRule({
  meta: {
    id: 'VG604',
    name: 'permissive-file-mode',
    title: 'File or directory made writable by other users',
    cwe: [732],
    severity: 'high',
    confidence: 'high',
    status: 'preview',
    since: '0.2.0',
    bandit: ['B103'],
    ruff: ['S103'],
    fixable: false,
    docs: {
      whatItDoes:
        'Flags permission modes that let other users write a file or directory: `os.chmod`, `os.fchmod`, `os.lchmod`, `os.fchmodat` and `pathlib.Path.chmod` with a mode that has the world-write bit (`0o777`, `0o666`, `511`, `stat.S_IRWXU | stat.S_IWOTH`), and, with lower severity, the group-write bit; and creation calls (`os.open`, `os.mkdir`, `os.makedirs`, `os.mkfifo`, `Path.mkdir`, `Path.touch`) given an explicit world-writable mode. Modes are folded from octal, decimal and `stat.S_I*` constants, also through constant names.',
      whyIsThisBad:
        'A world-writable file can be changed by every local user and every process on the machine: a configuration file, a script or a cached artefact the program later trusts becomes a way for another account to inject code or data. A world-writable directory lets anyone delete, replace or plant files in it (and symlinks that redirect the program\'s next write). Group-writable is the same risk limited to the group\'s members.',
      example:
        'import os\nimport stat\n\nos.chmod("/etc/myapp/config.ini", 0o777)\nos.chmod("run.sh", stat.S_IRWXU | stat.S_IRWXO)\nos.makedirs("/srv/uploads", mode=0o777)',
      useInstead:
        'import os\nimport stat\n\nos.chmod("/etc/myapp/config.ini", 0o600)\nos.chmod("run.sh", stat.S_IRWXU | stat.S_IRGRP | stat.S_IXGRP)\nos.makedirs("/srv/uploads", mode=0o750)',
      references: [
        'https://cwe.mitre.org/data/definitions/732.html',
        'https://docs.python.org/3/library/os.html#os.chmod',
        'https://docs.python.org/3/library/stat.html#stat.S_IWOTH',
        'https://bandit.readthedocs.io/en/latest/plugins/b103_set_bad_file_permissions.html',
        'https://docs.astral.sh/ruff/rules/bad-file-permissions/',
      ],
      knownProblems:
        'Only constant modes are judged; a mode computed at run time or read from configuration is not reported. Group-writable modes are reported with low severity and medium confidence: a shared group is often intended. A world-writable mode with the sticky bit (`0o1777`, like `/tmp`) is reported with medium severity: others can add files but not remove each other\'s. Creation calls (`os.open`, `os.mkdir`, `os.makedirs`, `os.mkfifo`, `Path.mkdir`, `Path.touch`) are reported with low severity and low confidence, because their mode is masked by the process umask (usually `022`, which removes the write bits for others); their default mode (`0o777`/`0o666`) is not reported when it is not written out. Executable bits are not reported (Bandit also reports group-executable modes). `.chmod()` on an object Vigil cannot tell is a `pathlib.Path` is reported with medium confidence.',
    },
  },
  create(context) {
    const { model } = context;

    const judge = (call: SyntaxNode, spec: ModeCall, label: string, confidence: Confidence): void => {
      const args = callArguments(call);
      const node = args.positional[spec.position] ?? args.keywords.get(spec.keyword);
      if (!node) return;
      const mode = foldMode(model, node);
      if (mode === null) return;
      const world = (mode & S_IWOTH) !== 0;
      const group = (mode & S_IWGRP) !== 0;
      if (!world && !group) return;
      const written = unparenthesize(node).type === 'integer' ? '' : ` (${octal(mode)})`;
      const who = world ? 'every user on the machine' : "every member of the file's group";
      let severity: Severity;
      let conf: Confidence = confidence;
      let note = '';
      if (spec.masked) {
        if (!world) return; // group-writable creation modes are masked by the usual umask and rarely intended harm
        severity = 'low';
        conf = 'low';
        note = ' (unless the process umask removes the write bit for others)';
      } else if (world && (mode & S_ISVTX) !== 0) {
        severity = 'medium';
        note = ' (the sticky bit stops them removing each other\'s files, not adding their own)';
      } else if (world) {
        severity = 'high';
      } else {
        severity = 'low';
        conf = confidence === 'high' ? 'medium' : 'low';
      }
      context.report({
        at: node,
        message: `\`${label}()\` with mode \`${codeSnippet(node)}\`${written} lets ${who} write ${spec.masked ? 'what it creates' : 'this file or directory'}${note}`,
        severity,
        confidence: conf,
      });
    };

    /** Whether a receiver is a `pathlib.Path`: `Path(x)`, or a name bound only to such a call. */
    const isPath = (receiver: SyntaxNode): boolean | null => {
      const expr = unparenthesize(receiver);
      const value = expr.type === 'identifier' ? model.singleValue(expr) : expr;
      if (!value) return null;
      const inner = unparenthesize(value);
      if (inner.type === 'call') {
        const callee = model.calleeQualifiedName(inner);
        if (callee && PATH_CLASSES.has(callee)) return true;
        return callee ? false : null;
      }
      if (inner.type === 'binary_operator' && inner.hasToken('/')) return isPath(inner.child('left') ?? inner);
      return null;
    };

    return {
      call(call) {
        const callee = model.calleeQualifiedName(call);
        if (callee) {
          const spec = MODE_CALLS.get(callee);
          if (spec) {
            judge(call, spec, codeSnippet(call.child('function')!), 'high');
            return;
          }
        }
        const fn = call.child('function');
        if (fn?.type !== 'attribute') return;
        const method = fn.child('attribute')?.text ?? '';
        const spec = PATH_METHODS.get(method);
        const receiver = fn.child('object');
        if (!spec || !receiver) return;
        // `os.chmod` and friends were handled above; another module's `chmod` is not a Path method.
        if (callee && !callee.startsWith('pathlib.')) return;
        const path = isPath(receiver);
        if (path === false) return;
        if (path === null && spec.masked) return; // `x.mkdir(mode)`, `x.touch(mode)`: too common a name to guess
        judge(call, spec, codeSnippet(fn), path ? 'high' : 'medium');
      },
    };
  },
});

import { defineRule, type EditSpec, type FixSpec, type Report } from '../rule';
import type { SemanticModel } from '../../semantic/model';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { callArguments, calleeName, stringLiteralValue, unparenthesize } from '../../syntax/python';
import { mergeEdits, ownLineIndent, referenceModuleInModuleText } from '../support/fileHandlingEdits';
import { constantTextGuarded, isConstantGuarded } from '../support/fileHandlingValues';
import { codeSnippet } from '../support/snippets';
import { isInUnit } from '../support/units';

/** `tempfile.mktemp` and its cousins: a name, not a file (`os.tempnam`/`os.tmpnam` are Python 2's, Bandit B325). */
const MKTEMP = new Set(['tempfile.mktemp', 'os.tempnam', 'os.tmpnam']);
const PYTHON2_NAMES = new Set(['os.tempnam', 'os.tmpnam']);

/** Calls that return the shared temporary directory: a constant name joined to it is as public as one in `/tmp`. */
const TEMP_DIRECTORY_CALLS = new Set(['tempfile.gettempdir', 'tempfile.gettempdirb']);
/** Stands for `tempfile.gettempdir()` while a joined path is built (an absolute path, so later parts join to it). */
const GETTEMPDIR = '/\u0000gettempdir';

/** Calls whose failure when the name already exists makes a `mktemp()` name harmless: they never reuse a file. */
const EXCLUSIVE_CREATORS = new Set(['os.mkfifo', 'os.mkdir', 'os.mknod']);

/** World-writable directories where anyone can create a name first. */
const TEMP_DIRECTORY = /^\/(?:tmp|var\/tmp|dev\/shm)(?:\/|$)/;

interface PathSink {
  /** Positions of the path arguments. */
  readonly positions: readonly number[];
  /** Keywords that carry a path. */
  readonly keywords: readonly string[];
}

/** Functions that open, create, copy or remove the path they are given (Bandit B108 / Ruff S108 territory). */
const PATH_SINKS = new Map<string, PathSink>([
  ['open', { positions: [0], keywords: ['file'] }],
  ['io.open', { positions: [0], keywords: ['file'] }],
  ['codecs.open', { positions: [0], keywords: ['filename'] }],
  ['os.open', { positions: [0], keywords: ['path'] }],
  ['pathlib.Path', { positions: [0], keywords: [] }],
  ['pathlib.PosixPath', { positions: [0], keywords: [] }],
  ['shutil.copy', { positions: [0, 1], keywords: ['src', 'dst'] }],
  ['shutil.copy2', { positions: [0, 1], keywords: ['src', 'dst'] }],
  ['shutil.copyfile', { positions: [0, 1], keywords: ['src', 'dst'] }],
  ['shutil.copytree', { positions: [0, 1], keywords: ['src', 'dst'] }],
  ['shutil.copymode', { positions: [0, 1], keywords: ['src', 'dst'] }],
  ['shutil.copystat', { positions: [0, 1], keywords: ['src', 'dst'] }],
  ['shutil.move', { positions: [0, 1], keywords: ['src', 'dst'] }],
  ['shutil.rmtree', { positions: [0], keywords: ['path'] }],
  ['shutil.chown', { positions: [0], keywords: ['path'] }],
  ['shutil.make_archive', { positions: [0], keywords: ['base_name', 'root_dir'] }],
  ['shutil.unpack_archive', { positions: [0, 1], keywords: ['filename', 'extract_dir'] }],
  ['logging.FileHandler', { positions: [0], keywords: ['filename'] }],
  ['logging.handlers.RotatingFileHandler', { positions: [0], keywords: ['filename'] }],
  ['logging.handlers.TimedRotatingFileHandler', { positions: [0], keywords: ['filename'] }],
  ['logging.handlers.WatchedFileHandler', { positions: [0], keywords: ['filename'] }],
  ['logging.basicConfig', { positions: [], keywords: ['filename'] }],
  ['sqlite3.connect', { positions: [0], keywords: ['database'] }],
  ['tarfile.open', { positions: [0], keywords: ['name'] }],
  ['zipfile.ZipFile', { positions: [0], keywords: ['file'] }],
]);

/** A hard-coded temporary path found in an argument: the literal text and where it is written. */
interface TempPath {
  readonly path: string;
  /** The literal or `os.path.join(...)` that spells the path. */
  readonly origin: SyntaxNode;
}

/**
 * The constant temporary path an expression always has: a string literal (or constant name) that starts with
 * `/tmp/`, `/var/tmp/` or `/dev/shm/` (or is the bare directory), or `os.path.join()` of such a directory and
 * constant parts. Paths with a variable part (`f"/tmp/{uuid4()}"`) are not judged: the part may be random.
 */
function constantTempPath(model: SemanticModel, node: SyntaxNode, depth = 0): TempPath | null {
  if (depth > 4) return null;
  const expr = unparenthesize(node);
  if (expr.type === 'string' || expr.type === 'concatenated_string' || expr.type === 'binary_operator') {
    const text = expr.type === 'binary_operator' ? (isConstantGuarded(model, expr) ? constantTextGuarded(model, expr) : null) : stringLiteralValue(expr);
    return text !== null && TEMP_DIRECTORY.test(text) ? { path: text, origin: expr } : null;
  }
  if (expr.type === 'call' && model.calleeQualifiedName(expr) === 'os.path.join') {
    const args = callArguments(expr);
    if (args.hasUnpacking || args.keywords.size > 0 || args.positional.length === 0) return null;
    // `os.path.join(tempfile.gettempdir(), "app.lock")`: the shared directory, spelled by a call.
    const gettempdir = args.positional.map((part) => isTempDirectoryCall(model, part));
    const parts = args.positional.map((part, i) => (gettempdir[i] ? GETTEMPDIR : constantTextGuarded(model, part)));
    if (parts.some((part) => part === null)) return null;
    const joined = (parts as string[]).reduce((path, part) => (part.startsWith('/') ? part : path.endsWith('/') || path === '' ? path + part : `${path}/${part}`), '');
    // The shared directory with no name of its own in it (`os.path.join(gettempdir(), "")`) is not a planted name.
    if (joined.startsWith(GETTEMPDIR)) return joined.length > GETTEMPDIR.length + 1 ? { path: `tempfile.gettempdir()${joined.slice(GETTEMPDIR.length)}`, origin: expr } : null;
    return TEMP_DIRECTORY.test(joined) ? { path: joined, origin: expr } : null;
  }
  if (expr.type === 'identifier') {
    if (model.isParameter(expr)) return null;
    const value = model.singleValue(expr);
    if (!value || value === expr || (!isConstantGuarded(model, value) && unparenthesize(value).type !== 'call')) return null;
    return constantTempPath(model, value, depth + 1);
  }
  return null;
}

/** `tempfile.gettempdir()`, directly or through a name bound to it once. */
function isTempDirectoryCall(model: SemanticModel, node: SyntaxNode): boolean {
  let expr = unparenthesize(node);
  if (expr.type === 'identifier' && !model.isParameter(expr)) expr = unparenthesize(model.singleValue(expr) ?? expr);
  if (expr.type !== 'call' || callArguments(expr).positional.length > 0) return false;
  const callee = model.calleeQualifiedName(expr);
  return !!callee && TEMP_DIRECTORY_CALLS.has(callee);
}

/** The literal text of a string expression or of its template (`"..." % x`, `"...".format(x)`). */
function stringValue(node: SyntaxNode): string | null {
  const expr = unparenthesize(node);
  if (expr.type === 'binary_operator') {
    const left = expr.child('left');
    return left ? stringLiteralValue(left) : null;
  }
  if (expr.type === 'call') {
    const fn = expr.child('function');
    const receiver = fn?.type === 'attribute' && fn.child('attribute')?.text === 'format' ? fn.child('object') : null;
    return receiver ? stringLiteralValue(receiver) : null;
  }
  return stringLiteralValue(expr);
}

/** Whether `open()`/`os.open()` creates the file exclusively (mode `x`, `O_EXCL`): it then fails instead of reusing a planted file. */
function opensExclusively(model: SemanticModel, call: SyntaxNode, callee: string): boolean {
  const args = callArguments(call);
  if (callee === 'os.open') {
    const flags = args.positional[1] ?? args.keywords.get('flags');
    return !!flags && /\bO_EXCL\b/.test(flags.text);
  }
  if (callee === 'open' || callee === 'io.open' || callee === 'codecs.open') {
    const mode = args.positional[1] ?? args.keywords.get('mode');
    const text = mode ? constantTextGuarded(model, mode) : null;
    return text !== null && text.includes('x');
  }
  return false;
}

/** A name not bound in the scope where the fix puts it, nor in any enclosing one. */
function freeName(model: SemanticModel, at: SyntaxNode, candidates: readonly string[]): string | null {
  for (const candidate of candidates) {
    let taken = false;
    for (const scope of model.scopesAround(at)) {
      if (scope.bindings.has(candidate)) {
        taken = true;
        break;
      }
    }
    if (!taken) return candidate;
  }
  return null;
}

/**
 * The fix for `name = tempfile.mktemp(args)` written as a statement of its own: `fd, name = tempfile.mkstemp(args)`
 * and `os.close(fd)` on the next line. Null for every other shape.
 */
function mkstempFix(model: SemanticModel, call: SyntaxNode): FixSpec | null {
  const assignment = call.parent;
  if (assignment?.type !== 'assignment' || assignment.child('right') !== call || assignment.child('type')) return null;
  const target = assignment.child('left');
  if (target?.type !== 'identifier') return null;
  const statement = assignment.parent;
  if (statement?.type !== 'expression_statement' || statement.namedChildren.length !== 1) return null;
  const container = statement.parent;
  // A statement of a block or of the module (whose root is an ERROR node while the file has a syntax error).
  if (!container || (container.type !== 'block' && container !== model.root)) return null;
  const indent = ownLineIndent(statement);
  if (indent === null) return null;
  const args = call.child('arguments');
  if (args?.type !== 'argument_list' || !args.children.some((child) => child.type === ')' && !child.isMissing)) return null;
  const fdName = freeName(model, statement, ['fd', 'tmp_fd', 'temp_fd', 'fd_']);
  if (!fdName) return null;

  const edits: EditSpec[] = [];
  // Keep the way the code names the tempfile module: `tempfile.mkstemp`, `tf.mkstemp`; `from tempfile import
  // mktemp` has no module name to reuse, so one is imported.
  const fn = unparenthesize(call.child('function')!);
  let tempfileName: string;
  const object = fn.type === 'attribute' ? fn.child('object') : null;
  if (object && model.qualifiedName(object) === 'tempfile') {
    tempfileName = object.text;
  } else {
    const tempfileRef = referenceModuleInModuleText(model, 'tempfile');
    tempfileName = tempfileRef.reference;
    edits.push(...tempfileRef.edits);
  }
  const os = referenceModuleInModuleText(model, 'os');
  const replacement = `${fdName}, ${target.text} = ${tempfileName}.mkstemp${args.text}\n${indent}${os.reference}.close(${fdName})`;
  return {
    title: `Use \`tempfile.mkstemp\` and close the descriptor`,
    safety: 'unsafe',
    edits: mergeEdits([{ start: statement.start, end: statement.end, newText: replacement }, ...edits, ...os.edits]),
  };
}

export default defineRule({
  meta: {
    id: 'VG603',
    name: 'insecure-temp-file',
    title: 'Temporary file created insecurely',
    cwe: [377],
    severity: 'medium',
    confidence: 'high',
    status: 'stable',
    since: '0.1.0',
    bandit: ['B306', 'B108', 'B325'],
    ruff: ['S306', 'S108'],
    fixable: true,
    docs: {
      whatItDoes:
        'Flags `tempfile.mktemp()` (and Python 2\'s `os.tempnam()`/`os.tmpnam()`), which return a name without creating the file, and hard-coded paths in `/tmp`, `/var/tmp` or `/dev/shm`, or a constant name joined to `tempfile.gettempdir()`, passed to `open()`, `os.open()`, `pathlib.Path()`, `shutil` file functions, logging file handlers, `sqlite3.connect()`, `tarfile.open()` or `zipfile.ZipFile()`, directly or through a constant.',
      whyIsThisBad:
        'Temporary directories are shared by every user and process on the machine. Between `mktemp()` choosing a name and the code opening it, and at any time before a fixed name like `/tmp/report.csv` is used, another local user can create that file or a symlink with that name: the program then writes into a file the attacker can read, overwrites whatever the symlink points to with the program\'s privileges, or reads data the attacker planted. Fixed names also collide between two runs of the same program.',
      example:
        'import tempfile\n\n\ndef export(rows):\n    path = tempfile.mktemp(suffix=".csv")\n    with open(path, "w") as out:\n        out.writelines(rows)\n    with open("/tmp/export.log", "a") as log:\n        log.write("exported\\n")\n    return path',
      useInstead:
        'import os\nimport tempfile\n\n\ndef export(rows):\n    fd, path = tempfile.mkstemp(suffix=".csv")\n    with os.fdopen(fd, "w") as out:\n        out.writelines(rows)\n    with tempfile.NamedTemporaryFile("a", suffix=".log", delete=False) as log:\n        log.write("exported\\n")\n    return path',
      references: [
        'https://cwe.mitre.org/data/definitions/377.html',
        'https://cwe.mitre.org/data/definitions/379.html',
        'https://docs.python.org/3/library/tempfile.html#tempfile.mktemp',
        'https://docs.python.org/3/library/tempfile.html#tempfile.mkstemp',
        'https://owasp.org/www-community/vulnerabilities/Insecure_Temporary_File',
      ],
      knownProblems:
        'Hard-coded paths are reported with low severity and medium confidence: on a single-user machine or in a container nobody else can plant the file, and Linux\'s `fs.protected_symlinks`/`protected_regular` settings block the classic symlink attack in sticky directories. They are only reported where they are used as a path (`open`, `os.open`, `pathlib.Path`, `shutil` copy/move/remove/archive functions, logging file handlers, `sqlite3.connect`, `tarfile.open`, `zipfile.ZipFile`), not in log messages, comparisons or `tempfile.mkstemp(dir="/tmp")`; `os.makedirs`, `os.remove`, `subprocess` arguments and other uses are not checked. Paths with a variable part (`f"/tmp/{job_id}.log"`, `os.path.join("/tmp", name)`) are not reported, because the variable part may be random; a parameter default (`def f(path="/tmp/x")`) is not followed. `open(..., "x")` and `os.open(..., O_EXCL)` fail instead of reusing a planted file and are not reported. `mktemp()` passed straight to `os.mkfifo`, `os.mkdir`, `os.mknod` or a socket\'s `bind()` is not reported (they fail if the name exists), nor is `mktemp()` building a Windows named-pipe name (`prefix=r"\\\\.\\pipe\\..."`); a name from `mktemp()` used that way later is still reported.',
      fixSafety:
        'The fix rewrites `name = tempfile.mktemp(...)` as `fd, name = tempfile.mkstemp(...)` followed by `os.close(fd)`; other uses of `mktemp()` get no fix. It is marked unsafe because the file now exists when the next line runs (empty, created with mode 0600 and owned by the current user): code that checks that the name does not exist, creates it with `os.mkfifo`/`os.mkdir`, or passes it to a tool that refuses to overwrite a file must be adapted. Reopening the name later is fine, but keeping the descriptor (`os.fdopen(fd, "w")`) instead of closing it is better still.',
    },
  },
  create(context) {
    const { model } = context;
    const unitNode = context.unit.node;

    const checkMktemp = (call: SyntaxNode, callee: string): void => {
      const parent = call.parent;
      if (parent?.type === 'argument_list' && parent.parent?.type === 'call' && parent.namedChildren[0] === call) {
        const outer = parent.parent;
        const outerName = model.calleeQualifiedName(outer);
        if (outerName && EXCLUSIVE_CREATORS.has(outerName)) return;
        // `sock.bind(tempfile.mktemp())`: binding a Unix socket fails if the name exists.
        if (calleeName(outer) === 'bind' && outer.child('function')?.type === 'attribute') return;
      }
      // Windows named-pipe names (`prefix=r"\\.\pipe\app-"`): a pipe namespace, not a file in a shared directory.
      const args = callArguments(call);
      const prefixes = [args.positional[1], args.positional[2], args.keywords.get('prefix'), args.keywords.get('dir')];
      if (prefixes.some((node) => node && /^\\\\\.\\pipe\\/i.test(stringValue(node) ?? ''))) return;
      const python2 = PYTHON2_NAMES.has(callee);
      // `os.tempnam(dir, prefix)` takes other arguments than `mkstemp`: no fix.
      const fix = python2 ? null : mkstempFix(model, call);
      const fn = call.child('function')!;
      context.report({
        at: call,
        message: `\`${codeSnippet(fn)}()\`${fn.text === callee ? '' : ` (\`${callee}\`)`} returns a name without creating the file: another process can create that file, or a symlink with that name, before this code opens it`,
        bandit: [python2 ? 'B325' : 'B306'],
        ruff: python2 ? [] : ['S306'],
        ...(fix ? { fix } : {}),
      });
    };

    const checkPathSink = (call: SyntaxNode, callee: string, sink: PathSink): void => {
      const args = callArguments(call);
      const candidates = [
        ...sink.positions.map((position) => args.positional[position]),
        ...sink.keywords.map((keyword) => args.keywords.get(keyword)),
      ].filter((node): node is SyntaxNode => !!node);
      if (candidates.length === 0) return;
      if (opensExclusively(model, call, callee)) return;
      const fn = call.child('function')!;
      for (const argument of candidates) {
        const found = constantTempPath(model, argument);
        if (!found) continue;
        const direct = unparenthesize(argument) === found.origin;
        const related: NonNullable<Report['related']>[number][] = [];
        if (!direct && isInUnit(found.origin, unitNode)) {
          related.push({ at: found.origin, message: `\`${codeSnippet(argument)}\` is set to \`${found.path}\` here` });
        }
        const spelled = direct ? `the hard-coded temporary path \`${codeSnippet(argument, 60)}\`` : `\`${codeSnippet(argument)}\`, the hard-coded temporary path \`${found.path}\``;
        context.report({
          at: argument,
          message: `\`${codeSnippet(fn)}()\` uses ${spelled}, which any local user can create first (as a file, a directory or a symlink): use \`tempfile\` for a private name`,
          severity: 'low',
          confidence: 'medium',
          bandit: ['B108'],
          ruff: ['S108'],
          ...(related.length > 0 ? { related } : {}),
        });
      }
    };

    return {
      call(call) {
        const callee = model.calleeQualifiedName(call);
        if (!callee) return;
        if (MKTEMP.has(callee)) {
          checkMktemp(call, callee);
          return;
        }
        const sink = PATH_SINKS.get(callee);
        if (sink) checkPathSink(call, callee, sink);
      },
    };
  },
});

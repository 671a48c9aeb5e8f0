import { defineRule, type FixSpec } from '../rule';
import type { SemanticModel } from '../../semantic/model';
import type { Scope } from '../../semantic/scopes';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { callArguments, calleeName, calleeReceiver, unparenthesize } from '../../syntax/python';
import { referenceModuleAt } from '../support/imports';
import type { AnalysisUnit } from '../../analysis/units';
import { SplicedValues, codeText, listCode } from '../support/splicedValues';
import { SinkHits, flowReport, sourceKind, sourceOf, withFlow } from '../flowRule';
import { kindBit } from '../../flow/concepts';

const EVAL = new Set(['eval', 'builtins.eval']);
const EXEC = new Set(['exec', 'builtins.exec']);
const OPEN = new Set(['open', 'io.open', 'codecs.open']);
const PATH_FUNCTIONS = new Set([
  'os.path.join', 'os.path.dirname', 'os.path.abspath', 'os.path.realpath', 'os.path.normpath', 'pathlib.Path',
  'pathlib.PurePath', 'os.getcwd',
]);

export default defineRule({
  meta: {
    id: 'VG103',
    name: 'dynamic-code-execution',
    title: 'eval or exec of non-literal input',
    cwe: [95, 94],
    severity: 'high',
    confidence: 'high',
    status: 'stable',
    since: '0.1.0',
    bandit: ['B307', 'B102'],
    ruff: ['S307', 'S102'],
    fixable: true,
    docs: {
      whatItDoes:
        'Flags calls to the builtins `eval()` and `exec()` whose code is not a constant: a parameter, a value read at run time, or a string built from one. When the flow layer sees request data or program input reach the code (also through helpers), the finding names the source and carries the path; it also flags a module imported by a name that comes from a request (`importlib.import_module`, `__import__`).',
      whyIsThisBad:
        '`eval` and `exec` run their argument as Python with the full rights of your process. If any part of it comes from a request, a file, a message or a database row, whoever controls that text can run `__import__("os").system(...)`, read secrets or change data. Passing restricted `globals` (`{"__builtins__": {}}`) does not help: object attribute chains such as `().__class__.__mro__` reach the builtins again.',
      example: [
        'def parse_setting(raw):',
        '    return eval(raw)',
        '',
        '',
        'def apply(obj, field, value):',
        '    exec(f"obj.{field} = {value!r}")',
      ].join('\n'),
      useInstead: [
        'import ast',
        '',
        '',
        'def parse_setting(raw):',
        '    # Accepts only literals: numbers, strings, tuples, lists, dicts, sets, booleans, None.',
        '    return ast.literal_eval(raw)',
        '',
        '',
        'def apply(obj, field, value):',
        '    if field not in {"name", "email"}:',
        '        raise ValueError(field)',
        '    setattr(obj, field, value)',
      ].join('\n'),
      references: [
        'https://cwe.mitre.org/data/definitions/95.html',
        'https://cwe.mitre.org/data/definitions/94.html',
        'https://docs.python.org/3/library/functions.html#eval',
        'https://docs.python.org/3/library/ast.html#ast.literal_eval',
        'https://nedbatchelder.com/blog/201206/eval_really_is_dangerous.html',
      ],
      knownProblems:
        '`exec(open("pkg/version.py").read())` and other code read from a file at a fixed path in the project is reported with low severity: it runs code you ship, but `importlib.metadata.version()` or `ast.literal_eval` are safer. A code string built only from constants and numbers (`eval("1 + 2")`, `eval("x%d" % i)`) is only an `info` note (Bandit reports it; nothing from outside reaches it). A local function or method named `eval` (`df.eval`, `model.eval()`, `pandas.eval`) is not flagged, and neither are calls through an alias Vigil cannot resolve (`f = getattr(builtins, "eval")`).',
      fixSafety:
        'The fix replaces `eval` with `ast.literal_eval`, through the module\'s existing import of `ast` (or of `literal_eval`) or a new `import ast` added once after the module\'s imports. It is unsafe: `literal_eval` rejects names, calls and arithmetic other than on literals, so inputs that `eval` accepted, such as `"2 * 3"` or `"datetime.date(2024, 1, 1)"`, now raise `ValueError`.',
    },
  },
  usesFlow: true,
  create(context) {
    const { model, unit } = context;
    const values = new SplicedValues(model, unit);
    /** Request data and program input reaching code sinks, by the flow layer (also through helpers). */
    let sinkHits: SinkHits | undefined;
    const codeHits = (): SinkHits => (sinkHits ??= new SinkHits(context.flow.hits, 'code'));
    return {
      'unit:exit'() {
        // Sinks this rule does not judge by shape: a module imported by a name from outside (`import_module`,
        // `__import__`). `compile()` is left out: what runs the compiled code is reported where it runs. Only request data: a
        // command-line tool importing the module its user names is what it is for.
        for (const hit of codeHits().rest()) {
          if (!(hit.taint.kinds & kindBit('remote')) || hit.label.startsWith('`compile()`')) continue;
          const message = hit.label.includes('imports')
            ? `${hit.label}, and the name comes from ${sourceKind(hit)} (${sourceOf(hit)}): whoever sends it chooses which code runs; map the value to a fixed set of modules`
            : `${hit.label}, with ${sourceKind(hit)} (${sourceOf(hit)}) in it: whoever sends it runs code; never evaluate request data, parse it instead`;
          context.report({ ...flowReport(hit, 'high', message), bandit: [], ruff: [] });
        }
      },
      call(call) {
        const callee = model.calleeQualifiedName(call);
        if (!callee) return;
        const isEval = EVAL.has(callee);
        if (!isEval && !EXEC.has(callee)) return;
        const hit = codeHits().take(call);
        const label = isEval ? 'eval' : 'exec';
        const args = callArguments(call);
        const code = args.positional[0] ?? null;
        if (!code && !args.hasUnpacking) return;
        const codes = isEval ? { bandit: ['B307'], ruff: ['S307'] } : { bandit: ['B102'], ruff: ['S102'] };

        if (code) {
          // Code nobody outside can change (`eval("1 + 2")`, `"x%d" % i`): safe, and a note, as Bandit reports it.
          const shape = model.stringShape(code);
          const fixed =
            model.isConstant(code) ||
            isCompiledConstant(model, code) ||
            (!!shape && shape.parts.some((part) => part.kind === 'value') && shape.parts.every((part) => part.kind === 'text' || values.isHarmless(part.node)));
          if (fixed) {
            context.report({
              at: call,
              message: `\`${label}()\` runs code that is fixed in the program (\`${codeText(unparenthesize(code))}\`): nothing from outside reaches it, but ${label === 'eval' ? 'the expression is clearer written out, or read with `ast.literal_eval` when it is a literal' : 'the code is clearer called directly'}`,
              severity: 'info',
              confidence: 'high',
              ...codes,
            });
            return;
          }
          const file = projectFile(model, code);
          if (file) {
            context.report(withFlow({
              at: call,
              message: `\`${label}()\` runs the contents of ${file}; read the value you need without executing the file (\`ast.literal_eval\`, \`importlib.metadata\`)`,
              severity: 'low',
              ...codes,
            }, hit, 'high', context.meta));
            return;
          }
        }

        const fix = isEval && code && args.positional.length === 1 && args.keywords.size === 0 && !args.hasUnpacking ? literalEvalFix(model, call, context.unit) : null;
        const report = {
          at: call,
          message: message(model, values, label, code, args.positional.length > 1 || args.keywords.has('globals')),
          ...codes,
          ...(fix ? { fix } : {}),
        };
        context.report(withFlow(report, hit, 'high', context.meta));
      },
    };
  },
});

function message(model: SemanticModel, values: SplicedValues, label: string, code: SyntaxNode | null, restricted: boolean): string {
  const tail =
    (label === 'eval' ? 'use `ast.literal_eval` for literals, or parse the input yourself' : 'call the code you mean directly instead of building it as text') +
    (restricted ? ' (restricted `globals` do not make it safe)' : '');
  if (!code) return `\`${label}()\` runs code passed through argument unpacking; ${tail}`;
  const expr = unparenthesize(code);
  const text = `\`${codeText(expr)}\``;
  if (expr.type === 'identifier' && model.isParameter(expr)) {
    return `\`${label}()\` runs ${text}, a parameter: whoever controls it runs arbitrary code; ${tail}`;
  }
  const shape = model.stringShape(expr);
  if (shape && shape.building !== 'literal') {
    const from = shape.parts.flatMap((part) => (part.kind === 'value' && !values.isHarmless(part.node) ? [part.node] : []));
    if (from.length > 0 && !(expr.type === 'identifier' && from.length === 1 && from[0] === expr)) {
      return `\`${label}()\` runs code built from ${listCode(from)}: whoever controls ${from.length === 1 ? 'it' : 'them'} runs arbitrary code; ${tail}`;
    }
  }
  return `\`${label}()\` runs ${text}, which is not a constant: whoever controls it runs arbitrary code; ${tail}`;
}

/** `exec(compile("...", "<string>", "exec"))`: compiling a constant is as constant as the text. */
function isCompiledConstant(model: SemanticModel, code: SyntaxNode): boolean {
  const expr = unparenthesize(code);
  if (expr.type !== 'call' || model.calleeQualifiedName(expr) !== 'compile') return false;
  const source = callArguments(expr).positional[0];
  return !!source && model.isConstant(source);
}

/**
 * `open("pkg/version.py").read()`, `Path(__file__).parent.joinpath("_version.py").read_text()`: code read from a
 * file at a fixed place in the project. Returns how to name it in a message, or null.
 */
function projectFile(model: SemanticModel, code: SyntaxNode): string | null {
  let expr = unparenthesize(code);
  if (expr.type === 'identifier') {
    const value = model.singleValue(expr);
    if (!value) return null;
    expr = unparenthesize(value);
  }
  if (expr.type !== 'call' || callArguments(expr).positional.length > 0) return null;
  const method = calleeName(expr);
  let file = calleeReceiver(expr);
  if (!file) return null;
  file = unparenthesize(file);
  if (method === 'read_text' || method === 'read_bytes') {
    return isProjectPath(model, file, 0) ? `\`${codeText(file, 60)}\`` : null;
  }
  if (method !== 'read') return null;
  if (file.type === 'identifier') {
    // `with open("version.py") as f: exec(f.read())`
    const bindings = model.bindingsOf(file);
    if (bindings.length !== 1 || !bindings[0]!.value) return null;
    file = unparenthesize(bindings[0]!.value);
  }
  if (file.type !== 'call' || !OPEN.has(model.calleeQualifiedName(file) ?? '')) return null;
  const path = callArguments(file).positional[0];
  if (!path || !isProjectPath(model, path, 0)) return null;
  const literal = model.constantText(path);
  return literal !== null ? `\`${literal}\`` : `\`${codeText(path, 60)}\``;
}

/** A path made of constants and `__file__`: `"version.py"`, `os.path.join(os.path.dirname(__file__), "v.py")`. */
function isProjectPath(model: SemanticModel, node: SyntaxNode, depth: number): boolean {
  if (depth > 8) return false;
  const expr = unparenthesize(node);
  if (model.isConstant(expr)) return true;
  if (expr.type === 'identifier') {
    if (expr.text === '__file__' && model.bindingsOf(expr).length === 0) return true;
    const value = model.singleValue(expr);
    return !!value && isProjectPath(model, value, depth + 1);
  }
  if (expr.type === 'attribute') {
    const attribute = expr.child('attribute')?.text;
    const object = expr.child('object');
    return !!object && (attribute === 'parent' || attribute === 'parents') && isProjectPath(model, object, depth + 1);
  }
  if (expr.type === 'subscript') {
    const value = expr.child('value');
    return !!value && isProjectPath(model, value, depth + 1);
  }
  if (expr.type === 'binary_operator' && expr.hasToken('/')) {
    const left = expr.child('left');
    const right = expr.child('right');
    return !!left && !!right && isProjectPath(model, left, depth + 1) && isProjectPath(model, right, depth + 1);
  }
  if (expr.type === 'call') {
    const args = callArguments(expr);
    if (args.hasUnpacking) return false;
    const all = [...args.positional, ...args.keywords.values()].every((arg) => isProjectPath(model, arg, depth + 1));
    const qualified = model.calleeQualifiedName(expr);
    if (qualified && PATH_FUNCTIONS.has(qualified)) return all;
    const receiver = calleeReceiver(expr);
    const method = calleeName(expr);
    if (receiver && method && ['joinpath', 'with_name', 'with_suffix', 'resolve', 'absolute'].includes(method)) {
      return all && isProjectPath(model, receiver, depth + 1);
    }
  }
  return false;
}

/**
 * Replace the callee with `ast.literal_eval`, through the module's own import of `ast` (or of `literal_eval`),
 * provided nothing between the call and the module rebinds that name.
 */
function literalEvalFix(model: SemanticModel, call: SyntaxNode, unit: AnalysisUnit): FixSpec | null {
  const fn = call.child('function');
  if (!fn) return null;
  const module = model.moduleScope;
  const candidates: Array<{ name: string; replacement: string }> = [];
  for (const [name, bindings] of module.bindings) {
    const first = bindings[0];
    if (!first || first.kind !== 'import') continue;
    if (first.qualifiedName === 'ast') candidates.push({ name, replacement: `${name}.literal_eval` });
    else if (first.qualifiedName === 'ast.literal_eval') candidates.push({ name, replacement: name });
  }
  const scope = model.scopeOf(call);
  for (const candidate of candidates) {
    const bindings = module.bindings.get(candidate.name)!;
    const expected = candidate.replacement === candidate.name ? 'ast.literal_eval' : 'ast';
    if (!bindings.every((binding) => binding.kind === 'import' && binding.qualifiedName === expected)) continue;
    // Module-level code runs top to bottom: the import must come first.
    if (scope === module && !bindings.some((binding) => binding.node.start < call.start)) continue;
    if (shadowed(scope, candidate.name)) continue;
    return {
      title: `Use \`${candidate.replacement === candidate.name ? 'literal_eval' : candidate.replacement}\``,
      safety: 'unsafe',
      edits: [{ start: fn.start, end: fn.end, newText: candidate.replacement }],
    };
  }
  // No usable import yet: add `import ast` (once, after the module's imports).
  const planned = referenceModuleAt(model, 'ast', call, unit);
  if (!planned) return null;
  return {
    title: `Use \`${planned.reference}.literal_eval\``,
    safety: 'unsafe',
    edits: [...planned.edits, { start: fn.start, end: fn.end, newText: `${planned.reference}.literal_eval` }],
  };
}

/** Whether a scope between `scope` and the module binds `name` (class bodies only hide names from themselves). */
function shadowed(scope: Scope, name: string): boolean {
  for (let current: Scope | null = scope; current && current.parent; current = current.parent) {
    if (current.kind === 'class' && current !== scope) continue;
    if (current.globals.has(name)) return false;
    if ((current.bindings.get(name)?.length ?? 0) > 0) return true;
  }
  return false;
}

import { defineRule } from '../rule';
import type { SemanticModel } from '../../semantic/model';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { callArguments, calleeName, stringLiteralValue, terminalName, unparenthesize } from '../../syntax/python';
import { expressionKey } from '../support/expressionKeys';
import { codeSnippet } from '../support/snippets';
import { evidenceAt, withFlow } from '../flowRule';
import type { Report } from '../rule';
import { kindBit } from '../../flow/concepts';

/**
 * Functions called `split` that are not `str.split`: they split arrays or paths (`os.path.split` always returns a
 * pair), or take the string as an argument, so "the receiver" means nothing for them.
 */
const NOT_STRING_SPLIT = /^(re|regex|os\.path|posixpath|ntpath|shlex|numpy|torch|tensorflow|jax\.numpy|str|bytes|bytearray)\.r?split$/;
/** Receivers whose format Python itself guarantees. */
const KNOWN_FORMAT = new Set(['sys.version', 'platform.python_version']);
/** Calls on a receiver that show the code looked at its format before splitting it. */
const FORMAT_CHECKS = new Set(['count', 'find', 'rfind', 'index', 'rindex', 'startswith', 'endswith']);
/** Regular-expression validation of a value: `re.match(PATTERN, value)`, `PATTERN.fullmatch(value)`. */
const REGEX_CHECKS = new Set(['match', 'fullmatch', 'search']);
/** What a handler must catch to guard a failing unpack / index (bare `except:` always does). */
const CATCHES: Record<Failure, ReadonlySet<string>> = {
  ValueError: new Set(['ValueError', 'Exception', 'BaseException']),
  IndexError: new Set(['IndexError', 'LookupError', 'Exception', 'BaseException']),
};

type Failure = 'ValueError' | 'IndexError';

interface SplitCall {
  readonly call: SyntaxNode;
  readonly receiver: SyntaxNode;
  /** The constant separator; null for whitespace (`split()`); undefined when not a constant. */
  readonly separator: string | null | undefined;
  /**
   * Parts the value is known to have because this module built it with the separator in it
   * (`name = "%s.%s" % (a, b)` has at least 2 parts split on '.'); 1 when nothing is known.
   */
  readonly builtParts: number;
}

/** One place where a split result is assumed to have enough parts. */
interface Use {
  /** The node whose evaluation raises: the subscript, or the unpacking assignment. */
  readonly node: SyntaxNode;
  readonly failure: Failure;
  /** Parts needed: the index + 1, or the number of names. */
  readonly parts: number;
}

/** A receiver named like a compiled regular expression: `self._pipe_splitter`, `WORD_RE`, `pattern`. */
const REGEX_NAME = /(^|_)(re|rx|regex|regexp|pattern|pat|splitter)$/i;

/** `x.split(sep)` / `x.rsplit(sep, n)` on a value that may hold anything. */
function splitCall(call: SyntaxNode, model: SemanticModel): SplitCall | null {
  const fn = call.child('function');
  if (fn?.type !== 'attribute') return null;
  const method = fn.child('attribute')?.text;
  if (method !== 'split' && method !== 'rsplit') return null;
  const receiver = fn.child('object');
  if (!receiver) return null;
  const callee = model.calleeQualifiedName(call);
  if (callee && NOT_STRING_SPLIT.test(callee)) return null;
  if (model.isConstant(receiver) || isKnownFormat(receiver, model)) return null;
  // `df['col'].str.split(',')` is a pandas accessor: `[1]` selects a row, it does not index a part.
  if (receiver.type === 'attribute' && receiver.child('attribute')?.text === 'str') return null;
  // `PATTERN.split(text)`: the receiver is a compiled regex (`re.compile(...)`, or named like one), not the data.
  if (REGEX_NAME.test(terminalName(receiver) ?? '')) return null;
  const bound = receiver.type === 'identifier' ? model.singleValue(receiver) : null;
  if (bound && unparenthesize(bound).type === 'call' && /\bcompile$/.test(model.calleeQualifiedName(unparenthesize(bound)) ?? '')) {
    return null;
  }
  const args = callArguments(call);
  if (args.hasUnpacking) return null;
  const separatorNode = args.positional[0] ?? args.keywords.get('sep');
  let separator: string | null | undefined = null;
  if (separatorNode && unparenthesize(separatorNode).type !== 'none') {
    separator = stringLiteralValue(separatorNode) ?? model.constantText(separatorNode) ?? undefined;
  }
  return { call, receiver, separator, builtParts: builtParts(receiver, separator, model) };
}

/**
 * `sys.version.split()`, `sys.version[i:].split(' ', 1)`, `platform.python_version().split('.')`, anything derived
 * from `__file__`: values whose format Python guarantees.
 */
function isKnownFormat(receiver: SyntaxNode, model: SemanticModel): boolean {
  if (/\b__file__\b/.test(receiver.text)) return true;
  let expr: SyntaxNode | null = unparenthesize(receiver);
  for (let depth = 0; expr && depth < 6; depth++) {
    const name = expr.type === 'call' ? model.calleeQualifiedName(expr) : model.qualifiedName(expr);
    if (name && KNOWN_FORMAT.has(name)) return true;
    // Look through slicing and string methods: `sys.version[i:]`, `sys.version.strip()`.
    if (expr.type === 'subscript') expr = expr.child('value');
    else if (expr.type === 'call' && expr.child('function')?.type === 'attribute') expr = expr.child('function')!.child('object');
    else return false;
    expr = expr ? unparenthesize(expr) : null;
  }
  return false;
}

/** Parts a locally built string has at least: 1 + the separators in its literal text (`f"{a}:{b}"` → 2). */
function builtParts(receiver: SyntaxNode, separator: string | null | undefined, model: SemanticModel): number {
  if (typeof separator !== 'string' || separator === '') return 1;
  const shape = model.stringShape(receiver);
  if (!shape || shape.building === 'literal') return 1;
  let separators = 0;
  for (const part of shape.parts) if (part.kind === 'text') separators += part.text.split(separator).length - 1;
  return separators + 1;
}

/** A constant integer subscript: `1`, `-2`. */
function constantIndex(subscript: SyntaxNode): number | null {
  const keys = subscript.childrenOf('subscript');
  if (keys.length !== 1) return null;
  const key = unparenthesize(keys[0]!);
  if (key.type === 'integer') return /^\d+$/.test(key.text) ? Number(key.text) : null;
  if (key.type === 'unary_operator' && key.hasToken('-')) {
    const operand = key.child('argument');
    if (operand?.type === 'integer' && /^\d+$/.test(operand.text)) return -Number(operand.text);
  }
  return null;
}

/** How many parts an index needs: `[1]` → 2, `[-2]` → 2; `[0]` and `[-1]` always exist (→ 1). */
function partsNeeded(index: number): number {
  return index >= 0 ? index + 1 : -index;
}

/** The names an unpacking target binds, or null when it has a starred name or is not a plain unpacking. */
function unpackedNames(target: SyntaxNode): number | null {
  if (target.type !== 'pattern_list' && target.type !== 'tuple_pattern' && target.type !== 'list_pattern') return null;
  const names = target.namedChildren;
  if (names.some((name) => name.type === 'list_splat_pattern' || name.type === 'list_splat')) return null;
  return names.length >= 2 ? names.length : null;
}

/** `map(...)` calling the builtin (the model's builtin list has no `map`, so: a name nothing in the module binds). */
function isBuiltinMap(call: SyntaxNode, model: SemanticModel): boolean {
  const fn = call.child('function');
  return fn?.type === 'identifier' && fn.text === 'map' && model.bindingsOf(fn).length === 0;
}

/**
 * The expression whose value is the split's parts, one element per part: the split itself in its parentheses,
 * or `map(int, s.split('.'))` around it (`major, minor = map(int, version.split('.'))` fails the same way).
 */
function partsExpression(split: SyntaxNode, model: SemanticModel): SyntaxNode {
  const outer = (node: SyntaxNode): SyntaxNode => {
    let current = node;
    while (current.parent?.type === 'parenthesized_expression') current = current.parent;
    return current;
  };
  const expression = outer(split);
  const list = expression.parent;
  const call = list?.type === 'argument_list' ? list.parent : null;
  if (call?.type === 'call' && isBuiltinMap(call, model) && callArguments(call).positional[1] === expression) {
    return outer(call);
  }
  return expression;
}

/** Names of the exceptions an `except` clause catches; null for a bare `except:`. */
function caughtNames(clause: SyntaxNode): string[] | null {
  let value = clause.child('value');
  if (!value) return null;
  if (value.type === 'as_pattern') value = value.firstNamedChild();
  if (!value) return null;
  const types = unparenthesize(value).type === 'tuple' ? unparenthesize(value).namedChildren : [value];
  return types.map((type) => unparenthesize(type).text.split('.').pop()!);
}

/**
 * Whether `node` runs in the body of a `try` (or a `with contextlib.suppress(...)`) that handles `failure`,
 * looking no further out than the unit: a `try` around a `def` does not guard the function's body.
 */
function handledAround(node: SyntaxNode, unitRoot: SyntaxNode, failure: Failure, model: SemanticModel): boolean {
  const accepted = CATCHES[failure];
  for (let child = node, parent = node.parent; parent && child !== unitRoot; child = parent, parent = parent.parent) {
    if (parent.type === 'try_statement' && child.field === 'body') {
      for (const clause of parent.namedChildren) {
        if (clause.type !== 'except_clause') continue;
        const caught = caughtNames(clause);
        if (caught === null || caught.some((name) => accepted.has(name))) return true;
      }
    }
    if (parent.type === 'with_statement' && child.field === 'body') {
      const items = parent.children.find((part) => part.type === 'with_clause')?.namedChildren ?? [];
      for (const item of items) {
        const value = item.child('value');
        if (value?.type !== 'call' || model.calleeQualifiedName(value) !== 'contextlib.suppress') continue;
        if (callArguments(value).positional.some((type) => accepted.has(type.text.split('.').pop()!))) return true;
      }
    }
    if (parent === unitRoot) break;
  }
  return false;
}

function describeSeparator(separator: string | null | undefined): string {
  return separator === ':'
    ? '; splitting on \':\' also breaks IPv6 addresses (use `rpartition(\':\')` or a proper parser such as `netaddr`/`urllib.parse`)'
    : '';
}

export default defineRule({
  meta: {
    id: 'VG601',
    name: 'unchecked-split-index',
    title: 'Split result indexed without a length check',
    cwe: [20],
    severity: 'low',
    confidence: 'medium',
    status: 'stable',
    since: '0.1.0',
    bandit: [],
    ruff: [],
    fixable: false,
    docs: {
      whatItDoes:
        'Flags `s.split(sep)` / `s.rsplit(sep)` results that are unpacked into several names or indexed past the first or last part (`[1]`, `[-2]`) when nothing in the function checks the number of parts, the separator, or catches the error. A note for internal values; a warning, with the path, when the flow layer sees request data split (any client can then make the handler fail).',
      whyIsThisBad:
        'Code that parses a stored or external field (`"host:port"`, `"key=value"`, a line of command output) by splitting it assumes the field has the expected format. One malformed value — an empty column, a hand-edited config, a legacy database row, an IPv6 address with more colons than expected — raises `ValueError` or `IndexError` far from where the value was written, which turns bad data into a crashed request, agent or upgrade. Splitting `address:port` on `:` is also simply wrong for IPv6 addresses.',
      example: [
        'def modify_fields_from_db(db_obj):',
        '    fields = dict(db_obj)',
        '    ip_address, port = fields["socket"].split(":")',
        '    return {"internal_ip_address": ip_address, "internal_port": int(port)}',
      ].join('\n'),
      useInstead: [
        'import netaddr',
        '',
        '',
        'def modify_fields_from_db(db_obj):',
        '    fields = dict(db_obj)',
        '    ip_address, sep, port = fields["socket"].rpartition(":")',
        '    if not sep or not port.isdigit():',
        '        raise ValueError("malformed socket %r" % fields["socket"])',
        '    # rpartition keeps every colon of an IPv6 address in ip_address.',
        '    return {"internal_ip_address": netaddr.IPAddress(ip_address.strip("[]")), "internal_port": int(port)}',
      ].join('\n'),
      references: [
        'https://cwe.mitre.org/data/definitions/20.html',
        'https://docs.python.org/3/library/stdtypes.html#str.split',
        'https://docs.python.org/3/library/stdtypes.html#str.rpartition',
        'https://docs.python.org/3/library/urllib.parse.html#urllib.parse.urlsplit',
        'https://netaddr.readthedocs.io/en/latest/',
      ],
      knownProblems:
        'Any check in the same function counts as a guard, wherever it is: `len(parts)`, `sep in s`, `s.count(sep)`, `s.find(sep)`, `s.startswith(...)` or `s[:n] == ...`, a regex match on `s`, or a `try` whose handler catches the error (a handler for the wrong exception does not count). A check made by the caller, or a format the surrounding code guarantees, is invisible, so such splits are still flagged; suppress them with `# vigil: ignore[VG601]`. Not flagged on purpose: strings this module built with the separator in their literal text (`f"{a}:{b}".split(":")[1]`), receivers named like compiled patterns (`WORD_RE`, `self._splitter`), `sys.version`, paths derived from `__file__`, and pandas `.str.split()`. Only constant indexes are judged; results reached through loops (`for a, b in (s.split("=") for s in items)`), `dict(s.split("=") for ...)`, `list(map(...))[1]`, `re.split()`, `shlex.split()` and a name reassigned after the split are not flagged.',
    },
  },
  usesFlow: true,
  create(context) {
    /**
     * Request data split without a check is a value any client can make fail (a 500 for every malformed request):
     * a warning with the path; an internal value stays a note.
     */
    const report = (split: SplitCall, found: Report): void => {
      const taint = context.flow.taintOf(split.receiver);
      const evidence = taint && taint.kinds & kindBit('remote') ? evidenceAt(taint, split.call, split.receiver, 'it is split here') : undefined;
      context.report(withFlow(found, evidence, 'medium', context.meta));
    };
    const { model, unit } = context;
    const splits: SplitCall[] = [];
    /** `NAME[i]` subscripts and `a, b = NAME` unpackings: resolved to a split at the end of the unit. */
    const nameUses: Array<{ name: SyntaxNode; use: Use }> = [];
    /** Texts of `len(...)` arguments, `len(x.split(...))` receivers, and receivers whose format was checked. */
    const lengthChecked = new Set<string>();
    const formatChecked = new Set<string>();

    return {
      call(call) {
        const split = splitCall(call, model);
        if (split) splits.push(split);
        const name = calleeName(call);
        const args = callArguments(call);
        const fn = call.child('function');
        if (name === 'len' && fn?.type === 'identifier' && args.positional[0]) {
          const measured = unparenthesize(args.positional[0]);
          lengthChecked.add(expressionKey(measured));
          const inner = measured.type === 'call' ? measured.child('function') : null;
          if (inner?.type === 'attribute' && /^r?split$/.test(inner.child('attribute')?.text ?? '')) {
            formatChecked.add(expressionKey(inner.child('object')!));
          }
        } else if (name && FORMAT_CHECKS.has(name) && fn?.type === 'attribute') {
          formatChecked.add(expressionKey(fn.child('object')!));
        } else if (name && REGEX_CHECKS.has(name)) {
          for (const argument of args.positional) formatChecked.add(expressionKey(unparenthesize(argument)));
        }
      },
      comparison_operator(comparison) {
        const children = comparison.children;
        for (let i = 0; i < children.length; i++) {
          const child = children[i]!;
          // `s[:8] == 'modules '`: a prefix check written as a slice.
          const operand = unparenthesize(child);
          if (operand.type === 'subscript' && operand.child('subscript')?.type === 'slice') {
            formatChecked.add(expressionKey(unparenthesize(operand.child('value')!)));
          }
          // `sep in s` / `sep not in s`: the operand after `in` had its content checked.
          if (child.isNamed || (child.type !== 'in' && child.type !== 'not in')) continue;
          const container = children.slice(i + 1).find((next) => next.isNamed);
          if (container) formatChecked.add(expressionKey(unparenthesize(container)));
        }
      },
      subscript(subscript) {
        const value = subscript.child('value');
        const index = constantIndex(subscript);
        if (value?.type !== 'identifier' || index === null || partsNeeded(index) < 2) return;
        nameUses.push({ name: value, use: { node: subscript, failure: 'IndexError', parts: partsNeeded(index) } });
      },
      assignment(assignment) {
        const left = assignment.child('left');
        const right = assignment.child('right');
        const count = left ? unpackedNames(left) : null;
        if (!right || count === null || unparenthesize(right).type !== 'identifier') return;
        nameUses.push({ name: unparenthesize(right), use: { node: assignment, failure: 'ValueError', parts: count } });
      },
      'unit:exit'() {
        const guarded = (split: SplitCall, use: Use, name: string | null): boolean =>
          use.parts <= split.builtParts ||
          formatChecked.has(expressionKey(split.receiver)) ||
          (name !== null && lengthChecked.has(name)) ||
          handledAround(use.node, unit.node, use.failure, model);

        for (const split of splits) {
          const expression = partsExpression(split.call, model);
          const parent = expression.parent;
          const callText = codeSnippet(split.call, 60);
          const suffix = describeSeparator(split.separator);

          // `x.split(':')[1]`
          if (parent?.type === 'subscript' && expression.field === 'value') {
            const index = constantIndex(parent);
            if (index === null || partsNeeded(index) < 2) continue;
            const use: Use = { node: parent, failure: 'IndexError', parts: partsNeeded(index) };
            if (guarded(split, use, null)) continue;
            report(split, {
              at: parent,
              message: `\`${codeSnippet(parent, 60)}\` indexes the split without checking the number of parts: a value with fewer than ${use.parts} parts raises IndexError${suffix}`,
            });
            continue;
          }

          // `a, b = x.split(':')`
          const left = parent?.type === 'assignment' && expression.field === 'right' ? parent.child('left') : null;
          const count = left ? unpackedNames(left) : null;
          if (parent && count !== null) {
            const use: Use = { node: parent, failure: 'ValueError', parts: count };
            if (guarded(split, use, null)) continue;
            report(split, {
              at: split.call,
              message: `\`${callText}\` is unpacked into ${count} names without checking the number of parts: a malformed value raises ValueError${suffix}`,
            });
            continue;
          }

          // `parts = x.split(':')` … `parts[1]` / `a, b = parts`
          const target =
            parent?.type === 'assignment' && expression.field === 'right'
              ? parent.child('left')
              : parent?.type === 'named_expression' && expression.field === 'value'
                ? parent.child('name')
                : null;
          if (target?.type !== 'identifier') continue;
          const uses = nameUses
            .filter(({ name, use }) => {
              if (name.text !== target.text) return false;
              const value = model.singleValue(name);
              return !!value && unparenthesize(value) === split.call && !guarded(split, use, target.text);
            })
            .map(({ use }) => use);
          if (uses.length === 0) continue;
          const first = uses[0]!;
          const failing =
            first.failure === 'IndexError'
              ? `is indexed as \`${codeSnippet(first.node, 60)}\` without checking the number of parts: a value with fewer than ${first.parts} parts raises IndexError`
              : `is unpacked into ${first.parts} names through \`${target.text}\` without checking the number of parts: a malformed value raises ValueError`;
          report(split, {
            at: split.call,
            message: `\`${callText}\` ${failing}${suffix}`,
            related: uses.map((use) => ({
              at: use.node,
              message:
                use.failure === 'IndexError'
                  ? `needs at least ${use.parts} parts here`
                  : `unpacked into ${use.parts} names here`,
            })),
          });
        }
      },
    };
  },
});

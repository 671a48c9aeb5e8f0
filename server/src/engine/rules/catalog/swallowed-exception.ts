import { defineRule } from '../rule';
import type { SemanticModel } from '../../semantic/model';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { unparenthesize } from '../../syntax/python';

const BROAD = new Set(['Exception', 'BaseException', 'builtins.Exception', 'builtins.BaseException']);

/** The broad class an `except` type names (`Exception`, `BaseException`, or one in a tuple), or null. */
function broadType(model: SemanticModel, type: SyntaxNode): string | null {
  const expr = unparenthesize(type);
  if (expr.type === 'tuple') {
    for (const element of expr.namedChildren) {
      const found = broadType(model, element);
      if (found) return found;
    }
    return null;
  }
  if (expr.type !== 'identifier' && expr.type !== 'attribute') return null;
  const name = model.qualifiedName(expr);
  return name !== null && BROAD.has(name) ? name.replace(/^builtins\./, '') : null;
}

type Filler = 'pass' | 'continue' | '...' | 'string';

/** What a statement is when it does nothing: `pass`, `continue`, `...`, a lone string. Null otherwise. */
function filler(statement: SyntaxNode): Filler | null {
  if (statement.type === 'pass_statement') return 'pass';
  if (statement.type === 'continue_statement') return 'continue';
  if (statement.type !== 'expression_statement') return null;
  const parts = statement.namedChildren;
  if (parts.length !== 1) return null;
  const expr = parts[0]!;
  if (expr.type === 'ellipsis') return '...';
  if (expr.type === 'string' || expr.type === 'concatenated_string') return 'string';
  return null;
}

/** The text of an `except` type as one line without comments: `(KeyError, Exception) as e`. */
function headerText(node: SyntaxNode): string {
  switch (node.type) {
    case 'tuple':
      return `(${node.namedChildren.map(headerText).join(', ')})`;
    case 'parenthesized_expression':
      return `(${node.namedChildren.map(headerText).join(', ')})`;
    case 'as_pattern': {
      const [type, alias] = node.namedChildren;
      return type && alias ? `${headerText(type)} as ${alias.text.trim()}` : node.text.replace(/\s+/g, ' ');
    }
    default:
      return node.text.replace(/\s+/g, ' ');
  }
}

/** Whether the clause is in a `__del__` method, where exceptions cannot propagate anyway. */
function inFinalizer(clause: SyntaxNode): boolean {
  const fn = clause.ancestor('function_definition', 'class_definition', 'lambda');
  return fn?.type === 'function_definition' && fn.child('name')?.text === '__del__';
}

export default defineRule({
  meta: {
    id: 'VG602',
    name: 'swallowed-exception',
    title: 'Broad exception silently swallowed',
    cwe: [703, 390],
    severity: 'low',
    confidence: 'high',
    status: 'stable',
    since: '0.1.0',
    bandit: ['B110', 'B112'],
    ruff: ['S110', 'S112'],
    fixable: false,
    docs: {
      whatItDoes:
        'Flags `except:`, `except Exception:` and `except BaseException:` clauses (alone or in a tuple, with or without `as e`, and `except*`) whose body only says `pass`, `continue` or `...`.',
      whyIsThisBad:
        'Such a clause turns every failure in the `try` block into silence: a bug, a timeout, a failed permission or signature check, a half-written file. The program carries on in a state nobody planned for, and nothing in the logs tells an operator or an incident responder that something went wrong. A bare `except:` or `except BaseException:` also swallows `KeyboardInterrupt` and `SystemExit`.',
      example:
        'def revoke_sessions(user):\n    for session in user.sessions:\n        try:\n            session.revoke()\n        except Exception:\n            continue',
      useInstead:
        'import contextlib\nimport logging\n\nLOG = logging.getLogger(__name__)\n\n\ndef revoke_sessions(user):\n    for session in user.sessions:\n        try:\n            session.revoke()\n        except Exception:\n            LOG.exception("could not revoke session %s", session.id)\n            raise\n\n\ndef remove_temp(path):\n    # Narrow the type to the failure you expect and mean to ignore.\n    with contextlib.suppress(FileNotFoundError):\n        path.unlink()',
      references: [
        'https://cwe.mitre.org/data/definitions/703.html',
        'https://cwe.mitre.org/data/definitions/390.html',
        'https://docs.python.org/3/tutorial/errors.html#handling-exceptions',
        'https://docs.python.org/3/library/contextlib.html#contextlib.suppress',
        'https://docs.python.org/3/library/logging.html#logging.Logger.exception',
      ],
      knownProblems:
        'Specific exception types (`except KeyError: pass`, `except (OSError, ValueError): pass`) are a deliberate choice and are not flagged, nor are bodies that do anything else: log, re-raise, assign, call, `return` or `break`. Clauses in `__del__` are not flagged, since exceptions cannot propagate out of a finalizer. A class that shadows `Exception` is not recognised, and neither are broad types reached through a variable (`errors = (Exception,)`; `except errors:`). `with contextlib.suppress(Exception):` (or `BaseException`) is flagged like `except Exception: pass`; `suppress` of specific types is not.',
    },
  },
  create(context) {
    const { model } = context;
    return {
      except_clause(clause) {
        const value = clause.child('value');
        const type = value ? (value.type === 'as_pattern' ? value.firstNamedChild() : value) : null;
        if (value && !type) return;
        const broad = type ? broadType(model, type) : 'everything';
        if (!broad) return;
        const body = clause.children.find((child) => child.type === 'block');
        if (!body) return;
        const statements = body.namedChildren;
        if (statements.length === 0) return;
        const fillers = new Set<Filler>();
        for (const statement of statements) {
          const kind = filler(statement);
          if (!kind) return;
          fillers.add(kind);
        }
        if (inFinalizer(clause)) return;

        const keyword = clause.children.find((child) => child.type === 'except' && !child.isNamed);
        const headerEnd = value ? value.end : (clause.children.find((child) => child.type === '*')?.end ?? keyword?.end ?? clause.start + 6);
        const star = clause.children.some((child) => child.type === '*' && !child.isNamed) ? '*' : '';
        const header = `except${star}${value ? ` ${headerText(value)}` : ''}:`;
        const kind: Filler = fillers.has('continue')
          ? 'continue'
          : fillers.has('pass')
            ? 'pass'
            : fillers.has('...')
              ? '...'
              : 'string';
        const how = kind === 'string' ? 'with a body that is only a string' : `with \`${kind}\``;
        const alsoExits = broad === 'everything' || broad === 'BaseException' ? ' (even `KeyboardInterrupt` and `SystemExit`)' : '';
        const typeText = type ? unparenthesize(type) : null;
        const alias =
          typeText && (typeText.type === 'identifier' || typeText.type === 'attribute') && typeText.text !== broad && broad !== 'everything'
            ? ` (\`${broad}\`)`
            : '';
        context.report({
          at: { start: clause.start, end: headerEnd },
          message: `\`${header}\`${alias} swallows every error${alsoExits} ${how}: failures (including security checks) go unnoticed`,
          ...(kind === 'continue' ? { bandit: ['B112'], ruff: ['S112'] } : { bandit: ['B110'], ruff: ['S110'] }),
        });
      },
      with_item(item) {
        // `with contextlib.suppress(Exception):` swallows like `except Exception: pass`.
        const value = item.child('value');
        const call = value ? unparenthesize(value.type === 'as_pattern' ? value.firstNamedChild() ?? value : value) : null;
        if (call?.type !== 'call' || model.calleeQualifiedName(call) !== 'contextlib.suppress') return;
        const broad = (call.child('arguments')?.namedChildren ?? []).map((argument) => broadType(model, argument)).find((found) => !!found);
        if (!broad) return;
        const alsoExits = broad === 'BaseException' ? ' (even `KeyboardInterrupt` and `SystemExit`)' : '';
        context.report({
          at: call,
          message: `\`${call.text.length > 60 ? 'contextlib.suppress(...)' : call.text}\` swallows every error${alsoExits} in its block: failures (including security checks) go unnoticed`,
          bandit: ['B110'],
          ruff: ['S110'],
        });
      },
    };
  },
});

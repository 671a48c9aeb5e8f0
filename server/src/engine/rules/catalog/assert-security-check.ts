import { defineRule } from '../rule';
import type { SemanticModel } from '../../semantic/model';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { DEFINITION_TYPES, nameWords, unparenthesize } from '../../syntax/python';
import { codeSnippet } from '../support/snippets';

/** Words of names that make an assertion read as an authorization or validation check. */
const SECURITY_WORDS: ReadonlySet<string> = new Set([
  'user', 'username', 'permission', 'permissions', 'perm', 'perms', 'admin', 'auth', 'authenticated', 'authorized',
  'authorised', 'authorization', 'authorisation', 'owner', 'owns', 'token', 'role', 'roles', 'allowed', 'staff',
  'superuser', 'privilege', 'privileges', 'privileged', 'csrf', 'signature', 'login', 'logged', 'authenticate',
  'authorize', 'authorise', 'acl', 'sudo', 'granted',
]);
/** Test frameworks: a module importing one is a test module, where asserts are the point. */
const TEST_MODULES: ReadonlySet<string> = new Set(['pytest', 'unittest', 'hypothesis', 'nose', 'nose2', '_pytest', 'testtools']);

function isTestModule(model: SemanticModel): boolean {
  return [...model.importedRoots()].some((root) => TEST_MODULES.has(root));
}

/** Whether the assertion sits in a test function or class (`test_*`, `Test*`, pytest fixtures). */
function inTestCode(node: SyntaxNode): boolean {
  for (let current = node.parent; current; current = current.parent) {
    if (!DEFINITION_TYPES.has(current.type)) continue;
    const name = current.child('name')?.text ?? '';
    if (current.type === 'class_definition' ? /^Test|Tests?$/.test(name) : /^test|_test$/.test(name)) return true;
  }
  return false;
}

/** The security word the condition mentions, if any; null for type narrowing (`isinstance`, `is not None`). */
function securityWord(condition: SyntaxNode): string | null {
  const expr = unparenthesize(condition);
  if (expr.type === 'call' && expr.child('function')?.text === 'isinstance') return null;
  if (expr.type === 'comparison_operator' && (expr.hasToken('is') || expr.hasToken('is not')) && expr.namedChildren.some((child) => child.type === 'none')) return null;
  const found: string[] = [];
  expr.walk((node) => {
    if (node.type === 'string' || node.type === 'lambda') return false;
    if (node.type === 'identifier') found.push(...nameWords(node.text).filter((part) => SECURITY_WORDS.has(part)));
    return true;
  });
  // The most telling word: `is_superuser` over `user` in `request.user.is_superuser`.
  return found.find((word) => word !== 'user' && word !== 'username') ?? found[0] ?? null;
}

export default defineRule({
  meta: {
    id: 'VG607',
    name: 'assert-security-check',
    title: 'Security check written as an assert',
    cwe: [617, 703],
    severity: 'low',
    confidence: 'medium',
    status: 'preview',
    since: '0.2.0',
    bandit: ['B101'],
    ruff: ['S101'],
    fixable: false,
    inTests: 'skip',
    docs: {
      whatItDoes:
        'Flags `assert` statements outside tests whose condition reads as an authorization or validation check: it mentions a user, a permission, a role, an owner, a token, authentication, `allowed`, a signature and the like (`assert request.user.is_staff`, `assert doc.owner == user`, `assert has_permission(user, "delete")`).',
      whyIsThisBad:
        'Python removes every `assert` statement when it runs with optimisation (`python -O`, `PYTHONOPTIMIZE=1`, some packaging and deployment setups): the check silently disappears and the code after it runs for everyone. Even when it runs, a failed assertion raises `AssertionError`, which frameworks turn into a server error rather than a 403, and which broad `except` clauses swallow.',
      example:
        'def delete_document(request, doc):\n    assert request.user.is_authenticated\n    assert doc.owner == request.user, "not your document"\n    doc.delete()',
      useInstead:
        'from django.core.exceptions import PermissionDenied\n\n\ndef delete_document(request, doc):\n    if not request.user.is_authenticated or doc.owner != request.user:\n        raise PermissionDenied("not your document")\n    doc.delete()',
      references: [
        'https://cwe.mitre.org/data/definitions/617.html',
        'https://cwe.mitre.org/data/definitions/703.html',
        'https://docs.python.org/3/reference/simple_stmts.html#the-assert-statement',
        'https://docs.python.org/3/using/cmdline.html#cmdoption-O',
        'https://bandit.readthedocs.io/en/latest/plugins/b101_assert_used.html',
        'https://docs.astral.sh/ruff/rules/assert/',
      ],
      knownProblems:
        'Decision: Bandit and Ruff report every `assert`, which floods test suites and internal invariants; Vigil reports only assertions whose names read as a security check, and none in test code: functions named `test*`/`*_test`, classes named `Test*`/`*Tests`, and modules that import `pytest`, `unittest`, `hypothesis` or `nose` (Vigil does not see file names, so `tests/` folders and `test_*.py` files are recognised by their contents). Type narrowing (`assert isinstance(user, User)`, `assert user is not None`) is not reported. The words are matched in names only: a check whose names say nothing (`assert x.flag`) is missed, and an invariant that happens to mention a user (`assert len(users) == count`) is reported; both are low severity. Only `# nosec`/`# noqa` with B101/S101 or without codes silence it, as for Bandit.',
    },
  },
  create(context) {
    const { model } = context;
    return {
      assert_statement(node) {
        const condition = node.namedChildren[0];
        if (!condition) return;
        const word = securityWord(condition);
        if (!word) return;
        if (inTestCode(node) || model.moduleFact(isTestModule, isTestModule, { importsOnly: true })) return;
        context.report({
          at: node,
          message: `\`assert ${codeSnippet(condition, 60)}\` looks like a security check (it mentions \`${word}\`), and Python removes asserts when run with \`-O\`: the check then disappears; raise an exception (a 403, \`PermissionDenied\`) instead`,
        });
      },
    };
  },
});

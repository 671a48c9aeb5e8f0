import type { SemanticModel } from '../../semantic/model';
import type { Binding } from '../../semantic/scopes';
import { stringLiteralValue, unparenthesize } from '../../syntax/python';
import type { SyntaxNode } from '../../syntax/syntaxNode';

/** Shared by the TLS rules (VG301 tls-verification-disabled, VG302 unverified-ssl-context). */

export interface FalseValue {
  /** The `False` literal itself, or the name that always holds it. */
  readonly node: SyntaxNode;
  /** For a name: the assignments that give it `False`. Empty for the literal. */
  readonly assignments: SyntaxNode[];
}

/**
 * Whether an expression is `False`: the literal, or a name every binding of which assigns the literal `False`
 * (`VERIFY_SSL = False`). Parameters (`def f(verify=False)`) are not: callers may pass `True`.
 */
export function falseValue(model: SemanticModel, expression: SyntaxNode): FalseValue | null {
  const expr = unparenthesize(expression);
  if (expr.type === 'false') return { node: expr, assignments: [] };
  if (expr.type !== 'identifier') return null;
  const bindings = model.bindingsOf(expr);
  if (bindings.length === 0) return null;
  const assignments: SyntaxNode[] = [];
  for (const binding of bindings) {
    if (binding.kind !== 'assignment' && binding.kind !== 'walrus') return null;
    if (!binding.value || unparenthesize(binding.value).type !== 'false') return null;
    assignments.push(binding.node.parent ?? binding.node);
  }
  return { node: expr, assignments };
}

const CERT_NONE_NAMES = new Set(['ssl.CERT_NONE', 'ssl.VerifyMode.CERT_NONE', '_ssl.CERT_NONE']);

/**
 * Whether an expression is `ssl.CERT_NONE` (under any import alias, or through a name assigned it once), or,
 * with `strings`, one of the strings libraries map to it (`"CERT_NONE"`, `"NONE"` for urllib3; `"none"` for
 * redis-py), literally or through a constant name.
 */
export function isCertNone(model: SemanticModel, expression: SyntaxNode, strings: boolean): boolean {
  const expr = unparenthesize(expression);
  const name = model.qualifiedName(expr);
  if (name !== null && CERT_NONE_NAMES.has(name)) return true;
  if (!strings) return false;
  const text = expr.type === 'string' || expr.type === 'concatenated_string' ? stringLiteralValue(expr) : model.constantText(expr);
  return text !== null && /^(cert_)?none$/i.test(text.trim());
}

/**
 * A condition that shows the insecure code is an explicit opt-in (`if not verify_ssl:`, `if args.insecure:`,
 * `if settings.DEBUG:`): the nearest enclosing `if`/`elif` condition inside the unit that mentions one of those
 * words, or null. Findings under such a guard are still real but less certain to be unintended.
 */
const OPT_IN_WORDS = /insecure|verif|ssl|tls|cert|debug|unsafe|self_?signed/i;

export function optInGuard(node: SyntaxNode, unitNode: SyntaxNode): SyntaxNode | null {
  let child = node;
  for (let current = node.parent; current && current !== unitNode; current = current.parent) {
    if ((current.type === 'if_statement' || current.type === 'elif_clause') && child.field !== 'condition') {
      const condition = current.child('condition');
      if (condition && condition !== child && OPT_IN_WORDS.test(condition.text)) return condition;
    }
    if (current.type === 'else_clause' && current.parent?.type === 'if_statement') {
      const condition = current.parent.child('condition');
      if (condition && OPT_IN_WORDS.test(condition.text)) return condition;
    }
    child = current;
  }
  return null;
}

/** `https://localhost…`, `https://127.0.0.1…`, `https://[::1]…`: traffic that never leaves the machine. */
const LOOPBACK_URL = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d*)?(?:[/?#]|$)/i;

/**
 * Whether a URL expression certainly points at the loopback interface: its constant leading text already
 * contains the whole host (`f"https://localhost:8443/{path}"` does, `f"https://{host}/"` does not).
 */
export function isLoopbackUrl(model: SemanticModel, expression: SyntaxNode): boolean {
  const shape = model.stringShape(expression);
  if (!shape) return false;
  let prefix = '';
  let complete = true;
  for (const part of shape.parts) {
    if (part.kind !== 'text') {
      complete = false;
      break;
    }
    prefix += part.text;
  }
  const match = LOOPBACK_URL.exec(prefix);
  if (!match) return false;
  // A host that ends where the constant text ends could continue in the value that follows (`localhost{x}`);
  // after `:` only the port follows.
  return complete || match[0].length < prefix.length || /[:/?#]$/.test(match[0]);
}

/** The type annotation of a parameter binding (`session: requests.Session`), if any. */
export function parameterAnnotation(binding: Binding): SyntaxNode | null {
  if (binding.kind !== 'parameter') return null;
  const parameter = binding.node.parent;
  if (!parameter || (parameter.type !== 'typed_parameter' && parameter.type !== 'typed_default_parameter')) return null;
  const type = parameter.child('type');
  return type ? type.firstNamedChild() : null;
}

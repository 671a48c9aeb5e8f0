import type { SemanticModel } from '../semantic/model';
import type { SyntaxNode } from '../syntax/syntaxNode';
import { callArguments, unparenthesize } from '../syntax/python';
import type { Knowledge } from './knowledge';

/**
 * Flow-insensitive types, as qualified names: what a value *is*, so that members and methods can be looked up in
 * the models (`app = Flask(__name__)` → `flask.Flask`, so `@app.route` is `flask.Flask.route`; `s =
 * requests.Session()` → `s.get` is `requests.Session.get`; `request` in a Django view → `django.http.HttpRequest`).
 *
 * A value has a type when it is a module member (its qualified name), the result of calling a class or a modelled
 * factory, a member of a typed value, `self` in a class deriving from a modelled type, or a parameter the models
 * give a type. Anything else is `null`: unknown, never guessed.
 */
export class TypeResolver {
  private readonly cache = new Map<SyntaxNode, string | null>();
  private depth = 0;

  constructor(
    private readonly model: SemanticModel,
    private readonly knowledge: Knowledge,
    /** The type of a parameter, given by the handler and request-parameter models. */
    private readonly parameterType: (identifier: SyntaxNode) => string | null,
  ) {}

  typeOf(expression: SyntaxNode): string | null {
    const expr = unparenthesize(expression);
    if (this.cache.has(expr)) return this.cache.get(expr)!;
    if (this.depth > 16) return null;
    this.depth++;
    this.cache.set(expr, null); // cycles end as unknown
    try {
      const type = this.compute(expr);
      this.cache.set(expr, type);
      return type;
    } finally {
      this.depth--;
    }
  }

  /**
   * The qualified name a call calls: through imports (`sp.run` → `subprocess.run`) or through the receiver's type
   * (`session.get` → `requests.Session.get`). Null when unknown.
   */
  calleeName(call: SyntaxNode): string | null {
    const fn = call.child('function');
    if (!fn) return null;
    const qualified = this.model.qualifiedName(fn);
    if (qualified) return this.knowledge.canonical(qualified);
    const expr = unparenthesize(fn);
    if (expr.type !== 'attribute') return null;
    const object = expr.child('object');
    const attribute = expr.child('attribute');
    if (!object || !attribute) return null;
    const receiverType = this.typeOf(object);
    return receiverType ? this.knowledge.memberType(receiverType, attribute.text) : null;
  }

  /**
   * The type of the values iterating a value of type `type` gives: `list[T]` (what a model's summary says a method
   * returns: `tarfile.TarFile.getmembers` → `list[tarfile.TarInfo]`) holds `T`s; iterating anything else calls its
   * `__iter__`, typed by its summary row (`for member in tar:` → `tarfile.TarFile.__iter__` → `tarfile.TarInfo`).
   */
  private elementType(type: string | null): string | null {
    if (!type) return null;
    const list = LIST_TYPE.exec(type);
    if (list) return list[1]!;
    return this.knowledge.summary(`${type}.__iter__`, null)?.returns ?? null;
  }

  private compute(expr: SyntaxNode): string | null {
    switch (expr.type) {
      case 'identifier': {
        const qualified = this.model.qualifiedName(expr);
        if (qualified) return this.knowledge.canonical(qualified);
        const bindings = this.model.bindingsOf(expr);
        if (bindings.length === 0) return null;
        const binding = bindings[bindings.length - 1]!;
        if (binding.kind === 'parameter') return this.parameterType(binding.node);
        // Every assignment must agree (`s = requests.Session()` once, or the same type each time). A loop variable
        // (`for member in tar.getmembers()`) has the type of the iterable's elements.
        let type: string | null = null;
        for (const candidate of bindings) {
          if ((candidate.kind !== 'assignment' && candidate.kind !== 'walrus' && candidate.kind !== 'with' && candidate.kind !== 'loop') || !candidate.value) return null;
          const next = candidate.kind === 'loop' ? this.elementType(this.typeOf(candidate.value)) : this.typeOf(candidate.value);
          if (!next || (type && next !== type)) return null;
          type = next;
        }
        return type;
      }
      case 'attribute': {
        const qualified = this.model.qualifiedName(expr);
        if (qualified) return this.knowledge.canonical(qualified);
        const object = expr.child('object');
        const attribute = expr.child('attribute');
        if (!object || !attribute) return null;
        const objectType = this.typeOf(object);
        return objectType ? this.knowledge.memberType(objectType, attribute.text) : null;
      }
      case 'subscript': {
        const value = expr.child('value');
        const objectType = value ? this.typeOf(value) : null;
        if (!objectType) return null;
        // `members[0]` is a member, `members[1:]` still a list of them.
        if (LIST_TYPE.test(objectType)) return expr.childrenOf('subscript').some((index) => index.type === 'slice') ? objectType : this.elementType(objectType);
        return this.knowledge.memberType(objectType, '*');
      }
      case 'await': {
        const inner = expr.firstNamedChild();
        return inner ? this.typeOf(inner) : null;
      }
      case 'parenthesized_expression': {
        const inner = expr.firstNamedChild();
        return inner ? this.typeOf(inner) : null;
      }
      case 'binary_operator': {
        // `Path(base) / name`: an operator is its left operand's method (`__truediv__`), typed by its summary row.
        const left = expr.child('left');
        const method = operatorMethod(expr);
        const type = left && method ? this.typeOf(left) : null;
        return type ? this.knowledge.summary(`${type}.${method}`, null)?.returns ?? null : null;
      }
      case 'call': {
        const callee = this.calleeName(expr);
        if (!callee) return null;
        const summary = this.knowledge.summary(callee, null);
        if (summary?.returns) return summary.returns;
        // `sorted(tar.getmembers(), key=…)`, `list(zf.infolist())`: the same elements, as a list.
        if (SAME_ELEMENTS.has(callee)) {
          const iterable = callArguments(expr).positional[0];
          const element = iterable ? this.elementType(this.typeOf(iterable)) : null;
          return element ? `list[${element}]` : null;
        }
        // Calling a class makes an instance of it; a modelled type's own name stands for its instances.
        const last = callee.slice(callee.lastIndexOf('.') + 1);
        if (/^[A-Z]/.test(last) || this.knowledge.modelledTypes.has(callee)) return callee;
        return null;
      }
      default:
        return null;
    }
  }
}

/** Built-ins that return the elements of the iterable they are given (in a list, or an iterator over them). */
const SAME_ELEMENTS: ReadonlySet<string> = new Set(['sorted', 'list', 'tuple', 'reversed', 'iter']);

/** A list of values of a modelled type, as summary rows name it: `list[tarfile.TarInfo]`. */
const LIST_TYPE = /^list\[(.+)\]$/;

/** The methods binary operators call on their left operand (https://docs.python.org/3/reference/datamodel.html#emulating-numeric-types), for the ones models name. */
const OPERATOR_METHODS: ReadonlyArray<readonly [string, string]> = [['/', '__truediv__'], ['%', '__mod__']];

/** The method a binary operator calls on its left operand (`/` → `__truediv__`), when models may name it. */
export function operatorMethod(operator: SyntaxNode): string | null {
  return OPERATOR_METHODS.find(([token]) => operator.hasToken(token))?.[1] ?? null;
}

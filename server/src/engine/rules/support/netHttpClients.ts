import type { SemanticModel } from '../../semantic/model';
import type { Binding } from '../../semantic/scopes';
import { unparenthesize } from '../../syntax/python';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { parameterAnnotation } from './tls';
import { HTTP_CLIENT_FACTORIES as ALL_CLIENT_FACTORIES, HTTP_VERBS, type HttpLibrary as ClientLibrary } from '../../flow/models/httpClients';

/**
 * Which receivers are HTTP client objects (`requests.Session`, `httpx.Client`, `aiohttp.ClientSession`), for the
 * network rules (VG301 tls-verification-disabled, VG303 request-without-timeout): a client is certain when every
 * binding of the name creates one (`s = requests.Session()`, `with httpx.Client() as c`) or declares one
 * (`session: requests.Session`); anything else (`self.session`, a factory function's result) is unknown.
 */

/** The libraries these rules know how clients are configured in. */
export type HttpLibrary = Exclude<ClientLibrary, 'urllib3'>;

/** The request methods shared by the module functions and the client objects of requests and httpx. */
export const HTTP_METHODS: ReadonlySet<string> = new Set([...HTTP_VERBS, 'request']);

/** The client factories of `HttpLibrary` (the flow layer's table, without urllib3's `PoolManager`). */
const HTTP_CLIENT_FACTORIES: ReadonlyMap<string, { readonly library: HttpLibrary; readonly label: string }> = new Map(
  [...ALL_CLIENT_FACTORIES].flatMap(([callee, { library, label }]) => (library === 'urllib3' ? [] : [[callee, { library, label }] as const])),
);

export interface HttpClient {
  readonly library: HttpLibrary;
  readonly label: string;
  /** Where the client was created (the assignment or `with` item), or the parameter declared with its type. */
  readonly origin: SyntaxNode;
  /** Known only from a parameter's type annotation: how it was configured is the caller's business. */
  readonly declared: boolean;
  /** The bindings that give the receiver name its value (empty for a client created in place). */
  readonly bindings: readonly Binding[];
}

/** What a receiver is, when it is certainly a requests/httpx/aiohttp client: created in place, bound, or annotated. */
export function resolveHttpClient(model: SemanticModel, receiver: SyntaxNode): HttpClient | null {
  const expr = unparenthesize(receiver);
  if (expr.type === 'call') {
    const factory = HTTP_CLIENT_FACTORIES.get(model.calleeQualifiedName(expr) ?? '');
    return factory ? { ...factory, origin: expr, declared: false, bindings: [] } : null;
  }
  if (expr.type !== 'identifier') return null;
  const bindings = model.bindingsOf(expr);
  if (bindings.length === 0) return null;
  let found: HttpClient | null = null;
  for (const binding of bindings) {
    let client: HttpClient | null = null;
    if ((binding.kind === 'assignment' || binding.kind === 'walrus' || binding.kind === 'with') && binding.value) {
      const value = unparenthesize(binding.value);
      if (value.type === 'call') {
        const factory = HTTP_CLIENT_FACTORIES.get(model.calleeQualifiedName(value) ?? '');
        if (factory) {
          const statement = binding.node.parent;
          const origin = statement && statement.type !== 'as_pattern_target' ? statement : value;
          client = { ...factory, origin, declared: false, bindings };
        }
      }
    } else if (binding.kind === 'parameter') {
      // `session: requests.Session`: only class names, not the `requests.session()` factory function.
      const annotation = parameterAnnotation(binding);
      const type = annotation ? model.qualifiedName(annotation) : null;
      const factory = type && /\.[A-Z]\w*$/.test(type) ? HTTP_CLIENT_FACTORIES.get(type) : undefined;
      if (factory) client = { ...factory, origin: binding.node.parent!, declared: true, bindings };
    }
    // Every way the name gets its value must be the same kind of client.
    if (!client || (found && found.library !== client.library)) return null;
    found ??= client;
  }
  return found;
}

import { defineRule } from '../rule';
import type { SemanticModel } from '../../semantic/model';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { callArguments, calleeName, stringLiteralValue, terminalName, unparenthesize } from '../../syntax/python';
import { expressionKey } from '../support/expressionKeys';
import { codeSnippet } from '../support/snippets';
import { evidenceAt, withFlow, type FlowEvidence } from '../flowRule';
import { kindBit } from '../../flow/concepts';
import { AUTHORIZATION_CALL, ID_NAME, OWNER_FIELD, TENANT_FILTER, elevationOf } from '../support/ownership';

/** Callee names that read objects: `get_object`, `_get_router`, `obj_get_by_id`, `count`, `network_get`. */
const LOOKUP = /^(_?get(_\w+)?|count|query|obj_get\w*|\w+_get)$/;
/** Keywords that pass the request context. */
const CONTEXT_KEYWORDS = ['context', 'ctx', 'ctxt'];
/** Query methods on `<ctx>.session.query(Model)` that select by ID. */
const QUERY_SELECTORS = new Set(['filter_by', 'filter', 'get']);

/** The context argument of a call: `context=`, else the first positional argument. */
function contextArgument(call: SyntaxNode): SyntaxNode | null {
  const args = callArguments(call);
  for (const keyword of CONTEXT_KEYWORDS) {
    const value = args.keywords.get(keyword);
    if (value) return value;
  }
  return args.positional[0] ?? null;
}

/** `port` in `port['device_id']['x']`, `body.get('router_id')`, `request.port.id`. */
function rootName(expression: SyntaxNode): SyntaxNode | null {
  let expr = unparenthesize(expression);
  for (let depth = 0; depth < 8; depth++) {
    if (expr.type === 'identifier') return expr;
    if (expr.type === 'attribute') expr = unparenthesize(expr.child('object') ?? expr);
    else if (expr.type === 'subscript') expr = unparenthesize(expr.child('value') ?? expr);
    else if (expr.type === 'call' && calleeName(expr) === 'get' && expr.child('function')?.type === 'attribute') {
      expr = unparenthesize(expr.child('function')!.child('object')!);
    } else return null;
  }
  return null;
}

/** The name an ID expression goes by: the key of `port['device_id']` / `body.get('router_id')`, or its last name. */
function idName(expression: SyntaxNode): string | null {
  const expr = unparenthesize(expression);
  if (expr.type === 'call' && calleeName(expr) === 'get') {
    const key = callArguments(expr).positional[0];
    return key ? stringLiteralValue(key) : null;
  }
  return terminalName(expr);
}

/**
 * Whether an ID value comes from the caller: a parameter, a field of a parameter (`port['device_id']`,
 * `body.get('router_id')`), a stored ID field of the object (`self.floatingip_id`), or a local name bound once
 * to one of those. Literals, IDs computed locally and IDs read from other lookups are not.
 */
function callerSupplied(expression: SyntaxNode, model: SemanticModel, depth = 0): boolean {
  const expr = unparenthesize(expression);
  if (expr.type === 'identifier') {
    if (expr.text === 'self' || expr.text === 'cls') return false;
    if (model.isParameter(expr)) return true;
    const value = depth === 0 ? model.singleValue(expr) : null;
    return !!value && ['attribute', 'subscript', 'call'].includes(unparenthesize(value).type) && callerSupplied(value, model, 1);
  }
  if (expr.type !== 'attribute' && expr.type !== 'subscript' && expr.type !== 'call') return false;
  const root = rootName(expr);
  if (!root) return false;
  if (root.text === 'self') {
    // Only a stored ID field of the object itself: `self.floatingip_id`, not `self.port['device_id']`.
    const object = expr.type === 'attribute' ? unparenthesize(expr.child('object')!) : null;
    return object?.type === 'identifier' && ID_NAME.test(expr.child('attribute')?.text ?? '');
  }
  return root.text !== 'cls' && model.isParameter(root);
}

/** The caller-supplied ID arguments among `args` (keyword name or expression name looks like an ID). */
function idArguments(
  positional: readonly SyntaxNode[],
  keywords: ReadonlyMap<string, SyntaxNode>,
  model: SemanticModel,
  anyName = false,
): SyntaxNode[] {
  const found: SyntaxNode[] = [];
  const consider = (value: SyntaxNode, keyword: string | null): void => {
    const expr = unparenthesize(value);
    // `filters={'device_id': [router_id]}`: the IDs are the dictionary's values.
    if (expr.type === 'dictionary') {
      for (const pair of expr.namedChildren) {
        const key = pair.child('key');
        const item = pair.child('value');
        const keyName = key ? stringLiteralValue(key) : null;
        if (item && keyName && ID_NAME.test(keyName)) consider(item, keyName);
      }
      return;
    }
    // `id=[port_id]`, `filters={'id': (a, b)}`: each element is an ID.
    if (expr.type === 'list' || expr.type === 'tuple' || expr.type === 'set') {
      for (const item of expr.namedChildren) consider(item, keyword);
      return;
    }
    const name = idName(expr);
    const idLike = anyName || (keyword !== null && ID_NAME.test(keyword)) || (name !== null && ID_NAME.test(name));
    if (idLike && callerSupplied(expr, model)) found.push(expr);
  };
  for (const value of positional) consider(value, null);
  for (const [keyword, value] of keywords) consider(value, keyword);
  return found;
}

/** A fetch made with an elevated context, before the ownership guards are applied. */
interface ElevatedFetch {
  readonly call: SyntaxNode;
  /** The node one lookup is reported once for: the call, or the `query(...)` of a chain of filters. */
  readonly anchor: SyntaxNode;
  /** What the message calls the lookup: `FloatingIP.get_object()`. */
  readonly label: string;
  /** The caller-supplied IDs it selects by. */
  readonly ids: SyntaxNode[];
  readonly elevation: SyntaxNode;
}

/** `<ctx>.session.query(Model)....filter_by(id=x)` / `.get(x)` / `.filter(Model.id == x)` with an elevated ctx. */
function queryFetch(call: SyntaxNode, model: SemanticModel, unitNode: SyntaxNode): ElevatedFetch | null {
  const fn = call.child('function');
  const selector = fn?.type === 'attribute' ? fn.child('attribute')?.text : null;
  if (!fn || !selector || !QUERY_SELECTORS.has(selector)) return null;
  // Walk down the chain to `<ctx>.session.query(...)`.
  let inner = unparenthesize(fn.child('object') ?? fn);
  for (let depth = 0; depth < 8 && inner.type === 'call'; depth++) {
    const innerFn = inner.child('function');
    if (innerFn?.type !== 'attribute') return null;
    const object = unparenthesize(innerFn.child('object') ?? innerFn);
    if (innerFn.child('attribute')?.text === 'query' && object.type === 'attribute' && object.child('attribute')?.text === 'session') {
      const elevated = elevationOf(object.child('object')!, model, unitNode);
      if (!elevated) return null;
      const args = callArguments(call);
      let ids: SyntaxNode[];
      if (selector === 'filter_by') ids = idArguments([], args.keywords, model);
      else if (selector === 'get') ids = idArguments(args.positional.slice(0, 1), new Map(), model, true);
      else {
        // `.filter(Model.id == port_id)`
        const compared = args.positional.flatMap((condition) => {
          const cond = unparenthesize(condition);
          if (cond.type !== 'comparison_operator' || !cond.hasToken('==')) return [];
          const [left, right] = cond.namedChildren;
          return left && right && ID_NAME.test(terminalName(left) ?? '') ? [right] : [];
        });
        ids = idArguments(compared, new Map(), model, true);
      }
      const queried = callArguments(inner).positional[0];
      const label = `session.query(${queried ? codeSnippet(queried, 30) : ''}).${selector}()`;
      return { call, anchor: inner, label, ids, elevation: elevated };
    }
    inner = object;
  }
  return null;
}

/** The name a parameter binds: `router` for `router`, `router=None`, `router: Router`, `*routers`. */
function parameterName(parameter: SyntaxNode): string {
  const name =
    parameter.type === 'identifier'
      ? parameter
      : parameter.child('name') ?? parameter.firstNamedChild('identifier') ?? parameter.firstNamedChild()?.firstNamedChild('identifier');
  return name?.text ?? '';
}

/** The last call of a method chain: `q.filter_by(id=x).filter_by(project_id=p).one()` from its first `filter_by`. */
function outermostCall(call: SyntaxNode): SyntaxNode {
  let current = call;
  while (current.parent?.type === 'attribute' && current.parent.parent?.type === 'call') current = current.parent.parent;
  return current;
}

/** `Model.get_object(ctx, id=x)`, `self._get_router(context.elevated(), router_id)`. */
function lookupFetch(call: SyntaxNode, model: SemanticModel, unitNode: SyntaxNode): ElevatedFetch | null {
  const name = calleeName(call);
  if (!name || !LOOKUP.test(name)) return null;
  const contextArg = contextArgument(call);
  if (!contextArg) return null;
  const elevated = elevationOf(contextArg, model, unitNode);
  if (!elevated) return null;
  const args = callArguments(call);
  const keywords = new Map([...args.keywords].filter(([, value]) => value !== contextArg));
  const ids = idArguments(
    args.positional.filter((value) => value !== contextArg),
    keywords,
    model,
  );
  return { call, anchor: call, label: `${codeSnippet(call.child('function')!, 40)}()`, ids, elevation: elevated };
}

export default defineRule({
  meta: {
    id: 'VG501',
    name: 'elevated-context-lookup',
    title: 'Object fetched with an elevated context by a caller-supplied ID',
    cwe: [639],
    severity: 'info',
    confidence: 'medium',
    status: 'stable',
    since: '0.1.0',
    bandit: [],
    ruff: [],
    fixable: false,
    docs: {
      whatItDoes:
        'Flags lookups (`get_object`, `get_*`, `_get_*`, `count`, `session.query(...).filter_by(id=...)`) made with an admin context (`context.elevated()`, `get_admin_context()`) by an ID that comes from the caller: a parameter, a field of one, or a stored `self.<x>_id`, when the function neither checks the object\'s owner nor fetched the same ID with the caller\'s own context first.',
      whyIsThisBad:
        'An elevated context drops the tenant filter that a normal request context adds to every query, so the lookup returns any project\'s object whose ID it is given. If the ID came from the API caller, a user who knows or guesses another tenant\'s UUID can read, attach to or act on that object (an insecure direct object reference). This is a hardening note, not a proven defect: the code is correct when ownership was checked elsewhere, which is why the finding is informational — unless the flow layer sees the ID come from an API request (a controller\'s `id`, a field of the request body): then any user can name another project\'s object, and the finding is a warning with the path the ID took.',
      example: [
        'from neutron.objects import router as l3_obj',
        '',
        '',
        'class PortForwardingPlugin:',
        '    def get_floatingip_for_forwarding(self, context, floatingip_id):',
        '        admin_ctx = context.elevated()',
        '        return l3_obj.FloatingIP.get_object(admin_ctx, id=floatingip_id)',
      ].join('\n'),
      useInstead: [
        'from neutron.objects import router as l3_obj',
        'from neutron_lib.exceptions import l3 as l3_exc',
        '',
        '',
        'class PortForwardingPlugin:',
        '    def get_floatingip_for_forwarding(self, context, floatingip_id):',
        '        admin_ctx = context.elevated()',
        '        fip = l3_obj.FloatingIP.get_object(admin_ctx, id=floatingip_id)',
        '        # The admin lookup sees every project: check the owner before using the object.',
        '        if fip is None or (not context.is_admin and fip.project_id != context.project_id):',
        '            raise l3_exc.FloatingIPNotFound(floatingip_id=floatingip_id)',
        '        return fip',
      ].join('\n'),
      references: [
        'https://cwe.mitre.org/data/definitions/639.html',
        'https://docs.openstack.org/neutron-lib/latest/reference/index.html',
        'https://docs.openstack.org/oslo.context/latest/user/usage.html',
        'https://owasp.org/Top10/A01_2021-Broken_Access_Control/',
      ],
      knownProblems:
        'An elevated context made by a helper of the same file counts (`def _admin_ctx(): return get_admin_context()`, `self._elevated(context)`, two calls deep). Ownership checks are recognised only inside the same function, and loosely: any comparison that mentions `tenant_id`/`project_id`/`owner`/`user_id`, an `if not context.is_admin: raise` or `assert context.is_admin`, a call such as `policy.enforce()`/`context.can()`/`_check_*_owner()`, an earlier lookup of the same ID with a non-elevated context, or a parameter holding the object itself next to its ID (`router` beside `router_id`: the caller already loaded it) counts, even when it checks something else. A lookup that filters by `project_id`/`tenant_id` itself is treated as scoped. IDs are recognised by name (`id`, `*_id`, `*_ids`, `*Id`, and Nova\'s `uuid`/`*_uuid`). Checks done by the caller (an API layer that already loaded the object) are invisible, so the finding can be redundant there; suppress it with `# vigil: ignore[VG501]`. Not flagged: elevated contexts kept on `self` or passed in by the caller, contexts chosen conditionally (`ctx = context.elevated() if x else context`), IDs inside `**filters` or built dictionaries other than a literal `filters={...}`, and lookups through helpers whose names do not look like lookups.',
    },
  },
  usesFlow: true,
  create(context) {
    const { model, unit } = context;
    const fetches: ElevatedFetch[] = [];
    /** The flow layer's evidence that an ID comes from an API request (a controller's `id`, a request body field). */
    const requestEvidence = (fetch: ElevatedFetch, ids: readonly SyntaxNode[]): FlowEvidence | undefined => {
      for (const id of ids) {
        const taint = context.flow.taintOf(id);
        if (taint && taint.kinds & kindBit('remote')) return evidenceAt(taint, fetch.call, id, `\`${fetch.label}\` fetches it with an elevated context`);
      }
      return undefined;
    };
    /** `expressionKey(id)` → offsets where that ID was fetched with a non-elevated context. */
    const scopedLookups = new Map<string, number[]>();
    let ownershipChecked = false;

    return {
      call(call) {
        const name = calleeName(call);
        if (name && AUTHORIZATION_CALL.test(name)) ownershipChecked = true;
        const fetch = queryFetch(call, model, unit.node) ?? lookupFetch(call, model, unit.node);
        if (fetch) {
          const filtersByProject = TENANT_FILTER.test(
            fetch.anchor === call ? call.child('arguments')?.text ?? '' : outermostCall(call).text,
          );
          if (fetch.ids.length > 0 && !filtersByProject) fetches.push(fetch);
          return;
        }
        // A lookup with the caller's own context: it fails for an object the caller cannot see.
        if (!name || !LOOKUP.test(name)) return;
        const contextArg = contextArgument(call);
        if (!contextArg || !/(context|ctx|ctxt)$/i.test(terminalName(contextArg) ?? '')) return;
        const args = callArguments(call);
        for (const value of [...args.positional, ...args.keywords.values()]) {
          if (value === contextArg) continue;
          const key = expressionKey(unparenthesize(value));
          scopedLookups.set(key, [...(scopedLookups.get(key) ?? []), call.start]);
        }
      },
      comparison_operator(comparison) {
        if (OWNER_FIELD.test(comparison.text)) ownershipChecked = true;
      },
      attribute(attribute) {
        // `if not context.is_admin: raise ...` / `assert context.is_admin`: only admins get past it. Not
        // `if not context.is_admin: context = context.elevated()`, which is the elevation itself.
        if (attribute.child('attribute')?.text !== 'is_admin') return;
        for (let node: SyntaxNode | null = attribute; node && node !== unit.node; node = node.parent) {
          if (node.type === 'assert_statement') {
            ownershipChecked = true;
            return;
          }
          if (node.field === 'condition') {
            const consequence = node.parent?.child('consequence');
            if (node.parent?.type === 'if_statement' && consequence?.namedChildren.some((s) => s.type === 'raise_statement')) {
              ownershipChecked = true;
            }
            return;
          }
          if (node.type.endsWith('_statement') || node.type === 'block') return;
        }
      },
      'unit:exit'() {
        if (ownershipChecked) return;
        // `def _delete_gw_port(self, context, router_id, router)`: the caller passes the object it already loaded
        // along with its ID, so the ID is the one of an object the caller could see.
        const parameters = new Set(
          unit.kind === 'function' ? (unit.node.child('parameters')?.namedChildren ?? []).map(parameterName) : [],
        );
        const objectPassedAlong = (id: SyntaxNode): boolean => {
          const match = /^(\w+)_id$/.exec(id.text);
          return id.type === 'identifier' && !!match && parameters.has(match[1]!) && model.isParameter(id);
        };
        const reported = new Set<SyntaxNode>();
        // Innermost call of a query chain first: `filter_by(id=...)` names the ID, a later `filter_by` does not.
        fetches.sort((a, b) => a.call.start - b.call.start || a.call.end - b.call.end);
        for (const fetch of fetches) {
          if (reported.has(fetch.anchor)) continue;
          const unchecked = fetch.ids.filter(
            (id) =>
              !objectPassedAlong(id) &&
              !(scopedLookups.get(expressionKey(id)) ?? []).some((start) => start < fetch.call.start),
          );
          if (unchecked.length === 0) continue;
          reported.add(fetch.anchor);
          // An ID from an API request is a warning (any user can name another project's object); an internal
          // parameter stays a hint (ownership may be checked by the caller).
          const evidence = requestEvidence(fetch, unchecked);
          const id = codeSnippet(evidence?.argument ?? unchecked[0]!, 40);
          const report = {
            at: fetch.call,
            message: `\`${fetch.label}\` fetches by caller-supplied \`${id}\` with an elevated context: tenant scoping is bypassed, so check that the caller owns the object`,
            related: [{ at: fetch.elevation, message: 'context elevated here' }],
          };
          context.report(withFlow(report, evidence, 'medium', context.meta));
        }
      },
    };
  },
});

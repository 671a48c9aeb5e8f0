import type { SemanticModel } from '../../semantic/model';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { callArguments, calleeName, unparenthesize } from '../../syntax/python';
import { isInUnit } from './units';

/**
 * What Vigil knows about object ownership (CWE-639, authorization bypass through a user-controlled key), shared by
 * VG501 (elevated-context-lookup) and VG502 (missing-ownership-check): how code fetches a stored object by its ID,
 * how it changes or deletes one, how it scopes a lookup to the caller, and how it checks authorization. Django
 * (https://docs.djangoproject.com/en/stable/topics/db/queries/), SQLAlchemy and Flask-SQLAlchemy, and OpenStack's
 * versioned objects and DB API (https://docs.openstack.org/oslo.versionedobjects/latest/) by their method names.
 */

/** An identifier that names an object ID: `id`, `pk`, `port_id`, `router_ids`, `portId`, `instance_uuid`. */
export const ID_NAME = /^(id|ids|pk|uuid|uuids)$|_(id|ids|pk|uuid|uuids)$|[a-z0-9]Ids?$/;

/** Calls that check authorization: `policy.enforce(...)`, `context.can(...)`, `self._check_router_owner(...)`, DRF's `check_object_permissions`. */
export const AUTHORIZATION_CALL =
  /^(can|enforce|authori[sz]e|has_perm|has_perms|has_object_permission|check_object_permissions|permission_required)$|owner|ownership|check_(access|permission|tenant|project)/i;

/** A comparison of the fetched object's owner with the caller's. */
export const OWNER_FIELD = /\b(tenant_id|project_id|owner_id|owner|user_id|created_by|author)\b/;

/** A lookup that filters by project itself (`project_id=context.project_id`) is tenant-scoped again. */
export const TENANT_FILTER = /\b(tenant_id|project_id)\b/;

/**
 * A lookup scoped to the caller: by an owner filter (`owner=request.user`, Django's `project__members=request.user`),
 * by any filter on the caller's identity (`=request.user`, `=context.project_id`), or through the user's own relation
 * (`request.user.orders.get(...)`).
 */
export const CALLER_SCOPE =
  /\b(tenant_id|project_id|owner|owner_id|user|user_id|created_by|author)\s*=|=\s*(self\.)?(request\.user|current_user|g\.user|context\.(project_id|tenant_id|user_id))\b|\b(request\.user|current_user|g\.user)\./;

/**
 * Methods that fetch one stored object. `anyReceiver`: named so only by ORMs and OpenStack objects; the others
 * (`get`, `first`, `one`) also belong to dicts and lists, so the receiver must look like a query: a model class,
 * `.objects`, `.query`, a session, or a chain of query calls.
 */
/** OpenStack DB API functions that fetch one row by ID: `db.volume_get(context, id)`, `instance_get_by_uuid`. */
export const DB_API_FETCH = /^[a-z]+(?:_[a-z]+)*_get(?:_by_(?:id|uuid))?$/;

/** How a method fetches one stored object, by its name: a known fetch or an OpenStack DB API getter; else undefined. */
export function fetchSpec(method: string): { readonly anyReceiver: boolean } | undefined {
  return FETCH_METHODS.get(method) ?? (DB_API_FETCH.test(method) ? { anyReceiver: true } : undefined);
}

export const FETCH_METHODS: ReadonlyMap<string, { readonly anyReceiver: boolean }> = new Map([
  ['get_object', { anyReceiver: true }],
  ['get_object_or_404', { anyReceiver: true }],
  ['get_or_404', { anyReceiver: true }],
  ['first_or_404', { anyReceiver: true }],
  ['one_or_404', { anyReceiver: true }],
  ['get_by_id', { anyReceiver: true }],
  ['get_by_uuid', { anyReceiver: true }],
  ['get', { anyReceiver: false }],
  ['first', { anyReceiver: false }],
  ['one', { anyReceiver: false }],
  ['one_or_none', { anyReceiver: false }],
]);

/** Query-building methods between a model and the fetch: `Order.query.filter_by(id=x).first()`. */
export const QUERY_METHODS: ReadonlySet<string> = new Set(['filter', 'filter_by', 'where', 'query', 'select_for_update', 'with_for_update', 'objects']);

/** Methods that change or delete a fetched object: Django, SQLAlchemy, peewee, OpenStack objects. */
export const MUTATING_METHODS: ReadonlySet<string> = new Set([
  'delete', 'destroy', 'save', 'update', 'soft_delete', 'delete_instance', 'obj_reset_changes', 'refresh',
]);

/** Calls that write a session's changes: an object changed by attribute assignment is saved by one of these. */
export const PERSISTING_METHODS: ReadonlySet<string> = new Set(['save', 'commit', 'flush', 'update']);

/** Session methods that take the object: `db.session.delete(order)`. */
export const SESSION_DELETES: ReadonlySet<string> = new Set(['delete', 'merge', 'expunge']);

/**
 * `<x>.elevated()` or `get_admin_context()`: `neutron_lib.context`, `n_context`, nova's `context` alike, also
 * when imported under another name (`from neutron_lib.context import get_admin_context as admin_context`).
 */
export function elevation(expression: SyntaxNode, model: SemanticModel, depth = 0): SyntaxNode | null {
  const expr = unparenthesize(expression);
  if (expr.type !== 'call') return null;
  const name = calleeName(expr);
  if (name === 'elevated') {
    const args = callArguments(expr);
    const isMethod = expr.child('function')?.type === 'attribute';
    return isMethod && args.positional.length === 0 && args.keywords.size === 0 ? expr : null;
  }
  if (name === 'get_admin_context') return expr;
  const callee = model.calleeQualifiedName(expr);
  if (callee?.endsWith('.get_admin_context')) return expr;
  // A helper of the same file that returns one: `def _admin_context(self): return self.context.elevated()`.
  const helper = depth < 2 ? localFunction(expr, model) : null;
  return helper && returnsElevation(helper, model, depth + 1) ? expr : null;
}

/**
 * The function a call calls when it is defined in the same file: `helper(…)` bound once, or `self.method(…)` of the
 * class (`SemanticModel.localDefinition`, held to those two shapes here).
 */
export function localFunction(call: SyntaxNode, model: SemanticModel): SyntaxNode | null {
  const fn = call.child('function');
  if (fn?.type === 'identifier' && model.bindingsOf(fn).length !== 1) return null;
  if (fn?.type === 'attribute' && fn.child('object')?.text !== 'self') return null;
  return model.localDefinition(call)?.definition ?? null;
}

/** Whether a function returns an elevated context (inline, or a name its body binds once to one). */
function returnsElevation(definition: SyntaxNode, model: SemanticModel, depth: number): boolean {
  const body = definition.child('body');
  if (!body) return false;
  let found = false;
  body.walk((node) => {
    if (found || node.type === 'function_definition' || node.type === 'class_definition' || node.type === 'lambda') return node === body;
    if (node.type !== 'return_statement') return true;
    const value = node.firstNamedChild();
    if (!value) return false;
    const expr = unparenthesize(value);
    const bound = expr.type === 'identifier' ? model.singleValue(expr) : null;
    found = !!elevation(bound ?? expr, model, depth);
    return false;
  });
  return found;
}

/**
 * The elevation an expression's context comes from: inline (`get_object(context.elevated(), ...)`), or a name
 * bound once to it (`ctx = context.elevated()`), inside `within` when given (a unit's node).
 */
export function elevationOf(expression: SyntaxNode, model: SemanticModel, within?: SyntaxNode): SyntaxNode | null {
  const expr = unparenthesize(expression);
  const inline = elevation(expr, model);
  if (inline) return inline;
  if (expr.type !== 'identifier') return null;
  const value = model.singleValue(expr);
  const bound = value ? elevation(value, model) : null;
  return bound && (!within || isInUnit(bound, within)) ? bound : null;
}

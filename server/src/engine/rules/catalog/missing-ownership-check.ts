import { defineRule, type Report } from '../rule';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { callArguments, calleeName, terminalName, unparenthesize } from '../../syntax/python';
import { kindBit } from '../../flow/concepts';
import { evidenceAt, withFlow } from '../flowRule';
import { codeSnippet } from '../support/snippets';
import {
  AUTHORIZATION_CALL,
  CALLER_SCOPE,
  ID_NAME,
  MUTATING_METHODS,
  OWNER_FIELD,
  PERSISTING_METHODS,
  QUERY_METHODS,
  SESSION_DELETES,
  elevationOf,
  fetchSpec,
  localFunction,
} from '../support/ownership';

/** A lookup of one stored object by an ID that came with the request. */
interface Fetch {
  /** The fetching call (`Order.objects.get(pk=…)`, `Port.get_object(ctx, id=…)`). */
  readonly call: SyntaxNode;
  /** The ID argument that carries request data. */
  readonly id: SyntaxNode;
  /** An elevated context passed to the lookup, if any. */
  readonly elevated: SyntaxNode | null;
  /** A context argument that is not elevated (OpenStack): its DB layer usually scopes lookups to the project. */
  readonly userContext: boolean;
}

/** What the code does to a fetched object: the call or assignment, and the verb for messages. */
interface Mutation {
  readonly at: SyntaxNode;
  readonly verb: 'deletes' | 'changes';
}

const CONTEXT_NAME = /^(context|ctx|ctxt|admin_context|admin_ctx|elevated)$/;

/** A `.get()`/`.first()` whose receiver chain looks like a query: `Port.objects.get(`, `session.query(Port)…first(`. */
const QUERY_RECEIVER = /\.(objects|query|session)\b|\bquery\(/;

export default defineRule({
  meta: {
    id: 'VG502',
    name: 'missing-ownership-check',
    title: 'Object fetched by a request-supplied ID changed without an ownership check',
    cwe: [639, 862],
    severity: 'medium',
    confidence: 'medium',
    status: 'preview',
    since: '0.2.0',
    bandit: [],
    ruff: [],
    fixable: false,
    docs: {
      whatItDoes:
        'Flags a request handler that fetches one stored object by an ID taken from the request (a URL parameter, a query or form field, an API body) and then deletes or changes it, when the lookup is not scoped to the caller (`owner=request.user`, `project_id=context.project_id`, `request.user.orders.get(...)`) and the function checks no authorization (`policy.enforce`, `context.can`, `has_perm`, `check_object_permissions`, a comparison of the object\'s `owner`/`user_id`/`project_id`). Django managers and `get_object_or_404`, SQLAlchemy and Flask-SQLAlchemy queries, and OpenStack objects (`get_object`, `get_by_uuid`) are recognised; an elevated context (`context.elevated()`) passed to the lookup makes the finding certain.',
      whyIsThisBad:
        'IDs are easy to guess or to collect (sequential keys, UUIDs in URLs and logs). When the server fetches whatever object the client names and acts on it, any logged-in user can delete or change another user\'s or another project\'s object by sending its ID: an insecure direct object reference, the most common access-control flaw (OWASP A01).',
      example: [
        'from django.http import JsonResponse',
        'from django.views.decorators.http import require_POST',
        '',
        'from .models import Order',
        '',
        '',
        '@require_POST',
        'def cancel_order(request):',
        '    order = Order.objects.get(pk=request.POST["order"])',
        '    order.delete()',
        '    return JsonResponse({"cancelled": True})',
      ].join('\n'),
      useInstead: [
        'from django.http import JsonResponse',
        'from django.shortcuts import get_object_or_404',
        'from django.views.decorators.http import require_POST',
        '',
        'from .models import Order',
        '',
        '',
        '@require_POST',
        'def cancel_order(request):',
        '    order = get_object_or_404(Order, pk=request.POST["order"], owner=request.user)',
        '    order.delete()',
        '    return JsonResponse({"cancelled": True})',
      ].join('\n'),
      references: [
        'https://cwe.mitre.org/data/definitions/639.html',
        'https://owasp.org/Top10/A01_2021-Broken_Access_Control/',
        'https://cheatsheetseries.owasp.org/cheatsheets/Insecure_Direct_Object_Reference_Prevention_Cheat_Sheet.html',
        'https://docs.openstack.org/oslo.policy/latest/user/usage.html',
      ],
      knownProblems:
        'Only checks inside the same function count, and loosely: any call named like an authorization check and any comparison mentioning an owner field counts, even when it checks something else; decorators such as `@permission_required` count. Checks made by a caller, a middleware, a DRF permission class or a manager that filters by user itself are invisible; suppress the finding with the reason. A lookup with an OpenStack user context (not elevated) is reported with low confidence: most OpenStack DB APIs scope such lookups to the caller\'s project. An object fetched through a getter of the same class (`self._get_port(context, id)`, a `get_…` method whose body fetches one) counts as fetched by the caller\'s ID; objects fetched through other helpers, and changes made through helpers (`self._delete(obj)`), are missed.',
    },
  },
  usesFlow: true,
  create(context) {
    const { model, unit } = context;
    const calls: SyntaxNode[] = [];
    const attributeWrites: SyntaxNode[] = [];
    let authorized = false;

    /** The request-data ID a call (and the query calls it is chained on) selects by, with its context argument. */
    const fetchOf = (call: SyntaxNode): Fetch | null => {
      const method = calleeName(call);
      const spec = method ? fetchSpec(method) ?? (isFetchingHelper(call, method) ? { anyReceiver: true } : undefined) : undefined;
      if (!spec) return null;
      // The query chain: `Order.query.filter_by(id=x).first()`, `session.query(Port).get(x)`.
      const chain: SyntaxNode[] = [call];
      let receiver = call.child('function')?.type === 'attribute' ? unparenthesize(call.child('function')!.child('object')!) : null;
      let queryLike = false;
      for (let depth = 0; receiver && depth < 8; depth++) {
        if (receiver.type === 'call') {
          const name = calleeName(receiver);
          if (!name || !QUERY_METHODS.has(name)) break;
          queryLike = true;
          chain.push(receiver);
          receiver = receiver.child('function')?.type === 'attribute' ? unparenthesize(receiver.child('function')!.child('object')!) : null;
        } else if (receiver.type === 'attribute') {
          const name = receiver.child('attribute')!.text;
          if (name === 'objects' || name === 'query' || name === 'session') queryLike = true;
          break;
        } else {
          // `Order.get(...)` (a model class), `session.get(Order, x)`.
          if (receiver.type === 'identifier' && (/^[A-Z]/.test(receiver.text) || /session$/i.test(receiver.text))) queryLike = true;
          break;
        }
      }
      if (!spec.anyReceiver && !queryLike) return null;
      const outer = chain[0]!;
      if (CALLER_SCOPE.test(outer.text)) return null;
      let elevated: SyntaxNode | null = null;
      let userContext = false;
      for (const link of chain) {
        const args = callArguments(link);
        const contextArg =
          args.keywords.get('context') ??
          args.positional.find((value) => CONTEXT_NAME.test(terminalName(unparenthesize(value)) ?? '') || elevationOf(value, model, unit.node));
        if (contextArg) {
          elevated ??= elevationOf(contextArg, model);
          if (!elevated) userContext = true;
        }
        const candidates: SyntaxNode[] = [];
        for (const [keyword, value] of args.keywords) if (ID_NAME.test(keyword)) candidates.push(value);
        for (const value of args.positional) {
          const expr = unparenthesize(value);
          if (expr === (contextArg && unparenthesize(contextArg))) continue;
          // `.filter(Order.id == x)`: the compared value.
          if (expr.type === 'comparison_operator' && expr.hasToken('==')) {
            const [left, right] = expr.namedChildren;
            if (left && right && ID_NAME.test(terminalName(left) ?? '')) candidates.push(right);
          } else {
            candidates.push(expr);
          }
        }
        for (const candidate of candidates) {
          const taint = context.flow.taintOf(candidate);
          if (taint && taint.kinds & kindBit('remote')) return { call: outer, id: candidate, elevated, userContext: userContext && !elevated };
        }
      }
      return null;
    };

    /**
     * `self._get_port(context, id)`: a method of the same class named as a getter whose body fetches a stored object
     * (`Port.get_object(...)`, `db.volume_get(...)`, `.get()` on a query) is a fetch of its caller's ID.
     */
    const isFetchingHelper = (call: SyntaxNode, method: string): boolean => {
      if (!/^_*get_[a-z0-9_]+$/.test(method) || call.child('function')?.type !== 'attribute') return false;
      const helper = localFunction(call, model);
      return !!helper && helper.descendantsOfType('call').some((inner) => {
        const spec = fetchSpec(calleeName(inner) ?? '');
        return !!spec && (spec.anyReceiver || QUERY_RECEIVER.test(inner.text));
      });
    };

    /** What the code does to the fetched object afterwards: deletes or changes (and saves) it. */
    const mutationOf = (fetch: Fetch): Mutation | null => {
      let node = fetch.call;
      while (node.parent?.type === 'parenthesized_expression') node = node.parent;
      // `Order.objects.get(pk=x).delete()`
      if (node.parent?.type === 'attribute' && node.parent.parent?.type === 'call') {
        const method = node.parent.child('attribute')?.text ?? '';
        return MUTATING_METHODS.has(method) ? { at: node.parent.parent, verb: method.includes('delete') || method === 'destroy' ? 'deletes' : 'changes' } : null;
      }
      const assignment = node.parent;
      const target = assignment?.type === 'assignment' && assignment.child('right') === node ? assignment.child('left') : null;
      if (target?.type !== 'identifier') return null;
      const name = target.text;
      const after = (other: SyntaxNode): boolean => other.start > fetch.call.end;
      for (const call of calls) {
        if (!after(call)) continue;
        const fn = call.child('function');
        const method = calleeName(call) ?? '';
        const object = fn?.type === 'attribute' ? unparenthesize(fn.child('object')!) : null;
        if (object?.type === 'identifier' && object.text === name && MUTATING_METHODS.has(method)) {
          return { at: call, verb: method.includes('delete') || method === 'destroy' ? 'deletes' : 'changes' };
        }
        const first = callArguments(call).positional[0];
        if (object && SESSION_DELETES.has(method) && /session$/i.test(terminalName(object) ?? '') && first && unparenthesize(first).text === name) {
          return { at: call, verb: 'deletes' };
        }
      }
      const persisted = calls.some((call) => after(call) && PERSISTING_METHODS.has(calleeName(call) ?? ''));
      const write = attributeWrites.find((left) => after(left) && unparenthesize(left.child('object')!).text === name);
      return write && persisted ? { at: write.parent!, verb: 'changes' } : null;
    };

    /** `@permission_required(...)`, `@policy.authorize(...)`: an authorization decorator on the handler itself. */
    const decoratedWithCheck = (): boolean => {
      const decorated = unit.node.parent?.type === 'decorated_definition' ? unit.node.parent : null;
      for (const decorator of decorated?.namedChildren ?? []) {
        if (decorator.type !== 'decorator' || !decorator.firstNamedChild()) continue;
        const expr = unparenthesize(decorator.firstNamedChild()!);
        const named = expr.type === 'call' ? expr.child('function') : expr;
        if (named && AUTHORIZATION_CALL.test(terminalName(named) ?? '')) return true;
      }
      return false;
    };

    return {
      call(call) {
        calls.push(call);
        const name = calleeName(call);
        if (name && AUTHORIZATION_CALL.test(name)) authorized = true;
      },
      comparison_operator(comparison) {
        if (OWNER_FIELD.test(comparison.text)) authorized = true;
      },
      assignment(assignment) {
        const left = assignment.child('left');
        if (left?.type === 'attribute') attributeWrites.push(left);
      },
      'unit:exit'() {
        if (authorized || unit.kind !== 'function' || decoratedWithCheck()) return;
        const reported = new Set<SyntaxNode>();
        for (const call of calls) {
          const fetch = fetchOf(call);
          if (!fetch || reported.has(fetch.call)) continue;
          const mutation = mutationOf(fetch);
          if (!mutation) continue;
          reported.add(fetch.call);
          const taint = context.flow.taintOf(fetch.id)!;
          const evidence = evidenceAt(taint, fetch.call, fetch.id, 'the object is fetched by it');
          const verb = mutation.verb === 'deletes' ? 'delete' : 'change';
          // `Order.objects.get()`; for a chain of query calls only the last: `.first()`.
          const fn = fetch.call.child('function')!;
          const label = fn.text.includes('(') ? `.${calleeName(fetch.call)}()` : `${codeSnippet(fn, 40)}()`;
          const related: NonNullable<Report['related']>[number][] = [{ at: mutation.at, message: `the object is ${mutation.verb === 'deletes' ? 'deleted' : 'changed'} here` }];
          if (fetch.elevated) related.push({ at: fetch.elevated, message: 'with an elevated context, which sees every project' });
          const report: Report = {
            at: fetch.call,
            message: `\`${label}\` fetches the object by \`${codeSnippet(fetch.id, 40)}\`, and the code then ${mutation.verb} it with no check that the caller owns it: anyone can ${verb} another user's object by sending its ID; filter the lookup by owner (\`owner=request.user\`, \`project_id=context.project_id\`) or check it (\`policy.enforce\`, \`context.can\`, \`has_perm\`)`,
            related,
          };
          const found = withFlow(report, evidence, 'medium', context.meta);
          context.report({ ...found, confidence: fetch.elevated ? 'high' : fetch.userContext ? 'low' : 'medium' });
        }
      },
    };
  },
});

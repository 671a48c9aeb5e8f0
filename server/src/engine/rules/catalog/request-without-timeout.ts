import { defineRule, type FixSpec, type Report } from '../rule';
import type { SemanticModel } from '../../semantic/model';
import type { Binding } from '../../semantic/scopes';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { callArguments, calleeReceiver, unparenthesize } from '../../syntax/python';
import { forEachNodeInUnit } from '../../analysis/units';
import { HTTP_METHODS, resolveHttpClient, type HttpClient } from '../support/netHttpClients';
import { appendKeywordEdit } from '../support/netKeywordEdits';
import { codeSnippet } from '../support/snippets';
import { isInUnit } from '../support/units';

/** `requests.get`, `requests.api.post`… (the module functions; each builds a fresh session). */
const REQUESTS_FUNCTION = /^requests(?:\.api)?\.([A-Za-z_]+)$/;
/** `httpx.get`, `httpx.stream`…: they have a 5-second default timeout, so only `timeout=None` is a defect. */
const HTTPX_FUNCTION = /^httpx\.([A-Za-z_]+)$/;
const HTTPX_CLIENTS = new Set(['httpx.Client', 'httpx.AsyncClient']);
const URLOPEN = new Set(['urllib.request.urlopen']);
/** Adapters known not to add a timeout: mounting one of these does not change what a session does. */
const PLAIN_ADAPTERS = new Set(['requests.adapters.HTTPAdapter', 'requests.HTTPAdapter']);
/** `session.<name> = wrapper(...)`: a session whose request methods are replaced may add a timeout. */
const WRAPPABLE = new Set([...HTTP_METHODS, 'send']);

const FIX_VALUE = '30';

/** How a call sets its timeout. */
type Timeout =
  | { readonly kind: 'absent' }
  | { readonly kind: 'set' }
  | {
      readonly kind: 'none';
      /** The `timeout=...` argument. */
      readonly argument: SyntaxNode;
      /** The node that is `None` and that the fix replaces (the literal, the constant's name, the `None` in `httpx.Timeout(None)`). */
      readonly none: SyntaxNode;
      /** Assignments that make a constant name `None`. */
      readonly assignments: readonly SyntaxNode[];
    };

/** Whether an expression is `None`: the literal, or a name every binding of which assigns the literal. */
function noneValue(model: SemanticModel, expression: SyntaxNode): { node: SyntaxNode; assignments: SyntaxNode[] } | null {
  const expr = unparenthesize(expression);
  if (expr.type === 'none') return { node: expr, assignments: [] };
  if (expr.type !== 'identifier') return null;
  const bindings = model.bindingsOf(expr);
  if (bindings.length === 0) return null;
  const assignments: SyntaxNode[] = [];
  for (const binding of bindings) {
    if (binding.kind !== 'assignment' || !binding.value || unparenthesize(binding.value).type !== 'none') return null;
    assignments.push(binding.node.parent ?? binding.node);
  }
  return { node: expr, assignments };
}

/**
 * The timeout a call passes: keyword `timeout`, or the positional slot `position` when the signature has one.
 * `**kwargs`/`*args` may carry it, so a call with them counts as setting it.
 */
function timeoutOf(model: SemanticModel, call: SyntaxNode, position?: number): Timeout {
  const args = callArguments(call);
  const argument = args.keywordNodes.get('timeout');
  const value = args.keywords.get('timeout') ?? (position !== undefined ? args.positional[position] : undefined);
  if (!value) return args.hasUnpacking ? { kind: 'set' } : { kind: 'absent' };
  const none = noneValue(model, value);
  if (none) return { kind: 'none', argument: argument ?? value, none: none.node, assignments: none.assignments };
  // `timeout=httpx.Timeout(None)`: every phase unlimited.
  const inner = unparenthesize(value);
  if (inner.type === 'call' && model.calleeQualifiedName(inner) === 'httpx.Timeout') {
    const timeoutArgs = callArguments(inner);
    const first = timeoutArgs.positional[0] ?? timeoutArgs.keywords.get('timeout');
    const firstNone = first ? noneValue(model, first) : null;
    if (firstNone && timeoutArgs.positional.length + timeoutArgs.keywords.size === 1 && !timeoutArgs.hasUnpacking) {
      return { kind: 'none', argument: argument ?? value, none: firstNone.node, assignments: firstNone.assignments };
    }
  }
  return { kind: 'set' };
}

/** What the code around a unit does to sessions and to the socket default, gathered once per unit. */
interface Surroundings {
  /** Bindings of session names whose request methods are replaced or that mount an adapter of unknown kind. */
  readonly wrapped: Set<Binding>;
  /** `session.timeout = ...` (which requests ignores), by the session's bindings. */
  readonly timeoutAttributes: Map<Binding, SyntaxNode>;
  /** `socket.setdefaulttimeout(value)` with a value other than `None`: `urlopen` then has a timeout. */
  socketDefault: SyntaxNode | null;
}

function survey(model: SemanticModel, units: readonly SyntaxNode[]): Surroundings {
  const result: Surroundings = { wrapped: new Set(), timeoutAttributes: new Map(), socketDefault: null };
  const bindingsOfObject = (attribute: SyntaxNode): Binding[] => {
    const object = attribute.child('object');
    return object && object.type === 'identifier' ? model.bindingsOf(object) : [];
  };
  const isPlainAdapter = (adapter: SyntaxNode): boolean => {
    let expr = unparenthesize(adapter);
    if (expr.type === 'identifier') expr = model.singleValue(expr) ?? expr;
    expr = unparenthesize(expr);
    return expr.type === 'call' && PLAIN_ADAPTERS.has(model.calleeQualifiedName(expr) ?? '');
  };
  for (const unit of units) {
    forEachNodeInUnit(unit, (node) => {
      if (node.type === 'assignment') {
        const left = node.child('left');
        if (left?.type !== 'attribute') return;
        const name = left.child('attribute')?.text ?? '';
        if (WRAPPABLE.has(name)) for (const binding of bindingsOfObject(left)) result.wrapped.add(binding);
        if (name === 'timeout') for (const binding of bindingsOfObject(left)) result.timeoutAttributes.set(binding, node);
        return;
      }
      if (node.type !== 'call') return;
      const fn = node.child('function');
      if (fn?.type === 'attribute' && fn.child('attribute')?.text === 'mount') {
        const args = callArguments(node);
        const adapter = args.positional[1] ?? args.keywords.get('adapter');
        if (!adapter || !isPlainAdapter(adapter)) for (const binding of bindingsOfObject(fn)) result.wrapped.add(binding);
        return;
      }
      if (!result.socketDefault && model.calleeQualifiedName(node) === 'socket.setdefaulttimeout') {
        const value = callArguments(node).positional[0];
        if (value && !noneValue(model, value)) result.socketDefault = node;
      }
    });
  }
  return result;
}

/** `survey` of the module's own statements (a module fact: see `SemanticModel.moduleFact`). */
function surveyModule(model: SemanticModel): Surroundings {
  return survey(model, [model.root]);
}

/** Both surveys, as one `survey` of all the units gives them (the innermost socket default; the outermost `timeout`). */
function merged(inner: Surroundings, outer: Surroundings): Surroundings {
  return {
    wrapped: new Set([...inner.wrapped, ...outer.wrapped]),
    timeoutAttributes: new Map([...inner.timeoutAttributes, ...outer.timeoutAttributes]),
    socketDefault: inner.socketDefault ?? outer.socketDefault,
  };
}

function code(node: SyntaxNode): string {
  return codeSnippet(node, 60);
}

export default defineRule({
  meta: {
    id: 'VG303',
    name: 'request-without-timeout',
    title: 'HTTP request without a timeout',
    cwe: [400],
    severity: 'medium',
    confidence: 'high',
    status: 'stable',
    since: '0.1.0',
    bandit: ['B113'],
    ruff: ['S113'],
    fixable: true,
    docs: {
      whatItDoes:
        'Flags HTTP requests that can wait forever: `requests` calls (module functions and methods of a `requests.Session` created in the code) without a `timeout` or with `timeout=None`, `httpx` calls and clients given `timeout=None`, and `urllib.request.urlopen()` without a `timeout`.',
      whyIsThisBad:
        '`requests` and `urlopen` have no timeout unless you give one: a server that accepts the connection and then stops answering (overloaded, half-dead, or malicious and trickling bytes) blocks the calling thread forever. A web worker, a queue consumer or a cron job stuck that way never recovers; a few such calls exhaust a worker pool, which is a denial of service an attacker can trigger by pointing the code at a slow endpoint.',
      example:
        'import requests\n\nsession = requests.Session()\n\n\ndef fetch_rates():\n    response = requests.get("https://api.example.com/rates")\n    profile = session.get("https://api.example.com/me")\n    return response.json(), profile.json()',
      useInstead:
        'import requests\n\nsession = requests.Session()\n\n\ndef fetch_rates():\n    response = requests.get("https://api.example.com/rates", timeout=10)\n    profile = session.get("https://api.example.com/me", timeout=(3.05, 27))  # (connect, read)\n    return response.json(), profile.json()',
      references: [
        'https://cwe.mitre.org/data/definitions/400.html',
        'https://requests.readthedocs.io/en/latest/user/advanced/#timeouts',
        'https://www.python-httpx.org/advanced/timeouts/',
        'https://docs.python.org/3/library/urllib.request.html#urllib.request.urlopen',
        'https://docs.astral.sh/ruff/rules/request-without-timeout/',
      ],
      knownProblems:
        'httpx applies a 5-second timeout by default, so httpx calls are only flagged when they pass `timeout=None` (or `httpx.Timeout(None)`); aiohttp (5-minute default) is not checked. Not flagged: a timeout set from a variable, parameter or setting (`timeout=settings.TIMEOUT`, even if it is `None` at run time), a `(connect, read)` tuple holding `None`, calls with `*args`/`**kwargs` (they may carry it), sessions whose request methods are replaced (`session.request = functools.partial(session.request, timeout=10)`) or that mount an adapter other than `requests.adapters.HTTPAdapter` (the usual `TimeoutHTTPAdapter` recipe) in code Vigil can see, sessions only known from a parameter annotation (the caller may have configured them), sessions on attributes (`self.session.get(url)`) or returned by a factory, `session.send()`, and `urllib` openers (`build_opener().open(url)`). A session configured in another function than the ones that create or use it is not seen, and its calls are flagged. `urlopen` is not flagged when `socket.setdefaulttimeout()` is called in the same unit or in the module-level code around it; a call elsewhere (in `main()`) is not seen. Setting `session.timeout = 10` does nothing in requests: such sessions are flagged, and the message says so.',
      fixSafety:
        'Adding `timeout=30` (or replacing `None` with `30`) is marked unsafe because it changes behaviour: a request that takes longer than 30 seconds to connect or between two received bytes now raises `requests.Timeout` (`httpx.TimeoutException`, `socket.timeout`/`URLError` for `urlopen`) instead of waiting. That is the point, but callers may need to handle the exception, and 30 is a placeholder: pick the value that fits the endpoint (a `(connect, read)` tuple such as `(3.05, 27)` for requests).',
    },
  },
  create(context) {
    const { model } = context;
    const unitNode = context.unit.node;

    let surroundings: Surroundings | undefined;
    const around = (): Surroundings => {
      if (!surroundings) {
        // The units from this one out to the module, innermost first; the module's own statements through a module
        // fact (surveyed once per analysis), which ties this unit's result to them (its cache key names only the
        // module statements it may read).
        const units: SyntaxNode[] = [];
        for (let unit: typeof context.unit | null = context.unit; unit?.parent; unit = unit.parent) units.push(unit.node);
        const module = model.moduleFact(surveyModule, surveyModule);
        surroundings = units.length > 0 ? merged(survey(model, units), module) : module;
      }
      return surroundings;
    };

    const fixFor = (call: SyntaxNode, timeout: Timeout): FixSpec | undefined => {
      if (timeout.kind === 'absent') {
        const edit = appendKeywordEdit(call, `timeout=${FIX_VALUE}`);
        return edit ? { title: `Add \`timeout=${FIX_VALUE}\``, safety: 'unsafe', edits: [edit] } : undefined;
      }
      if (timeout.kind !== 'none') return undefined;
      const { argument, none } = timeout;
      const before = argument.text.replace(/\s+/g, ' ');
      const after = `${argument.source.slice(argument.start, none.start)}${FIX_VALUE}${argument.source.slice(none.end, argument.end)}`.replace(/\s+/g, ' ');
      return {
        title: before.length <= 60 ? `Replace \`${before}\` with \`${after}\`` : `Set the timeout to ${FIX_VALUE} seconds`,
        safety: 'unsafe',
        edits: [{ start: none.start, end: none.end, newText: FIX_VALUE }],
      };
    };

    const report = (
      call: SyntaxNode,
      timeout: Timeout,
      message: string,
      related: NonNullable<Report['related']>[number][] = [],
      codes: { bandit?: string[]; ruff?: string[] } = {},
    ): void => {
      if (timeout.kind === 'none') {
        for (const assignment of timeout.assignments) {
          if (isInUnit(assignment, unitNode)) related.push({ at: assignment, message: `\`${timeout.none.text}\` is set to \`None\` here` });
        }
      }
      const fix = fixFor(call, timeout);
      context.report({
        at: call,
        message,
        ...(related.length > 0 ? { related } : {}),
        ...(fix ? { fix } : {}),
        ...codes,
      });
    };

    /** "`timeout=None`", or "`timeout=NO_TIMEOUT` (always `None`)". */
    const describeNone = (timeout: Timeout & { kind: 'none' }): string =>
      timeout.assignments.length === 0 ? `\`${code(timeout.argument)}\`` : `\`${code(timeout.argument)}\` (always \`None\`)`;

    const HANG = 'it waits forever if the server stops answering';

    const checkSession = (call: SyntaxNode, fn: SyntaxNode, receiver: SyntaxNode, client: HttpClient, method: string): void => {
      const article = client.library === 'httpx' ? 'an' : 'a';
      const subject = receiver.type === 'call' ? `\`${code(fn)}()\`` : `\`${code(fn)}()\` (${article} \`${client.label}\`)`;
      const related: NonNullable<Report['related']>[number][] = [];
      if (receiver.type === 'identifier' && isInUnit(client.origin, unitNode)) {
        related.push({ at: client.origin, message: `\`${receiver.text}\` is ${article} \`${client.label}\` created here` });
      }
      if (client.library === 'httpx') {
        const timeout = timeoutOf(model, call);
        if (timeout.kind !== 'none') return;
        report(call, timeout, `${subject} with ${describeNone(timeout)} turns off httpx's default 5-second timeout: ${HANG}`, related);
        return;
      }
      // requests: `Session.request(method, url, params, data, headers, cookies, files, auth, timeout, ...)`.
      const timeout = timeoutOf(model, call, method === 'request' ? 8 : undefined);
      if (timeout.kind === 'set') return;
      const { wrapped, timeoutAttributes } = around();
      if (client.bindings.some((binding) => wrapped.has(binding))) return;
      const ignored = client.bindings.map((binding) => timeoutAttributes.get(binding)).find((node) => node !== undefined);
      let note = '';
      if (ignored) {
        note = `; requests ignores \`${code(ignored.child('left')!)}\``;
        if (isInUnit(ignored, unitNode)) related.push({ at: ignored, message: 'requests never reads a `timeout` attribute of a session: this sets nothing' });
      }
      const what = timeout.kind === 'none' ? `is called with ${describeNone(timeout)}` : 'has no `timeout`';
      report(call, timeout, `${subject} ${what}: ${HANG}${note}`, related);
    };

    return {
      call(call) {
        const fn = call.child('function');
        if (!fn) return;
        const callee = model.calleeQualifiedName(call);

        if (callee) {
          const requestsFunction = REQUESTS_FUNCTION.exec(callee);
          if (requestsFunction && HTTP_METHODS.has(requestsFunction[1]!)) {
            const timeout = timeoutOf(model, call);
            if (timeout.kind === 'absent') report(call, timeout, `\`${callee}()\` has no \`timeout\`: ${HANG}`);
            else if (timeout.kind === 'none') report(call, timeout, `\`${callee}()\` is called with ${describeNone(timeout)}: ${HANG}`);
            return;
          }
          const httpxFunction = HTTPX_FUNCTION.exec(callee);
          if (httpxFunction && (HTTP_METHODS.has(httpxFunction[1]!) || httpxFunction[1] === 'stream')) {
            const timeout = timeoutOf(model, call);
            if (timeout.kind === 'none') {
              report(call, timeout, `\`${callee}()\` with ${describeNone(timeout)} turns off httpx's default 5-second timeout: ${HANG}`);
            }
            return;
          }
          if (HTTPX_CLIENTS.has(callee)) {
            const timeout = timeoutOf(model, call);
            if (timeout.kind === 'none') {
              report(
                call,
                timeout,
                `\`${callee}()\` with ${describeNone(timeout)} turns off httpx's default 5-second timeout for every request sent through it: they wait forever if a server stops answering`,
              );
            }
            return;
          }
          if (URLOPEN.has(callee)) {
            // urlopen(url, data=None, timeout=<socket default>, *, context=None)
            const timeout = timeoutOf(model, call, 2);
            if (timeout.kind === 'set') return;
            if (timeout.kind === 'absent' && around().socketDefault) return;
            const what =
              timeout.kind === 'none'
                ? `is called with ${describeNone(timeout)}: ${HANG}`
                : `has no \`timeout\`: it uses the socket default, which is to wait forever unless \`socket.setdefaulttimeout()\` is called`;
            // Neither Bandit nor Ruff checks urlopen's timeout: only `# nosec`/`# noqa` without codes apply.
            report(call, timeout, `\`${callee}()\` ${what}`, [], { bandit: [], ruff: [] });
            return;
          }
          // The libraries' other functions (`requests.Session()`, `httpx.Timeout()`) are not requests.
          if (/^(requests|httpx|urllib)\b/.test(callee)) return;
        }

        // session.get(url) on a session Vigil can identify.
        if (fn.type !== 'attribute') return;
        const method = fn.child('attribute')?.text;
        const receiver = calleeReceiver(call);
        if (!method || !receiver) return;
        const client = resolveHttpClient(model, receiver);
        if (!client || client.library === 'aiohttp') return;
        if (!HTTP_METHODS.has(method) && !(client.library === 'httpx' && method === 'stream')) return;
        // A session known only from a parameter's annotation may come with a timeout adapter mounted by the caller.
        if (client.declared && client.library === 'requests') return;
        checkSession(call, fn, unparenthesize(receiver), client, method);
      },
    };
  },
});

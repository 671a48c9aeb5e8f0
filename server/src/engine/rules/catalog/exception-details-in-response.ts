import type { Confidence, Severity } from '../../findings';
import { defineRule } from '../rule';
import { shapeValues } from '../../semantic/model';
import type { SemanticModel } from '../../semantic/model';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { callArguments, calleeName, unparenthesize } from '../../syntax/python';
import { codeSnippet } from '../support/snippets';
import { isInUnit } from '../support/units';

/**
 * Calls that build the response a web client receives, by qualified name: every argument is sent (a JSON body, a
 * text body, an error's description).
 */
const RESPONSE_CALLS = new Set([
  'flask.jsonify', 'flask.json.jsonify', 'flask.make_response', 'flask.Response', 'flask.abort', 'werkzeug.wrappers.Response',
  'django.http.HttpResponse', 'django.http.JsonResponse', 'django.http.HttpResponseBadRequest', 'django.http.HttpResponseServerError',
  'django.http.HttpResponseForbidden', 'django.http.HttpResponseNotFound', 'django.http.response.HttpResponse',
  'django.http.response.JsonResponse', 'rest_framework.response.Response',
  'fastapi.HTTPException', 'fastapi.exceptions.HTTPException', 'fastapi.responses.JSONResponse', 'fastapi.responses.HTMLResponse',
  'fastapi.responses.PlainTextResponse', 'starlette.exceptions.HTTPException', 'starlette.responses.JSONResponse',
  'starlette.responses.HTMLResponse', 'starlette.responses.PlainTextResponse', 'starlette.responses.Response',
  'aiohttp.web.Response', 'aiohttp.web.json_response', 'pyramid.response.Response', 'webob.Response',
  'sanic.response.json', 'sanic.response.text', 'sanic.response.html',
]);

/**
 * Methods of a request handler's `self` that write the response, by the handler base class they need (a `write`
 * method of any other class is not a response).
 */
const RESPONSE_METHODS = new Map<string, ReadonlySet<string>>([
  ['tornado.web.RequestHandler', new Set(['self.write', 'self.finish', 'self.send_error'])],
  ['http.server.BaseHTTPRequestHandler', new Set(['self.wfile.write', 'self.send_error'])],
  ['http.server.SimpleHTTPRequestHandler', new Set(['self.wfile.write', 'self.send_error'])],
  ['BaseHTTPServer.BaseHTTPRequestHandler', new Set(['self.wfile.write', 'self.send_error'])],
  ['SimpleHTTPServer.SimpleHTTPRequestHandler', new Set(['self.wfile.write', 'self.send_error'])],
]);

/** Whether `self.method(...)` writes the response: the method is in a class deriving from a handler base that has it. */
function isHandlerMethodCall(model: SemanticModel, fn: SyntaxNode): boolean {
  if (fn.type !== 'attribute' || !fn.text.startsWith('self.')) return false;
  const cls = fn.ancestor('class_definition');
  const bases = cls?.child('superclasses')?.namedChildren ?? [];
  return bases.some((base) => RESPONSE_METHODS.get(model.qualifiedName(base) ?? '')?.has(fn.text) ?? false);
}

/** Decorator methods that make a function a web view whose return value is the response (Flask, FastAPI, Sanic…). */
const ROUTE_DECORATORS = new Set(['route', 'get', 'post', 'put', 'patch', 'delete', 'api_route', 'view_config', 'api_view']);

/** Functions that return a formatted traceback. */
const TRACEBACK_TEXT = new Set([
  'traceback.format_exc', 'traceback.format_exception', 'traceback.format_exception_only', 'traceback.format_tb',
  'traceback.format_stack', 'traceback.extract_tb', 'traceback.extract_stack', 'sys.exc_info',
]);

/** Exception classes whose catch-all handlers carry any error's text: a database's, a file path's, a library's. */
const BROAD = new Set(['Exception', 'BaseException', 'builtins.Exception', 'builtins.BaseException']);

interface Detail {
  /** The expression that carries the exception's text. */
  readonly node: SyntaxNode;
  readonly what: string;
  readonly severity: Severity;
  readonly confidence: Confidence;
}

/** The `except` clause an identifier was bound by, when every binding of it is that clause's `as` name. */
function exceptClauseOf(model: SemanticModel, identifier: SyntaxNode): SyntaxNode | null {
  if (identifier.type !== 'identifier') return null;
  const bindings = model.bindingsOf(identifier);
  if (bindings.length !== 1 || bindings[0]!.kind !== 'except') return null;
  return bindings[0]!.node.ancestor('except_clause');
}

/** Whether an `except` clause catches everything (`except Exception as e`, `except (ValueError, Exception) as e`). */
function catchesBroadly(model: SemanticModel, clause: SyntaxNode): boolean {
  const value = clause.child('value');
  const caught = value?.type === 'as_pattern' ? value.firstNamedChild() : value;
  if (!caught) return true;
  const types = caught.type === 'tuple' || caught.type === 'parenthesized_expression' ? caught.namedChildren : [caught];
  return types.some((type) => BROAD.has(model.qualifiedName(type) ?? type.text));
}

/**
 * The exception text an expression carries into a response, following names, string building and the containers
 * a JSON body is made of. `depth` bounds the containers and names followed.
 */
function detailIn(model: SemanticModel, node: SyntaxNode, depth = 0): Detail | null {
  if (depth > 6) return null;
  const expr = unparenthesize(node);
  switch (expr.type) {
    case 'identifier': {
      const clause = exceptClauseOf(model, expr);
      if (clause) {
        return catchesBroadly(model, clause)
          ? { node: expr, what: `the text of the caught exception \`${expr.text}\``, severity: 'low', confidence: 'medium' }
          : null;
      }
      const value = model.singleValue(expr);
      return value ? detailIn(model, value, depth + 1) : null;
    }
    case 'call': {
      const callee = model.calleeQualifiedName(expr);
      if (callee && TRACEBACK_TEXT.has(callee)) {
        return { node: expr, what: `the traceback (\`${codeSnippet(expr.child('function')!)}()\`)`, severity: 'medium', confidence: 'high' };
      }
      const args = callArguments(expr);
      if ((callee === 'str' || callee === 'repr' || callee === 'format') && args.positional[0]) {
        return detailIn(model, args.positional[0], depth + 1);
      }
      // `"".join(traceback.format_exception(...))`, `"\n".join(traceback.format_tb(tb))`.
      if (calleeName(expr) === 'join' && args.positional[0]) return detailIn(model, args.positional[0], depth + 1);
      return null;
    }
    case 'attribute': {
      // `e.args`, `e.message`: the exception's own text. (`e.code`, `e.status_code` are not text.)
      const attribute = expr.child('attribute')?.text;
      const object = expr.child('object');
      if (object && (attribute === 'args' || attribute === 'message' || attribute === 'strerror')) {
        const detail = detailIn(model, object, depth + 1);
        return detail && object.type === 'identifier' && exceptClauseOf(model, object) ? detail : null;
      }
      return null;
    }
    case 'string':
    case 'concatenated_string':
    case 'binary_operator': {
      const shape = model.stringShape(expr);
      if (!shape) return null;
      for (const value of shapeValues(shape)) {
        const detail = detailIn(model, value, depth + 1);
        if (detail) return detail;
      }
      return null;
    }
    case 'dictionary':
      for (const pair of expr.namedChildren) {
        const value = pair.type === 'pair' ? pair.child('value') : null;
        const detail = value ? detailIn(model, value, depth + 1) : null;
        if (detail) return detail;
      }
      return null;
    case 'list':
    case 'tuple':
      for (const item of expr.namedChildren) {
        const detail = detailIn(model, item, depth + 1);
        if (detail) return detail;
      }
      return null;
    default:
      return null;
  }
}

/** Whether a function is a web view whose return value is sent to the client (a route decorator). */
function isRouteHandler(definition: SyntaxNode): boolean {
  const decorated = definition.parent?.type === 'decorated_definition' ? definition.parent : null;
  if (!decorated) return false;
  return decorated.namedChildren.some((decorator) => {
    if (decorator.type !== 'decorator') return false;
    let expr = decorator.firstNamedChild();
    if (expr?.type === 'call') expr = expr.child('function');
    const name = expr?.type === 'attribute' ? expr.child('attribute')?.text : expr?.type === 'identifier' ? expr.text : null;
    return !!name && ROUTE_DECORATORS.has(name);
  });
}

export default defineRule({
  meta: {
    id: 'VG708',
    name: 'exception-details-in-response',
    title: 'Exception details sent to the client',
    cwe: [209, 497],
    severity: 'medium',
    confidence: 'high',
    status: 'preview',
    since: '0.2.0',
    bandit: [],
    ruff: [],
    fixable: false,
    docs: {
      whatItDoes:
        'Flags a traceback (`traceback.format_exc()`, `format_exception`…) or the text of an exception caught by a catch-all handler (`except Exception as e`: `str(e)`, `repr(e)`, `f"{e}"`, `e.args`) that a web handler sends to the client: returned from a route (Flask, FastAPI), or passed to a response (`jsonify`, `make_response`, Django `HttpResponse`/`JsonResponse`, DRF `Response`, Starlette and FastAPI responses and `HTTPException(detail=…)`, aiohttp, `abort()`, Tornado `self.write` and `http.server` `send_error`/`wfile.write` in classes deriving from their request handlers).',
      whyIsThisBad:
        "A traceback shows the server's file paths, library versions and the code around the failure; the text of an arbitrary exception can hold an SQL statement and its values, a connection string with its password, an internal host name or another user's data. Attackers provoke errors on purpose to read them, and use what they learn to aim the next attack.",
      example: [
        'import traceback',
        '',
        'from flask import Flask, jsonify',
        '',
        'app = Flask(__name__)',
        '',
        '',
        '@app.route("/orders/<int:order_id>")',
        'def order(order_id):',
        '    try:',
        '        return jsonify(load_order(order_id))',
        '    except Exception as e:',
        '        return jsonify({"error": str(e), "trace": traceback.format_exc()}), 500',
      ].join('\n'),
      useInstead: [
        'import logging',
        '',
        'from flask import Flask, jsonify',
        '',
        'app = Flask(__name__)',
        'log = logging.getLogger(__name__)',
        '',
        '',
        '@app.route("/orders/<int:order_id>")',
        'def order(order_id):',
        '    try:',
        '        return jsonify(load_order(order_id))',
        '    except Exception:',
        '        # The details go to the log; the client gets a generic message.',
        '        log.exception("loading order %s failed", order_id)',
        '        return jsonify({"error": "internal error"}), 500',
      ].join('\n'),
      references: [
        'https://cwe.mitre.org/data/definitions/209.html',
        'https://cwe.mitre.org/data/definitions/497.html',
        'https://owasp.org/www-community/Improper_Error_Handling',
        'https://codeql.github.com/codeql-query-help/python/py-stack-trace-exposure/',
      ],
      knownProblems:
        'The text of a specific exception (`except ValueError as e`, a validation error) is not reported: such messages are usually written for the client. A catch-all\'s text is reported with low severity (it may be a message the code raised itself), a traceback with medium. Route handlers are recognised by their decorator (`route`, `get`, `post`…, `api_view`); class-based views are judged by the responses they build, not by what they return. Sending the text through a helper function, or logging it (which is what to do), is not reported.',
    },
  },
  create(context) {
    const { model, unit } = context;
    const handler = unit.node.type === 'function_definition' && isRouteHandler(unit.node);
    const reported = new Set<SyntaxNode>();

    // At the exception text when it is written in the sink's argument, else at the argument, with where it was built.
    const report = (argument: SyntaxNode, detail: Detail, how: string): void => {
      const at = argument.contains(detail.node) ? detail.node : argument;
      if (reported.has(at)) return;
      reported.add(at);
      const related = at !== detail.node && isInUnit(detail.node, unit.node) ? [{ at: detail.node, message: `${detail.what} is taken here` }] : [];
      context.report({
        at,
        message: `${how} ${detail.what}: the client sees the server's internals (paths, queries, settings); log the details and send a generic message`,
        severity: detail.severity,
        confidence: detail.confidence,
        ...(related.length > 0 ? { related } : {}),
      });
    };

    return {
      call(call) {
        const callee = model.calleeQualifiedName(call);
        const fn = call.child('function');
        const display = fn ? codeSnippet(fn) : 'call';
        const isResponse = (callee && RESPONSE_CALLS.has(callee)) || (!!fn && isHandlerMethodCall(model, fn));
        if (!isResponse) return;
        const args = callArguments(call);
        for (const argument of [...args.positional, ...args.keywords.values()]) {
          const detail = detailIn(model, argument);
          if (detail) report(argument, detail, `\`${display}()\` sends`);
        }
      },
      return_statement(node) {
        if (!handler) return;
        const value = node.firstNamedChild();
        if (!value) return;
        // A tuple's body is its first item (`return str(e), 500`); `return jsonify(...)` is judged as a call.
        const expr = unparenthesize(value);
        const body = expr.type === 'tuple' || expr.type === 'expression_list' ? expr.namedChildren[0] : expr;
        if (!body) return;
        const detail = detailIn(model, body);
        if (detail) report(body, detail, 'The view returns');
      },
    };
  },
});

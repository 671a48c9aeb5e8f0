import { defineRule, type Report } from '../rule';
import type { SemanticModel } from '../../semantic/model';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { callArguments, calleeName, dictionaryValue, unparenthesize } from '../../syntax/python';
import { kindBit } from '../../flow/concepts';
import { evidenceAt, withFlow } from '../flowRule';
import { constantTruthiness } from '../support/call-arguments';
import { codeSnippet } from '../support/snippets';

/**
 * CORS that lets any site read responses made with the user's cookies (CWE-942): the CORS libraries of Flask
 * (flask-cors), Starlette/FastAPI (`CORSMiddleware`) and Django (django-cors-headers), and headers set by hand.
 * flask-cors and Starlette answer a credentialed request from any origin with that origin when all origins are
 * allowed and credentials are on; django-cors-headers does the same with `CORS_ALLOW_ALL_ORIGINS` and
 * `CORS_ALLOW_CREDENTIALS`. https://flask-cors.readthedocs.io/en/latest/api.html,
 * https://www.starlette.io/middleware/#corsmiddleware, https://github.com/adamchainz/django-cors-headers
 */
const FLASK_CORS = new Set(['flask_cors.CORS', 'flask_cors.cross_origin', 'flask_cors.extension.CORS', 'flask_cors.decorator.cross_origin']);
const CORS_MIDDLEWARE = /(?:^|\.)CORSMiddleware$/;
const ALLOW_ALL_SETTINGS = new Set(['CORS_ALLOW_ALL_ORIGINS', 'CORS_ORIGIN_ALLOW_ALL']);
const ALLOW_ORIGIN = /^access-control-allow-origin$/i;
const ALLOW_CREDENTIALS = /^access-control-allow-credentials$/i;
/** An origin pattern that matches every origin. */
const ANY_ORIGIN_PATTERN = /^\^?(?:https?:\/\/|\(https\?:\/\/\)|https\?:\/\/)?\.[*+]\$?$/;

const ADVICE = 'list the origins that may read responses (`origins=["https://app.example.com"]`), or turn credentials off for a public API';

export default defineRule({
  meta: {
    id: 'VG709',
    name: 'permissive-cors',
    title: 'CORS lets any site read responses with the user’s credentials',
    cwe: [942, 346],
    severity: 'high',
    confidence: 'medium',
    status: 'preview',
    since: '0.2.0',
    bandit: [],
    ruff: [],
    fixable: false,
    docs: {
      whatItDoes:
        'Flags cross-origin resource sharing that allows every origin together with credentials: flask-cors `CORS(app, supports_credentials=True)` or `@cross_origin(supports_credentials=True)` with no `origins` or `"*"`; Starlette/FastAPI `add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)` (or an `allow_origin_regex` matching everything); django-cors-headers `CORS_ALLOW_ALL_ORIGINS = True` (`CORS_ORIGIN_ALLOW_ALL`) in a module that also sets `CORS_ALLOW_CREDENTIALS = True` (without it: a low-severity note); and an `Access-Control-Allow-Origin` header set by hand to the request\'s own `Origin` (with the path the value took).',
      whyIsThisBad:
        'Browsers keep other sites from reading your responses unless CORS says otherwise. With every origin allowed and credentials on, these libraries answer each request with the caller\'s own origin, so a page on any site the user visits can call your API with the user\'s cookies and read the answers: account data, CSRF tokens, API keys. Reflecting the `Origin` header by hand does the same.',
      example: [
        'from flask import Flask',
        'from flask_cors import CORS',
        '',
        'app = Flask(__name__)',
        'CORS(app, supports_credentials=True)',
      ].join('\n'),
      useInstead: [
        'from flask import Flask',
        'from flask_cors import CORS',
        '',
        'app = Flask(__name__)',
        'CORS(app, origins=["https://app.example.com"], supports_credentials=True)',
      ].join('\n'),
      references: [
        'https://cwe.mitre.org/data/definitions/942.html',
        'https://portswigger.net/web-security/cors',
        'https://developer.mozilla.org/en-US/docs/Web/HTTP/CORS#requests_with_credentials',
        'https://flask-cors.readthedocs.io/en/latest/api.html',
        'https://www.starlette.io/middleware/#corsmiddleware',
      ],
      knownProblems:
        'Origins given by a variable or read from settings are taken to be a list of trusted sites. A wildcard without credentials is not reported (public APIs serve everyone on purpose), except django-cors-headers\' allow-all setting, reported as a note. flask-cors `resources=` with per-path `origins` is judged only when written as a dict literal. A hand-written `Access-Control-Allow-Origin` is reported only when it reflects request data; an allow-list check before it (`if origin in ALLOWED:`) counts.',
    },
  },
  usesFlow: true,
  create(context) {
    const { model, unit } = context;
    /** `Access-Control-Allow-Origin` headers set by hand in this unit, and whether credentials are allowed too. */
    const reflected: Array<{ at: SyntaxNode; value: SyntaxNode }> = [];
    let credentialsHeader = false;
    /** django-cors-headers settings at module level. */
    let allowAll: SyntaxNode | null = null;
    let credentialsSetting = false;

    const header = (name: SyntaxNode | undefined, value: SyntaxNode | undefined, at: SyntaxNode): void => {
      const text = name ? model.constantText(name) : null;
      if (text === null || !value) return;
      if (ALLOW_CREDENTIALS.test(text)) credentialsHeader ||= /^true$/i.test(model.constantText(value) ?? '');
      else if (ALLOW_ORIGIN.test(text)) reflected.push({ at, value });
    };

    return {
      call(call) {
        const callee = model.calleeQualifiedName(call);
        const method = calleeName(call);
        const args = callArguments(call);
        if (callee && FLASK_CORS.has(callee)) {
          const credentials = args.keywords.get('supports_credentials');
          if (!credentials || constantTruthiness(model, credentials) !== true || args.hasUnpacking) return;
          const origins = args.keywords.get('origins');
          const resources = args.keywords.get('resources') ?? (callee.endsWith('CORS') ? args.positional[1] : undefined);
          if (origins ? !anyOrigin(model, origins) : resources && !resourcesAllowAny(model, resources)) return;
          context.report({
            at: call,
            message: `\`${codeSnippet(call.child('function')!, 30)}(…, supports_credentials=True)\` ${origins ? `with \`origins=${codeSnippet(origins, 20)}\`` : resources ? 'with `resources` that allow every origin' : 'with no `origins` (all of them)'} answers any site's credentialed request with that site's origin: any page the user visits can read your API's responses with the user's cookies; ${ADVICE}`,
          });
          return;
        }
        // `app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)`.
        if (method === 'add_middleware') {
          const middleware = args.positional[0];
          const name = middleware ? model.qualifiedName(middleware) ?? middleware.text : '';
          if (!CORS_MIDDLEWARE.test(name) || args.hasUnpacking) return;
          const credentials = args.keywords.get('allow_credentials');
          if (!credentials || constantTruthiness(model, credentials) !== true) return;
          const origins = args.keywords.get('allow_origins');
          const pattern = args.keywords.get('allow_origin_regex');
          const patternText = pattern ? model.constantText(pattern) : null;
          const any = (origins && anyOrigin(model, origins)) || (patternText !== null && ANY_ORIGIN_PATTERN.test(patternText));
          if (!any) return;
          context.report({
            at: call,
            message: `\`CORSMiddleware\` with ${origins && anyOrigin(model, origins) ? `\`allow_origins=${codeSnippet(origins, 20)}\`` : `\`allow_origin_regex=${codeSnippet(pattern!, 20)}\``} and \`allow_credentials=True\` answers any site's credentialed request with that site's origin: any page the user visits can read your API's responses with the user's cookies; ${ADVICE}`,
          });
          return;
        }
        // `self.set_header("Access-Control-Allow-Origin", origin)`, `send_header(...)`, `headers.add(...)`.
        if (method === 'set_header' || method === 'send_header' || method === 'add_header' || method === 'add') {
          header(args.positional[0], args.positional[1], call);
        }
      },
      assignment(assignment) {
        const left = assignment.child('left');
        const right = assignment.child('right');
        if (!left || !right) return;
        // `response.headers["Access-Control-Allow-Origin"] = origin`, Django's `response["…"] = origin`.
        if (left.type === 'subscript') {
          const index = left.childrenOf('subscript');
          if (index.length === 1) header(index[0], right, assignment);
          return;
        }
        if (unit.kind === 'module' && left.type === 'identifier') {
          if (ALLOW_ALL_SETTINGS.has(left.text) && constantTruthiness(model, right) === true) allowAll = assignment;
          if (left.text === 'CORS_ALLOW_CREDENTIALS' && constantTruthiness(model, right) === true) credentialsSetting = true;
        }
      },
      pair(pair) {
        // `Response(body, headers={"Access-Control-Allow-Origin": origin})`.
        const key = pair.child('key');
        const value = pair.child('value');
        if (key && value && key.type === 'string') header(key, value, pair);
      },
      'unit:exit'() {
        if (allowAll) {
          const setting = allowAll.child('left')!.text;
          context.report({
            at: allowAll,
            message: credentialsSetting
              ? `\`${setting} = True\` with \`CORS_ALLOW_CREDENTIALS = True\` answers any site's credentialed request with that site's origin: any page the user visits can read the API's responses with the user's cookies; list the trusted origins in \`CORS_ALLOWED_ORIGINS\``
              : `\`${setting} = True\` lets any site read the API's responses (without cookies: \`CORS_ALLOW_CREDENTIALS\` is off); fine for public data, otherwise list the trusted origins in \`CORS_ALLOWED_ORIGINS\``,
            ...(credentialsSetting ? {} : { severity: 'low' as const }),
          });
        }
        for (const { at, value } of reflected) {
          const taint = context.flow.taintOf(value);
          if (!taint || !(taint.kinds & kindBit('remote'))) continue;
          const found: Report = {
            at: value,
            message: `\`Access-Control-Allow-Origin\` is set to the request's own origin (\`${codeSnippet(value, 30)}\`)${credentialsHeader ? ', with `Access-Control-Allow-Credentials: true`' : ''}: every site is allowed to read the response${credentialsHeader ? ' with the user\'s cookies' : ''}; compare the origin with an allow-list first`,
            ...(credentialsHeader ? {} : { severity: 'medium' as const }),
          };
          context.report(withFlow(found, evidenceAt(taint, at, value, 'it becomes the allowed origin'), credentialsHeader ? 'high' : 'medium', context.meta));
        }
      },
    };
  },
});

/** `"*"`, `["*"]`, `("*",)`, a regex matching everything: every origin. */
function anyOrigin(model: SemanticModel, node: SyntaxNode): boolean {
  const expr = unparenthesize(node);
  if (expr.type === 'list' || expr.type === 'tuple' || expr.type === 'set') return expr.namedChildren.some((item) => anyOrigin(model, item));
  const text = model.constantText(expr);
  return text !== null && (text === '*' || ANY_ORIGIN_PATTERN.test(text));
}

/** flask-cors `resources`: a dict literal whose entries all allow any origin (or name none), or a path pattern. */
function resourcesAllowAny(model: SemanticModel, node: SyntaxNode): boolean {
  const expr = unparenthesize(node);
  if (expr.type !== 'dictionary') return expr.type === 'string' || expr.type === 'list';
  return expr.namedChildren.some((pair) => {
    const options = pair.child('value') ? unparenthesize(pair.child('value')!) : null;
    if (options?.type !== 'dictionary') return false;
    const origins = dictionaryValue(options, 'origins');
    return !origins || anyOrigin(model, origins);
  });
}

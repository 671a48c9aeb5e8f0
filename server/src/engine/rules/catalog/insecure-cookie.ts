import { defineRule, type EditSpec, type FixSpec } from '../rule';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { callArguments } from '../../syntax/python';
import { constantTruthiness } from '../support/call-arguments';
import { codeSnippet, shorten } from '../support/snippets';

/** Web frameworks whose responses have `set_cookie(key, value, max_age, expires, path, domain, secure, httponly, samesite)`. */
const FRAMEWORKS: ReadonlySet<string> = new Set(['flask', 'werkzeug', 'django', 'starlette', 'fastapi', 'quart', 'aiohttp', 'bottle', 'falcon', 'sanic', 'litestar']);
/** Positions of `secure` and `httponly` in Flask's, Werkzeug's, Django's and Starlette's `set_cookie`. */
const SECURE_POSITION = 6;
const HTTPONLY_POSITION = 7;
/** Cookie names that carry a session or credentials. */
const SENSITIVE = /sess|token|auth|jwt|(?:^|[_-])sid$|^sid|login|remember|access|refresh|credential|api[_-]?key|secret|user[_-]?id/i;
/** CSRF cookies are read by JavaScript on purpose (Django's `csrftoken`): `httponly` would break them. */
const CSRF = /csrf|xsrf/i;

export default defineRule({
  meta: {
    id: 'VG706',
    name: 'insecure-cookie',
    title: 'Session cookie set without Secure or HttpOnly',
    cwe: [614, 1004],
    severity: 'medium',
    confidence: 'medium',
    status: 'preview',
    since: '0.2.0',
    bandit: [],
    ruff: [],
    fixable: true,
    docs: {
      whatItDoes:
        'Flags `response.set_cookie(name, value)` in Flask, Django, Starlette/FastAPI and similar frameworks when the cookie\'s name says it holds a session or credentials (`session`, `token`, `auth`, `jwt`, `remember_me`, `sid`…) and it is set without `secure=True` or without `httponly=True`.',
      whyIsThisBad:
        'Without `Secure`, the browser also sends the cookie over plain HTTP: anyone on the same network (public Wi-Fi, a compromised router) can read it from a single unencrypted request and take over the session. Without `HttpOnly`, any script running in the page can read it, so one cross-site scripting flaw becomes stolen sessions. `SameSite` (`Lax` or `Strict`) additionally keeps the browser from sending it on cross-site requests (CSRF).',
      example:
        'from flask import Flask, make_response\n\napp = Flask(__name__)\n\n\n@app.post("/login")\ndef login():\n    response = make_response("ok")\n    response.set_cookie("session_token", new_token())\n    return response',
      useInstead:
        'from flask import Flask, make_response\n\napp = Flask(__name__)\n\n\n@app.post("/login")\ndef login():\n    response = make_response("ok")\n    response.set_cookie("session_token", new_token(), secure=True, httponly=True, samesite="Lax")\n    return response',
      references: [
        'https://cwe.mitre.org/data/definitions/614.html',
        'https://cwe.mitre.org/data/definitions/1004.html',
        'https://developer.mozilla.org/en-US/docs/Web/HTTP/Cookies#restrict_access_to_cookies',
        'https://owasp.org/www-community/controls/SecureCookieAttribute',
        'https://owasp.org/www-community/HttpOnly',
        'https://docs.djangoproject.com/en/stable/ref/request-response/#django.http.HttpResponse.set_cookie',
        'https://flask.palletsprojects.com/en/stable/api/#flask.Response.set_cookie',
      ],
      knownProblems:
        'Only cookies whose constant name reads as a session or credential are judged: a preference cookie (`theme`, `lang`) needs neither flag, and a cookie named by a variable is not reported. CSRF cookies (`csrftoken`, `XSRF-TOKEN`) are not required to be `HttpOnly`, since JavaScript must read them. A flag set from a variable or a setting (`secure=settings.SESSION_COOKIE_SECURE`) counts as set, as do `**kwargs`. The check runs only in modules that import a web framework at module level. Framework session settings (`SESSION_COOKIE_SECURE`, `SESSION_COOKIE_HTTPONLY`) and cookies set through headers (`response.headers["Set-Cookie"]`) are not checked. Neither Bandit nor Ruff has this check.',
      fixSafety:
        'The fix adds the missing `secure=True` and/or `httponly=True` (or sets a `False` given for them to `True`). It is `unsafe`: a `Secure` cookie is not sent over plain `http://`, so a development server without TLS stops seeing it (browsers make an exception for `localhost`), and an `HttpOnly` cookie can no longer be read by the page\'s own JavaScript.',
    },
  },
  create(context) {
    const { model } = context;
    let framework: boolean | undefined;
    const inWebModule = (): boolean =>
      (framework ??= [...model.importedRoots()].some((root) => FRAMEWORKS.has(root)));

    /** Sets each missing flag: replaces a false value given for it, or adds `flag=True` before the `)`. */
    const fixFor = (call: SyntaxNode, missing: ReadonlyArray<{ flag: string; given: SyntaxNode | null }>): FixSpec | undefined => {
      const list = call.child('arguments');
      const tokens = list?.children.filter((child) => child.type !== 'comment') ?? [];
      const closing = tokens.at(-1);
      if (!list || closing?.type !== ')') return undefined;
      const edits: EditSpec[] = missing.flatMap(({ given }) => (given ? [{ start: given.start, end: given.end, newText: 'True' }] : []));
      const added = missing.filter(({ given }) => !given).map(({ flag }) => `${flag}=True`);
      if (added.length > 0) {
        const trailingComma = tokens.at(-2)?.type === ',';
        edits.push({ start: closing.start, end: closing.start, newText: `${trailingComma ? ' ' : ', '}${added.join(', ')}` });
      }
      return {
        title: `Set ${missing.map(({ flag }) => `\`${flag}=True\``).join(' and ')}`,
        safety: 'unsafe',
        edits,
      };
    };

    return {
      call(call) {
        const fn = call.child('function');
        if (fn?.type !== 'attribute' || fn.child('attribute')?.text !== 'set_cookie') return;
        const args = callArguments(call);
        if (args.hasUnpacking) return;
        const key = args.positional[0] ?? args.keywords.get('key') ?? args.keywords.get('name');
        if (!key) return;
        const name = model.constantText(key);
        if (name === null || !SENSITIVE.test(name)) return;
        if (!inWebModule()) return;
        /** Null when the flag is set (a variable or setting counts as set); else the false value given, if any. */
        const unset = (keyword: string, position: number): { given: SyntaxNode | null } | null => {
          const node = args.keywords.get(keyword) ?? args.positional[position];
          if (!node) return { given: null };
          return constantTruthiness(model, node) === false ? { given: node } : null;
        };
        const fixes: Array<{ flag: string; given: SyntaxNode | null }> = [];
        const secure = unset('secure', SECURE_POSITION);
        if (secure) fixes.push({ flag: 'secure', ...secure });
        const httponly = CSRF.test(name) ? null : unset('httponly', HTTPONLY_POSITION);
        if (httponly) fixes.push({ flag: 'httponly', ...httponly });
        if (fixes.length === 0) return;
        const missing = fixes.map(({ flag }) => flag);
        const samesite = args.keywords.get('samesite') ?? args.positional[8];
        const consequences = missing.map((flag) =>
          flag === 'secure' ? 'sent over plain HTTP, where anyone on the network can read it' : 'readable by any script in the page, so one XSS flaw steals it',
        );
        const fix = fixFor(call, fixes);
        context.report({
          at: call,
          message: `\`${codeSnippet(fn)}("${shorten(name, 40)}", …)\` sets a session or credential cookie without ${missing.map((flag) => `\`${flag}=True\``).join(' or ')}: it is ${consequences.join(', and ')}${samesite ? '' : '; also set `samesite="Lax"`'}`,
          ...(fix ? { fix } : {}),
        });
      },
    };
  },
});

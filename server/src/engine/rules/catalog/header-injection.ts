import { defineFlowRule, sourceKind } from '../flowRule';

export default defineFlowRule({
  concept: 'header',
  message: (hit, source) =>
    `${hit.label} with ${sourceKind(hit)} (${source}) in it: a CR/LF in the value adds headers or a body of the client's choosing; reject values with \`\\r\` or \`\\n\`, or let the framework set the header from a checked value`,
  meta: {
    id: 'VG109',
    name: 'header-injection',
    title: 'Response header set from request data',
    cwe: [113],
    severity: 'medium',
    confidence: 'medium',
    status: 'preview',
    since: '0.2.0',
    bandit: [],
    ruff: [],
    fixable: false,
    docs: {
      whatItDoes:
        'Flags request data written into an HTTP response header: `response.headers[...] = value`, `send_header` in `http.server` handlers, Tornado `set_header`, the status line of `send_response`.',
      whyIsThisBad:
        'A carriage return and line feed in a header value end the header: what follows becomes new headers (a `Set-Cookie` of the attacker\'s choosing) or a second response that a cache stores for other users (HTTP response splitting). Recent Werkzeug and Django versions reject such values, but `http.server` and older stacks do not.',
      example: [
        'from flask import Flask, make_response, request',
        '',
        'app = Flask(__name__)',
        '',
        '',
        '@app.route("/lang")',
        'def lang():',
        '    response = make_response("ok")',
        '    response.headers["Content-Language"] = request.args["lang"]',
        '    return response',
      ].join('\n'),
      useInstead: [
        'from flask import Flask, make_response, request',
        '',
        'app = Flask(__name__)',
        'LANGUAGES = {"en", "de", "fr"}',
        '',
        '',
        '@app.route("/lang")',
        'def lang():',
        '    response = make_response("ok")',
        '    language = request.args.get("lang", "en")',
        '    if language in LANGUAGES:',
        '        response.headers["Content-Language"] = language',
        '    return response',
      ].join('\n'),
      references: ['https://cwe.mitre.org/data/definitions/113.html', 'https://owasp.org/www-community/attacks/HTTP_Response_Splitting'],
    },
  },
});

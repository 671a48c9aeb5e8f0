import { defineFlowRule } from '../flowRule';

export default defineFlowRule({
  concept: 'html',
  kinds: ['stored'],
  message: (hit, source) =>
    `${hit.label}, with a database value (${source}) in it unescaped: whoever could write that row (another user's comment, a profile field) puts \`<script>\` into every page that shows it; render a template (which escapes) or escape the value (\`markupsafe.escape\`, \`html.escape\`)`,
  meta: {
    id: 'VG117',
    name: 'stored-xss',
    title: 'HTML response built from stored data',
    cwe: [79],
    severity: 'medium',
    confidence: 'medium',
    status: 'preview',
    since: '0.2.0',
    bandit: [],
    ruff: [],
    fixable: false,
    docs: {
      whatItDoes:
        'Flags values read back from a database (`cursor.fetchone()`, `fetchall()`, `fetchmany()`, asyncpg `fetchrow()`/`fetchval()`) that reach an HTML response without escaping: the same sinks as VG107 (a string a Flask view returns, `make_response`, Django `HttpResponse`, `mark_safe`, `Markup`, `HTMLResponse`, a WSGI body…). The finding carries the path from the query to the response.',
      whyIsThisBad:
        'Stored (persistent) cross-site scripting: a value one user saved — a comment, a display name, a product description — is pasted into the HTML another user is sent. A `<script>` in it runs in every visitor\'s browser with their session, without any crafted link: opening the page is enough.',
      example: [
        'import sqlite3',
        'from flask import Flask',
        '',
        'app = Flask(__name__)',
        '',
        '',
        '@app.route("/comments")',
        'def comments():',
        '    rows = sqlite3.connect("app.db").execute("SELECT author, body FROM comments").fetchall()',
        '    return "".join("<p><b>%s</b>: %s</p>" % (author, body) for author, body in rows)',
      ].join('\n'),
      useInstead: [
        'import sqlite3',
        'from flask import Flask, render_template_string',
        '',
        'app = Flask(__name__)',
        '',
        '',
        '@app.route("/comments")',
        'def comments():',
        '    rows = sqlite3.connect("app.db").execute("SELECT author, body FROM comments").fetchall()',
        '    # The template escapes every value it renders.',
        '    return render_template_string(',
        '        "{% for author, body in rows %}<p><b>{{ author }}</b>: {{ body }}</p>{% endfor %}", rows=rows',
        '    )',
      ].join('\n'),
      references: [
        'https://cwe.mitre.org/data/definitions/79.html',
        'https://owasp.org/www-community/attacks/xss/#stored-xss-attacks',
        'https://peps.python.org/pep-0249/#fetchone',
      ],
      knownProblems:
        'Only rows fetched through a cursor or result object in the same file are known as stored data; values of ORM objects (`Comment.objects.get(...)`, `session.query(...)`) are not, so stored XSS through an ORM is missed. A column that can only hold numbers or values the application wrote itself is still reported: the rule cannot see the schema; that is why its severity and confidence are medium. Data from a request goes to VG107.',
    },
  },
});

import { defineFlowRule, sourceKind } from '../flowRule';

export default defineFlowRule({
  concept: 'template',
  message: (hit, source) =>
    `${hit.label}, built from ${sourceKind(hit)} (${source}): template syntax in the data runs on the server (\`{{ cycler.__init__.__globals__.os.popen("id").read() }}\`); keep the template constant and pass the data as a variable`,
  meta: {
    id: 'VG108',
    name: 'template-injection',
    title: 'Template source built from request data',
    cwe: [1336, 94],
    severity: 'high',
    confidence: 'high',
    status: 'preview',
    since: '0.2.0',
    bandit: [],
    ruff: [],
    fixable: false,
    docs: {
      whatItDoes:
        'Flags request data that becomes part of a template\'s *source*: `render_template_string`, `jinja2.Template`, `Environment.from_string`, Django `Template`, Mako and Tornado templates.',
      whyIsThisBad:
        "Template languages are programming languages: expressions in `{{ }}` can reach Python objects and from there the operating system. Data pasted into a template's source is executed on the server (server-side template injection), which gives the attacker the application's privileges.",
      example: [
        'from flask import Flask, render_template_string, request',
        '',
        'app = Flask(__name__)',
        '',
        '',
        '@app.route("/greet")',
        'def greet():',
        '    return render_template_string("<p>Hello " + request.args["name"] + "</p>")',
      ].join('\n'),
      useInstead: [
        'from flask import Flask, render_template_string, request',
        '',
        'app = Flask(__name__)',
        '',
        '',
        '@app.route("/greet")',
        'def greet():',
        '    return render_template_string("<p>Hello {{ name }}</p>", name=request.args["name"])',
      ].join('\n'),
      references: [
        'https://cwe.mitre.org/data/definitions/1336.html',
        'https://portswigger.net/web-security/server-side-template-injection',
        'https://jinja.palletsprojects.com/en/stable/sandbox/',
      ],
    },
  },
});

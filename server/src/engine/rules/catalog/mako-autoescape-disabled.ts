import { defineRule } from '../rule';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { callArguments, unparenthesize } from '../../syntax/python';
import { codeSnippet } from '../support/snippets';

const MAKO_CLASSES: ReadonlySet<string> = new Set([
  'mako.template.Template',
  'mako.lookup.TemplateLookup',
  'mako.template.DefTemplate',
]);

export default defineRule({
  meta: {
    id: 'VG705',
    name: 'mako-autoescape-disabled',
    title: 'Mako template without HTML escaping',
    cwe: [79, 80],
    severity: 'medium',
    confidence: 'medium',
    status: 'preview',
    since: '0.2.0',
    bandit: ['B702'],
    ruff: ['S702'],
    fixable: true,
    docs: {
      whatItDoes:
        'Flags Mako `Template(...)` and `TemplateLookup(...)` created without the `h` (HTML escape) filter in `default_filters`. Mako does not escape expressions by default: `${name}` is inserted as it is.',
      whyIsThisBad:
        'A Mako template that renders HTML inserts every `${...}` value verbatim unless each one is written `${value | h}`. Any value a user controls (a name, a comment, a query parameter) can then carry `<script>` and run in other users\' browsers: cross-site scripting. Forgetting `| h` once is enough; making escaping the default leaves only deliberate exceptions (`${html | n}`).',
      example:
        'from mako.template import Template\n\npage = Template("<h1>Hello ${name}</h1>")\nhtml = page.render(name=user_name)',
      useInstead:
        'from mako.template import Template\n\npage = Template("<h1>Hello ${name}</h1>", default_filters=["h"])\nhtml = page.render(name=user_name)',
      references: [
        'https://cwe.mitre.org/data/definitions/79.html',
        'https://cwe.mitre.org/data/definitions/80.html',
        'https://docs.makotemplates.org/en/latest/filtering.html#the-default-filters-argument',
        'https://bandit.readthedocs.io/en/latest/plugins/b702_use_of_mako_templates.html',
        'https://docs.astral.sh/ruff/rules/mako-templates/',
      ],
      knownProblems:
        'Templates that do not produce HTML (plain-text emails, configuration files, code generation) need no escaping and are still reported: suppress the finding there. Templates that escape each expression with `| h`, and `default_filters` set from a variable, are not judged (the latter is not reported). Pyramid\'s `mako.default_filters` setting and templates created by a framework (`render_template` helpers) are not seen. Bandit reports every Mako template, also with `default_filters=["h"]`.',
      fixSafety:
        'The fix adds `default_filters=["h"]` (or adds `"h"` to a constant list). It is `unsafe`: every expression is then HTML-escaped, so values that are meant to be HTML (already rendered fragments) must be marked `${value | n}` or they appear as text; and `default_filters` replaces Mako\'s own default (`["str"]`, or `["unicode"]` on Python 2), which `"h"` covers for strings.',
    },
  },
  create(context) {
    const { model } = context;
    return {
      call(call) {
        const callee = model.calleeQualifiedName(call);
        if (!callee || !MAKO_CLASSES.has(callee)) return;
        const args = callArguments(call);
        const filters = args.keywords.get('default_filters');
        const fn = call.child('function')!;
        if (!filters) {
          if (args.hasUnpacking) return;
          const list = call.child('arguments');
          const closing = list?.children.at(-1);
          if (!list || closing?.type !== ')') return;
          const hasArguments = list.namedChildren.some((child) => child.type !== 'comment');
          const trailingComma = list.children.filter((child) => child.type !== 'comment').at(-2)?.type === ',';
          context.report({
            at: call,
            message: `\`${codeSnippet(fn)}()\` without \`default_filters=["h"]\` inserts every \`\${...}\` value without HTML escaping: any user-controlled value can inject markup and script (cross-site scripting)`,
            fix: {
              title: 'Escape HTML by default: `default_filters=["h"]`',
              safety: 'unsafe',
              edits: [{ start: closing.start, end: closing.start, newText: `${hasArguments && !trailingComma ? ', ' : trailingComma ? ' ' : ''}default_filters=["h"]` }],
            },
          });
          return;
        }
        let expr: SyntaxNode = unparenthesize(filters);
        if (expr.type === 'identifier') expr = unparenthesize(model.singleValue(expr) ?? expr);
        if (expr.type !== 'list' && expr.type !== 'tuple') return;
        const names = expr.namedChildren.map((element) => model.constantText(element));
        if (names.some((name) => name === null)) return;
        if (names.some((name) => name === 'h' || name === 'html_escape' || name === 'escape')) return;
        const direct = unparenthesize(filters).type !== 'identifier';
        const last = expr.namedChildren.at(-1);
        context.report({
          at: filters,
          message: `\`${codeSnippet(fn)}()\` with \`default_filters=${codeSnippet(filters)}\` does not include \`"h"\`: \`\${...}\` values are inserted without HTML escaping (cross-site scripting)`,
          ...(direct && last && expr.type === 'list'
            ? { fix: { title: 'Add the `"h"` filter', safety: 'unsafe' as const, edits: [{ start: last.end, end: last.end, newText: ', "h"' }] } }
            : {}),
        });
      },
    };
  },
});

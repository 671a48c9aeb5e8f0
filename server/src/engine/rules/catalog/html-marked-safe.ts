import { defineRule } from '../rule';
import type { Severity } from '../../findings';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { conceptBit, kindBit } from '../../flow/concepts';
import { callArguments, unparenthesize } from '../../syntax/python';
import { codeSnippet } from '../support/snippets';

/** Calls that mark a string as safe HTML, which templates then insert without escaping. */
const MARKERS: ReadonlyMap<string, { bandit: string[]; ruff: string[] }> = new Map([
  ['django.utils.safestring.mark_safe', { bandit: ['B308', 'B703'], ruff: ['S308'] }],
  ['django.utils.html.mark_safe', { bandit: ['B308', 'B703'], ruff: ['S308'] }],
  ['django.utils.safestring.SafeString', { bandit: ['B703'], ruff: [] }],
  ['django.utils.safestring.SafeText', { bandit: ['B703'], ruff: [] }],
  ['markupsafe.Markup', { bandit: ['B704'], ruff: ['S704'] }],
  ['jinja2.Markup', { bandit: ['B704'], ruff: ['S704'] }],
  ['jinja2.utils.Markup', { bandit: ['B704'], ruff: ['S704'] }],
  ['flask.Markup', { bandit: ['B704'], ruff: ['S704'] }],
]);
/** Functions whose result is escaped HTML (or HTML built by escaping its values). */
const ESCAPERS: ReadonlySet<string> = new Set([
  'django.utils.html.escape',
  'django.utils.html.conditional_escape',
  'django.utils.html.format_html',
  'django.utils.html.format_html_join',
  'django.utils.html.json_script',
  'django.utils.html.linebreaks',
  'django.utils.html.urlize',
  'django.template.loader.render_to_string',
  'django.shortcuts.render_to_string',
  'django.utils.html.strip_tags',
  'html.escape',
  'markupsafe.escape',
  'markupsafe.Markup.escape',
  'jinja2.escape',
  'flask.escape',
  'flask.render_template',
  'flask.render_template_string',
  'werkzeug.utils.escape',
  'bleach.clean',
  'bleach.linkify',
  'nh3.clean',
  'markdown.markdown',
  'int',
  'float',
  'len',
]);

export default defineRule({
  meta: {
    id: 'VG707',
    name: 'html-marked-safe',
    title: 'Value built at run time marked as safe HTML',
    cwe: [79, 80],
    severity: 'low',
    confidence: 'low',
    status: 'preview',
    since: '0.2.0',
    bandit: ['B308', 'B703', 'B704'],
    ruff: ['S308', 'S704'],
    fixable: false,
    docs: {
      whatItDoes:
        'Flags Django `mark_safe(x)`, `SafeString(x)`/`SafeText(x)` and MarkupSafe `Markup(x)` (also through `flask` and `jinja2`) where `x` is not a constant and is not built only from escaped values. It is a note: when the flow layer sees request data reach the call, VG107 (reflected-xss) reports it as an error instead.',
      whyIsThisBad:
        '`mark_safe()` and `Markup()` tell the template engine that a string is already safe HTML, so it is inserted without escaping. If any part of the string comes from a user (a name, a comment, a database field they filled in), markup and `<script>` in it run in other users\' browsers. Building the string with `format_html()` or `Markup("...").format(value)` escapes each value and marks only the fixed template as safe.',
      example:
        'from django.utils.safestring import mark_safe\nfrom markupsafe import Markup\n\n\ndef badge(user):\n    return mark_safe(f"<span class=\\"badge\\">{user.display_name}</span>")\n\n\ndef link(url, title):\n    return Markup(f"<a href=\\"{url}\\">{title}</a>")',
      useInstead:
        'from django.utils.html import format_html\nfrom markupsafe import Markup\n\n\ndef badge(user):\n    return format_html(\'<span class="badge">{}</span>\', user.display_name)\n\n\ndef link(url, title):\n    return Markup(\'<a href="{}">{}</a>\').format(url, title)',
      references: [
        'https://cwe.mitre.org/data/definitions/79.html',
        'https://docs.djangoproject.com/en/stable/ref/utils/#django.utils.safestring.mark_safe',
        'https://docs.djangoproject.com/en/stable/ref/utils/#django.utils.html.format_html',
        'https://markupsafe.palletsprojects.com/en/stable/escaping/#markupsafe.Markup',
        'https://bandit.readthedocs.io/en/latest/plugins/b703_django_mark_safe.html',
        'https://bandit.readthedocs.io/en/latest/plugins/b704_markupsafe_markup_xss.html',
        'https://docs.astral.sh/ruff/rules/suspicious-mark-safe-usage/',
        'https://docs.astral.sh/ruff/rules/unsafe-markup-use/',
      ],
      knownProblems:
        'Decision: Bandit and Ruff report every `mark_safe()` (B308/B703/S308) and every `Markup()` of a non-literal (B704/S704). Vigil does not report constants, values built only from escaped parts (`mark_safe(escape(x))`, `format_html(...)`, `render_to_string(...)`, `bleach.clean(...)`, numbers), or values the flow layer has seen escaped; other values are a `low`/`low` note, since most come from the application\'s own code. Request data seen reaching the call is reported by VG107 (reflected-xss) as an error, not here; program input (`sys.argv`, the environment) is reported here with `medium` severity. `@mark_safe` used as a decorator, subclasses of `Markup`/`SafeString`, and `|safe` in templates are not checked.',
    },
  },
  usesFlow: true,
  create(context) {
    const { model } = context;

    /** Whether a value is escaped HTML or a number: an escaping call, or a string built only from those and text. */
    const escaped = (node: SyntaxNode, depth = 0): boolean => {
      if (depth > 4) return false;
      const expr = unparenthesize(node);
      if (model.isConstant(expr) || model.isNumeric(expr)) return true;
      if (expr.type === 'call') {
        const callee = model.calleeQualifiedName(expr);
        if (callee && (ESCAPERS.has(callee) || MARKERS.has(callee))) return MARKERS.has(callee) ? model.isConstant(callArguments(expr).positional[0] ?? expr) : true;
        return false;
      }
      const shape = model.stringShape(expr);
      if (!shape || shape.parts.length === 0) return false;
      const values = shape.parts.filter((part): part is Extract<typeof part, { kind: 'value' }> => part.kind === 'value');
      if (values.length === 0) return true;
      return values.every((part) => part.node !== expr && escaped(part.node, depth + 1));
    };

    return {
      call(call) {
        const callee = model.calleeQualifiedName(call);
        const codes = callee ? MARKERS.get(callee) : undefined;
        if (!codes) return;
        const args = callArguments(call);
        const value = args.positional[0] ?? args.keywords.get('s') ?? args.keywords.get('base');
        if (!value || escaped(value)) return;
        const taint = context.flow.taintOf(value);
        if (taint && (taint.clean & conceptBit('html')) !== 0) return;
        // VG107 reports request data as an error, VG117 a database value.
        if (taint && (taint.kinds & (kindBit('remote') | kindBit('stored'))) !== 0) return;
        const local = !!taint && (taint.kinds & kindBit('local')) !== 0;
        const severity: Severity = local ? 'medium' : 'low';
        const fn = call.child('function')!;
        const django = callee!.startsWith('django.');
        context.report({
          at: call,
          message: `\`${codeSnippet(fn)}()\` marks \`${codeSnippet(value)}\`${local ? ', built from program input,' : ''} as safe HTML, so templates insert it unescaped: if any part of it can come from a user, it can carry \`<script>\`; build it with ${django ? '`format_html()`' : '`Markup("...").format(value)`'}, which escapes the values`,
          severity,
          confidence: local ? 'medium' : 'low',
          bandit: codes.bandit,
          ruff: codes.ruff,
        });
      },
    };
  },
});

import type { LibraryModel } from '../concepts';

/**
 * Template engines and HTML-safe strings: Jinja2 (https://jinja.palletsprojects.com/en/stable/api/), MarkupSafe,
 * Mako, Chameleon. A template's *source* built from request data is template injection (CWE-1336): the template
 * language runs code.
 */

export const templates: LibraryModel = {
  name: 'Template engines',
  summaries: [
    { callee: 'jinja2.Environment', from: [], returns: 'jinja2.Environment' },
    { callee: 'jinja2.sandbox.SandboxedEnvironment', from: [], returns: 'jinja2.sandbox.SandboxedEnvironment' },
    // Django's template engines: `Engine.get_default()`, `engines["django"]` (a backend).
    { callee: 'django.template.Engine', from: [], returns: 'django.template.Engine' },
    { callee: 'django.template.Engine.get_default', from: [], returns: 'django.template.Engine' },
  ],
  aliases: {
    'django.template.engines.*': 'django.template.backends.base.BaseEngine',
    'django.template.engine.Engine': 'django.template.Engine',
  },
  sinks: [
    { callee: 'jinja2.Template', concept: 'template', args: [0, 'source'], label: '`jinja2.Template()` compiles it as a template' },
    { callee: 'jinja2.Environment.from_string', concept: 'template', args: [0, 'source'], label: '`from_string()` compiles it as a template' },
    { callee: 'django.template.Engine.from_string', concept: 'template', args: [0, 'template_code'], label: '`from_string()` compiles it as a template' },
    { callee: 'django.template.backends.base.BaseEngine.from_string', concept: 'template', args: [0, 'template_code'], label: '`from_string()` compiles it as a template' },
    { callee: 'mako.template.Template', concept: 'template', args: [0, 'text'], label: '`mako.template.Template()` compiles it as a template' },
    { callee: 'chameleon.PageTemplate', concept: 'template', args: [0, 'body'], label: '`PageTemplate()` compiles it as a template' },
    { callee: 'markupsafe.Markup', concept: 'html', args: [0], label: '`Markup()` marks it as safe HTML' },
    { callee: 'jinja2.Markup', concept: 'html', args: [0], label: '`Markup()` marks it as safe HTML' },
  ],
  sanitizers: [
    { callee: 'markupsafe.escape', concepts: ['html'] },
    { callee: 'markupsafe.Markup.escape', concepts: ['html'] },
    { callee: 'jinja2.escape', concepts: ['html'] },
    { callee: 'bleach.clean', concepts: ['html'] },
    { callee: 'bleach.linkify', concepts: ['html'] },
    // `Markup("<b>{}</b>").format(x)` and `Markup("<b>%s</b>") % x` escape what they fill in (`__mod__`: the operator).
    ...['markupsafe.Markup', 'jinja2.Markup', 'flask.Markup'].flatMap((type) => ['format', '__mod__'].map((method) => ({ callee: `${type}.${method}`, concepts: ['html' as const] }))),
  ],
};

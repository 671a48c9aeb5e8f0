import { defineRule, type Report } from '../rule';
import type { SemanticModel } from '../../semantic/model';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { unparenthesize } from '../../syntax/python';
import { constantTruthiness } from '../support/call-arguments';
import { codeSnippet } from '../support/snippets';

/** Settings only a Django settings module defines. */
const DJANGO_SETTINGS: ReadonlySet<string> = new Set([
  'INSTALLED_APPS', 'MIDDLEWARE', 'MIDDLEWARE_CLASSES', 'ROOT_URLCONF', 'WSGI_APPLICATION', 'ASGI_APPLICATION',
  'DATABASES', 'TEMPLATES', 'AUTH_PASSWORD_VALIDATORS', 'DEFAULT_AUTO_FIELD', 'STATIC_URL', 'STATIC_ROOT',
  'LANGUAGE_CODE', 'USE_TZ', 'USE_I18N', 'AUTH_USER_MODEL', 'CSRF_TRUSTED_ORIGINS',
]);

interface SettingsModule {
  /** The Django setting (other than DEBUG/ALLOWED_HOSTS) or settings import that marks the module, for messages. */
  readonly marker: SyntaxNode;
}

/** Whether the module is a Django settings module: it sets other Django settings, or star-imports base settings. */
function settingsModule(model: SemanticModel): SettingsModule | null {
  for (const statement of model.root.namedChildren) {
    if (statement.type === 'import_from_statement' && statement.namedChildren.some((child) => child.type === 'wildcard_import')) {
      const module = statement.child('module_name')?.text ?? '';
      if (/(?:^|\.)(?:settings|base|base_settings|common|defaults)$/.test(module) || module.startsWith('django.conf')) return { marker: statement };
      continue;
    }
    if (statement.type !== 'expression_statement') continue;
    const assignment = statement.firstNamedChild();
    if (assignment?.type !== 'assignment') continue;
    const left = assignment.child('left');
    if (left?.type === 'identifier' && DJANGO_SETTINGS.has(left.text)) return { marker: assignment };
  }
  return null;
}

/** The `"*"` element of a list or tuple of hosts, if any. */
function wildcardHost(model: SemanticModel, value: SyntaxNode): SyntaxNode | null {
  let expr = unparenthesize(value);
  if (expr.type === 'identifier') expr = unparenthesize(model.singleValue(expr) ?? expr);
  if (expr.type !== 'list' && expr.type !== 'tuple' && expr.type !== 'set') return null;
  return expr.namedChildren.find((element) => model.constantText(element) === '*') ?? null;
}

export default defineRule({
  meta: {
    id: 'VG704',
    name: 'django-insecure-settings',
    title: 'Django settings with debug mode or any host allowed',
    cwe: [489, 215, 644],
    severity: 'medium',
    confidence: 'medium',
    status: 'preview',
    since: '0.2.0',
    bandit: [],
    ruff: [],
    fixable: false,
    docs: {
      whatItDoes:
        'Flags, at module level of a Django settings module, `DEBUG = True` (or any constant true value) and `ALLOWED_HOSTS` containing `"*"`. A module counts as a settings module when it also sets other Django settings (`INSTALLED_APPS`, `MIDDLEWARE`, `ROOT_URLCONF`, `DATABASES`, `AUTH_PASSWORD_VALIDATORS`…; not `SECRET_KEY`, which Flask configurations share) or star-imports base settings (`from .base import *`).',
      whyIsThisBad:
        'With `DEBUG = True`, every error returns a page with the stack trace, local variables, the SQL queries run and most of the settings, and unknown URLs list every URL pattern: a map of the application and often its secrets. Django also keeps every SQL query in memory. `ALLOWED_HOSTS = ["*"]` turns off Django\'s check of the `Host` header, so links Django builds from the request (password-reset emails, absolute redirects, cache keys) can point to an attacker\'s host: a password-reset link sent to a victim then delivers their token to the attacker.',
      example:
        '# settings.py\nDEBUG = True\nALLOWED_HOSTS = ["*"]\nINSTALLED_APPS = ["django.contrib.auth", "shop"]',
      useInstead:
        '# settings.py\nimport os\n\nDEBUG = os.environ.get("DJANGO_DEBUG") == "1"\nALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost").split(",")\nINSTALLED_APPS = ["django.contrib.auth", "shop"]',
      references: [
        'https://cwe.mitre.org/data/definitions/489.html',
        'https://cwe.mitre.org/data/definitions/215.html',
        'https://cwe.mitre.org/data/definitions/644.html',
        'https://docs.djangoproject.com/en/stable/ref/settings/#debug',
        'https://docs.djangoproject.com/en/stable/ref/settings/#allowed-hosts',
        'https://docs.djangoproject.com/en/stable/howto/deployment/checklist/',
      ],
      knownProblems:
        'Vigil does not see file names, so a development settings module (`settings/dev.py`, `local_settings.py`) is reported like a production one: suppress the finding there, or keep the value in the environment. A module that sets `DEBUG` but no other Django setting and star-imports nothing recognisable (`from .base import *` is recognised) is not reported. Only constant values are judged: `DEBUG = env.bool("DEBUG")` is fine. `ALLOWED_HOSTS` built by `+=`, `.append("*")` or from the environment is not checked. Neither Bandit nor Ruff has this check, so only `# nosec`/`# noqa` without codes or naming VG704 silence it.',
    },
  },
  create(context) {
    const { model, unit } = context;
    if (unit.kind !== 'module') return {};
    return {
      assignment(assignment) {
        if (assignment.parent?.type !== 'expression_statement' || assignment.parent.parent !== unit.node) return;
        const left = assignment.child('left');
        const right = assignment.child('right');
        if (left?.type !== 'identifier' || !right) return;
        if (left.text !== 'DEBUG' && left.text !== 'ALLOWED_HOSTS') return;
        const settings = model.moduleFact(settingsModule, settingsModule);
        if (!settings) return;
        const related: NonNullable<Report['related']> = [{ at: settings.marker, message: `This is a Django settings module (\`${codeSnippet(settings.marker)}\`)` }];
        if (left.text === 'DEBUG') {
          if (constantTruthiness(model, right) !== true) return;
          context.report({
            at: assignment,
            message: `\`DEBUG = ${codeSnippet(right)}\` in Django settings: every error page then shows the stack trace, local variables, SQL queries and settings to whoever triggers it; read it from the environment and keep it off in production`,
            related,
          });
          return;
        }
        const star = wildcardHost(model, right);
        if (!star) return;
        context.report({
          at: assignment,
          message: `\`ALLOWED_HOSTS\` contains \`"*"\`: Django no longer checks the \`Host\` header, so password-reset links and other absolute URLs it builds can point to an attacker's host; list the host names the site serves`,
          related,
        });
      },
    };
  },
});

import { defineRule, type EditSpec, type FixSpec } from '../rule';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { callArguments, calleeName, stringLiteralValue, unparenthesize } from '../../syntax/python';
import { constantTruthiness } from '../support/call-arguments';
import { referenceMember } from '../support/cryptoWebReferences';
import { evidenceAt, withFlow, type FlowEvidence } from '../flowRule';
import { kindBit } from '../../flow/concepts';

/** Jinja2 constructors that take `autoescape`, with the position it has when passed positionally. */
const CONSTRUCTORS: ReadonlyMap<string, { label: string; position: number; bandit: boolean; escapesByDefault?: boolean }> = new Map([
  ['jinja2.Environment', { label: 'jinja2.Environment', position: 16, bandit: true }],
  ['jinja2.environment.Environment', { label: 'jinja2.Environment', position: 16, bandit: true }],
  ['jinja2.Template', { label: 'jinja2.Template', position: 17, bandit: false }],
  ['jinja2.environment.Template', { label: 'jinja2.Template', position: 17, bandit: false }],
  ['jinja2.sandbox.SandboxedEnvironment', { label: 'jinja2.sandbox.SandboxedEnvironment', position: 16, bandit: false }],
  ['jinja2.sandbox.ImmutableSandboxedEnvironment', { label: 'jinja2.sandbox.ImmutableSandboxedEnvironment', position: 16, bandit: false }],
  // `aiohttp_jinja2.setup(app, *args, **kwargs)` passes the rest to `jinja2.Environment`, with `autoescape=True` by default.
  ['aiohttp_jinja2.setup', { label: 'aiohttp_jinja2.setup', position: 17, bandit: false, escapesByDefault: true }],
]);
/** Methods of an environment that name the templates it renders. */
const TEMPLATE_LOOKUPS: ReadonlySet<string> = new Set(['get_template', 'select_template', 'get_or_select_template']);
const LOADERS_WITH_NAMES: ReadonlySet<string> = new Set(['jinja2.DictLoader', 'jinja2.loaders.DictLoader']);
/** Methods of a template that insert values into it (https://jinja.palletsprojects.com/en/stable/api/#jinja2.Template). */
const RENDER_METHODS: ReadonlySet<string> = new Set(['render', 'render_async', 'stream', 'generate', 'generate_async']);

/** Suffixes of template files that wrap another format: `page.html.j2` is HTML. */
const TEMPLATE_SUFFIX = /\.(?:j2|jinja2?|tmpl|tpl|template)$/i;
/** Extensions `select_autoescape()` escapes by default. */
const DEFAULT_HTML = /\.(?:html|htm|xml)$/i;
const HTML = /\.(?:html?|xhtml|xml|svg)$/i;
/**
 * Text formats: HTML escaping would corrupt them, so autoescaping is rightly off. SQL, shell and JSON templates need
 * their own escaping (VG101 and friends); HTML escaping would not make them safe.
 */
const TEXT = /\.(?:txt|text|md|markdown|rst|sql|ya?ml|json|toml|ini|cfg|conf|sh|bash|zsh|ps1|py|csv|tsv|tex|env|properties|dockerfile|tf|hcl|service|js|css|eml|msg|po|c|h|cpp|go|rs|java|ts|cs|rb|nginx|vcl|dot|gitignore|editorconfig)$/i;
/** Markup in a template source: a tag. */
const MARKUP = /<\/?[A-Za-z][\w:-]*(?:\s[^<>]*)?\/?>|<!DOCTYPE/i;

type Kind = 'html' | 'text' | 'unknown';

interface Templates {
  readonly kind: Kind;
  /** An example name or snippet, for the message. */
  readonly example: string | null;
  /** Some known HTML template has a name `select_autoescape()` does not escape (`page.html.j2`). */
  readonly unusualHtml: boolean;
}

function shown(text: string, max = 40): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function kindOfName(name: string): Kind {
  const inner = name.replace(TEMPLATE_SUFFIX, '');
  if (HTML.test(inner)) return 'html';
  if (TEXT.test(inner)) return 'text';
  return 'unknown';
}

export default defineRule({
  meta: {
    id: 'VG702',
    name: 'jinja2-autoescape-disabled',
    title: 'Jinja2 environment without autoescaping',
    cwe: [79],
    severity: 'high',
    confidence: 'high',
    status: 'stable',
    since: '0.1.0',
    bandit: ['B701'],
    ruff: ['S701'],
    fixable: true,
    docs: {
      whatItDoes:
        'Flags `jinja2.Environment(...)`, `jinja2.Template(...)` and the sandboxed environments created without `autoescape` or with `autoescape=False` (or a name that is always false), and `aiohttp_jinja2.setup(..., autoescape=False)` (which escapes by default), Severity follows what is known: request data rendered into a template of the environment (seen by the flow layer, with its path) or templates known to be HTML make it an error; templates of unknown kind with no request data seen, a warning; an environment whose every template is plain text (`.txt`, `.sql`, `.yaml`, a source without markup) only a note, since escaping would corrupt text.',
      whyIsThisBad:
        'Unlike Flask and Django, plain Jinja2 does not escape by default: `{{ comment }}` is inserted into the page as is. Any value that contains user input (a name, a comment, a query parameter) can then carry `<script>` or an `onerror=` attribute, which runs in the browser of everyone who views the page — cross-site scripting, with the victim\'s cookies and session.',
      example:
        'from jinja2 import Environment, FileSystemLoader\n\nenv = Environment(loader=FileSystemLoader("templates"))\nhtml = env.get_template("comments.html").render(comments=comments)',
      useInstead:
        'from jinja2 import Environment, FileSystemLoader, select_autoescape\n\nenv = Environment(loader=FileSystemLoader("templates"), autoescape=select_autoescape())\nhtml = env.get_template("comments.html").render(comments=comments)',
      references: [
        'https://cwe.mitre.org/data/definitions/79.html',
        'https://jinja.palletsprojects.com/en/stable/api/#autoescaping',
        'https://jinja.palletsprojects.com/en/stable/api/#jinja2.select_autoescape',
        'https://cheatsheetseries.owasp.org/cheatsheets/Cross_Site_Scripting_Prevention_Cheat_Sheet.html',
        'https://bandit.readthedocs.io/en/latest/plugins/b701_jinja2_autoescape_false.html',
      ],
      knownProblems:
        'Not flagged: `autoescape=True`, `autoescape=select_autoescape(...)` and any other call, parameter or setting (a function deciding per template), `**options` that may carry it, and `NativeEnvironment` (renders Python values, not markup). ' +
        'What the templates are is read from the `DictLoader` names, the `get_template()`/`select_template()` calls on the environment in the same function (or module) and, for `jinja2.Template(source)`, the source: HTML names (`.html`, `.htm`, `.xml`, `.svg`, also `page.html.j2`) or a source with tags give high confidence; when nothing is known (a `FileSystemLoader` directory, names from a variable) the finding has medium confidence, as the templates may be HTML. Decision: when every known template is text (`.txt`, `.md`, `.yaml`, `.json`, `.sh`, `.py`…, or a `Template()` source without any tag), the finding is only a note: HTML escaping would corrupt those outputs, and it would not protect SQL, shell or JSON templates either — building those from untrusted data is an injection problem of its own (VG101/VG102), not one `autoescape` solves. So a text-looking `Template("Hello {{ name }}")` whose output is later put into a page is missed. ' +
        '`jinja2.Template(...)` and the sandboxed environments are not checked by Bandit B701/Ruff S701, so their findings have no Bandit/Ruff code for `# nosec`/`# noqa`. Also missed: environments whose `autoescape` is turned off later (`env.autoescape = False`), and `{% autoescape false %}` blocks or `|safe` filters inside templates.',
      fixSafety:
        'The fix adds `autoescape=jinja2.select_autoescape()` (or replaces `autoescape=False` with it), using an existing `select_autoescape` or `jinja2` import or adding `import jinja2`. `select_autoescape()` escapes templates named `.html`, `.htm` and `.xml` and templates made from strings, and leaves other names alone, so text templates keep their output. It is `safe` for HTML: only values that contained markup render differently (escaped), which is the point; markup that is meant to be inserted must be marked with `|safe` or `markupsafe.Markup`. When a known HTML template has a name `select_autoescape()` does not recognise (`page.html.j2`), the fix sets `autoescape=True` instead and is `unsafe`, because it also escapes any text templates of that environment.',
    },
  },
  usesFlow: true,
  create(context) {
    const { model } = context;
    const constructors: Array<{ call: SyntaxNode; callee: string }> = [];
    const lookups: SyntaxNode[] = [];
    const renders: SyntaxNode[] = [];

    /** The call a value was made by: itself, or the call a name is bound to once (`t = env.get_template(...)`). */
    const madeBy = (node: SyntaxNode): SyntaxNode | null => {
      const expr = unparenthesize(node);
      if (expr.type === 'call') return expr;
      const value = expr.type === 'identifier' ? model.singleValue(expr) : null;
      return value && unparenthesize(value).type === 'call' ? unparenthesize(value) : null;
    };

    /**
     * Request data rendered into a template of this environment or template (`Template(src).render(name=…)`,
     * `env.get_template("a.html").render(user=request.args["u"])`), by the flow layer: the first such value.
     */
    const requestDataRendered = (call: SyntaxNode): FlowEvidence | undefined => {
      const bound = boundAs(call);
      const ours = (made: SyntaxNode | null): boolean => {
        if (!made) return false;
        if (made === call) return true;
        if (!lookups.includes(made)) return false;
        const fn = made.child('function');
        const receiver = fn?.type === 'attribute' ? unparenthesize(fn.child('object')!) : null;
        return !!receiver && (madeBy(receiver) === call || (bound !== null && receiver.text.replace(/\s+/g, '') === bound));
      };
      for (const render of renders) {
        const fn = render.child('function');
        if (fn?.type !== 'attribute' || !ours(madeBy(fn.child('object')!))) continue;
        const args = callArguments(render);
        for (const value of [...args.positional, ...args.keywords.values()]) {
          const taint = context.flow.taintOf(value);
          if (taint && taint.kinds & kindBit('remote')) return evidenceAt(taint, render, value, '`render()` puts it into the page unescaped');
        }
      }
      return undefined;
    };

    /** Template names (`"a.html"`, `["a.html", "b.txt"]`) given as literals. */
    const namesIn = (node: SyntaxNode | undefined | null): string[] => {
      if (!node) return [];
      const expr = unparenthesize(node);
      if (expr.type === 'list' || expr.type === 'tuple') return expr.namedChildren.flatMap((item) => namesIn(item));
      const value = stringLiteralValue(expr) ?? (expr.type === 'identifier' ? model.constantText(expr) : null);
      return value !== null ? [value] : [];
    };

    /** The code an environment is known by after it is created: `env` in `env = Environment(...)`. */
    const boundAs = (call: SyntaxNode): string | null => {
      let node = call;
      while (node.parent?.type === 'parenthesized_expression') node = node.parent;
      const parent = node.parent;
      if (parent?.type === 'assignment' && parent.child('right') === node) return parent.child('left')?.text.replace(/\s+/g, '') ?? null;
      return null;
    };

    const templatesOf = (call: SyntaxNode, callee: string): Templates => {
      const args = callArguments(call);
      const names: string[] = [];
      const sources: string[] = [];
      if (callee.endsWith('Template')) {
        // Template(source): the markup itself, or the file it was read from (`open("mail.txt").read()`).
        const source = args.positional[0] ?? args.keywords.get('source');
        if (source) {
          const expr = unparenthesize(source);
          const value = expr.type === 'identifier' ? model.singleValue(expr) : expr;
          const text = value ? stringLiteralValue(value) ?? model.constantText(value) : null;
          if (text !== null) sources.push(text);
          else if (value) {
            // open("mail.txt").read(), or fh.read() after `with open("mail.txt") as fh:`
            const places = [value, ...value.descendantsOfType('identifier').flatMap((name) =>
              model.bindingsOf(name).flatMap((binding) => (binding.value && (binding.kind === 'with' || binding.kind === 'assignment') ? [binding.value] : [])),
            )];
            for (const place of places) {
              for (const literal of [place, ...place.descendantsOfType('string')]) {
                const name = literal.type === 'string' ? stringLiteralValue(literal) : null;
                if (name && /^[\w./\\-]+\.[A-Za-z0-9]+$/.test(name)) names.push(name);
              }
            }
          }
        }
      } else {
        const loader = args.keywords.get('loader');
        const loaderCall = loader ? unparenthesize(loader) : null;
        if (loaderCall?.type === 'call' && LOADERS_WITH_NAMES.has(model.calleeQualifiedName(loaderCall) ?? '')) {
          const mapping = callArguments(loaderCall).positional[0];
          const dict = mapping ? unparenthesize(mapping) : null;
          if (dict?.type === 'dictionary') {
            for (const pair of dict.namedChildren) names.push(...namesIn(pair.child('key')));
          }
        }
        const bound = boundAs(call);
        for (const lookup of lookups) {
          const fn = lookup.child('function');
          const receiver = fn?.type === 'attribute' ? unparenthesize(fn.child('object')!) : null;
          if (!receiver) continue;
          if (receiver !== call && (bound === null || receiver.text.replace(/\s+/g, '') !== bound)) continue;
          if (calleeName(lookup) === 'from_string') {
            const source = callArguments(lookup).positional[0];
            const text = source ? stringLiteralValue(source) : null;
            if (text !== null) sources.push(text);
            continue;
          }
          const lookupArgs = callArguments(lookup);
          names.push(...namesIn(lookupArgs.positional[0] ?? lookupArgs.keywords.get('name') ?? lookupArgs.keywords.get('names')));
        }
      }
      const kinds = [
        ...names.map((name) => ({ kind: kindOfName(name), example: `\`${name}\``, unusual: kindOfName(name) === 'html' && !DEFAULT_HTML.test(name) })),
        ...sources.map((text) => ({
          kind: (MARKUP.test(text) ? 'html' : 'text') as Kind,
          example: `\`${shown(text, 30)}\``,
          unusual: false,
        })),
      ];
      const html = kinds.find((item) => item.kind === 'html');
      if (html) return { kind: 'html', example: html.example, unusualHtml: kinds.some((item) => item.unusual) };
      if (kinds.length > 0 && kinds.every((item) => item.kind === 'text')) return { kind: 'text', example: null, unusualHtml: false };
      return { kind: 'unknown', example: null, unusualHtml: false };
    };

    const fixFor = (call: SyntaxNode, value: SyntaxNode | null, templates: Templates): FixSpec | null => {
      const list = call.child('arguments');
      if (list?.type !== 'argument_list') return null;
      let newValue: string;
      let title: string;
      let safety: 'safe' | 'unsafe' = 'safe';
      let importEdits: readonly EditSpec[] = [];
      if (templates.unusualHtml) {
        newValue = 'True';
        title = 'Set `autoescape=True`';
        safety = 'unsafe';
      } else {
        const reference = referenceMember(model, 'jinja2', 'select_autoescape', call, context.unit);
        if (!reference) return null;
        newValue = `${reference.code}()`;
        importEdits = reference.edits;
        title = value ? `Use \`autoescape=${newValue}\`` : `Add \`autoescape=${newValue}\``;
      }
      if (value) return { title, safety, edits: [{ start: value.start, end: value.end, newText: newValue }, ...importEdits] };
      const items = list.children.filter((child) => child.isNamed && child.type !== 'comment');
      const last = items[items.length - 1];
      const open = list.children[0];
      const edit: EditSpec = last
        ? { start: last.end, end: last.end, newText: `, autoescape=${newValue}` }
        : { start: open!.end, end: open!.end, newText: `autoescape=${newValue}` };
      return { title, safety, edits: [edit, ...importEdits] };
    };

    return {
      call(call) {
        const callee = model.calleeQualifiedName(call);
        if (callee && CONSTRUCTORS.has(callee)) constructors.push({ call, callee });
        const method = calleeName(call);
        if (method && (TEMPLATE_LOOKUPS.has(method) || method === 'from_string') && call.child('function')?.type === 'attribute') {
          lookups.push(call);
        }
        if (method && RENDER_METHODS.has(method) && call.child('function')?.type === 'attribute') renders.push(call);
      },
      'unit:exit'() {
        for (const { call, callee } of constructors) {
          const constructor = CONSTRUCTORS.get(callee)!;
          const args = callArguments(call);
          const value = args.keywords.get('autoescape') ?? args.positional[constructor.position] ?? null;
          if (!value && args.hasUnpacking) continue;
          if (!value && constructor.escapesByDefault) continue;
          if (value && constantTruthiness(model, value) !== false) continue;
          const templates = templatesOf(call, callee);
          const label = `${constructor.label}()`;
          const what = value
            ? `\`${label}\` with \`autoescape=${shown(value.text)}\``
            : `\`${label}\` without \`autoescape\``;
          const codes = constructor.bandit ? {} : { bandit: [], ruff: [] };
          if (templates.kind === 'text') {
            // Right for text, which HTML escaping would corrupt: a note, as Bandit reports every such environment.
            context.report({
              at: call,
              message: `${what} renders text templates: right for text, but its values go in as they are, so its output must never be served as HTML`,
              severity: 'info',
              confidence: 'medium',
              ...codes,
            });
            continue;
          }
          // Severity follows what is known: request data rendered into it, or templates that are HTML, make it an
          // error; templates of unknown kind with no request data seen, a warning.
          const evidence = requestDataRendered(call);
          const rendering = templates.example ? ` (it renders ${templates.example})` : '';
          const fix = fixFor(call, value, templates);
          const report = {
            at: call,
            message: `${what} inserts \`{{ … }}\` values into HTML unescaped${rendering}: markup or \`<script>\` in the data runs in the browser (cross-site scripting)`,
            severity: templates.kind === 'html' ? ('high' as const) : ('medium' as const),
            confidence: templates.kind === 'html' ? ('high' as const) : ('medium' as const),
            ...codes,
            ...(fix ? { fix } : {}),
          };
          context.report(withFlow(report, evidence, 'high', context.meta));
        }
      },
    };
  },
});

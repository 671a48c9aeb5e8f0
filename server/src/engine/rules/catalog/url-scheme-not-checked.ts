import { defineRule } from '../rule';
import { kindBit } from '../../flow/concepts';
import { shapeTemplate } from '../../semantic/model';
import type { SemanticModel } from '../../semantic/model';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { callArguments, unparenthesize } from '../../syntax/python';
import { codeSnippet } from '../support/snippets';
import { forEachNodeInUnit } from '../../analysis/units';

/**
 * urllib functions that open whatever scheme their URL names, `file:` included (Bandit B310, Ruff S310), and where
 * the URL is: a position and the keywords that can carry it.
 */
const OPENERS = new Map<string, { readonly position: number; readonly keywords: readonly string[] }>([
  ['urllib.request.urlopen', { position: 0, keywords: ['url'] }],
  ['urllib.request.urlretrieve', { position: 0, keywords: ['url'] }],
  ['urllib.request.Request', { position: 0, keywords: ['url'] }],
  ['urllib.urlopen', { position: 0, keywords: ['url'] }],
  ['urllib.urlretrieve', { position: 0, keywords: ['url'] }],
  ['urllib2.urlopen', { position: 0, keywords: ['url'] }],
  ['urllib2.Request', { position: 0, keywords: ['url'] }],
  ['six.moves.urllib.request.urlopen', { position: 0, keywords: ['url'] }],
  ['six.moves.urllib.request.urlretrieve', { position: 0, keywords: ['url'] }],
  ['six.moves.urllib.request.Request', { position: 0, keywords: ['url'] }],
]);

/** Objects whose `open`/`retrieve` methods open any scheme their default handlers know (`file:` included). */
const OPENER_FACTORIES = new Set([
  'urllib.request.build_opener', 'urllib.request.URLopener', 'urllib.request.FancyURLopener', 'urllib.request.OpenerDirector',
  'urllib.URLopener', 'urllib.FancyURLopener', 'urllib2.build_opener',
]);
const OPENER_METHODS = new Map([
  ['open', { position: 0, keywords: ['fullurl', 'url'] }],
  ['retrieve', { position: 0, keywords: ['url'] }],
]);

/** `urlopen` accepts a `Request` too: the URL is then judged where the `Request` is built. */
const REQUEST_CLASSES = new Set(['urllib.request.Request', 'urllib2.Request', 'six.moves.urllib.request.Request']);

/** A literal start that fixes the scheme: `https://host/…`, `http://…`, `ftp://…`. */
const FIXED_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/** The expression a name stands for, through one assignment. */
function valueOf(model: SemanticModel, node: SyntaxNode): SyntaxNode {
  const expr = unparenthesize(node);
  if (expr.type !== 'identifier') return expr;
  const value = model.singleValue(expr);
  return value ? unparenthesize(value) : expr;
}

/** The object an opener method is called on was made by `build_opener()`, `URLopener()`… */
function isOpener(model: SemanticModel, receiver: SyntaxNode): boolean {
  const value = valueOf(model, receiver);
  if (value.type !== 'call') return false;
  const callee = model.calleeQualifiedName(value);
  return !!callee && OPENER_FACTORIES.has(callee);
}

/**
 * Whether the URL is checked before the call in this unit: a condition (`if`, `elif`, `assert`, a conditional
 * expression, `while`) that reads the URL's name and looks at its scheme (`url.startswith(("http:", "https:"))`,
 * `urlparse(url).scheme`, `parsed.scheme in ALLOWED` with `parsed = urlparse(url)`).
 */
function schemeChecked(model: SemanticModel, unitNode: SyntaxNode, url: SyntaxNode, call: SyntaxNode): boolean {
  const expr = unparenthesize(url);
  const names = new Set<string>();
  if (expr.type === 'identifier') names.add(expr.text);
  else if (expr.type === 'attribute') names.add(expr.text);
  else return false;
  // `parsed = urlparse(url)`, then `parsed.scheme`: the parsed value's name counts too.
  let found = false;
  forEachNodeInUnit(unitNode, (node) => {
    if (found || node.start >= call.start) return;
    if (node.type === 'assignment') {
      const left = node.child('left');
      const right = node.child('right');
      if (left?.type === 'identifier' && right && right.type === 'call' && /\b(?:urlparse|urlsplit)$/.test(model.calleeQualifiedName(right) ?? '')) {
        const argument = callArguments(right).positional[0];
        if (argument && names.has(unparenthesize(argument).text)) names.add(left.text);
      }
    }
    const condition =
      node.type === 'if_statement' || node.type === 'elif_clause' || node.type === 'while_statement'
        ? node.child('condition')
        : node.type === 'assert_statement'
          ? node.firstNamedChild()
          : node.type === 'conditional_expression'
            ? node.namedChildren[1] ?? null
            : null;
    if (condition && readsScheme(condition, names)) found = true;
  });
  return found;
}

function readsScheme(condition: SyntaxNode, names: ReadonlySet<string>): boolean {
  let reads = false;
  condition.walk((node) => {
    if (reads) return false;
    if (node.type === 'call') {
      const fn = node.child('function');
      // `url.startswith(...)`, `url.lower().startswith(...)`, `urlparse(url).scheme in ...` (below).
      if (fn?.type === 'attribute' && fn.child('attribute')?.text === 'startswith' && mentions(fn.child('object'), names)) reads = true;
    }
    if (node.type === 'attribute' && node.child('attribute')?.text === 'scheme' && mentions(node.child('object'), names)) reads = true;
    return undefined;
  });
  return reads;
}

function mentions(node: SyntaxNode | null, names: ReadonlySet<string>): boolean {
  if (!node) return false;
  if (names.has(node.text)) return true;
  let found = false;
  node.walk((inner) => {
    if (found) return false;
    if ((inner.type === 'identifier' || inner.type === 'attribute') && names.has(inner.text)) found = true;
    return undefined;
  });
  return found;
}

export default defineRule({
  usesFlow: true,
  meta: {
    id: 'VG115',
    name: 'url-scheme-not-checked',
    title: 'URL opened without checking its scheme',
    cwe: [939, 22],
    severity: 'low',
    confidence: 'medium',
    status: 'preview',
    since: '0.2.0',
    bandit: ['B310'],
    ruff: ['S310'],
    fixable: false,
    docs: {
      whatItDoes:
        'Flags `urllib.request.urlopen`, `urlretrieve`, `Request` and the `open`/`retrieve` methods of `build_opener()`/`URLopener()` objects given a URL that is not a constant and whose scheme is not fixed by a constant start (`f"https://api.example.com/{item}"`) or checked before the call (`url.startswith(("http:", "https:"))`, `urlparse(url).scheme`). A URL from the program\'s inputs (command line, environment) or from stored data is reported with low severity; a URL of unknown origin (a parameter) is a note. A URL from a web request is VG105\'s (server-side request forgery), not reported twice; at a call VG105 does not know (an opener\'s `open`), it is reported here with medium severity.',
      whyIsThisBad:
        'urllib opens every scheme it has a handler for, not just `http` and `https`: `file:///etc/passwd` reads a local file, `ftp://` reaches other servers. Code that means "download this web page" therefore also reads any file the process can read when the URL comes from a configuration, a message or a user, and returns or stores what it read.',
      example: ['import urllib.request', '', '', 'def fetch(url):', '    with urllib.request.urlopen(url, timeout=10) as reply:', '        return reply.read()'].join('\n'),
      useInstead: [
        'import urllib.request',
        '',
        '',
        'def fetch(url):',
        '    if not url.startswith(("http://", "https://")):',
        '        raise ValueError(f"not a web URL: {url!r}")',
        '    with urllib.request.urlopen(url, timeout=10) as reply:',
        '        return reply.read()',
      ].join('\n'),
      references: [
        'https://cwe.mitre.org/data/definitions/939.html',
        'https://cwe.mitre.org/data/definitions/22.html',
        'https://docs.python.org/3/library/urllib.request.html#urllib.request.urlopen',
        'https://bandit.readthedocs.io/en/latest/blacklists/blacklist_calls.html#b310-urllib-urlopen',
      ],
      knownProblems:
        'A check is recognised when a condition before the call in the same function reads the URL\'s name with `startswith` or reads `.scheme` of it (or of `urlparse(url)` assigned to a name); Vigil does not verify which schemes the check allows, nor that the failing branch stops. A URL checked in another function, or a URL object passed in already built (`Request` objects from elsewhere), is not judged. `requests`, `httpx` and `urllib3` only speak HTTP(S) and are not reported.',
    },
  },
  create(context) {
    const { model } = context;
    const unitNode = context.unit.node;
    const remote = kindBit('remote');

    const judge = (call: SyntaxNode, display: string, spec: { position: number; keywords: readonly string[] }, acceptsRequest: boolean): void => {
      const args = callArguments(call);
      const url = args.positional[spec.position] ?? spec.keywords.map((keyword) => args.keywords.get(keyword)).find((value) => !!value);
      if (!url || url.type === 'list_splat' || url.type === 'dictionary_splat') return;
      if (model.isConstant(url)) return;
      const value = valueOf(model, url);
      if (acceptsRequest && value.type === 'call' && REQUEST_CLASSES.has(model.calleeQualifiedName(value) ?? '')) return;
      const shape = model.stringShape(url);
      if (shape && FIXED_SCHEME.test(shapeTemplate(shape))) return;
      // Request data: server-side request forgery, VG105's finding for this call.
      if (context.flow.hits.some((hit) => hit.concept === 'url' && hit.sink === call && (hit.taint.kinds & remote) !== 0)) return;
      if (schemeChecked(model, unitNode, url, call)) return;
      // Request data at a call the flow models do not know as a URL sink (an opener's `open`) is this rule's to report.
      const taint = context.flow.taintOf(url);
      const fromRequest = !!taint && (taint.kinds & remote) !== 0;
      const outside = !!taint && (taint.kinds & (kindBit('local') | kindBit('stored'))) !== 0 && !fromRequest;
      const origin = fromRequest ? ', a URL from request data' : outside ? ', a URL from program input or stored data' : '';
      context.report({
        at: url,
        message: `\`${display}\` ${display.startsWith('Request(') ? 'will open' : 'opens'} \`${codeSnippet(url)}\` whatever its scheme${origin}: a \`file:\` URL reads a local file; check that it starts with \`http://\` or \`https://\` first`,
        severity: fromRequest ? 'medium' : outside ? 'low' : 'info',
        confidence: fromRequest || outside ? 'medium' : 'low',
      });
    };

    return {
      call(call) {
        const callee = model.calleeQualifiedName(call);
        const spec = callee ? OPENERS.get(callee) : undefined;
        if (spec && callee) {
          judge(call, `${callee.split('.').pop()}()`, spec, !callee.endsWith('Request'));
          return;
        }
        const fn = call.child('function');
        if (fn?.type !== 'attribute') return;
        const method = OPENER_METHODS.get(fn.child('attribute')?.text ?? '');
        const receiver = fn.child('object');
        if (method && receiver && isOpener(model, receiver)) judge(call, `${codeSnippet(fn)}()`, method, true);
      },
    };
  },
});

import { defineRule, type EditSpec, type FixSpec, type Report } from '../rule';
import { SinkHits, withFlow } from '../flowRule';
import { SHIPPED_FILE_NOTE, isShippedFile } from '../support/shippedFiles';
import type { SemanticModel } from '../../semantic/model';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { callArguments, unparenthesize } from '../../syntax/python';
import { constantTruthinessGuarded, isConstantGuarded } from '../support/fileHandlingValues';
import { mergeEdits, referenceDottedModule } from '../support/fileHandlingEdits';
import { codeSnippet } from '../support/snippets';
import { isInUnit } from '../support/units';

/**
 * What a parsing entry point takes: a file (or stream), the document text itself, or nothing yet (it builds a
 * parser that is fed later).
 */
type Input = 'file' | 'document' | 'parser' | 'server';

interface ParserFunction {
  readonly input: Input;
  /** Where an explicit `parser` argument goes (positionally; the keyword is always `parser`). */
  readonly parserIndex?: number;
  /** The defusedxml function with the same signature, when there is one. */
  readonly defused?: string;
  /** The defusedxml replacement takes no positional arguments (keyword-only in the stdlib, or no arguments at all). */
  readonly fixNeedsNoPositional?: boolean;
  readonly fixNeedsNoArguments?: boolean;
}

interface Family {
  /** Human name of the module in messages. */
  readonly label: string;
  readonly bandit: string;
  readonly ruff: string;
  /** The defusedxml module that mirrors it. */
  readonly defusedModule?: string;
  /** Patched by `defusedxml.xmlrpc.monkey_patch()` rather than by `defuse_stdlib()`. */
  readonly xmlrpc?: boolean;
  readonly functions: ReadonlyMap<string, ParserFunction>;
}

const ETREE_FUNCTIONS = new Map<string, ParserFunction>([
  ['parse', { input: 'file', parserIndex: 1, defused: 'parse' }],
  ['iterparse', { input: 'file', parserIndex: 2, defused: 'iterparse' }],
  ['fromstring', { input: 'document', parserIndex: 1, defused: 'fromstring' }],
  ['XML', { input: 'document', parserIndex: 1, defused: 'XML' }],
  ['fromstringlist', { input: 'document', parserIndex: 1 }],
  ['XMLID', { input: 'document', parserIndex: 1 }],
  ['XMLParser', { input: 'parser', defused: 'XMLParser', fixNeedsNoPositional: true }],
  ['XMLPullParser', { input: 'parser' }],
]);

const DOM_FUNCTIONS = new Map<string, ParserFunction>([
  ['parse', { input: 'file', parserIndex: 1, defused: 'parse' }],
  ['parseString', { input: 'document', parserIndex: 1, defused: 'parseString' }],
]);

const XMLRPC_CLIENT = new Map<string, ParserFunction>([['loads', { input: 'document' }]]);
const XMLRPC_SERVER = new Map<string, ParserFunction>([
  ['SimpleXMLRPCServer', { input: 'server' }],
  ['DocXMLRPCServer', { input: 'server' }],
  ['MultiPathXMLRPCServer', { input: 'server' }],
  ['CGIXMLRPCRequestHandler', { input: 'server' }],
]);

/** Standard-library XML modules by qualified name (Bandit B313–B319, and B411 for xmlrpc). */
const FAMILIES = new Map<string, Family>([
  ['xml.etree.ElementTree', { label: 'xml.etree.ElementTree', bandit: 'B314', ruff: 'S314', defusedModule: 'defusedxml.ElementTree', functions: ETREE_FUNCTIONS }],
  ['xml.etree.cElementTree', { label: 'xml.etree.cElementTree', bandit: 'B313', ruff: 'S313', defusedModule: 'defusedxml.ElementTree', functions: ETREE_FUNCTIONS }],
  [
    'xml.sax',
    {
      label: 'xml.sax',
      bandit: 'B317',
      ruff: 'S317',
      defusedModule: 'defusedxml.sax',
      functions: new Map<string, ParserFunction>([
        ['parse', { input: 'file', defused: 'parse' }],
        ['parseString', { input: 'document', defused: 'parseString' }],
        ['make_parser', { input: 'parser', defused: 'make_parser', fixNeedsNoArguments: true }],
      ]),
    },
  ],
  [
    'xml.sax.expatreader',
    {
      label: 'xml.sax.expatreader',
      bandit: 'B315',
      ruff: 'S315',
      defusedModule: 'defusedxml.expatreader',
      functions: new Map<string, ParserFunction>([['create_parser', { input: 'parser', defused: 'create_parser' }]]),
    },
  ],
  [
    'xml.dom.expatbuilder',
    {
      label: 'xml.dom.expatbuilder',
      bandit: 'B316',
      ruff: 'S316',
      defusedModule: 'defusedxml.expatbuilder',
      functions: new Map<string, ParserFunction>([
        ['parse', { input: 'file', defused: 'parse' }],
        ['parseString', { input: 'document', defused: 'parseString' }],
      ]),
    },
  ],
  ['xml.dom.minidom', { label: 'xml.dom.minidom', bandit: 'B318', ruff: 'S318', defusedModule: 'defusedxml.minidom', functions: DOM_FUNCTIONS }],
  ['xml.dom.pulldom', { label: 'xml.dom.pulldom', bandit: 'B319', ruff: 'S319', defusedModule: 'defusedxml.pulldom', functions: DOM_FUNCTIONS }],
  ['xmlrpc.client', { label: 'xmlrpc.client', bandit: 'B411', ruff: 'S411', xmlrpc: true, functions: XMLRPC_CLIENT }],
  ['xmlrpclib', { label: 'xmlrpclib', bandit: 'B411', ruff: 'S411', xmlrpc: true, functions: XMLRPC_CLIENT }],
  ['xmlrpc.server', { label: 'xmlrpc.server', bandit: 'B411', ruff: 'S411', xmlrpc: true, functions: XMLRPC_SERVER }],
  ['SimpleXMLRPCServer', { label: 'SimpleXMLRPCServer', bandit: 'B411', ruff: 'S411', xmlrpc: true, functions: XMLRPC_SERVER }],
]);

/** lxml entry points that take a `parser` (second positional or keyword). */
const LXML_PARSE = new Set(['lxml.etree.parse', 'lxml.etree.fromstring', 'lxml.etree.XML', 'lxml.etree.fromstringlist']);
const LXML_PARSERS = new Set(['lxml.etree.XMLParser', 'lxml.etree.ETCompatXMLParser', 'lxml.etree.XMLPullParser']);

/** Keywords under which the stdlib functions take the document or file. */
const INPUT_KEYWORDS = ['source', 'text', 'string', 'file', 'stream_or_string', 'data', 'sequence'];

/** `ET.parse` → `xml.etree.ElementTree` + `parse`. */
function splitCallee(callee: string): { family: Family; name: string; module: string } | null {
  const dot = callee.lastIndexOf('.');
  if (dot < 0) return null;
  const module = callee.slice(0, dot);
  const family = FAMILIES.get(module);
  const name = callee.slice(dot + 1);
  return family && family.functions.has(name) ? { family, name, module } : null;
}

/** The identifier a callee expression starts with: `ET` for `ET.parse`, `fromstring` for `fromstring`. */
function headIdentifier(expression: SyntaxNode): SyntaxNode | null {
  let expr = unparenthesize(expression);
  while (expr.type === 'attribute') {
    const object = expr.child('object');
    if (!object) return null;
    expr = unparenthesize(object);
  }
  return expr.type === 'identifier' ? expr : null;
}

/**
 * `try: from defusedxml.ElementTree import parse / except ImportError: from xml.etree.ElementTree import parse`:
 * the name resolves to the fallback, but the code prefers defusedxml wherever it is installed.
 */
function hasDefusedAlternative(model: SemanticModel, fn: SyntaxNode): boolean {
  const head = headIdentifier(fn);
  if (!head) return false;
  return model.bindingsOf(head).some((binding) => binding.kind === 'import' && /^defusedxml(\.|$)/.test(binding.qualifiedName ?? ''));
}

/**
 * Module-level calls that patch the standard library: `defusedxml.defuse_stdlib()` (every parser) and
 * `defusedxml.xmlrpc.monkey_patch()` (xmlrpc). Only top-level statements and those in module-level `if`/`try`
 * blocks are read: the module's own text is part of every unit's cache key.
 */
function modulePatches(model: SemanticModel): { stdlib: boolean; xmlrpc: boolean } {
  const found = { stdlib: false, xmlrpc: false };
  const visit = (statements: readonly SyntaxNode[], depth: number): void => {
    for (const statement of statements) {
      if (statement.type === 'expression_statement') {
        const call = statement.firstNamedChild();
        if (call?.type !== 'call') continue;
        const callee = model.calleeQualifiedName(call);
        if (callee === 'defusedxml.defuse_stdlib') found.stdlib = true;
        if (callee === 'defusedxml.xmlrpc.monkey_patch') found.xmlrpc = true;
      } else if (depth < 3 && (statement.type === 'if_statement' || statement.type === 'try_statement')) {
        for (const block of statement.descendantsOfType('block')) {
          if (block.parent && (block.parent === statement || block.parent.parent === statement)) visit(block.namedChildren, depth + 1);
        }
      }
    }
  };
  visit(model.root.namedChildren, 0);
  return found;
}

const SERIALIZERS = /^(xml\.etree\.c?ElementTree|lxml\.etree)\.(tostring|tostringlist)$/;

/**
 * XML this program just serialised itself (`minidom.parseString(ET.tostring(root)).toprettyxml()`, the usual way to
 * pretty-print): the serialisers never write a DTD, so the document cannot declare entities.
 */
function isOwnSerialisation(model: SemanticModel, node: SyntaxNode, depth = 0): boolean {
  if (depth > 3) return false;
  const expr = unparenthesize(node);
  if (expr.type === 'identifier') {
    const value = model.singleValue(expr);
    return !!value && value !== expr && isOwnSerialisation(model, value, depth + 1);
  }
  if (expr.type !== 'call') return false;
  const callee = model.calleeQualifiedName(expr);
  if (callee && SERIALIZERS.test(callee)) return true;
  const fn = expr.child('function');
  // `ET.tostring(root).decode()`, `ET.tostring(root, encoding="unicode").strip()`
  if (fn?.type === 'attribute' && ['decode', 'strip', 'encode'].includes(fn.child('attribute')?.text ?? '')) {
    const receiver = fn.child('object');
    return !!receiver && isOwnSerialisation(model, receiver, depth + 1);
  }
  return false;
}

/** A constant that is true and not a string (`resolve_entities="internal"` is lxml 5's safe default). */
function isTrueFlag(model: SemanticModel, node: SyntaxNode): boolean {
  const expr = unparenthesize(node);
  if (expr.type === 'string' || expr.type === 'concatenated_string') return false;
  if (expr.type === 'identifier') {
    const value = model.singleValue(expr);
    if (value && (unparenthesize(value).type === 'string' || unparenthesize(value).type === 'concatenated_string')) return false;
  }
  return constantTruthinessGuarded(model, expr) === true;
}

/** An lxml parser created with `resolve_entities=True`, seen through one plain assignment. */
function entityResolvingParser(model: SemanticModel, node: SyntaxNode): SyntaxNode | null {
  let expr = unparenthesize(node);
  if (expr.type === 'identifier') {
    const value = model.singleValue(expr);
    if (!value) return null;
    expr = unparenthesize(value);
  }
  if (expr.type !== 'call' || !LXML_PARSERS.has(model.calleeQualifiedName(expr) ?? '')) return null;
  const resolve = callArguments(expr).keywords.get('resolve_entities');
  return resolve && isTrueFlag(model, resolve) ? expr : null;
}

export default defineRule({
  meta: {
    id: 'VG203',
    name: 'xml-unsafe-parser',
    title: 'XML parsed with a parser open to entity attacks',
    cwe: [611, 776],
    severity: 'medium',
    confidence: 'high',
    status: 'stable',
    since: '0.1.0',
    bandit: ['B313', 'B314', 'B315', 'B316', 'B317', 'B318', 'B319', 'B320', 'B411'],
    ruff: ['S313', 'S314', 'S315', 'S316', 'S317', 'S318', 'S319', 'S320', 'S411'],
    fixable: true,
    docs: {
      whatItDoes:
        'Flags XML parsed with the standard library (`xml.etree.ElementTree`/`cElementTree` `parse`, `fromstring`, `XML`, `iterparse`, `XMLParser`; `xml.sax` `parse`, `parseString`, `make_parser`; `xml.dom.minidom`, `xml.dom.pulldom` and `xml.dom.expatbuilder` `parse`/`parseString`; `xml.sax.expatreader.create_parser`; `xmlrpc.client.loads` and the `xmlrpc.server` servers) and lxml parsing with a parser created with `resolve_entities=True`.',
      whyIsThisBad:
        'XML lets a document declare entities that expand when parsed. A few hundred bytes of nested declarations (billion laughs, quadratic blowup) expand to gigabytes and take down the process, and external entities (`<!ENTITY x SYSTEM "file:///etc/passwd">`) make the parser read local files or fetch URLs on the attacker\'s behalf (XXE, server-side request forgery). The standard-library parsers have no defences of their own: they rely on the expat library version (2.4.1 and later limit entity amplification) and on defaults that changed between Python releases. defusedxml wraps the same APIs and rejects entity declarations and external references outright.',
      example:
        'import xml.etree.ElementTree as ET\n\n\ndef import_invoice(request):\n    root = ET.fromstring(request.body)\n    return root.findtext("total")',
      useInstead:
        'import defusedxml.ElementTree as ElementTree\n\n\ndef import_invoice(request):\n    root = ElementTree.fromstring(request.body)\n    return root.findtext("total")',
      references: [
        'https://cwe.mitre.org/data/definitions/611.html',
        'https://cwe.mitre.org/data/definitions/776.html',
        'https://docs.python.org/3/library/xml.html#xml-vulnerabilities',
        'https://github.com/tiran/defusedxml',
        'https://lxml.de/FAQ.html#how-do-i-use-lxml-safely-as-a-web-service-endpoint',
        'https://cheatsheetseries.owasp.org/cheatsheets/XML_External_Entity_Prevention_Cheat_Sheet.html',
      ],
      knownProblems:
        'How exploitable a finding is depends on the runtime: since Python 3.7.1 the standard-library parsers do not resolve external entities by default, and expat 2.4.1 and later limit entity expansion, so on a current interpreter the remaining risk is mostly resource exhaustion; the finding is still reported because the code depends on those defaults and versions. Parsing a constant string (`ET.fromstring("<config/>")`) or XML the code itself just serialised with `tostring()` (`minidom.parseString(ET.tostring(root)).toprettyxml()`) is not reported, and parsing a file with a constant path (a file the program ships) is only an `info` note. Request data reaching a standard-library parser (seen by the flow layer, also through helpers) is high severity, with its path. A call given an explicit `parser=` is judged where that parser is created (a stdlib `XMLParser()` there is reported, a defusedxml or custom one is not). lxml is reported only when the parser passed to `parse`/`fromstring`/`XML` is created with `resolve_entities=True` (literally, or through one assignment); lxml 5.0 and later resolve only internal entities by default and libxml2 limits expansion, so default lxml parsing is not reported (lxml before 5.0 did resolve external entities by default). A parser installed with `etree.set_default_parser()`, `ElementTree().parse()`, parser functions passed around uncalled (`map(ET.fromstring, docs)`) and `xml.parsers.expat` are not checked. Modules that call `defusedxml.defuse_stdlib()` (or, for xmlrpc, `defusedxml.xmlrpc.monkey_patch()`) at module level are not reported; a call made in another module (the application entry point) is not seen, so those findings are false alarms there. Names imported from defusedxml with a standard-library fallback (`try: from defusedxml.ElementTree import parse` / `except ImportError:`) are not reported.',
      fixSafety:
        'Replacing the call with the defusedxml function of the same name (`defusedxml.ElementTree.parse`, `defusedxml.minidom.parseString`, `defusedxml.sax.make_parser`…) keeps the arguments and the result type, and is safe for ordinary documents. Documents that declare entities (a DTD with `<!ENTITY ...>`) or reference external ones now raise `defusedxml.EntitiesForbidden`/`ExternalReferenceForbidden`, which is the protection; the project needs the `defusedxml` package. `fromstringlist`, `XMLID`, `XMLPullParser`, `make_parser` with arguments, `XMLParser` with positional arguments, xmlrpc (use `defusedxml.xmlrpc.monkey_patch()`) and lxml (create the parser with `XMLParser(resolve_entities=False, no_network=True)`; `defusedxml.lxml` is deprecated) get no automatic fix.',
    },
  },
  usesFlow: true,
  create(context) {
    const { model } = context;
    /** Request data reaching a parser, by the flow layer: a finding with the path, high severity. */
    let sinkHits: SinkHits | undefined;
    const xmlHits = (): SinkHits => (sinkHits ??= new SinkHits(context.flow.hits, 'xml'));
    const unitNode = context.unit.node;
    let patches: { stdlib: boolean; xmlrpc: boolean } | undefined;
    const patched = (): { stdlib: boolean; xmlrpc: boolean } => (patches ??= model.moduleFact(modulePatches, modulePatches));

    const checkStdlib = (call: SyntaxNode, fn: SyntaxNode, callee: string): void => {
      const target = splitCallee(callee);
      if (!target) return;
      const { family, name } = target;
      const spec = family.functions.get(name)!;
      const args = callArguments(call);
      // An explicit parser is judged where it is created.
      if (spec.parserIndex !== undefined) {
        const parser = args.keywords.get('parser') ?? args.positional[spec.parserIndex];
        if (parser && unparenthesize(parser).type !== 'none') return;
        if (!parser && args.hasUnpacking) return;
      }
      const input = args.positional[0] ?? INPUT_KEYWORDS.map((keyword) => args.keywords.get(keyword)).find((node) => node);
      if (spec.input === 'document' || spec.input === 'file') {
        if (!input) return;
        if (spec.input === 'document' && (isConstantGuarded(model, input) || isOwnSerialisation(model, input))) return;
      }
      if (hasDefusedAlternative(model, fn)) return;
      // `defuse_stdlib()` replaces module attributes: a name imported with `from ... import` before it ran still
      // holds the original function. `monkey_patch()` swaps xmlrpc's parser class, whatever was imported.
      if (family.xmlrpc ? patched().xmlrpc || patched().stdlib : patched().stdlib && unparenthesize(fn).type === 'attribute') return;

      const subject = `\`${codeSnippet(fn, 50)}()\``;
      const weakness = `\`${family.label}\`, which has no defence of its own against malicious XML such as entity-expansion bombs (billion laughs)`;
      let message: string;
      switch (spec.input) {
        case 'file':
          message = `${subject} parses the XML in \`${codeSnippet(input!)}\` with ${weakness}`;
          break;
        case 'document':
          message = `${subject} parses \`${codeSnippet(input!)}\` with ${weakness}`;
          break;
        case 'parser':
          message = `${subject} creates a parser from ${weakness}`;
          break;
        case 'server':
          message = `${subject} parses every XML-RPC request it receives with ${weakness}`;
          break;
      }
      if (family.xmlrpc) message += ': call `defusedxml.xmlrpc.monkey_patch()` at start-up';

      let fix: FixSpec | undefined;
      const noPositional = args.positional.length === 0 && !args.hasUnpacking;
      const noArguments = noPositional && args.keywords.size === 0;
      if (
        family.defusedModule &&
        spec.defused &&
        (!spec.fixNeedsNoPositional || noPositional) &&
        (!spec.fixNeedsNoArguments || noArguments)
      ) {
        const { reference, edits } = referenceDottedModule(model, family.defusedModule);
        const replacement: EditSpec = { start: fn.start, end: fn.end, newText: `${reference}.${spec.defused}` };
        fix = {
          title: `Use \`${family.defusedModule}.${spec.defused}\``,
          safety: 'safe',
          edits: mergeEdits([replacement, ...edits]),
        };
      }
      // A file the program ships (a constant path): not attacker input, a note (issue 6).
      const shipped = spec.input === 'file' && !!input && isShippedFile(model, input);
      const report: Report = {
        at: call,
        message: shipped ? `${message}; ${SHIPPED_FILE_NOTE}` : message,
        ...(shipped ? { severity: 'info' as const, confidence: 'medium' as const } : {}),
        bandit: [family.bandit],
        ruff: [family.ruff],
        ...(fix ? { fix } : {}),
      };
      context.report(withFlow(report, xmlHits().take(call), 'high', context.meta));
    };

    const checkLxml = (call: SyntaxNode, fn: SyntaxNode, callee: string): void => {
      const args = callArguments(call);
      const subject = `\`${codeSnippet(fn, 50)}()\``;
      const input = args.positional[0] ?? args.keywords.get('source') ?? args.keywords.get('text');
      if (input && isConstantGuarded(model, input)) return;
      const what = input ? `\`${codeSnippet(input)}\`` : 'the document';
      if (callee === 'lxml.etree.iterparse') {
        const resolve = args.keywords.get('resolve_entities');
        if (!resolve || !isTrueFlag(model, resolve)) return;
        const report: Report = {
          at: call,
          message: `${subject} parses ${what} with \`resolve_entities=True\`: external entities in the document can read local files or fetch URLs (XXE)`,
          bandit: ['B320'],
          ruff: ['S320'],
        };
        context.report(withFlow(report, xmlHits().take(call), 'high', context.meta));
        return;
      }
      const parserArgument = args.keywords.get('parser') ?? args.positional[1];
      if (!parserArgument) return;
      const parser = entityResolvingParser(model, parserArgument);
      if (!parser) return;
      const related: NonNullable<Report['related']>[number][] = [];
      const parserIsName = unparenthesize(parserArgument).type === 'identifier';
      if (parserIsName && isInUnit(parser, unitNode)) {
        related.push({ at: parser, message: `\`${parserArgument.text}\` is created with \`resolve_entities=True\` here` });
      }
      const report: Report = {
        at: call,
        message: parserIsName
          ? `${subject} parses ${what} with \`${codeSnippet(parserArgument)}\`, a parser created with \`resolve_entities=True\`: external entities in the document can read local files or fetch URLs (XXE)`
          : `${subject} parses ${what} with a parser created with \`resolve_entities=True\`: external entities in the document can read local files or fetch URLs (XXE)`,
        bandit: ['B320'],
        ruff: ['S320'],
        ...(related.length > 0 ? { related } : {}),
      };
      // Request data parsed so: high, with its path (issue 10).
      context.report(withFlow(report, xmlHits().take(call), 'high', context.meta));
    };

    return {
      call(call) {
        const fn = call.child('function');
        if (!fn) return;
        const callee = model.calleeQualifiedName(call);
        if (!callee) return;
        if (LXML_PARSE.has(callee) || callee === 'lxml.etree.iterparse') {
          checkLxml(call, fn, callee);
          return;
        }
        checkStdlib(call, fn, callee);
      },
    };
  },
});

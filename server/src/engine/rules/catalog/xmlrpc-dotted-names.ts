import { defineRule } from '../rule';
import type { SemanticModel } from '../../semantic/model';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { callArguments, unparenthesize } from '../../syntax/python';
import { constantTruthiness } from '../support/call-arguments';
import { codeSnippet } from '../support/snippets';

/** The standard library's XML-RPC servers and dispatchers, whose `register_instance` takes `allow_dotted_names`. */
const SERVERS = new Set([
  'xmlrpc.server.SimpleXMLRPCServer', 'xmlrpc.server.DocXMLRPCServer', 'xmlrpc.server.SimpleXMLRPCDispatcher',
  'xmlrpc.server.CGIXMLRPCRequestHandler', 'xmlrpc.server.DocCGIXMLRPCRequestHandler', 'xmlrpc.server.MultiPathXMLRPCServer',
  'SimpleXMLRPCServer.SimpleXMLRPCServer', 'SimpleXMLRPCServer.SimpleXMLRPCDispatcher', 'SimpleXMLRPCServer.CGIXMLRPCRequestHandler',
  'DocXMLRPCServer.DocXMLRPCServer', 'DocXMLRPCServer.DocCGIXMLRPCRequestHandler',
]);

/** Whether the receiver of `register_instance` is one of the servers: `server = SimpleXMLRPCServer(...)`. */
function isServer(model: SemanticModel, receiver: SyntaxNode): boolean {
  let value = unparenthesize(receiver);
  if (value.type === 'identifier') value = unparenthesize(model.singleValue(value) ?? value);
  if (value.type !== 'call') return false;
  const callee = model.calleeQualifiedName(value);
  return !!callee && SERVERS.has(callee);
}

export default defineRule({
  meta: {
    id: 'VG610',
    name: 'xmlrpc-dotted-names',
    title: 'XML-RPC server lets clients walk object attributes',
    cwe: [749, 94],
    severity: 'high',
    confidence: 'high',
    status: 'preview',
    since: '0.2.0',
    bandit: [],
    ruff: [],
    fixable: false,
    docs: {
      whatItDoes:
        'Flags `register_instance(obj, allow_dotted_names=True)` on the standard library\'s XML-RPC servers (`xmlrpc.server.SimpleXMLRPCServer`, `DocXMLRPCServer`, `CGIXMLRPCRequestHandler`, Python 2\'s `SimpleXMLRPCServer`). A value Vigil cannot evaluate (`allow_dotted_names=flag`) is reported with medium confidence.',
      whyIsThisBad:
        'With dotted names, a client calls `a.b.c` and the server follows each attribute from the registered object: through `__init__.__globals__` and similar attributes it reaches the module\'s globals, imported modules and their functions, which lets anyone who can connect run code on the server (CVE-2005-0089; the Python documentation warns against the option). XML-RPC servers have no authentication of their own.',
      example: [
        'from xmlrpc.server import SimpleXMLRPCServer',
        '',
        '',
        'class Api:',
        '    def status(self):',
        '        return "ok"',
        '',
        '',
        'server = SimpleXMLRPCServer(("127.0.0.1", 8000))',
        'server.register_instance(Api(), allow_dotted_names=True)',
        'server.serve_forever()',
      ].join('\n'),
      useInstead: [
        'from xmlrpc.server import SimpleXMLRPCServer',
        '',
        '',
        'class Api:',
        '    def status(self):',
        '        return "ok"',
        '',
        '',
        'server = SimpleXMLRPCServer(("127.0.0.1", 8000))',
        '# Only the instance\'s own methods are callable.',
        'server.register_instance(Api())',
        'server.serve_forever()',
      ].join('\n'),
      references: [
        'https://cwe.mitre.org/data/definitions/749.html',
        'https://docs.python.org/3/library/xmlrpc.server.html#xmlrpc.server.SimpleXMLRPCServer.register_instance',
        'https://nvd.nist.gov/vuln/detail/CVE-2005-0089',
      ],
      knownProblems:
        'The keyword form is reported on any receiver (no other library\'s `register_instance` takes `allow_dotted_names`); the positional form (`register_instance(obj, True)`) only when the receiver is created from one of the servers in the same scope, or is `self` in a class deriving from one. The XML parsing of the servers is VG203\'s; the server\'s lack of authentication and TLS is not reported.',
    },
  },
  create(context) {
    const { model } = context;

    /** `self.register_instance(...)` in a class deriving from one of the servers. */
    const selfIsServer = (receiver: SyntaxNode): boolean => {
      if (receiver.text !== 'self') return false;
      const cls = receiver.ancestor('class_definition');
      const bases = cls?.child('superclasses')?.namedChildren ?? [];
      return bases.some((base) => SERVERS.has(model.qualifiedName(base) ?? ''));
    };

    return {
      call(call) {
        const fn = call.child('function');
        if (fn?.type !== 'attribute' || fn.child('attribute')?.text !== 'register_instance') return;
        const receiver = fn.child('object');
        if (!receiver) return;
        const args = callArguments(call);
        const keyword = args.keywords.get('allow_dotted_names');
        const positional = args.positional[1];
        const flag = keyword ?? (positional && (isServer(model, receiver) || selfIsServer(receiver)) ? positional : undefined);
        if (!flag) return;
        const truth = constantTruthiness(model, flag);
        if (truth === false) return;
        context.report({
          at: flag,
          message: `\`${codeSnippet(fn)}()\` with \`allow_dotted_names\`${truth === null ? ` set to \`${codeSnippet(flag)}\`` : ''}: a client can follow attributes from the registered object to the module's globals and run code on the server; register only the methods it should call`,
          ...(truth === null ? { confidence: 'medium' as const } : {}),
        });
      },
    };
  },
});

import type { Severity } from '../../findings';
import { defineRule } from '../rule';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { callArguments, stringLiteralValue } from '../../syntax/python';

/**
 * One module Bandit's and Ruff's import checks (B401–B415, S401–S415) name: why importing it deserves a look,
 * and what to use instead. `modules` are qualified names: importing one of them, a submodule of one, or a name
 * from one matches.
 */
interface ModuleRow {
  readonly modules: readonly string[];
  readonly bandit: string;
  /** Empty when Ruff retired the code (S410). */
  readonly ruff: string;
  /** `info` when the calls that matter are judged by other rules; `low` when the import itself names the risk. */
  readonly severity: Severity;
  readonly risk: string;
  readonly instead: string;
  /** Names whose import from the module is fine (`ftplib.FTP_TLS` encrypts). */
  readonly safeNames?: readonly string[];
}

const ROWS: readonly ModuleRow[] = [
  {
    modules: ['telnetlib'],
    bandit: 'B401',
    ruff: 'S401',
    severity: 'low',
    risk: 'Telnet sends passwords and data in clear text',
    instead: 'use SSH (`paramiko`, `asyncssh`)',
  },
  {
    modules: ['ftplib'],
    bandit: 'B402',
    ruff: 'S402',
    severity: 'low',
    risk: 'plain FTP sends passwords and files in clear text',
    instead: 'use `ftplib.FTP_TLS` or SFTP',
    safeNames: ['FTP_TLS'],
  },
  {
    modules: ['pickle', 'cPickle', '_pickle', 'dill', 'shelve'],
    bandit: 'B403',
    ruff: 'S403',
    severity: 'info',
    risk: 'loading a pickle runs code chosen by whoever wrote it (VG201 reports loads of data from outside)',
    instead: 'use `json` or another data-only format for data that crosses a trust boundary',
  },
  {
    modules: ['subprocess'],
    bandit: 'B404',
    ruff: 'S404',
    severity: 'info',
    risk: 'it starts other programs (VG102 reports commands run through a shell or built from data)',
    instead: 'pass commands as argument lists, without `shell=True`',
  },
  {
    modules: ['xml.etree.ElementTree', 'xml.etree.cElementTree'],
    bandit: 'B405',
    ruff: 'S405',
    severity: 'info',
    risk: 'its parsers expand entities in untrusted XML (VG203 reports the parse calls)',
    instead: 'use `defusedxml.ElementTree` to parse XML from outside',
  },
  {
    modules: ['xml.sax'],
    bandit: 'B406',
    ruff: 'S406',
    severity: 'info',
    risk: 'its parsers expand entities in untrusted XML (VG203 reports the parse calls)',
    instead: 'use `defusedxml.sax` to parse XML from outside',
  },
  {
    modules: ['xml.dom.expatbuilder'],
    bandit: 'B407',
    ruff: 'S407',
    severity: 'info',
    risk: 'its parsers expand entities in untrusted XML (VG203 reports the parse calls)',
    instead: 'use `defusedxml.expatbuilder` to parse XML from outside',
  },
  {
    modules: ['xml.dom.minidom'],
    bandit: 'B408',
    ruff: 'S408',
    severity: 'info',
    risk: 'its parsers expand entities in untrusted XML (VG203 reports the parse calls)',
    instead: 'use `defusedxml.minidom` to parse XML from outside',
  },
  {
    modules: ['xml.dom.pulldom'],
    bandit: 'B409',
    ruff: 'S409',
    severity: 'info',
    risk: 'its parsers expand entities in untrusted XML (VG203 reports the parse calls)',
    instead: 'use `defusedxml.pulldom` to parse XML from outside',
  },
  {
    modules: ['lxml'],
    bandit: 'B410',
    ruff: '',
    severity: 'info',
    risk: 'lxml before 5.0 resolved external entities by default (VG203 reports parsers created with `resolve_entities=True`)',
    instead: 'use lxml 5 or later, and `XMLParser(resolve_entities=False, no_network=True)` for XML from outside',
  },
  {
    modules: ['xmlrpc', 'xmlrpclib', 'SimpleXMLRPCServer', 'DocXMLRPCServer'],
    bandit: 'B411',
    ruff: 'S411',
    severity: 'info',
    risk: 'XML-RPC parses XML from the network with the standard library\'s parser (VG203 reports clients and servers)',
    instead: 'call `defusedxml.xmlrpc.monkey_patch()` at start-up',
  },
  {
    modules: ['wsgiref.handlers.CGIHandler', 'twisted.web.twcgi.CGIScript', 'twisted.web.twcgi.CGIDirectory'],
    bandit: 'B412',
    ruff: 'S412',
    severity: 'low',
    risk: 'a CGI handler puts the request\'s `Proxy:` header in `HTTP_PROXY`, which HTTP clients read as their proxy (httpoxy, CVE-2016-5385)',
    instead: 'serve through a WSGI server, or delete `HTTP_PROXY` from the environment before handling a request',
  },
  {
    modules: [
      'Crypto.Cipher', 'Crypto.Hash', 'Crypto.IO', 'Crypto.Protocol', 'Crypto.PublicKey', 'Crypto.Random', 'Crypto.Signature',
      'Crypto.Util',
    ],
    bandit: 'B413',
    ruff: 'S413',
    severity: 'low',
    risk: 'PyCrypto, which installs `Crypto`, has been unmaintained since 2013 and has known vulnerabilities (PyCryptodome installs the same package name, and is maintained)',
    instead: 'use `cryptography`, or PyCryptodome (`pycryptodomex` installs it as `Cryptodome`, which cannot be mistaken for PyCrypto)',
  },
  {
    modules: ['pyghmi'],
    bandit: 'B415',
    ruff: 'S415',
    severity: 'low',
    risk: 'IPMI exposes the machine\'s management controller, and its authentication leaks password hashes to anyone who asks (RAKP)',
    instead: 'keep IPMI on an isolated management network, or use Redfish over HTTPS',
  },
];

/** The row for a qualified name, and the module of the row it matched: `xml.dom.minidom.parse` → the B408 row. */
function rowFor(qualified: string): { row: ModuleRow; module: string } | null {
  for (const row of ROWS) {
    for (const module of row.modules) {
      if (qualified === module || qualified.startsWith(`${module}.`)) return { row, module };
    }
  }
  return null;
}

/** A dotted name's text without the spaces or comments that may sit between its parts. */
function dotted(node: SyntaxNode | null): string | null {
  if (!node) return null;
  if (node.type === 'aliased_import') return dotted(node.child('name'));
  if (node.type !== 'dotted_name') return null;
  return node.namedChildren.filter((part) => part.type === 'identifier').map((part) => part.text).join('.');
}

/** Functions that import a module named by a string. */
const IMPORT_FUNCTIONS = new Set(['__import__', 'importlib.import_module']);

export default defineRule({
  meta: {
    id: 'VG609',
    name: 'insecure-module-import',
    title: 'Import of a module with security implications',
    cwe: [676],
    severity: 'info',
    confidence: 'medium',
    status: 'preview',
    since: '0.2.0',
    optIn: true,
    bandit: ['B401', 'B402', 'B403', 'B404', 'B405', 'B406', 'B407', 'B408', 'B409', 'B410', 'B411', 'B412', 'B413', 'B415'],
    ruff: ['S401', 'S402', 'S403', 'S404', 'S405', 'S406', 'S407', 'S408', 'S409', 'S411', 'S412', 'S413', 'S415'],
    fixable: false,
    docs: {
      whatItDoes:
        'Off by default: enable it with `select = ["VG609"]` (or `B4`/`S4` codes, `VG6`, `ALL`). Notes imports of the modules Bandit\'s and Ruff\'s import checks name: `telnetlib`, plain `ftplib`, `pickle`/`dill`/`shelve`, `subprocess`, the standard-library XML parsers, `lxml`, `xmlrpc`, CGI handlers open to httpoxy, PyCrypto\'s `Crypto` package and `pyghmi`, through `import`, `from … import`, `__import__()` and `importlib.import_module()` with a constant name. Each note says why the module deserves a look and what to use instead.',
      whyIsThisBad:
        'An import is not a defect: what matters is what the code does with the module, and Vigil\'s other rules judge those calls (unpickling data from outside, commands run through a shell, XML parsed with entity expansion). Some imports do name a risk of their own: Telnet and plain FTP send passwords in clear text, PyCrypto is unmaintained, IPMI leaks password hashes, and a CGI handler lets a request\'s `Proxy:` header choose the proxy of every outgoing request. The notes help an audit find where those modules are used, and keep `# nosec B403`/`# noqa: S403` comments from migrated code meaningful.',
      example: ['import pickle', 'import telnetlib', '', '', 'def connect(host):', '    return telnetlib.Telnet(host)'].join('\n'),
      useInstead: ['import json', '', 'import paramiko', '', '', 'def connect(host):', '    client = paramiko.SSHClient()', '    client.load_system_host_keys()', '    client.connect(host)', '    return client'].join('\n'),
      references: [
        'https://bandit.readthedocs.io/en/latest/blacklists/blacklist_imports.html',
        'https://docs.astral.sh/ruff/rules/#flake8-bandit-s',
        'https://cwe.mitre.org/data/definitions/676.html',
        'https://cwe.mitre.org/data/definitions/319.html',
        'https://docs.python.org/3/library/pickle.html',
        'https://docs.python.org/3/library/xml.html#xml-vulnerabilities',
        'https://httpoxy.org/',
      ],
      knownProblems:
        'Notes, not defects: `subprocess`, `pickle` and the XML modules are reported as `info`, the modules whose import names a risk of their own (Telnet, plain FTP, httpoxy-prone CGI handlers, PyCrypto, IPMI) as `low`. `from ftplib import FTP_TLS` alone is not reported. `Crypto.*` is PyCrypto\'s package name and also PyCryptodome\'s (the drop-in replacement): Vigil cannot tell which one is installed. `lxml` has no Ruff code (Ruff retired S410), and is noted for Bandit\'s B410 only. Bandit\'s B414 (PyCryptodome) was removed from Bandit and is not reported. Names imported with a variable (`importlib.import_module(name)`) are not checked.',
    },
  },
  create(context) {
    const report = (at: SyntaxNode, imported: string): void => {
      const found = rowFor(imported);
      if (!found) return;
      const { row, module } = found;
      context.report({
        at,
        message: `Imports \`${module}\`: ${row.risk}; ${row.instead}`,
        severity: row.severity,
        bandit: [row.bandit],
        ruff: row.ruff ? [row.ruff] : [],
      });
    };

    return {
      import_statement(node) {
        for (const name of node.childrenOf('name')) {
          const imported = dotted(name);
          if (imported) report(name, imported);
        }
      },
      import_from_statement(node) {
        const from = dotted(node.child('module_name'));
        if (!from) return; // relative imports name the project's own modules
        const names = node.childrenOf('name');
        const whole = rowFor(from);
        if (whole) {
          const imported = names.map((name) => dotted(name));
          if (whole.row.safeNames && imported.length > 0 && imported.every((name) => name && whole.row.safeNames!.includes(name))) return;
          report(node.child('module_name')!, from);
          return;
        }
        // `from xml.dom import minidom`, `from wsgiref.handlers import CGIHandler`: the name is the module.
        for (const name of names) {
          const imported = dotted(name);
          if (imported) report(name, `${from}.${imported}`);
        }
      },
      call(call) {
        const callee = context.model.calleeQualifiedName(call);
        if (!callee || !IMPORT_FUNCTIONS.has(callee)) return;
        const first = callArguments(call).positional[0];
        const imported = first ? stringLiteralValue(first) : null;
        if (imported) report(first!, imported);
      },
    };
  },
});

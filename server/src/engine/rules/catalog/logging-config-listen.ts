import { defineRule } from '../rule';
import { callArguments, unparenthesize } from '../../syntax/python';
import { codeSnippet } from '../support/snippets';

const LISTEN: ReadonlySet<string> = new Set(['logging.config.listen']);

export default defineRule({
  meta: {
    id: 'VG606',
    name: 'logging-config-listen',
    title: 'Logging configuration accepted over a socket',
    cwe: [94],
    severity: 'medium',
    confidence: 'high',
    status: 'preview',
    since: '0.2.0',
    bandit: ['B612'],
    ruff: ['S612'],
    fixable: false,
    docs: {
      whatItDoes:
        'Flags `logging.config.listen()`, which starts a socket server that accepts logging configurations and applies them, unless a `verify=` function is passed to check what arrives.',
      whyIsThisBad:
        'A logging configuration can name any class, handler, filter or formatter to instantiate, with arguments: applying one is running code. The listener accepts configurations from any process that can connect to its port (by default 9030, on the local machine; every local user and every process, including a compromised one), and `fileConfig`-style configurations are evaluated with `eval()`. Whoever can connect can run code in the application, or silence its logs.',
      example:
        'import logging.config\n\nlistener = logging.config.listen(9030)\nlistener.start()',
      useInstead:
        'import hashlib\nimport hmac\nimport logging.config\nimport os\n\nKEY = os.environ["LOG_CONFIG_KEY"].encode()\n\n\ndef verified(data: bytes):\n    signature, _, body = data.partition(b"\\n")\n    expected = hmac.new(KEY, body, hashlib.sha256).hexdigest().encode()\n    return body if hmac.compare_digest(signature, expected) else None\n\n\nlistener = logging.config.listen(9030, verify=verified)\nlistener.start()\n\n# Better still: load the configuration from a file the application ships.',
      references: [
        'https://cwe.mitre.org/data/definitions/94.html',
        'https://docs.python.org/3/library/logging.config.html#logging.config.listen',
        'https://bandit.readthedocs.io/en/latest/blacklists/blacklist_calls.html#b612-logging-config-listen',
        'https://docs.astral.sh/ruff/rules/logging-config-insecure-listen/',
      ],
      knownProblems:
        'A call with `verify=` (or a third positional argument) is not reported: Vigil cannot judge whether the function verifies anything. `verify=None` is reported. Aliases (`from logging import config; config.listen()`, `from logging.config import listen as start`) are recognised; a call through `getattr(logging.config, "listen")` is not.',
    },
  },
  create(context) {
    const { model } = context;
    return {
      call(call) {
        const callee = model.calleeQualifiedName(call);
        if (!callee || !LISTEN.has(callee)) return;
        const args = callArguments(call);
        const verify = args.keywords.get('verify') ?? args.positional[1];
        if (verify && unparenthesize(verify).type !== 'none') return;
        if (!verify && args.hasUnpacking) return;
        context.report({
          at: call,
          message: `\`${codeSnippet(call.child('function')!)}()\` applies any logging configuration sent to its port, and a configuration can instantiate any class with any arguments: whoever can connect can run code here; pass \`verify=\` to check a signature, or load the configuration from a file`,
        });
      },
    };
  },
});

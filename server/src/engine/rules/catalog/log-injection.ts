import { defineFlowRule, sourceKind } from '../flowRule';

export default defineFlowRule({
  concept: 'log',
  message: (hit, source) =>
    `${hit.label} with ${sourceKind(hit)} (${source}) as it came in: a line break in it forges log entries; log it with \`%r\`/\`repr()\` or remove \`\\r\` and \`\\n\` first`,
  meta: {
    id: 'VG110',
    name: 'log-injection',
    title: 'Request data written to the log as is',
    cwe: [117],
    severity: 'low',
    confidence: 'medium',
    status: 'preview',
    since: '0.2.0',
    bandit: [],
    ruff: [],
    fixable: false,
    docs: {
      whatItDoes:
        'Flags request data passed to a logging call (`logging.*`, a `Logger`\'s methods, oslo.log loggers) without neutralising line breaks.',
      whyIsThisBad:
        'Logs are read by people and parsed by tools. A value such as `alice\\n2024-01-01 INFO admin logged in` adds a line that looks like a real entry, hides an attack, or injects content into a log viewer that renders HTML. Logging `repr()` of the value (`%r`) keeps it on one line.',
      example: [
        'import logging',
        '',
        'from flask import Flask, request',
        '',
        'app = Flask(__name__)',
        'LOG = logging.getLogger(__name__)',
        '',
        '',
        '@app.route("/login", methods=["POST"])',
        'def login():',
        '    LOG.info("login attempt for %s", request.form["user"])',
        '    return "ok"',
      ].join('\n'),
      useInstead: [
        'import logging',
        '',
        'from flask import Flask, request',
        '',
        'app = Flask(__name__)',
        'LOG = logging.getLogger(__name__)',
        '',
        '',
        '@app.route("/login", methods=["POST"])',
        'def login():',
        '    LOG.info("login attempt for %r", request.form["user"])',
        '    return "ok"',
      ].join('\n'),
      references: ['https://cwe.mitre.org/data/definitions/117.html', 'https://owasp.org/www-community/attacks/Log_Injection'],
      knownProblems:
        'A `%r` placeholder is not yet recognised as neutralising the argument it formats; `repr(value)` and `json.dumps(value)` are. A log handler or formatter that escapes line breaks is not seen.',
    },
  },
});

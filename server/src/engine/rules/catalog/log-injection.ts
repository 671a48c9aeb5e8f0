import { defineFlowRule, sourceKind } from '../flowRule';
import type { RuleContext } from '../rule';
import type { FlowHit } from '../../flow/interpreter';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { callArguments, unparenthesize } from '../../syntax/python';
import { percentConversions } from '../support/formatStrings';

/** Containers print their elements with `repr()`, which shows a line break as `\\n`: `LOG.info("%s", {"q": q})`. */
const CONTAINERS = new Set(['dictionary', 'list', 'tuple', 'set', 'dictionary_comprehension', 'list_comprehension', 'set_comprehension']);

/**
 * Whether the logging call itself keeps the value on one line: it is formatted with `%r` by the call's constant
 * template (`LOG.warning("from %r", referer)`), or it is a container, whose `str()` is its elements' `repr()`.
 */
function loggedOnOneLine(hit: FlowHit, context: RuleContext): boolean {
  if (hit.sink.type !== 'call') return false;
  const argument = unparenthesize(hit.argument);
  const positional = callArguments(hit.sink).positional;
  const index = positional.findIndex((node: SyntaxNode) => node === hit.argument || unparenthesize(node) === argument);
  const template = positional[0] && index > 0 ? context.model.constantText(positional[0]) : null;
  // `%(name)s` takes the values out of a mapping and formats each with `str()`: not this case.
  const conversions = template === null ? null : percentConversions(template);
  if (!conversions) return false;
  const value = argument.type === 'identifier' ? context.model.singleValue(argument) : argument;
  if (value && CONTAINERS.has(unparenthesize(value).type)) return true;
  return conversions[index - 1] === 'r';
}

export default defineFlowRule({
  concept: 'log',
  accept: (hit, context) => !loggedOnOneLine(hit, context),
  onePerSink: true,
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
        'Not flagged: a value formatted with `%r` by the call\'s constant template, `repr(value)` and `json.dumps(value)`, and a container (dict, list, tuple, set) logged with positional `%s`, whose `str()` shows its elements\' line breaks as `\\n`; a container whose values a `%(name)s` template takes out is still reported. One finding per logging call, for its first untrusted argument. A log handler or formatter that escapes line breaks is not seen, nor `!r` in f-strings and `.format()`.',
    },
  },
});

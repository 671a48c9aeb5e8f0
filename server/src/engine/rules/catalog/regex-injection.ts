import { defineFlowRule, sourceKind } from '../flowRule';

export default defineFlowRule({
  concept: 'regex',
  message: (hit, source) =>
    `${hit.label}, built from ${sourceKind(hit)} (${source}): a pattern such as \`(a+)+$\` makes matching take exponential time and ties up the worker; escape the data with \`re.escape\` to match it literally`,
  meta: {
    id: 'VG111',
    name: 'regex-injection',
    title: 'Regular expression built from request data',
    cwe: [730, 1333],
    severity: 'medium',
    confidence: 'high',
    status: 'preview',
    since: '0.2.0',
    bandit: [],
    ruff: [],
    fixable: false,
    docs: {
      whatItDoes: 'Flags request data used as (part of) the pattern of a `re` function: `re.compile`, `re.search`, `re.match`, `re.sub` and the others.',
      whyIsThisBad:
        "Python's regular expression engine backtracks: a pattern like `(a+)+$` against a long string of `a`s takes time exponential in its length. A client that chooses the pattern can stop a worker for minutes with one request (ReDoS), or widen a match the code relies on.",
      example: [
        'import re',
        '',
        'from flask import Flask, request',
        '',
        'app = Flask(__name__)',
        '',
        '',
        '@app.route("/search")',
        'def search():',
        '    pattern = re.compile(request.args["q"])',
        '    return {"hits": [name for name in NAMES if pattern.search(name)]}',
      ].join('\n'),
      useInstead: [
        'import re',
        '',
        'from flask import Flask, request',
        '',
        'app = Flask(__name__)',
        '',
        '',
        '@app.route("/search")',
        'def search():',
        '    pattern = re.compile(re.escape(request.args["q"]))',
        '    return {"hits": [name for name in NAMES if pattern.search(name)]}',
      ].join('\n'),
      references: ['https://cwe.mitre.org/data/definitions/730.html', 'https://owasp.org/www-community/attacks/Regular_expression_Denial_of_Service_-_ReDoS', 'https://docs.python.org/3/library/re.html#re.escape'],
    },
  },
});

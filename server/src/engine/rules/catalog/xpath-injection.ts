import { defineFlowRule, sourceKind } from '../flowRule';

export default defineFlowRule({
  concept: 'xpath',
  message: (hit, source) =>
    `${hit.label}, built from ${sourceKind(hit)} (${source}): a quote in the data rewrites the expression (\`' or '1'='1\`); pass the value as an XPath variable (\`tree.xpath("//user[@name=$name]", name=value)\`)`,
  meta: {
    id: 'VG113',
    name: 'xpath-injection',
    title: 'XPath expression built from request data',
    cwe: [643],
    severity: 'high',
    confidence: 'high',
    status: 'preview',
    since: '0.2.0',
    bandit: [],
    ruff: [],
    fixable: false,
    docs: {
      whatItDoes: "Flags request data in an XPath expression: lxml's `xpath()`, `XPath()`, `ETXPath()`, ElementTree `findall()`.",
      whyIsThisBad:
        'Like SQL, XPath mixes code and data in one string: a value with a quote ends the literal and adds conditions, so `//user[@name=\'` + name + `\']` can select every user, or read nodes the query never meant to expose.',
      example: [
        'from lxml import etree',
        'from flask import Flask, request',
        '',
        'app = Flask(__name__)',
        'TREE = etree.parse("users.xml")',
        '',
        '',
        '@app.route("/user")',
        'def user():',
        '    return str(TREE.xpath("//user[@name=\'" + request.args["name"] + "\']"))',
      ].join('\n'),
      useInstead: [
        'from lxml import etree',
        'from flask import Flask, request',
        '',
        'app = Flask(__name__)',
        'TREE = etree.parse("users.xml")',
        '',
        '',
        '@app.route("/user")',
        'def user():',
        '    return str(TREE.xpath("//user[@name=$name]", name=request.args["name"]))',
      ].join('\n'),
      references: ['https://cwe.mitre.org/data/definitions/643.html', 'https://lxml.de/xpathxslt.html#the-xpath-method', 'https://owasp.org/www-community/attacks/XPATH_Injection'],
    },
  },
});

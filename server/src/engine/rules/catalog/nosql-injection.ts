import { defineFlowRule, sourceKind } from '../flowRule';

export default defineFlowRule({
  concept: 'nosql',
  message: (hit, source) =>
    `${hit.label}, and ${sourceKind(hit)} (${source}) decides it: a JSON body can carry operators (\`{"$ne": null}\`, \`$where\` JavaScript) that match every document; build the filter from fields you pick and convert each value (\`str()\`, \`int()\`, \`ObjectId()\`)`,
  meta: {
    id: 'VG114',
    name: 'nosql-injection',
    title: 'MongoDB query from request data',
    cwe: [943],
    severity: 'high',
    confidence: 'medium',
    status: 'preview',
    since: '0.2.0',
    bandit: [],
    ruff: [],
    fixable: false,
    docs: {
      whatItDoes: 'Flags request data used as a PyMongo query filter or in one (`find`, `find_one`, `update_one`, `delete_many`, `aggregate`…).',
      whyIsThisBad:
        'A filter taken from a JSON body can hold query operators instead of values: `{"password": {"$ne": null}}` matches any password, and `$where` runs JavaScript on the database server. Build filters from the fields you expect and convert each value to the type you expect.',
      example: [
        'from flask import Flask, request',
        'from pymongo import MongoClient',
        '',
        'app = Flask(__name__)',
        'users = MongoClient()["app"]["users"]',
        '',
        '',
        '@app.route("/login", methods=["POST"])',
        'def login():',
        '    return {"ok": users.find_one(request.get_json()) is not None}',
      ].join('\n'),
      useInstead: [
        'from flask import Flask, request',
        'from pymongo import MongoClient',
        '',
        'app = Flask(__name__)',
        'users = MongoClient()["app"]["users"]',
        '',
        '',
        '@app.route("/login", methods=["POST"])',
        'def login():',
        '    body = request.get_json()',
        '    return {"ok": users.find_one({"name": str(body["name"])}) is not None}',
      ].join('\n'),
      references: ['https://cwe.mitre.org/data/definitions/943.html', 'https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/07-Input_Validation_Testing/05.6-Testing_for_NoSQL_Injection'],
      knownProblems: 'A filter built from request values inside a literal dict (`{"name": body["name"]}`) is still flagged when the value is not converted: a JSON value can be an object with operators.',
    },
  },
});

import { defineFlowRule, sourceKind } from '../flowRule';

export default defineFlowRule({
  concept: 'ldap',
  message: (hit, source) =>
    `${hit.label}, built from ${sourceKind(hit)} (${source}): \`*\`, \`(\` and \`)\` in the data change the filter (\`*)(uid=*\` matches every entry); escape it with \`ldap.filter.escape_filter_chars\``,
  meta: {
    id: 'VG112',
    name: 'ldap-injection',
    title: 'LDAP query built from request data',
    cwe: [90],
    severity: 'high',
    confidence: 'high',
    status: 'preview',
    since: '0.2.0',
    bandit: [],
    ruff: [],
    fixable: false,
    docs: {
      whatItDoes: 'Flags request data in the base DN or the filter of an LDAP search (python-ldap `search_s` and kin, ldap3 `Connection.search`) without escaping.',
      whyIsThisBad:
        'LDAP filters have their own syntax: a user name of `*)(uid=*` turns "this user" into "every user", which can bypass a login check built on a search or disclose the directory. Escaping turns the special characters into literals.',
      example: [
        'import ldap',
        'from flask import Flask, request',
        '',
        'app = Flask(__name__)',
        '',
        '',
        '@app.route("/user")',
        'def user():',
        '    conn = ldap.initialize("ldap://ldap.example.com")',
        '    return str(conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, "(uid=" + request.args["name"] + ")"))',
      ].join('\n'),
      useInstead: [
        'import ldap',
        'from ldap.filter import escape_filter_chars',
        'from flask import Flask, request',
        '',
        'app = Flask(__name__)',
        '',
        '',
        '@app.route("/user")',
        'def user():',
        '    conn = ldap.initialize("ldap://ldap.example.com")',
        '    name = escape_filter_chars(request.args["name"])',
        '    return str(conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, "(uid=" + name + ")"))',
      ].join('\n'),
      references: ['https://cwe.mitre.org/data/definitions/90.html', 'https://cheatsheetseries.owasp.org/cheatsheets/LDAP_Injection_Prevention_Cheat_Sheet.html'],
    },
  },
});

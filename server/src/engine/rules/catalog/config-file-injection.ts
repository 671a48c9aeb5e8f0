import { defineFlowRule, sourceKind } from '../flowRule';

export default defineFlowRule({
  concept: 'config',
  message: (hit, source) =>
    `${hit.label}, with ${sourceKind(hit)} (${source}) in it unchecked: a line break in the value adds a setting of the caller's choosing (dnsmasq's \`dhcp-script=\` runs a program); check the value against a strict pattern (\`re.fullmatch\`) or an allow-list before writing it`,
  meta: {
    id: 'VG118',
    name: 'config-file-injection',
    title: 'Configuration written from request data',
    cwe: [15, 93],
    severity: 'high',
    confidence: 'medium',
    status: 'preview',
    since: '0.2.0',
    bandit: [],
    ruff: [],
    fixable: false,
    docs: {
      whatItDoes:
        'Flags request data written into a configuration another program reads: the files OpenStack agents write for other daemons (`replace_file()` of `neutron_lib.utils.file` and `neutron.agent.linux.utils`: dnsmasq hosts and options files, keepalived, haproxy, radvd) and `configparser` settings (`ConfigParser.set`). The finding carries the path from the request.',
      whyIsThisBad:
        'Configuration files are line-based: a value with a line break in it (`tag:x,option:dns-server,1.1.1.1\\ndhcp-script=/tmp/evil`) ends the intended line and starts a directive the caller chose. Daemons such as dnsmasq and keepalived run as root and have directives that run programs or change routing, so an API field written unchecked into their configuration can take over the host or the network.',
      example: [
        'from neutron_lib.utils import file as file_utils',
        '',
        '',
        'class DhcpOptsController(wsgi.Controller):',
        '    def update(self, req, id, body):',
        '        opts = body["extra_dhcp_opts"]',
        '        lines = ["tag:%s,%s,%s" % (id, o["opt_name"], o["opt_value"]) for o in opts]',
        '        file_utils.replace_file("/var/lib/neutron/dhcp/%s/opts" % id, "\\n".join(lines))',
      ].join('\n'),
      useInstead: [
        'import re',
        '',
        'from neutron_lib.utils import file as file_utils',
        'from webob import exc',
        '',
        'OPT_VALUE = re.compile(r"[\\w.:,/-]+")',
        '',
        '',
        'class DhcpOptsController(wsgi.Controller):',
        '    def update(self, req, id, body):',
        '        lines = []',
        '        for o in body["extra_dhcp_opts"]:',
        '            # One value, one line: nothing but the characters the option needs.',
        '            if not OPT_VALUE.fullmatch(o["opt_value"]):',
        '                raise exc.HTTPBadRequest()',
        '            lines.append("tag:%s,%s" % (o["opt_name"], o["opt_value"]))',
        '        file_utils.replace_file("/var/lib/neutron/dhcp/opts", "\\n".join(lines))',
      ].join('\n'),
      references: [
        'https://cwe.mitre.org/data/definitions/15.html',
        'https://cwe.mitre.org/data/definitions/93.html',
        'https://thekelleys.org.uk/dnsmasq/docs/dnsmasq-man.html',
        'https://docs.python.org/3/library/configparser.html',
      ],
      knownProblems:
        'Only request data in the same file is followed: an agent writing values it received over RPC (which an API stored earlier) is not flagged, as the RPC payload is not known as untrusted. Configuration written with `open(...).write(...)` is not recognised (any file write would be). Checks Vigil knows: `re.fullmatch`/`re.match` guards, allow-lists, `int()` and other conversions, `json.dumps`, and validators named `validate_…`/`is_valid_…`.',
    },
  },
});

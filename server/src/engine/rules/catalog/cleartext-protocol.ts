import { defineRule } from '../rule';
import { codeSnippet } from '../support/snippets';

/** A client of a protocol that sends credentials and data unencrypted, by the qualified name of what opens it. */
interface CleartextClient {
  readonly callees: readonly string[];
  readonly protocol: string;
  /** What crosses the network in clear text. */
  readonly exposed: string;
  readonly instead: string;
  readonly bandit: string;
  readonly ruff: string;
}

const CLIENTS: readonly CleartextClient[] = [
  {
    callees: ['telnetlib.Telnet'],
    protocol: 'Telnet',
    exposed: 'the login, the password and every command and its output',
    instead: 'use SSH (`paramiko`, `asyncssh`, `fabric`)',
    bandit: 'B312',
    ruff: 'S312',
  },
  {
    callees: ['ftplib.FTP'],
    protocol: 'plain FTP',
    exposed: 'the user name, the password and the files',
    instead: 'use `ftplib.FTP_TLS` and call `prot_p()` to encrypt the files too, or SFTP (`paramiko`)',
    bandit: 'B321',
    ruff: 'S321',
  },
];

const BY_CALLEE: ReadonlyMap<string, CleartextClient> = new Map(CLIENTS.flatMap((client) => client.callees.map((callee) => [callee, client])));

export default defineRule({
  meta: {
    id: 'VG311',
    name: 'cleartext-protocol',
    title: 'Connection over a protocol without encryption (Telnet, FTP)',
    cwe: [319],
    severity: 'medium',
    confidence: 'high',
    status: 'preview',
    since: '0.2.0',
    bandit: ['B312', 'B321'],
    ruff: ['S312', 'S321'],
    fixable: false,
    docs: {
      whatItDoes:
        'Flags connections opened with the standard library\'s clients of unencrypted protocols: `telnetlib.Telnet(...)` and plain `ftplib.FTP(...)` (not `ftplib.FTP_TLS`), through any import alias. One finding per client object, where it is created.',
      whyIsThisBad:
        'Telnet and FTP send the user name and password in clear text when they log in, then every command and file. Anyone on the network path — the same Wi-Fi, a compromised router, a cloud provider\'s network — can read the password and reuse it, and can change the commands or the files in transit without either end noticing.',
      example: [
        'import ftplib',
        'import telnetlib',
        '',
        '',
        'def upload(host, password, path):',
        '    with ftplib.FTP(host, "deploy", password) as ftp, open(path, "rb") as data:',
        '        ftp.storbinary("STOR release.tar.gz", data)',
        '',
        '',
        'def reboot(host, password):',
        '    with telnetlib.Telnet(host) as session:',
        '        session.write(b"admin\\n" + password.encode() + b"\\nreboot\\n")',
      ].join('\n'),
      useInstead: [
        'import ftplib',
        '',
        'import paramiko',
        '',
        '',
        'def upload(host, password, path):',
        '    with ftplib.FTP_TLS(host, "deploy", password) as ftp, open(path, "rb") as data:',
        '        ftp.prot_p()  # encrypt the file transfers, not only the login',
        '        ftp.storbinary("STOR release.tar.gz", data)',
        '',
        '',
        'def reboot(host):',
        '    client = paramiko.SSHClient()',
        '    client.load_system_host_keys()',
        '    client.connect(host, username="admin")',
        '    client.exec_command("reboot")',
      ].join('\n'),
      references: [
        'https://cwe.mitre.org/data/definitions/319.html',
        'https://docs.python.org/3/library/ftplib.html#ftplib.FTP_TLS',
        'https://peps.python.org/pep-0594/#telnetlib',
        'https://bandit.readthedocs.io/en/latest/blacklists/blacklist_calls.html#b312-telnetlib',
        'https://bandit.readthedocs.io/en/latest/blacklists/blacklist_calls.html#b321-ftplib',
        'https://docs.astral.sh/ruff/rules/suspicious-telnet-usage/',
        'https://docs.astral.sh/ruff/rules/suspicious-ftp-lib-usage/',
      ],
      knownProblems:
        'Bandit reports these calls at `high` severity; Vigil reports them at `medium`: the exposure is real but needs a position on the network path, and an anonymous download of public files exposes no password (the files can still be altered in transit). Bandit reports every call into `ftplib`, `FTP_TLS` included; Vigil does not report `FTP_TLS`, although without `prot_p()` its file transfers are still unencrypted. Subclasses of `FTP` or `Telnet` defined in the project are not followed. `telnetlib` was removed in Python 3.13; the import itself is VG609\'s (opt-in) business.',
    },
  },
  create(context) {
    const { model } = context;
    return {
      call(call) {
        const callee = model.calleeQualifiedName(call);
        const client = callee ? BY_CALLEE.get(callee) : undefined;
        if (!client) return;
        context.report({
          at: call,
          message: `\`${codeSnippet(call.child('function') ?? call)}()\` connects over ${client.protocol}, without encryption: ${client.exposed} cross the network in clear text, readable and changeable by anyone on the path; ${client.instead}`,
          bandit: [client.bandit],
          ruff: [client.ruff],
        });
      },
    };
  },
});

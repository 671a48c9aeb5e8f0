import type { Rule } from './rule';

/**
 * Every Bandit test ID and every Ruff `S` code, and what Vigil does about each: the rules whose metadata lists it
 * (read from the rules, so the table never drifts from what `# nosec` and `# noqa` honour), or, for a code no rule
 * lists, whether it is retired (with the reason) or simply not covered yet. `scripts/docs.ts` renders this as
 * `docs/bandit-ruff-equivalents.md`.
 */

export interface ForeignCode {
  /** `B304`, `S304`. */
  readonly code: string;
  /** The tool's own name for it: `ciphers`, `suspicious-insecure-cipher-usage`. */
  readonly name: string;
}

/** Why a code maps to no rule: retired on purpose (with the reason), or not written yet. */
export interface Unmapped {
  readonly status: 'retired' | 'not-covered';
  readonly reason: string;
}

export const BANDIT_CODES: readonly ForeignCode[] = [
  ['B101', 'assert_used'], ['B102', 'exec_used'], ['B103', 'set_bad_file_permissions'],
  ['B104', 'hardcoded_bind_all_interfaces'], ['B105', 'hardcoded_password_string'],
  ['B106', 'hardcoded_password_funcarg'], ['B107', 'hardcoded_password_default'], ['B108', 'hardcoded_tmp_directory'],
  ['B109', 'password_config_option_not_marked_secret'], ['B110', 'try_except_pass'],
  ['B111', 'execute_with_run_as_root_equals_true'], ['B112', 'try_except_continue'], ['B113', 'request_without_timeout'],
  ['B201', 'flask_debug_true'], ['B202', 'tarfile_unsafe_members'],
  ['B301', 'pickle'], ['B302', 'marshal'], ['B303', 'md5'], ['B304', 'ciphers'], ['B305', 'cipher_modes'],
  ['B306', 'mktemp_q'], ['B307', 'eval'], ['B308', 'mark_safe'], ['B309', 'httpsconnection'], ['B310', 'urllib_urlopen'],
  ['B311', 'random'], ['B312', 'telnetlib'], ['B313', 'xml_bad_cElementTree'], ['B314', 'xml_bad_ElementTree'],
  ['B315', 'xml_bad_expatreader'], ['B316', 'xml_bad_expatbuilder'], ['B317', 'xml_bad_sax'], ['B318', 'xml_bad_minidom'],
  ['B319', 'xml_bad_pulldom'], ['B320', 'xml_bad_etree'], ['B321', 'ftplib'], ['B322', 'input'],
  ['B323', 'unverified_context'], ['B324', 'hashlib_insecure_functions'], ['B325', 'tempnam'],
  ['B401', 'import_telnetlib'], ['B402', 'import_ftplib'], ['B403', 'import_pickle'], ['B404', 'import_subprocess'],
  ['B405', 'import_xml_etree'], ['B406', 'import_xml_sax'], ['B407', 'import_xml_expat'], ['B408', 'import_xml_minidom'],
  ['B409', 'import_xml_pulldom'], ['B410', 'import_lxml'], ['B411', 'import_xmlrpclib'], ['B412', 'import_httpoxy'],
  ['B413', 'import_pycrypto'], ['B414', 'import_pycryptodome'], ['B415', 'import_pyghmi'],
  ['B501', 'request_with_no_cert_validation'], ['B502', 'ssl_with_bad_version'], ['B503', 'ssl_with_bad_defaults'],
  ['B504', 'ssl_with_no_version'], ['B505', 'weak_cryptographic_key'], ['B506', 'yaml_load'],
  ['B507', 'ssh_no_host_key_verification'], ['B508', 'snmp_insecure_version'], ['B509', 'snmp_weak_cryptography'],
  ['B601', 'paramiko_calls'], ['B602', 'subprocess_popen_with_shell_equals_true'],
  ['B603', 'subprocess_without_shell_equals_true'], ['B604', 'any_other_function_with_shell_equals_true'],
  ['B605', 'start_process_with_a_shell'], ['B606', 'start_process_with_no_shell'],
  ['B607', 'start_process_with_partial_path'], ['B608', 'hardcoded_sql_expressions'],
  ['B609', 'linux_commands_wildcard_injection'], ['B610', 'django_extra_used'], ['B611', 'django_rawsql_used'],
  ['B612', 'logging_config_insecure_listen'], ['B613', 'trojansource'], ['B614', 'pytorch_load'],
  ['B615', 'huggingface_unsafe_download'],
  ['B701', 'jinja2_autoescape_false'], ['B702', 'use_of_mako_templates'], ['B703', 'django_mark_safe'],
  ['B704', 'markupsafe_markup_xss'],
].map(([code, name]) => ({ code: code!, name: name! }));

export const RUFF_CODES: readonly ForeignCode[] = [
  ['S101', 'assert'], ['S102', 'exec-builtin'], ['S103', 'bad-file-permissions'], ['S104', 'hardcoded-bind-all-interfaces'],
  ['S105', 'hardcoded-password-string'], ['S106', 'hardcoded-password-func-arg'], ['S107', 'hardcoded-password-default'],
  ['S108', 'hardcoded-temp-file'], ['S110', 'try-except-pass'], ['S112', 'try-except-continue'],
  ['S113', 'request-without-timeout'], ['S201', 'flask-debug-true'], ['S202', 'tarfile-unsafe-members'],
  ['S301', 'suspicious-pickle-usage'], ['S302', 'suspicious-marshal-usage'], ['S303', 'suspicious-insecure-hash-usage'],
  ['S304', 'suspicious-insecure-cipher-usage'], ['S305', 'suspicious-insecure-cipher-mode-usage'],
  ['S306', 'suspicious-mktemp-usage'], ['S307', 'suspicious-eval-usage'], ['S308', 'suspicious-mark-safe-usage'],
  ['S310', 'suspicious-url-open-usage'], ['S311', 'suspicious-non-cryptographic-random-usage'],
  ['S312', 'suspicious-telnet-usage'], ['S313', 'suspicious-xmlc-element-tree-usage'],
  ['S314', 'suspicious-xml-element-tree-usage'], ['S315', 'suspicious-xml-expat-reader-usage'],
  ['S316', 'suspicious-xml-expat-builder-usage'], ['S317', 'suspicious-xml-sax-usage'],
  ['S318', 'suspicious-xml-mini-dom-usage'], ['S319', 'suspicious-xml-pull-dom-usage'],
  ['S320', 'suspicious-xmle-tree-usage'], ['S321', 'suspicious-ftp-lib-usage'],
  ['S323', 'suspicious-unverified-context-usage'], ['S324', 'hashlib-insecure-hash-function'],
  ['S401', 'suspicious-telnetlib-import'], ['S402', 'suspicious-ftplib-import'], ['S403', 'suspicious-pickle-import'],
  ['S404', 'suspicious-subprocess-import'], ['S405', 'suspicious-xml-etree-import'], ['S406', 'suspicious-xml-sax-import'],
  ['S407', 'suspicious-xml-expat-import'], ['S408', 'suspicious-xml-minidom-import'],
  ['S409', 'suspicious-xml-pulldom-import'], ['S410', 'suspicious-lxml-import'], ['S411', 'suspicious-xmlrpc-import'],
  ['S412', 'suspicious-httpoxy-import'], ['S413', 'suspicious-pycrypto-import'], ['S415', 'suspicious-pyghmi-import'],
  ['S501', 'request-with-no-cert-validation'], ['S502', 'ssl-insecure-version'], ['S503', 'ssl-with-bad-defaults'],
  ['S504', 'ssl-with-no-version'], ['S505', 'weak-cryptographic-key'], ['S506', 'unsafe-yaml-load'],
  ['S507', 'ssh-no-host-key-verification'], ['S508', 'snmp-insecure-version'], ['S509', 'snmp-weak-cryptography'],
  ['S601', 'paramiko-call'], ['S602', 'subprocess-popen-with-shell-equals-true'],
  ['S603', 'subprocess-without-shell-equals-true'], ['S604', 'call-with-shell-equals-true'],
  ['S605', 'start-process-with-a-shell'], ['S606', 'start-process-with-no-shell'],
  ['S607', 'start-process-with-partial-path'], ['S608', 'hardcoded-sql-expression'],
  ['S609', 'unix-command-wildcard-injection'], ['S610', 'django-extra'], ['S611', 'django-raw-sql'],
  ['S612', 'logging-config-insecure-listen'], ['S701', 'jinja2-autoescape-false'], ['S702', 'mako-templates'],
  ['S704', 'unsafe-markup-use'],
].map(([code, name]) => ({ code: code!, name: name! }));

/**
 * Bandit's process checks that report a call for what it is, not for what reaches it. Vigil's VG102 reports the same
 * calls when it sees the command run through a shell, or untrusted data (request data, program input) reach the
 * program or its arguments; a call that is neither is the program doing its job.
 */
const SUBPROCESS_WITHOUT_SHELL =
  'Bandit reports every `subprocess` call without a shell (a low-severity reminder to check the input). A call with an argument list and no shell cannot be injected with shell syntax; Vigil reports it only when untrusted data reaches the program or its arguments (VG102, command or argument injection, with the path the data took)';
const OTHER_FUNCTION_WITH_SHELL =
  'Bandit reports `shell=True` passed to any function, whatever the function is. Vigil reads `shell=` where it knows a shell starts (`subprocess`, VG102); a wrapper of your own that passes `shell=True`, or its own `shell` parameter, to `subprocess` is reported inside the wrapper, where the shell starts (VG102); a library function with a `shell=` parameter is not judged';
const PROCESS_WITHOUT_SHELL =
  'Bandit reports every `os.exec*`, `os.spawn*` and `os.startfile` call (no shell involved). Vigil reports `os.exec*` and `os.spawn*` only when untrusted data reaches the program or its arguments, or when they start a shell with a command built from data (VG102); `os.startfile` (Windows: open a file with the program registered for its type) is not reported';
const PARTIAL_EXECUTABLE_PATH =
  'Bandit reports programs named without a full path (`["git", "status"]`), because a changed `PATH` could run another program. Whoever can change the process\'s `PATH` can already run code as it, and most programs are meant to be found on `PATH`: Vigil does not report it; pin a full path where the environment is not trusted (setuid helpers, cron jobs with a user\'s environment)';

/**
 * Codes no rule lists. A `not-covered` entry is only a default: when a rule starts listing the code, the table shows
 * the rule. A `retired` code must never be listed by a rule (the docs test checks this).
 */
export const UNMAPPED: Readonly<Record<string, Unmapped>> = {
  B109: { status: 'retired', reason: 'removed from Bandit: an OpenStack oslo.config check' },
  B111: { status: 'retired', reason: 'removed from Bandit: an OpenStack rootwrap check' },
  B309: { status: 'retired', reason: 'removed from Bandit: `http.client.HTTPSConnection` verifies certificates since Python 3.4.3 (PEP 476); an unverified `context=` is VG302' },
  B322: { status: 'retired', reason: 'removed from Bandit: Python 2\'s `input()` evaluated its input; Python 3\'s does not' },
  B414: { status: 'retired', reason: 'removed from Bandit: PyCryptodome is the maintained successor of PyCrypto; its weak primitives are VG304, VG306 and VG307' },
  B603: { status: 'retired', reason: SUBPROCESS_WITHOUT_SHELL },
  S603: { status: 'retired', reason: SUBPROCESS_WITHOUT_SHELL },
  B604: { status: 'retired', reason: OTHER_FUNCTION_WITH_SHELL },
  S604: { status: 'retired', reason: OTHER_FUNCTION_WITH_SHELL },
  B606: { status: 'retired', reason: PROCESS_WITHOUT_SHELL },
  S606: { status: 'retired', reason: PROCESS_WITHOUT_SHELL },
  B607: { status: 'retired', reason: PARTIAL_EXECUTABLE_PATH },
  S607: { status: 'retired', reason: PARTIAL_EXECUTABLE_PATH },
  S410: { status: 'retired', reason: 'removed from Ruff: lxml no longer has the unsafe defaults it was flagged for; VG203 judges lxml parsers by their options' },
};

/** What Vigil does about one foreign code. */
export interface Equivalent extends ForeignCode {
  /** The active rules whose metadata lists the code, in ID order. */
  readonly rules: readonly Rule[];
  /** Set when no rule lists the code. */
  readonly unmapped?: Unmapped;
}

export function equivalents(rules: readonly Rule[], codes: readonly ForeignCode[]): Equivalent[] {
  return codes.map((foreign) => {
    const covering = rules.filter((rule) => [...rule.meta.bandit, ...rule.meta.ruff].includes(foreign.code));
    if (covering.length > 0) return { ...foreign, rules: covering };
    return { ...foreign, rules: [], unmapped: UNMAPPED[foreign.code] ?? { status: 'not-covered', reason: 'not covered yet' } };
  });
}

/** The Markdown page: one table for Bandit, one for Ruff. `ruleLink` is where the rule pages are, relative to it. */
export function equivalentsMarkdown(rules: readonly Rule[], ruleLink: string): string {
  const cell = (row: Equivalent): string => {
    if (row.rules.length > 0) {
      return row.rules.map((rule) => `[${rule.meta.id}](${ruleLink}${rule.meta.id}-${rule.meta.name}.md) \`${rule.meta.name}\``).join(', ');
    }
    const unmapped = row.unmapped!;
    if (unmapped.status === 'retired') return `retired: ${unmapped.reason}`;
    return unmapped.reason.startsWith('not covered yet') ? unmapped.reason : `not covered yet: ${unmapped.reason}`;
  };
  const table = (codes: readonly ForeignCode[], tool: string): string => {
    const rows = equivalents(rules, codes);
    const covered = rows.filter((row) => row.rules.length > 0).length;
    const retired = rows.filter((row) => row.unmapped?.status === 'retired').length;
    return [
      `${covered} of ${rows.length} ${tool} codes map to a Vigil rule; retired: ${retired}; not covered yet: ${rows.length - covered - retired}.`,
      '',
      `| ${tool} | Name | Vigil |`,
      '|---|---|---|',
      ...rows.map((row) => `| ${row.code} | \`${row.name}\` | ${cell(row)} |`),
    ].join('\n');
  };
  return [
    '# Bandit and Ruff equivalents',
    '',
    'Generated from the rules\' metadata by `npm run docs`; do not edit by hand. A rule that lists a code honours',
    '`# nosec <code>` and `# noqa: <code>` for its findings. Several codes mapping to one rule are merged into it.',
    '',
    '## Bandit',
    '',
    table(BANDIT_CODES, 'Bandit'),
    '',
    '## Ruff (`S` rules, from flake8-bandit)',
    '',
    table(RUFF_CODES, 'Ruff'),
    '',
  ].join('\n');
}

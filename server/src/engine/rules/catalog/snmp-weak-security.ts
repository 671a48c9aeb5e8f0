import type { Severity } from '../../findings';
import type { SemanticModel } from '../../semantic/model';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { callArguments, terminalName, unparenthesize } from '../../syntax/python';
import { defineRule } from '../rule';
import { codeSnippet } from '../support/snippets';

/**
 * pysnmp's security settings, by the last part of their qualified name (the classes live in a different module in
 * each pysnmp version: `pysnmp.hlapi`, `pysnmp.hlapi.asyncio`, `pysnmp.hlapi.v3arch.asyncio`, `pysnmp.hlapi.v1arch`).
 */
const COMMUNITY_DATA = 'CommunityData';
const USM_USER_DATA = 'UsmUserData';
/** The low-level API's way of configuring a community (SNMPv1/v2c): `pysnmp.entity.config.addV1System`. */
const ADD_V1_SYSTEM = 'pysnmp.entity.config.addV1System';

/** `mpModel` values of `CommunityData`: the SNMP version each one means. */
const MP_MODELS: Readonly<Record<string, string>> = { '0': 'SNMPv1', '1': 'SNMPv2c' };
/** Protocol constants that turn authentication or privacy off, or encrypt with a broken cipher. */
const NO_AUTH = 'usmNoAuthProtocol';
const NO_PRIV = 'usmNoPrivProtocol';
const WEAK_PRIV: Readonly<Record<string, string>> = { usmDESPrivProtocol: 'DES (a 56-bit key, searchable in hours)' };

/**
 * The qualified name of a call's callee; for a bare name nothing binds, the name through a `from pysnmp… import *`
 * of the module (pysnmp's own examples import that way).
 */
function pysnmpCallee(model: SemanticModel, call: SyntaxNode): string | null {
  const callee = model.calleeQualifiedName(call);
  if (callee) return callee;
  const fn = call.child('function');
  if (!fn || fn.type !== 'identifier' || model.bindingsOf(fn).length > 0) return null;
  const module = model.moduleWildcardImports().find((name) => name === 'pysnmp' || name.startsWith('pysnmp.'));
  return module ? `${module}.${fn.text}` : null;
}

function isPysnmp(callee: string, name: string): boolean {
  return callee.startsWith('pysnmp.') && callee.endsWith(`.${name}`);
}

/** Whether an argument is absent or `None`: the key it stands for is not set. */
function unset(node: SyntaxNode | undefined): boolean {
  return !node || unparenthesize(node).type === 'none';
}

export default defineRule({
  meta: {
    id: 'VG312',
    name: 'snmp-weak-security',
    title: 'SNMP without encryption: community strings or SNMPv3 without privacy',
    cwe: [319, 327],
    severity: 'medium',
    confidence: 'high',
    status: 'preview',
    since: '0.2.0',
    bandit: ['B508', 'B509'],
    ruff: ['S508', 'S509'],
    fixable: false,
    docs: {
      whatItDoes:
        'Flags pysnmp security settings that leave SNMP traffic readable: every `CommunityData(...)` (SNMPv1 with `mpModel=0`, SNMPv2c with `mpModel=1`, the default) and `pysnmp.entity.config.addV1System(...)`, and SNMPv3 `UsmUserData(...)` without an authentication key (noAuthNoPriv), without a privacy key (authNoPriv), with `usmNoAuthProtocol`/`usmNoPrivProtocol`, or encrypting with DES (`usmDESPrivProtocol`, which is also pysnmp\'s default when a privacy key is given without `privProtocol`). pysnmp\'s classes are recognised in every module they live in, also through `from pysnmp.hlapi import *`.',
      whyIsThisBad:
        'SNMPv1 and v2c authenticate with a community string sent in clear text in every packet: whoever sees one request can read the device\'s configuration, and with a write community change it (routes, interfaces, access lists). SNMPv3 fixes this only when it is configured with both keys: without an authentication key anyone can send requests as the user, and without a privacy key the requests and answers (device configuration, sometimes credentials) cross the network unencrypted. DES, the oldest SNMPv3 cipher and the one pysnmp picks when no `privProtocol` is named, can be broken by exhaustive search.',
      example: [
        'from pysnmp.hlapi import CommunityData, UsmUserData',
        '',
        'v2c = CommunityData("public")',
        'v3_no_privacy = UsmUserData("monitor", "auth-key-from-vault")',
      ].join('\n'),
      useInstead: [
        'import os',
        '',
        'from pysnmp.hlapi import UsmUserData, usmAesCfb128Protocol, usmHMACSHAAuthProtocol',
        '',
        'v3 = UsmUserData(',
        '    "monitor",',
        '    authKey=os.environ["SNMP_AUTH_KEY"],',
        '    privKey=os.environ["SNMP_PRIV_KEY"],',
        '    authProtocol=usmHMACSHAAuthProtocol,',
        '    privProtocol=usmAesCfb128Protocol,',
        ')',
      ].join('\n'),
      references: [
        'https://cwe.mitre.org/data/definitions/319.html',
        'https://cwe.mitre.org/data/definitions/327.html',
        'https://www.rfc-editor.org/rfc/rfc3414',
        'https://docs.lextudio.com/pysnmp/v7.1/docs/api-reference#security-parameters',
        'https://bandit.readthedocs.io/en/latest/plugins/b508_snmp_insecure_version.html',
        'https://bandit.readthedocs.io/en/latest/plugins/b509_snmp_weak_cryptography.html',
        'https://docs.astral.sh/ruff/rules/snmp-insecure-version/',
        'https://docs.astral.sh/ruff/rules/snmp-weak-cryptography/',
      ],
      knownProblems:
        'Bandit reports `CommunityData` only with an explicit `mpModel=0` or `mpModel=1`; Vigil reports every `CommunityData`, because the default (`mpModel=1`, SNMPv2c) sends the community string in clear text too. A key given through a variable is assumed set even if it may be `None` at run time; arguments passed with `**options` are not judged. DES (explicit, or pysnmp\'s default when `privProtocol` is not given) is a `low` finding: the traffic is encrypted, weakly; Bandit does not report it. The low-level API\'s `addV3User` is not checked. A device that only speaks SNMPv1/v2c leaves no choice: keep it on an isolated management network and suppress the finding with the reason.',
    },
  },
  create(context) {
    const { model } = context;
    return {
      call(call) {
        const callee = pysnmpCallee(model, call);
        if (!callee) return;
        const label = `\`${codeSnippet(call.child('function') ?? call)}()\``;
        const args = callArguments(call);
        if (callee === ADD_V1_SYSTEM || isPysnmp(callee, COMMUNITY_DATA)) {
          const mpModel = args.keywords.get('mpModel') ?? (callee === ADD_V1_SYSTEM ? undefined : args.positional[2]);
          const text = mpModel ? model.constantText(mpModel) : callee === ADD_V1_SYSTEM ? null : '1';
          const version = text !== null ? MP_MODELS[text] ?? 'SNMPv1/v2c' : 'SNMPv1/v2c';
          context.report({
            at: call,
            message: `${label} uses ${version}, which authenticates with a community string sent in clear text in every packet: whoever sees the traffic can query the device, and with a write community change it; use SNMPv3 \`UsmUserData\` with an authentication and a privacy key`,
            bandit: ['B508'],
            ruff: ['S508'],
          });
          return;
        }
        if (!isPysnmp(callee, USM_USER_DATA) || args.hasUnpacking) return;
        const authKey = args.positional[1] ?? args.keywords.get('authKey');
        const privKey = args.positional[2] ?? args.keywords.get('privKey');
        const authProtocol = args.positional[3] ?? args.keywords.get('authProtocol');
        const privProtocol = args.positional[4] ?? args.keywords.get('privProtocol');
        const authName = authProtocol ? terminalName(authProtocol) : null;
        const privName = privProtocol ? terminalName(privProtocol) : null;
        let problem: string | null = null;
        let severity: Severity | undefined;
        if (unset(authKey) || authName === NO_AUTH) {
          problem = 'neither authenticates nor encrypts (noAuthNoPriv): anyone can send requests as this user, and every request and answer crosses the network in clear text';
        } else if (unset(privKey) || privName === NO_PRIV) {
          problem = 'authenticates but does not encrypt (authNoPriv): every request and answer, the device\'s configuration included, crosses the network in clear text';
        } else if (privName && WEAK_PRIV[privName]) {
          problem = `encrypts with ${WEAK_PRIV[privName]}`;
          severity = 'low';
        } else if (unset(privProtocol)) {
          problem = `encrypts with ${WEAK_PRIV.usmDESPrivProtocol!}: pysnmp's default when \`privProtocol\` is not given`;
          severity = 'low';
        }
        if (!problem) return;
        context.report({
          at: call,
          message: `${label} ${problem}; give both \`authKey\` and \`privKey\`, with SHA and AES protocols`,
          ...(severity ? { severity } : {}),
          bandit: ['B509'],
          ruff: ['S509'],
        });
      },
    };
  },
});

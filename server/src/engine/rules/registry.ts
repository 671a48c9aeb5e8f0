import type { Rule } from './rule';
import sqlStringBuilding from './catalog/sql-string-building';
import shellInjection from './catalog/shell-injection';
import dynamicCodeExecution from './catalog/dynamic-code-execution';
import unsafeDeserialization from './catalog/unsafe-deserialization';
import tlsVerificationDisabled from './catalog/tls-verification-disabled';
import unverifiedSslContext from './catalog/unverified-ssl-context';
import hardcodedSecret from './catalog/hardcoded-secret';
import secretInLog from './catalog/secret-in-log';
import elevatedContextLookup from './catalog/elevated-context-lookup';
import missingOwnershipCheck from './catalog/missing-ownership-check';
import uncheckedSplitIndex from './catalog/unchecked-split-index';
import swallowedException from './catalog/swallowed-exception';
import yamlUnsafeLoad from './catalog/yaml-unsafe-load';
import xmlUnsafeParser from './catalog/xml-unsafe-parser';
import tarfileUnsafeExtraction from './catalog/tarfile-unsafe-extraction';
import huggingfaceUnpinnedRevision from './catalog/huggingface-unpinned-revision';
import sqlalchemyPickleColumn from './catalog/sqlalchemy-pickle-column';
import requestWithoutTimeout from './catalog/request-without-timeout';
import weakHash from './catalog/weak-hash';
import sshHostKeyNotVerified from './catalog/ssh-host-key-not-verified';
import weakCipher from './catalog/weak-cipher';
import weakCryptoKey from './catalog/weak-crypto-key';
import insecureTlsVersion from './catalog/insecure-tls-version';
import fastPasswordHash from './catalog/fast-password-hash';
import jwtSignatureNotVerified from './catalog/jwt-signature-not-verified';
import insecureRandomSecret from './catalog/insecure-random-secret';
import timingUnsafeComparison from './catalog/timing-unsafe-comparison';
import insecureTempFile from './catalog/insecure-temp-file';
import permissiveFileMode from './catalog/permissive-file-mode';
import bindAllInterfaces from './catalog/bind-all-interfaces';
import loggingConfigListen from './catalog/logging-config-listen';
import assertSecurityCheck from './catalog/assert-security-check';
import paramikoCommandInjection from './catalog/paramiko-command-injection';
import insecureModuleImport from './catalog/insecure-module-import';
import xmlrpcDottedNames from './catalog/xmlrpc-dotted-names';
import flaskDebugMode from './catalog/flask-debug-mode';
import jinja2AutoescapeDisabled from './catalog/jinja2-autoescape-disabled';
import djangoCsrfExempt from './catalog/django-csrf-exempt';
import djangoInsecureSettings from './catalog/django-insecure-settings';
import makoAutoescapeDisabled from './catalog/mako-autoescape-disabled';
import insecureCookie from './catalog/insecure-cookie';
import htmlMarkedSafe from './catalog/html-marked-safe';
import exceptionDetailsInResponse from './catalog/exception-details-in-response';
import permissiveCors from './catalog/permissive-cors';
import pathTraversal from './catalog/path-traversal';
import serverSideRequestForgery from './catalog/server-side-request-forgery';
import openRedirect from './catalog/open-redirect';
import reflectedXss from './catalog/reflected-xss';
import storedXss from './catalog/stored-xss';
import configFileInjection from './catalog/config-file-injection';
import templateInjection from './catalog/template-injection';
import headerInjection from './catalog/header-injection';
import logInjection from './catalog/log-injection';
import regexInjection from './catalog/regex-injection';
import ldapInjection from './catalog/ldap-injection';
import xpathInjection from './catalog/xpath-injection';
import nosqlInjection from './catalog/nosql-injection';
import urlSchemeNotChecked from './catalog/url-scheme-not-checked';
import archivePathTraversal from './catalog/archive-path-traversal';
import cleartextProtocol from './catalog/cleartext-protocol';
import snmpWeakSecurity from './catalog/snmp-weak-security';
import plaintextPasswordStorage from './catalog/plaintext-password-storage';
import bidiControlCharacter from './catalog/bidi-control-character';

/**
 * Every rule Vigil has ever had, in ID order. IDs are never reused: a retired rule stays here with status
 * `removed`. Adding a rule: one file in `catalog/`, one line here, one fixture in `test/fixtures/rules/`.
 */
export const ALL_RULES: readonly Rule[] = [
  sqlStringBuilding,
  shellInjection,
  dynamicCodeExecution,
  pathTraversal,
  serverSideRequestForgery,
  openRedirect,
  reflectedXss,
  storedXss,
  configFileInjection,
  templateInjection,
  headerInjection,
  logInjection,
  regexInjection,
  ldapInjection,
  xpathInjection,
  nosqlInjection,
  urlSchemeNotChecked,
  archivePathTraversal,
  unsafeDeserialization,
  yamlUnsafeLoad,
  xmlUnsafeParser,
  tarfileUnsafeExtraction,
  huggingfaceUnpinnedRevision,
  sqlalchemyPickleColumn,
  tlsVerificationDisabled,
  unverifiedSslContext,
  requestWithoutTimeout,
  weakHash,
  sshHostKeyNotVerified,
  weakCipher,
  weakCryptoKey,
  insecureTlsVersion,
  fastPasswordHash,
  jwtSignatureNotVerified,
  cleartextProtocol,
  snmpWeakSecurity,
  plaintextPasswordStorage,
  hardcodedSecret,
  secretInLog,
  insecureRandomSecret,
  timingUnsafeComparison,
  elevatedContextLookup,
  missingOwnershipCheck,
  uncheckedSplitIndex,
  swallowedException,
  insecureTempFile,
  permissiveFileMode,
  bindAllInterfaces,
  loggingConfigListen,
  assertSecurityCheck,
  paramikoCommandInjection,
  insecureModuleImport,
  xmlrpcDottedNames,
  bidiControlCharacter,
  flaskDebugMode,
  jinja2AutoescapeDisabled,
  djangoCsrfExempt,
  djangoInsecureSettings,
  makoAutoescapeDisabled,
  insecureCookie,
  htmlMarkedSafe,
  exceptionDetailsInResponse,
  permissiveCors,
];

/** The rules that run: everything not removed. */
export const ACTIVE_RULES: readonly Rule[] = ALL_RULES.filter((rule) => rule.meta.status !== 'removed');

const BY_ID = new Map(ALL_RULES.map((rule) => [rule.meta.id, rule]));

export function ruleById(id: string): Rule | undefined {
  return BY_ID.get(id.toUpperCase());
}

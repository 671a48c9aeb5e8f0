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
import uncheckedSplitIndex from './catalog/unchecked-split-index';
import swallowedException from './catalog/swallowed-exception';
import yamlUnsafeLoad from './catalog/yaml-unsafe-load';
import xmlUnsafeParser from './catalog/xml-unsafe-parser';
import tarfileUnsafeExtraction from './catalog/tarfile-unsafe-extraction';
import requestWithoutTimeout from './catalog/request-without-timeout';
import weakHash from './catalog/weak-hash';
import sshHostKeyNotVerified from './catalog/ssh-host-key-not-verified';
import insecureRandomSecret from './catalog/insecure-random-secret';
import timingUnsafeComparison from './catalog/timing-unsafe-comparison';
import insecureTempFile from './catalog/insecure-temp-file';
import flaskDebugMode from './catalog/flask-debug-mode';
import jinja2AutoescapeDisabled from './catalog/jinja2-autoescape-disabled';
import pathTraversal from './catalog/path-traversal';
import serverSideRequestForgery from './catalog/server-side-request-forgery';
import openRedirect from './catalog/open-redirect';
import reflectedXss from './catalog/reflected-xss';
import templateInjection from './catalog/template-injection';
import headerInjection from './catalog/header-injection';
import logInjection from './catalog/log-injection';
import regexInjection from './catalog/regex-injection';
import ldapInjection from './catalog/ldap-injection';
import xpathInjection from './catalog/xpath-injection';
import nosqlInjection from './catalog/nosql-injection';

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
  templateInjection,
  headerInjection,
  logInjection,
  regexInjection,
  ldapInjection,
  xpathInjection,
  nosqlInjection,
  unsafeDeserialization,
  yamlUnsafeLoad,
  xmlUnsafeParser,
  tarfileUnsafeExtraction,
  tlsVerificationDisabled,
  unverifiedSslContext,
  requestWithoutTimeout,
  weakHash,
  sshHostKeyNotVerified,
  hardcodedSecret,
  secretInLog,
  insecureRandomSecret,
  timingUnsafeComparison,
  elevatedContextLookup,
  uncheckedSplitIndex,
  swallowedException,
  insecureTempFile,
  flaskDebugMode,
  jinja2AutoescapeDisabled,
];

/** The rules that run: everything not removed. */
export const ACTIVE_RULES: readonly Rule[] = ALL_RULES.filter((rule) => rule.meta.status !== 'removed');

const BY_ID = new Map(ALL_RULES.map((rule) => [rule.meta.id, rule]));

export function ruleById(id: string): Rule | undefined {
  return BY_ID.get(id.toUpperCase());
}

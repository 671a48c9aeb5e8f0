import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ACTIVE_RULES } from '../server/src/engine';
import { ruleDocMarkdown } from '../server/src/engine/report/docs';
import { formatSarif } from '../server/src/engine/report/formats';
import { ruleTable } from '../server/src/engine/report/ruleTable';

const CLI = join(__dirname, '..', 'dist', 'cli.js');

/** Opt-in rules (`meta.optIn`) report only when `select` names them: every listing of the rules says so. */
describe('opt-in rules are shown as off by default', () => {
  const optIn = ACTIVE_RULES.filter((rule) => rule.meta.optIn).map((rule) => rule.meta.id);

  test('there is an opt-in rule to show (VG609, the import checks)', () => {
    assert.ok(optIn.includes('VG609'));
  });

  test('`vigil rules` marks exactly the opt-in rules, and explains the mark', () => {
    const result = spawnSync(process.execPath, [CLI, 'rules'], { encoding: 'utf8' });
    assert.equal(result.status, 0);
    const marked = result.stdout
      .split('\n')
      .filter((line) => /^VG\d+ /.test(line) && / opt-in /.test(line))
      .map((line) => line.split(' ')[0]);
    assert.deepEqual(marked, optIn);
    assert.match(result.stdout, /opt-in: off unless `select` names the rule/);
  });

  test('SARIF disables the opt-in rules in their default configuration, and only them', () => {
    const log = JSON.parse(formatSarif([], [], '0.0.0'));
    const rules: Array<{ id: string; defaultConfiguration: { level: string; enabled?: boolean } }> = log.runs[0].tool.driver.rules;
    assert.deepEqual(
      rules.filter((rule) => rule.defaultConfiguration.enabled === false).map((rule) => rule.id),
      optIn,
    );
    assert.ok(rules.every((rule) => rule.defaultConfiguration.enabled !== true), 'enabled is left to its default (true) elsewhere');
  });

  test('rule pages and the rule table say a rule is opt-in', () => {
    for (const { meta } of ACTIVE_RULES) {
      assert.equal(/\| Enabled \| off by default \(opt-in\)/.test(ruleDocMarkdown(meta)), !!meta.optIn, meta.id);
      const row = ruleTable([{ meta, create: () => ({}) }], './').split('\n')[2]!;
      assert.equal(row.includes('(opt-in)'), !!meta.optIn, meta.id);
    }
  });
});

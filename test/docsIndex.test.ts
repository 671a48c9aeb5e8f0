import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { ACTIVE_RULES } from '../server/src/engine';
import { ruleCategory } from '../server/src/engine/report/ruleTable';
import { ROOT } from '../scripts/docs';

describe('rule index and migration guide', () => {
  const index = readFileSync(join(ROOT, 'docs', 'rules', 'README.md'), 'utf8');

  test('every rule has a category (by its ID) and is listed once under it, and under each of its CWEs', () => {
    const byCategory = index.slice(index.indexOf('## By category'), index.indexOf('## By CWE'));
    const byCwe = index.slice(index.indexOf('## By CWE'));
    for (const { meta } of ACTIVE_RULES) {
      assert.notEqual(ruleCategory(meta), 'Other', `${meta.id} has no category: IDs are numbered by category (RULE_CATEGORIES)`);
      assert.equal(byCategory.split(`[${meta.id}]`).length - 1, 1, `${meta.id} is listed once by category`);
      for (const cwe of meta.cwe) {
        const row = byCwe.split('\n').find((line) => line.startsWith(`| [CWE-${cwe}]`));
        assert.ok(row?.includes(`[${meta.id}]`), `${meta.id} is listed under CWE-${cwe}`);
      }
    }
  });

  test('the migration guide exists and its relative links resolve', () => {
    const path = join(ROOT, 'docs', 'migrating.md');
    const guide = readFileSync(path, 'utf8');
    for (const heading of ['## Coming from Bandit', '## Coming from Ruff', '## Suppression comments']) assert.ok(guide.includes(heading), heading);
    const links = [...guide.matchAll(/\]\(([^)#]+\.md)\)/g)].map((match) => match[1]!);
    assert.ok(links.includes('bandit-ruff-equivalents.md') && links.includes('rules/README.md'));
    for (const link of links) assert.ok(existsSync(join(dirname(path), link)), `docs/migrating.md links ${link}`);
    assert.ok(/\[the migration guide\]\(\.\.\/migrating\.md\)/.test(index), 'the rule index links the guide');
  });
});

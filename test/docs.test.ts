import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ALL_RULES, ACTIVE_RULES } from '../server/src/engine';
import { DOC_HEADINGS } from '../server/src/engine/report/docs';
import { expectedDocs, ROOT } from '../scripts/docs';
import { BANDIT_CODES, RUFF_CODES, UNMAPPED } from '../server/src/engine/rules/equivalents';

describe('rule metadata and documentation', () => {
  test('IDs are unique, well-formed and never reused; names are kebab-case', () => {
    const ids = new Set<string>();
    const names = new Set<string>();
    for (const { meta } of ALL_RULES) {
      assert.match(meta.id, /^VG[1-9][0-9]{2}$/);
      assert.match(meta.name, /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
      assert.ok(!ids.has(meta.id), `duplicate id ${meta.id}`);
      assert.ok(!names.has(meta.name), `duplicate name ${meta.name}`);
      ids.add(meta.id);
      names.add(meta.name);
      assert.ok(meta.cwe.length > 0, `${meta.id} has a CWE`);
      for (const code of meta.bandit) assert.match(code, /^B[1-7][0-9]{2}$/);
      for (const code of meta.ruff) assert.match(code, /^S[1-7][0-9]{2}$/);
    }
  });

  test('every rule documents what, why, a bad and a good example, and references', () => {
    for (const { meta } of ACTIVE_RULES) {
      const { docs } = meta;
      for (const [field, value] of Object.entries({
        whatItDoes: docs.whatItDoes,
        whyIsThisBad: docs.whyIsThisBad,
        example: docs.example,
        useInstead: docs.useInstead,
      })) {
        assert.ok(value.trim().length > 20 && !/\bTODO\b/.test(value), `${meta.id} docs.${field} is missing`);
      }
      assert.notEqual(docs.example.trim(), docs.useInstead.trim(), `${meta.id}: the good example differs from the bad`);
      assert.ok(docs.references.some((reference) => reference.includes('cwe.mitre.org')), `${meta.id} links its CWE`);
      if (meta.fixable) assert.ok(docs.fixSafety, `${meta.id} is fixable, so it documents its fix safety`);
    }
  });

  test('rule pages have the fixed headings in order and are up to date', () => {
    for (const [path, content] of expectedDocs()) {
      assert.ok(existsSync(path), `${path} is missing: run \`npm run docs\``);
      assert.equal(readFileSync(path, 'utf8'), content, `${path} is out of date: run \`npm run docs\``);
      if (!/VG\d+-/.test(path)) continue;
      const headings = [...content.matchAll(/^## (.+)$/gm)].map((match) => match[1]!);
      const required = DOC_HEADINGS.filter((heading) => heading !== 'Known problems' && heading !== 'Fix safety');
      const positions = required.map((heading) => headings.indexOf(heading));
      assert.ok(positions.every((position) => position >= 0), `${path} lacks a required heading`);
      assert.deepEqual(positions, [...positions].sort((a, b) => a - b), `${path} headings are out of order`);
    }
  });

  test('the Bandit/Ruff equivalents table knows every code the rules list, and no rule lists a retired code', () => {
    const known = new Set([...BANDIT_CODES, ...RUFF_CODES].map((foreign) => foreign.code));
    assert.equal(known.size, BANDIT_CODES.length + RUFF_CODES.length, 'no code is listed twice');
    for (const code of Object.keys(UNMAPPED)) assert.ok(known.has(code), `UNMAPPED names unknown code ${code}`);
    for (const { meta } of ACTIVE_RULES) {
      for (const code of [...meta.bandit, ...meta.ruff]) {
        assert.ok(known.has(code), `${meta.id} lists ${code}, which the equivalents table does not know`);
        assert.notEqual(UNMAPPED[code]?.status, 'retired', `${meta.id} lists ${code}, which is marked retired`);
      }
    }
    for (const code of ['B613', 'B614', 'B615']) assert.ok(known.has(code), `${code} is in the table`);
  });

  test('package.json declares the settings the server reads', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const properties = Object.keys(manifest.contributes.configuration.properties);
    for (const setting of ['enable', 'run', 'select', 'ignore', 'minimumConfidence', 'severity']) {
      assert.ok(properties.includes(`vigil.${setting}`), `vigil.${setting} is declared`);
    }
    assert.equal(manifest.bin.vigil, 'dist/cli.js');
    assert.equal(manifest.main, './dist/client.js');
  });
});

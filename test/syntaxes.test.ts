import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

/**
 * The injection grammar that highlights suppression comments. Its patterns use only syntax that Oniguruma and
 * JavaScript read alike, so JavaScript's RegExp can check what they capture.
 */
const grammar = JSON.parse(readFileSync(join(__dirname, '..', 'syntaxes', 'vigil-suppressions.tmLanguage.json'), 'utf8'));
const manifest = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8'));

function codesIn(patternName: string, comment: string): string[] | null {
  const pattern = new RegExp(grammar.repository[patternName].match);
  const match = pattern.exec(comment);
  if (!match) return null;
  const codes = new RegExp(grammar.repository.codes.match, 'g');
  return match.slice(1).join(' ').match(codes) ?? [];
}

describe('suppression comment grammar', () => {
  test('is contributed as an injection into Python', () => {
    const contribution = manifest.contributes.grammars.find((entry: { scopeName: string }) => entry.scopeName === grammar.scopeName);
    assert.ok(contribution, 'package.json contributes the grammar');
    assert.deepEqual(contribution.injectTo, ['source.python']);
    assert.match(grammar.injectionSelector, /comment\.line\.number-sign\.python/);
  });

  test('recognises each dialect and its rule codes', () => {
    assert.deepEqual(codesIn('vigil', '# vigil: ignore[VG101, VG202]'), ['VG101', 'VG202']);
    assert.deepEqual(codesIn('vigil', '# vigil: ignore-file[VG602]'), ['VG602']);
    assert.deepEqual(codesIn('vigil', '# vigil: ignore'), []);
    assert.deepEqual(codesIn('nosec', '# nosec B602, B607'), ['B602', 'B607']);
    assert.deepEqual(codesIn('nosec', '# nosec'), []);
    assert.deepEqual(codesIn('noqa', '# noqa: S608,S101'), ['S608', 'S101']);
    assert.deepEqual(codesIn('noqa', '# noqa'), []);
    assert.equal(codesIn('vigil', '# vigilant: ignore'), null);
  });
});

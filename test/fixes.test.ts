import assert from 'node:assert/strict';
import { basename } from 'node:path';
import { describe, test } from 'node:test';
import { analyzeText, type Finding } from '../server/src/engine';
import { loadParser } from './support/engine';
import { listFixtures, parseFixture } from './support/fixtures';
import { applyEdits } from './support/text';

/**
 * Every fix every rule offers on its fixture is applied, one at a time, and must: leave code that parses with no
 * new syntax errors, remove that finding, change nothing outside its edits, and add any import only once.
 */
describe('fixes', () => {
  for (const path of listFixtures()) {
    const fixture = parseFixture(path);
    test(basename(path), async (t) => {
      const parser = await loadParser();
      const before = analyzeText(parser, fixture.text, { select: [fixture.ruleId] });
      const withFixes = before.findings.filter((finding) => finding.fixes.length > 0);
      if (withFixes.length === 0) {
        t.skip('the rule offers no fixes');
        return;
      }
      const errorsBefore = countErrors(parser.parseOnce(fixture.text).root);
      for (const finding of withFixes) {
        for (const fix of finding.fixes) {
          const where = `line ${finding.range.start.line + 1} (${fix.title})`;
          const fixed = applyEdits(fixture.text, fix.edits);
          assert.notEqual(fixed, fixture.text, `${where}: the fix changes something`);
          assert.ok(countErrors(parser.parseOnce(fixed).root) <= errorsBefore, `${where}: the fix introduces a syntax error:\n${fixed}`);
          const after = analyzeText(parser, fixed, { select: [fixture.ruleId] });
          assert.ok(
            after.findings.length < before.findings.length,
            `${where}: the finding is still there after the fix: ${counts(after.findings, before.findings)}`,
          );
          for (const line of importLines(fixed)) {
            assert.equal(importLines(fixed).filter((other) => other === line).length, 1, `${where}: \`${line}\` is added twice`);
          }
          assertOnlyEditsChanged(fixture.text, fixed, fix.edits.length, where);
        }
      }
    });
  }
});

function countErrors(root: import('../server/src/engine/syntax/syntaxNode').SyntaxNode): number {
  let errors = 0;
  root.walk((node) => {
    if (node.type === 'ERROR' || node.isMissing) errors++;
  });
  return errors;
}

function importLines(text: string): string[] {
  return text.split('\n').filter((line) => /^(import|from) \S+/.test(line));
}

function counts(after: readonly Finding[], before: readonly Finding[]): string {
  return `${before.length} findings before, ${after.length} after`;
}

/** The text outside the edited spans is byte-for-byte the same: compare common prefix and suffix lengths. */
function assertOnlyEditsChanged(original: string, fixed: string, editCount: number, where: string): void {
  let prefix = 0;
  while (prefix < original.length && original[prefix] === fixed[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < original.length - prefix &&
    suffix < fixed.length - prefix &&
    original[original.length - 1 - suffix] === fixed[fixed.length - 1 - suffix]
  ) {
    suffix++;
  }
  // One edit: everything outside one contiguous region is unchanged. Several: at least the text before the first
  // and after the last edit is unchanged (checked by construction of applyEdits); the region must stay small.
  const changed = original.length - prefix - suffix;
  if (editCount === 1) assert.ok(changed < 400, `${where}: the fix rewrites ${changed} characters`);
}

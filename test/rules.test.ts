import assert from 'node:assert/strict';
import { basename } from 'node:path';
import { describe, test } from 'node:test';
import { ALL_RULES, analyzeText, type Finding } from '../server/src/engine';
import { loadParser } from './support/engine';
import { listFixtures, parseFixture } from './support/fixtures';

/** One harness for every rule: each fixture's annotations must match the findings exactly. */
describe('rule fixtures', () => {
  const fixtures = listFixtures();

  test('every rule has a fixture and every fixture a rule', () => {
    const fixtureIds = fixtures.map((path) => basename(path).split('-')[0]);
    for (const rule of ALL_RULES) {
      if (rule.meta.status === 'removed') continue;
      const expectedName = `${rule.meta.id}-${rule.meta.name}.py`;
      assert.ok(
        fixtures.some((path) => basename(path) === expectedName),
        `rule ${rule.meta.id} has no fixture test/fixtures/rules/${expectedName}`,
      );
    }
    for (const id of fixtureIds) assert.ok(ALL_RULES.some((rule) => rule.meta.id === id), `fixture for unknown rule ${id}`);
  });

  for (const path of fixtures) {
    const fixture = parseFixture(path);
    test(basename(path), async () => {
      const parser = await loadParser();
      const positives = fixture.lines.filter((line) => line.expected.length > 0);
      const negatives = fixture.lines.filter((line) => line.ok);
      assert.ok(positives.length > 0, 'a fixture needs at least one `# expect:` line');
      assert.ok(negatives.length > 0, 'a fixture needs at least one `# ok` line');
      for (const line of fixture.lines) {
        for (const id of [...line.expected, ...line.knownMiss]) {
          assert.equal(id, fixture.ruleId, `line ${line.line + 1}: fixture for ${fixture.ruleId} annotates ${id}`);
        }
      }

      const result = analyzeText(parser, fixture.text, { select: [fixture.ruleId] });
      assert.deepEqual(result.ruleErrors, [], 'a rule threw');
      const byLine = new Map<number, Finding[]>();
      for (const finding of result.findings) {
        const list = byLine.get(finding.range.start.line) ?? [];
        list.push(finding);
        byLine.set(finding.range.start.line, list);
      }
      const problems: string[] = [];
      for (const line of fixture.lines) {
        const found = (byLine.get(line.line) ?? []).map((finding) => finding.ruleId);
        const expected = line.expected;
        if (found.length !== expected.length) {
          const text = fixture.text.split(/\r\n|\r|\n/)[line.line]!.trim();
          const detail = (byLine.get(line.line) ?? []).map((finding) => `${finding.ruleId}: ${finding.message}`);
          if (found.length > expected.length && line.knownMiss.length > 0) {
            problems.push(`line ${line.line + 1}: a known miss is now found; change it to \`# expect\`: ${text}`);
          } else if (found.length > expected.length) {
            problems.push(`line ${line.line + 1}: unexpected finding(s) ${JSON.stringify(detail)}: ${text}`);
          } else {
            problems.push(`line ${line.line + 1}: expected ${expected.join(', ')}, found ${found.length}: ${text}`);
          }
          continue;
        }
        // `[high, path]`: some finding of that rule on the line has that severity and a path from a source.
        for (const expectation of line.expectations) {
          if (!expectation.severity && !expectation.path) continue;
          const matches = (byLine.get(line.line) ?? []).filter(
            (finding) =>
              finding.ruleId === expectation.id &&
              (!expectation.severity || finding.severity === expectation.severity) &&
              (!expectation.path || finding.flow.length >= 2),
          );
          if (matches.length === 0) {
            const seen = (byLine.get(line.line) ?? []).map((finding) => `${finding.ruleId} ${finding.severity}, ${finding.flow.length} flow steps`);
            problems.push(`line ${line.line + 1}: expected ${expectation.id} [${[expectation.severity, expectation.path ? 'path' : ''].filter(Boolean).join(', ')}], found ${seen.join('; ')}`);
          }
        }
      }
      assert.deepEqual(problems, []);
    });
  }
});

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Rule fixtures annotate their own lines:
 *   `# expect: VG101`          this line must have a VG101 finding (one per listed ID; repeat an ID for two)
 *   `# ok` / `# ok: why`       a negative case: nothing may be flagged here
 *   `# known-miss: VG101 why`  a documented false negative: nothing is flagged here yet
 * Lines without annotations must not be flagged either.
 */
export interface FixtureLine {
  readonly line: number;
  readonly expected: string[];
  readonly ok: boolean;
  readonly knownMiss: string[];
}

export interface Fixture {
  readonly path: string;
  readonly ruleId: string;
  readonly text: string;
  readonly lines: FixtureLine[];
}

export const FIXTURE_DIR = join(__dirname, '..', 'fixtures', 'rules');

const EXPECT = /#\s*expect:\s*((?:[A-Z]+[0-9]+[\s,]*)+)/;
const OK = /#\s*ok\b/;
const KNOWN_MISS = /#\s*known-miss:\s*((?:[A-Z]+[0-9]+[\s,]*)+)/;

function ids(list: string | undefined): string[] {
  return (list ?? '').split(/[\s,]+/).filter((id) => /^[A-Z]+[0-9]+$/.test(id));
}

export function parseFixture(path: string): Fixture {
  const text = readFileSync(path, 'utf8');
  const ruleId = /^(VG[0-9]+)-/.exec(path.split('/').pop()!)?.[1];
  if (!ruleId) throw new Error(`fixture ${path} is not named VGnnn-rule-name.py`);
  const lines = text.split(/\r\n|\r|\n/).map((content, line) => ({
    line,
    expected: ids(EXPECT.exec(content)?.[1]),
    ok: OK.test(content),
    knownMiss: ids(KNOWN_MISS.exec(content)?.[1]),
  }));
  return { path, ruleId, text, lines };
}

export function listFixtures(): string[] {
  return readdirSync(FIXTURE_DIR)
    .filter((name) => name.endsWith('.py'))
    .sort()
    .map((name) => join(FIXTURE_DIR, name));
}

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Rule fixtures annotate their own lines:
 *   `# expect: VG101`          this line must have a VG101 finding (one per listed ID; repeat an ID for two)
 *   `# expect: VG101 [high, path]`  …of that severity, and carrying the path its data took from a source
 *   `# ok` / `# ok: why`       a negative case: nothing may be flagged here
 *   `# known-miss: VG101 why`  a documented false negative: nothing is flagged here yet
 * Lines without annotations must not be flagged either.
 */
/** What an `# expect:` entry says beyond the rule ID: `[high, path]`. */
export interface Expectation {
  readonly id: string;
  readonly severity?: string;
  readonly path?: boolean;
}

export interface FixtureLine {
  readonly line: number;
  readonly expected: string[];
  readonly expectations: Expectation[];
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

const EXPECT = /#\s*expect:\s*((?:[A-Z]+[0-9]+(?:\s*\[[a-z, ]*\])?[\s,]*)+)/;
const SEVERITY_WORDS = new Set(['info', 'low', 'medium', 'high']);
const OK = /#\s*ok\b/;
const KNOWN_MISS = /#\s*known-miss:\s*((?:[A-Z]+[0-9]+[\s,]*)+)/;

function ids(list: string | undefined): string[] {
  return expectations(list).map((entry) => entry.id);
}

function expectations(list: string | undefined): Expectation[] {
  const entries: Expectation[] = [];
  for (const match of (list ?? '').matchAll(/([A-Z]+[0-9]+)(?:\s*\[([a-z, ]*)\])?/g)) {
    const words = (match[2] ?? '').split(/[\s,]+/).filter((word) => word.length > 0);
    for (const word of words) {
      if (!SEVERITY_WORDS.has(word) && word !== 'path') throw new Error(`unknown expectation \`${word}\` for ${match[1]}`);
    }
    const severity = words.find((word) => SEVERITY_WORDS.has(word));
    entries.push({ id: match[1]!, ...(severity ? { severity } : {}), ...(words.includes('path') ? { path: true } : {}) });
  }
  return entries;
}

export function parseFixture(path: string): Fixture {
  const text = readFileSync(path, 'utf8');
  const ruleId = /^(VG[0-9]+)-/.exec(path.split('/').pop()!)?.[1];
  if (!ruleId) throw new Error(`fixture ${path} is not named VGnnn-rule-name.py`);
  const lines = text.split(/\r\n|\r|\n/).map((content, line) => ({
    line,
    expected: ids(EXPECT.exec(content)?.[1]),
    expectations: expectations(EXPECT.exec(content)?.[1]),
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

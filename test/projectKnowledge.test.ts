// A project's own sources, sinks and sanitizers (`extend-sources`, `extend-sinks`, `extend-sanitizers` in
// `[tool.vigil]` or `vigil.toml`): read into a flow model, used by the CLI, refused with a clear message when wrong.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { analyzeText, knowledgeWith, projectModel } from '../server/src/engine';
import { loadParser } from './support/engine';

const CLI = join(__dirname, '..', 'dist', 'cli.js');

const APP = [
  'from myapp.http import param',
  'from myapp.db import raw_query',
  'from myapp.security import clean_sql',
  '',
  'def search():',
  '    term = param("q")',
  "    raw_query(\"SELECT * FROM t WHERE name = '\" + term + \"'\")  # reported: a configured source reaches a configured sink",
  '',
  'def search_clean():',
  '    term = clean_sql(param("q"))',
  "    raw_query(\"SELECT * FROM t WHERE name = '\" + term + \"'\")  # not reported: a configured sanitizer",
  '',
  'def constant():',
  '    raw_query("SELECT 1")  # not reported: nothing untrusted',
  '',
].join('\n');

const CONFIG = [
  '[tool.vigil]',
  'extend-sources = [{ call = "myapp.http.param", kind = "remote" }]',
  'extend-sinks = [{ call = "myapp.db.raw_query", concept = "sql", args = [0, "query"] }]',
  'extend-sanitizers = [{ call = "myapp.security.clean_sql", concepts = ["sql"] }]',
  '',
].join('\n');

describe('project knowledge (extend-sources, extend-sinks, extend-sanitizers)', () => {
  test('a configured source reaching a configured sink is reported, with the path; a configured sanitizer cleans it', async () => {
    const parser = await loadParser();
    const { model, problems } = projectModel({
      'extend-sources': [{ call: 'myapp.http.param', kind: 'remote' }],
      'extend-sinks': [{ call: 'myapp.db.raw_query', concept: 'sql', args: [0, 'query'] }],
      'extend-sanitizers': [{ call: 'myapp.security.clean_sql', concepts: ['sql'] }],
    });
    assert.deepEqual(problems, []);
    const result = analyzeText(parser, APP, {}, { knowledge: knowledgeWith(model!) });
    const lines = result.findings.map((finding) => finding.range.start.line + 1);
    assert.deepEqual(lines, [7], JSON.stringify(result.findings.map((f) => [f.ruleId, f.range.start.line + 1, f.message])));
    const [finding] = result.findings;
    assert.equal(finding!.ruleId, 'VG101');
    assert.ok(finding!.flow.some((step) => /myapp\.http\.param\(\)/.test(step.message)), JSON.stringify(finding!.flow));
    // Without the configuration nothing is known about these calls: no flow, only the shape of the strings.
    const without = analyzeText(parser, APP).findings;
    assert.ok(without.every((f) => f.flow.length === 0 && !/project configuration/.test(f.message)), JSON.stringify(without.map((f) => f.message)));
  });

  test('entries that cannot be used are named, one message each, and the others still apply', () => {
    const { model, problems } = projectModel({
      'extend-sources': [{ call: 'a.b', kind: 'remote' }, { call: 'a.c', kind: 'network' }, 'oops'],
      'extend-sinks': [{ call: 'a.d', concept: 'sequel' }, { concept: 'sql' }, { call: 'a.e', concept: 'sql', args: [-1] }],
      'extend-sanitizers': { call: 'a.f' },
    });
    assert.equal(model?.sources?.length, 1);
    assert.equal(model?.sinks?.length ?? 0, 0);
    assert.deepEqual(problems.map((problem) => problem.split(':')[0]), [
      'extend-sources[2] must be an inline table ({ call = "…", … })',
      'extend-sources[1]',
      'extend-sinks[0]',
      'extend-sinks[1]',
      'extend-sinks[2]',
      'extend-sanitizers must be a list of inline tables',
    ]);
  });

  describe('from the command line', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'vigil-knowledge-'));
      writeFileSync(join(dir, 'app.py'), APP);
    });
    after(() => rmSync(dir, { recursive: true, force: true }));
    const vigil = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8' });

    test('`pyproject.toml` entries are used by `vigil check`', () => {
      writeFileSync(join(dir, 'pyproject.toml'), CONFIG);
      const { status, stdout, stderr } = vigil(['check', 'app.py', '--select', 'VG101']);
      assert.equal(status, 1, stderr);
      assert.match(stdout, /^app\.py:7:\d+: VG101 \[high\]/m);
      assert.equal(stdout.trim().split('\n').length, 1, stdout);
    });

    test('a wrong entry is an error naming the file and the entry (exit 2), as a wrong option is', () => {
      writeFileSync(join(dir, 'pyproject.toml'), '[tool.vigil]\nextend-sinks = [{ call = "myapp.db.raw_query", concept = "sequel" }]\n');
      const { status, stderr } = vigil(['check', 'app.py']);
      assert.equal(status, 2);
      assert.match(stderr, /pyproject\.toml: \[tool\.vigil\] extend-sinks\[0\]: `concept` must be one of sql, command/);
    });
  });
});

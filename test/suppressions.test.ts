// Suppression comments as Bandit and Ruff users write them, which of them are unused, and the per-file selection
// (project severities, test files).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Analyzer, LineIndex, analyzeText, ruleById, ruleSetting, unusedSuppressionMessage, type RuleSelection } from '../server/src/engine';
import { loadParser } from './support/engine';

async function analyse(text: string, selection: RuleSelection = {}) {
  return analyzeText(await loadParser(), text, selection);
}

/** 1-based lines of the findings of `rule`. */
async function linesOf(text: string, rule: string, selection: RuleSelection = {}): Promise<number[]> {
  const result = await analyse(text, selection);
  return result.findings.filter((finding) => finding.ruleId === rule).map((finding) => finding.range.start.line + 1);
}

const SHELL = 'import subprocess\ncmd = "ls " + input()';

describe('suppression comments', () => {
  test('words after `# nosec` that are not codes are a reason: the comment is a blanket `# nosec`', async () => {
    const text = [
      SHELL,
      'subprocess.call(cmd, shell=True)  # nosec: command is a constant list below',
      'subprocess.call(cmd, shell=True)  # nosec - checked by the caller',
      'subprocess.call(cmd, shell=True)  # nosec because reasons',
      'subprocess.call(cmd, shell=True)',
      'password = "hunter2hunter2"  # nosec - generated at deploy time, not a secret',
      'password = "hunter2hunter2"',
    ].join('\n');
    assert.deepEqual(await linesOf(text, 'VG102'), [6]);
    assert.deepEqual(await linesOf(text, 'VG401'), [8]);
  });

  test('`# nosec` codes: Bandit IDs and test names, and the codes among a reason', async () => {
    const text = [
      SHELL,
      'subprocess.call(cmd, shell=True)  # nosec B602, B607',
      'subprocess.call(cmd, shell=True)  # nosec: subprocess_popen_with_shell_equals_true',
      'subprocess.call(cmd, shell=True)  # nosec B602 -- reviewed',
      'subprocess.call(cmd, shell=True)  # nosec B101',
      'subprocess.call(cmd, shell=True)  # nosec VG102',
    ].join('\n');
    assert.deepEqual(await linesOf(text, 'VG102'), [6]);
  });

  test('`# noqa`: Ruff codes, other linters\' codes never hide a Vigil finding, a code list without codes is not a directive', async () => {
    const text = [
      SHELL,
      'subprocess.call(cmd, shell=True)  # noqa: S602',
      'subprocess.call(cmd, shell=True)  # noqa: E501',
      'subprocess.call(cmd, shell=True)  # noqa',
      'subprocess.call(cmd, shell=True)  # noqa: not a code',
      'subprocess.call(cmd, shell=True)  # noqa:E501,S602',
    ].join('\n');
    assert.deepEqual(await linesOf(text, 'VG102'), [4, 6]);
  });

  test('`# ruff: noqa: S602` covers the file; `# vigil: ignore[...]` and `ignore-file` keep working', async () => {
    assert.deepEqual(await linesOf(`# ruff: noqa: S602\n${SHELL}\nsubprocess.call(cmd, shell=True)\n`, 'VG102'), []);
    assert.deepEqual(await linesOf(`# ruff: noqa: E501\n${SHELL}\nsubprocess.call(cmd, shell=True)\n`, 'VG102'), [4]);
    assert.deepEqual(await linesOf(`${SHELL}\nsubprocess.call(cmd, shell=True)  # vigil: ignore[VG102]\n`, 'VG102'), []);
    assert.deepEqual(await linesOf(`${SHELL}\nsubprocess.call(cmd, shell=True)  # vigil: ignore[VG602]\n`, 'VG102'), [3]);
    assert.deepEqual(await linesOf(`${SHELL}\nsubprocess.call(cmd, shell=True)\n# vigil: ignore-file[shell-injection]\n`, 'VG102'), []);
  });

  test('a suppression on any line of a multi-line statement covers that statement, and only that statement', async () => {
    const text = [
      SHELL,
      'proc = subprocess.Popen(',
      '    cmd,',
      '    shell=True,  # nosec B602',
      ')',
      'proc = subprocess.Popen(',
      '    cmd,',
      '    shell=True,',
      ')  # noqa: S602',
      'proc = subprocess.Popen(  # vigil: ignore[VG102]',
      '    cmd,',
      '    shell=True,',
      ')',
      'proc = subprocess.Popen(',
      '    cmd,',
      '    shell=True,',
      ')',
      'x = 1  # nosec',
      'if subprocess.call(',
      '    cmd, shell=True',
      '):  # nosec',
      '    pass',
      'if True:  # nosec',
      '    subprocess.call(cmd, shell=True)',
    ].join('\n');
    assert.deepEqual(await linesOf(text, 'VG102'), [15, 25]);
  });

  test('--ignore-nosec leaves `# nosec` and `# noqa` out and keeps `# vigil: ignore`', async () => {
    const text = [
      SHELL,
      'subprocess.call(cmd, shell=True)  # nosec',
      'subprocess.call(cmd, shell=True)  # noqa: S602',
      'subprocess.call(cmd, shell=True)  # vigil: ignore[VG102]',
    ].join('\n');
    assert.deepEqual(await linesOf(text, 'VG102'), []);
    assert.deepEqual(await linesOf(text, 'VG102', { ignoreNosec: true }), [3, 4]);
    const result = await analyse(text, { ignoreNosec: true });
    assert.deepEqual(result.unusedSuppressions, [], 'ignored comments are not judged either');
  });
});

describe('unused suppressions', () => {
  test('reports the directives and codes that hide nothing, with their ranges', async () => {
    const text = [
      SHELL,
      'subprocess.call(cmd, shell=True)  # nosec B602, B607',
      'x = 1  # nosec',
      'y = 2  # vigil: ignore[VG102, VG999]',
      'z = 3  # noqa: E501, S602',
      'w = 4  # noqa',
      'v = 5  # nosec B603',
    ].join('\n');
    const result = await analyse(text);
    const unused = result.unusedSuppressions.map((entry) => ({
      line: entry.range.start.line + 1,
      column: entry.range.start.character + 1,
      text: entry.text,
      codes: entry.codes,
      unknown: entry.unknown,
      whole: entry.whole,
    }));
    assert.deepEqual(unused, [
      // B607 names no Vigil rule: it may serve Bandit, so Vigil says nothing of it; B602 was used.
      { line: 4, column: 8, text: '# nosec', codes: [], unknown: [], whole: true },
      { line: 5, column: 8, text: '# vigil: ignore[VG102, VG999]', codes: ['VG102'], unknown: ['VG999'], whole: true },
      // E501 is another linter's; a blanket `# noqa` serves every linter; B603 names no Vigil rule.
      { line: 6, column: 8, text: '# noqa: E501, S602', codes: ['S602'], unknown: [], whole: false },
    ]);
    assert.equal(
      unusedSuppressionMessage(result.unusedSuppressions[1]!),
      'Unused suppression `# vigil: ignore[VG102, VG999]` (unused: VG102; unknown: VG999)',
    );
    assert.equal(unusedSuppressionMessage(result.unusedSuppressions[0]!), 'Unused suppression `# nosec` (no finding here to suppress)');
  });

  test('a finding the selection hides still uses its suppression; a rule that did not run leaves its codes unjudged', async () => {
    const text = `${SHELL}\nsubprocess.call(cmd, shell=True)  # nosec B602\nx = 1  # vigil: ignore[VG102]\ny = 2  # nosec\n`;
    // VG102 ignored: it still ran, its finding exists, the comment is needed by runs that select it.
    const ignored = await analyse(text, { ignore: ['VG102'] });
    assert.deepEqual(ignored.unusedSuppressions.map((entry) => entry.text), ['# vigil: ignore[VG102]', '# nosec']);
    // Only VG3 rules ran: nothing about VG102 can be judged, nor a blanket `# nosec`.
    const selected = await analyse(text, { select: ['VG3'] });
    assert.deepEqual(selected.unusedSuppressions, []);
    // The same judged by an analyzer running only VG102: the blanket nosec is not judged (other rules did not run).
    const parser = await loadParser();
    const syntax = parser.parseOnce(text);
    const only = new Analyzer([ruleById('VG102')!]).analyze({ text, syntax, lineIndex: new LineIndex(text) });
    assert.deepEqual(only.unusedSuppressions.map((entry) => entry.text), ['# vigil: ignore[VG102]']);
  });

  test('`ignore-file` and `# ruff: noqa` directives are judged against the whole file', async () => {
    const used = await analyse(`# vigil: ignore-file[VG102]\n${SHELL}\nsubprocess.call(cmd, shell=True)\n`);
    assert.deepEqual(used.unusedSuppressions, []);
    const unused = await analyse(`# vigil: ignore-file[VG102]\n# ruff: noqa: S602, E501\nx = 1\n`);
    assert.deepEqual(unused.unusedSuppressions.map((entry) => [entry.text, entry.codes]), [
      ['# vigil: ignore-file[VG102]', ['VG102']],
      ['# ruff: noqa: S602, E501', ['S602']],
    ]);
  });
});

describe('selection per file', () => {
  const TEST_CODE = [
    'import random',
    'import subprocess',
    'def new_api_key():',
    '    return hex(random.getrandbits(128))[2:]',
    'def delete_document(request, doc):',
    '    password = "hunter2hunter2"',
    '    assert doc.owner == request.user, "not your document"',
    '    subprocess.call("ls " + input(), shell=True)',
    '',
  ].join('\n');

  test('in a test file, rules marked `inTests: skip` say nothing and `note` ones become info notes', async () => {
    const plain = await analyse(TEST_CODE);
    const inTest = await analyse(TEST_CODE, { testFile: true });
    const ids = (result: typeof plain) => result.findings.map((finding) => `${finding.ruleId}:${finding.severity}`);
    assert.ok(['VG401:', 'VG607:', 'VG403:'].every((rule) => ids(plain).some((id) => id.startsWith(rule) && !id.endsWith(':info'))), ids(plain).join(' '));
    assert.ok(!ids(inTest).some((id) => id.startsWith('VG401') || id.startsWith('VG607')), ids(inTest).join(' '));
    const random = inTest.findings.filter((finding) => finding.ruleId === 'VG403');
    assert.ok(random.length > 0 && random.every((finding) => finding.severity === 'info'), ids(inTest).join(' '));
    assert.ok(ids(inTest).includes('VG102:high'), 'other rules are unchanged');
    assert.equal(ruleById('VG607')!.meta.inTests, 'skip');
  });

  test('the project severity per rule changes the finding before min-severity sees it', async () => {
    const text = `${SHELL}\nsubprocess.call(cmd, shell=True)\n`;
    const severities = async (selection: RuleSelection) =>
      (await analyse(text, { select: ['VG102'], ...selection })).findings.map((finding) => finding.severity);
    assert.deepEqual(await severities({}), ['high']);
    assert.deepEqual(await severities({ severity: { VG102: 'low' } }), ['low']);
    assert.deepEqual(await severities({ severity: { B602: 'low' }, minSeverity: 'medium' }), []);
    assert.deepEqual(await severities({ severity: { 'shell-injection': 'info' } }), ['info']);
  });

  test('ruleSetting: the most specific key wins', () => {
    const finding = { ruleId: 'VG102', ruleName: 'shell-injection', bandit: ['B602'], ruff: ['S602'] };
    assert.equal(ruleSetting({ VG1: 'a', VG10: 'b', ALL: 'z' }, finding), 'b');
    assert.equal(ruleSetting({ VG1: 'a', s602: 'c' }, finding), 'c');
    assert.equal(ruleSetting({ 'SHELL-INJECTION': 'd', B602: 'c' }, finding), 'd');
    assert.equal(ruleSetting({ VG102: 'e', 'shell-injection': 'd' }, finding), 'e');
    assert.equal(ruleSetting({ VG2: 'x', HIGH: 'y' }, finding), undefined);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyzeText, type Finding, type RuleSelection } from '../server/src/engine';
import { loadParser } from './support/engine';

/**
 * The levels the fixtures cannot show (their annotations name rules, not levels): notes versus defects, opt-in
 * rules, and which rule reports a line that two could.
 */
async function findings(text: string, selection: RuleSelection = {}): Promise<Finding[]> {
  const result = analyzeText(await loadParser(), text, selection);
  assert.deepEqual(result.ruleErrors, []);
  return result.findings;
}

function levels(found: readonly Finding[], ruleId: string): string[] {
  return found.filter((finding) => finding.ruleId === ruleId).map((finding) => `${finding.range.start.line + 1}:${finding.severity}/${finding.confidence}`);
}

describe('catalogue levels', () => {
  test('VG101: an SQL statement built from data but not seen executed is a note; executed, an error', async () => {
    const text = [
      'def build(user_id):',
      '    return "SELECT * FROM users WHERE id = " + user_id',
      '',
      'def run(cur, user_id):',
      '    cur.execute("SELECT * FROM users WHERE id = " + user_id)',
      '',
      'def fine(cur, user_id):',
      '    cur.execute("SELECT * FROM users WHERE id = %s", (user_id,))',
      '    return "SELECT * FROM users WHERE id = %s"',
    ].join('\n');
    assert.deepEqual(levels(await findings(text, { select: ['VG101'] }), 'VG101'), ['2:info/low', '5:high/high']);
  });

  test('VG609 is opt-in: silent by default, on when a select entry names it, and honours nosec/noqa codes', async () => {
    const text = ['import pickle', 'import telnetlib', 'import subprocess  # nosec B404', 'import json', 'import ftplib  # noqa: S402'].join('\n');
    assert.deepEqual(levels(await findings(text), 'VG609'), []);
    assert.deepEqual(levels(await findings(text, { select: ['ALL'] }), 'VG609'), ['1:info/medium', '2:low/medium']);
    assert.deepEqual(levels(await findings(text, { select: ['VG6'] }), 'VG609'), ['1:info/medium', '2:low/medium']);
    assert.deepEqual(levels(await findings(text, { select: ['B403'] }), 'VG609'), ['1:info/medium']);
    assert.deepEqual(levels(await findings(text, { select: ['S401'] }), 'VG609'), ['2:low/medium']);
  });

  test('VG115: unknown URLs are notes, program input is low, request data is left to VG105', async () => {
    const text = [
      'import sys',
      'from urllib.request import urlopen',
      'from flask import Flask, request',
      'app = Flask(__name__)',
      '',
      'def fetch(url):',
      '    return urlopen(url, timeout=5)',
      '',
      'def cli():',
      '    return urlopen(sys.argv[1], timeout=5)',
      '',
      '@app.route("/p")',
      'def proxy():',
      '    return urlopen(request.args["u"], timeout=5).read()',
    ].join('\n');
    const found = await findings(text, { select: ['VG115', 'VG105'] });
    assert.deepEqual(levels(found, 'VG115'), ['7:info/low', '10:low/medium']);
    assert.deepEqual(levels(found, 'VG105').map((level) => level.split(':')[0]), ['14']);
  });

  test('VG708: a traceback is medium, a catch-all exception text low, a specific exception nothing', async () => {
    const text = [
      'import traceback',
      'from flask import Flask, jsonify',
      'app = Flask(__name__)',
      '',
      '@app.route("/a")',
      'def a():',
      '    try:',
      '        return run()',
      '    except Exception as e:',
      '        return jsonify(error=str(e), trace=traceback.format_exc()), 500',
      '',
      '@app.route("/b")',
      'def b():',
      '    try:',
      '        return run()',
      '    except ValueError as e:',
      '        return jsonify(error=str(e)), 400',
    ].join('\n');
    assert.deepEqual(levels(await findings(text, { select: ['VG708'] }), 'VG708'), ['10:low/medium', '10:medium/high']);
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TestClient } from './support/lspClient';

/** The trace's lines for one document, as `{ time, event, version }`. */
function traced(file: string, uri: string): Array<{ time: number; event: string; version: string }> {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\t'))
    .filter((fields) => fields[3] === uri)
    .map(([time, event, version]) => ({ time: Number(time), event: event!, version: version! }));
}

describe('language server: the latency trace (VIGIL_TRACE)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-trace-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a keystroke is traced from its arrival to its publication, in order, on the wall clock', async () => {
    const file = join(dir, 'trace.log');
    const client = await TestClient.start({ env: { VIGIL_TRACE: file } });
    try {
      const uri = 'file:///work/traced.py';
      const before = Date.now();
      await client.open(uri, 'import yaml\n\ndef load(fh):\n    return yaml.safe_load(fh)\n');
      await client.diagnosticsFor(uri);
      await client.change(uri, [{ range: { start: { line: 3, character: 16 }, end: { line: 3, character: 25 } }, text: 'load' }]);
      assert.equal((await client.diagnosticsFor(uri)).length, 1);
      const after = Date.now();

      const events = traced(file, uri);
      const ofVersion = (version: string) => events.filter((event) => event.version === version).map((event) => event.event);
      // The open is analysed and published like a change, but no didChange brought it.
      assert.deepEqual(ofVersion('1'), ['analysis-start', 'syntax-ready', 'analysed', 'published']);
      assert.deepEqual(ofVersion('2'), ['received', 'analysis-start', 'syntax-ready', 'analysed', 'published']);
      const times = events.filter((event) => event.version === '2').map((event) => event.time);
      assert.deepEqual(times, [...times].sort((a, b) => a - b), 'events of a version are in time order');
      for (const time of times) assert.ok(time >= before - 5 && time <= after + 5, `${time} is wall-clock ms between ${before} and ${after}`);
    } finally {
      await client.stop();
    }
  });

  test('a trace file that cannot be opened is reported on stderr, and the server serves untraced', async () => {
    const client = await TestClient.start({ env: { VIGIL_TRACE: dir } }); // a folder
    try {
      const uri = 'file:///work/untraced.py';
      await client.open(uri, 'import yaml\nyaml.load(open("f"))\n');
      assert.equal((await client.diagnosticsFor(uri)).length, 1);
      assert.match(client.stderr, /VIGIL_TRACE: cannot open .*running without a latency trace/);
    } finally {
      await client.stop();
    }
  });
});

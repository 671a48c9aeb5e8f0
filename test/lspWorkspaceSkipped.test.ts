import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REVIEW_WORKSPACE_REQUEST, type ReviewWorkspaceResult } from '../server/src/protocol';
import { TestClient } from './support/lspClient';

const VULNERABLE = ['import yaml', '', 'def load(path):', '    with open(path) as fh:', '        return yaml.load(fh)', ''].join('\n');

/** Review Workspace counts the files it finds but cannot review, each with its reason, and logs them. */
describe('Review Workspace: files it cannot review', { skip: process.platform === 'win32' && 'POSIX file names and FIFOs' }, () => {
  let root: string;
  let client: TestClient;
  let fifo = false;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'vigil-skip-'));
    mkdirSync(join(root, '.git'));
    writeFileSync(join(root, 'loader.py'), VULNERABLE);
    writeFileSync(join(root, 'blob.py'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1]));
    // A name that is not UTF-8 (Latin-1 "café.py"): no URI can name it for the editor.
    writeFileSync(Buffer.concat([Buffer.from(join(root, 'caf')), Buffer.from([0xe9]), Buffer.from('.py')]), VULNERABLE);
    fifo = spawnSync('mkfifo', [join(root, 'pipe.py')]).status === 0;
    client = await TestClient.start({ workspaceFolders: [root] });
  });
  after(async () => {
    await client.stop();
    rmSync(root, { recursive: true, force: true });
  });

  test('non-UTF-8 names, binary files and FIFOs are counted as skipped, with the reason', async () => {
    const result = await client.request<ReviewWorkspaceResult>(REVIEW_WORKSPACE_REQUEST, { workDoneToken: 'skip-1' });
    assert.equal(result.cancelled, false);
    assert.equal(result.findings, 1, 'loader.py');
    const reasons = Object.fromEntries(result.skippedFiles.map(({ path, reason }) => [path.slice(root.length + 1), reason]));
    assert.match(reasons['caf\\xe9.py'] ?? '', /name is not valid UTF-8/, JSON.stringify(result.skippedFiles));
    assert.match(reasons['blob.py'] ?? '', /binary file/);
    if (fifo) assert.match(reasons['pipe.py'] ?? '', /not a regular file \(a FIFO\)/);
    assert.equal(result.skipped, fifo ? 3 : 2);
    assert.equal(result.skippedFiles.length, result.skipped);
    for (const { path } of result.skippedFiles) {
      assert.ok(client.logs.some((log) => log.message.includes(path)), `${path} is named in the output channel`);
    }
  });
});

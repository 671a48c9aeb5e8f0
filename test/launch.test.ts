import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SERVER_NODE_FLAGS, serverThreadPoolSize } from '../server/src/launch';

test("V8's background threads for the server: one core left to it, at least one, at most Node's default of four", () => {
  assert.deepEqual([1, 2, 3, 4, 5, 8, 64].map(serverThreadPoolSize), [1, 1, 2, 3, 4, 4, 4]);
});

test('the flags a client starts the server with name the pool size for this machine', () => {
  const pool = SERVER_NODE_FLAGS.find((flag) => flag.startsWith('--v8-pool-size='));
  assert.ok(pool, SERVER_NODE_FLAGS.join(' '));
  assert.ok(SERVER_NODE_FLAGS.includes('--max-semi-space-size=4'));
});

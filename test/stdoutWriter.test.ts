import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { StreamMessageReader, type Message } from 'vscode-languageserver/node';
import { StdoutMessageWriter } from '../server/src/lsp/stdoutWriter';

test('the stdio writer frames each message as the base protocol says: vscode-jsonrpc reads them back, in order, non-ASCII text too', { timeout: 10_000 }, async () => {
  const stream = new PassThrough();
  const writer = new StdoutMessageWriter(stream);
  const reader = new StreamMessageReader(stream);
  const received: Message[] = [];
  const all = new Promise<void>((resolve) => {
    reader.listen((message) => {
      received.push(message);
      if (received.length === 3) resolve();
    });
  });
  const sent: Message[] = [
    { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: 'file:///a.py', diagnostics: [{ message: 'Hard-coded secret — “naïve” 🔑' }] } } as Message,
    { jsonrpc: '2.0', id: 1, result: null } as Message,
    { jsonrpc: '2.0', method: 'window/logMessage', params: { type: 4, message: 'x'.repeat(100_000) } } as Message,
  ];
  for (const message of sent) await writer.write(message);
  await all;
  assert.deepEqual(received, sent);
  reader.dispose();
});

test('the stdio writer reports a failing stream as an error of the connection, not a throw', async () => {
  const stream = new PassThrough();
  const writer = new StdoutMessageWriter(stream);
  const errors: unknown[] = [];
  writer.onError(([error]) => errors.push(error));
  stream.destroy();
  await writer.write({ jsonrpc: '2.0', id: 2, result: null } as Message).catch(() => {});
  await new Promise((resolve) => setImmediate(resolve));
  assert.ok(errors.length > 0);
});

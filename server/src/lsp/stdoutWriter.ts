import { AbstractMessageWriter, type Message, type MessageWriter } from 'vscode-languageserver/node';

/**
 * Writes LSP messages to a stream (the server's stdout) in the order they are sent, each at once: a
 * `Content-Length` header, then the UTF-8 JSON body (the base protocol, LSP 3.17 "Header Part").
 *
 * vscode-jsonrpc's stream writer queues every message behind a `setImmediate`, so a diagnostics publication waited
 * for the next turn of the event loop, and V8 runs the garbage collection it has scheduled before that turn: after an
 * analysis, the squiggles waited for a collection (0–10 ms). Here the bytes are handed to the stream before the
 * analysis returns to the event loop: libuv writes them to the pipe at once when the pipe can take them, and queues
 * the rest in order (Node's docs, "A note on process I/O": pipes are asynchronous on POSIX, synchronous on Windows).
 */
export class StdoutMessageWriter extends AbstractMessageWriter implements MessageWriter {
  private errors = 0;

  constructor(private readonly stream: NodeJS.WritableStream) {
    super();
    stream.on('error', (error: Error) => this.fireError(error));
    stream.on('close', () => this.fireClose());
  }

  write(message: Message): Promise<void> {
    try {
      const body = Buffer.from(JSON.stringify(message), 'utf8');
      this.stream.write(`Content-Length: ${body.byteLength}\r\n\r\n`, 'ascii');
      this.stream.write(body, (error) => {
        if (error) this.fireError(error, message, ++this.errors);
        else this.errors = 0;
      });
      return Promise.resolve();
    } catch (error) {
      this.fireError(error, message, ++this.errors);
      return Promise.reject(error);
    }
  }

  end(): void {
    this.stream.end();
  }
}

import type { LibraryModel } from '../concepts';

/**
 * A response declared as HTML (`Content-Type: text/html`). A WSGI app may take its headers from a module constant
 * (when it names no other content type itself); a Lambda proxy response without a `Content-Type` is JSON.
 */
const WSGI_HTML = { matches: /text\/html/i, otherwise: /application\/json|text\/plain|text\/csv|application\/octet-stream/i };
const LAMBDA_HTML = { matches: /text\/html/i };

/** The source text of the `Location` header's name. */
const LOCATION = /^[rbuRBU]?['"]location['"]$/i;

/**
 * Plain WSGI (PEP 3333: https://peps.python.org/pep-3333/), the standard library's `http.server`
 * (https://docs.python.org/3/library/http.server.html) and AWS Lambda handlers
 * (https://docs.aws.amazon.com/lambda/latest/dg/python-handler.html).
 */

export const wsgi: LibraryModel = {
  name: 'WSGI, http.server and AWS Lambda',
  sources: [
    {
      object: 'http.server.BaseHTTPRequestHandler',
      members: ['path', 'headers', 'rfile', 'requestline', 'raw_requestline'],
      kind: 'remote',
      label: 'HTTP request data',
    },
  ],
  handlers: [
    {
      signature: ['environ', 'start_response'], params: ['environ'], label: 'WSGI request environment',
      returns: { concept: 'html', label: 'the WSGI app sends it as the HTML response body', body: 'items', mentions: WSGI_HTML },
    },
    {
      signature: ['event', 'context'], params: ['event'], label: 'AWS Lambda event',
      returns: { concept: 'html', label: 'the Lambda function returns it as the HTML response body', body: { keys: ['body'] }, mentions: LAMBDA_HTML },
    },
    // One more row for the same functions: what else their response says.
    {
      signature: ['event', 'context'], params: ['event'], label: 'AWS Lambda event',
      returns: { concept: 'redirect', label: 'the Lambda function returns it as the `Location` header: the browser is sent there', body: { keys: ['headers', 'Location'] } },
    },
    { base: 'http.server.BaseHTTPRequestHandler', methods: [], label: 'HTTP request data' },
  ],
  aliases: {
    'http.server.SimpleHTTPRequestHandler': 'http.server.BaseHTTPRequestHandler',
    'http.server.CGIHTTPRequestHandler': 'http.server.BaseHTTPRequestHandler',
    'BaseHTTPServer.BaseHTTPRequestHandler': 'http.server.BaseHTTPRequestHandler',
    'SimpleHTTPServer.SimpleHTTPRequestHandler': 'http.server.BaseHTTPRequestHandler',
    'socketserver.StreamRequestHandler': 'http.server.BaseHTTPRequestHandler',
  },
  sinks: [
    { callee: 'http.server.BaseHTTPRequestHandler.wfile.write', concept: 'html', args: [0], label: '`self.wfile.write()` sends it as the response body' },
    { callee: 'http.server.BaseHTTPRequestHandler.send_header', concept: 'header', args: [1], label: '`send_header()` writes a response header' },
    { callee: 'http.server.BaseHTTPRequestHandler.send_header', concept: 'redirect', args: [1], when: { position: 0, matches: LOCATION }, label: '`send_header("Location", …)` sends the browser there' },
    { callee: 'http.server.BaseHTTPRequestHandler.send_response', concept: 'header', args: [1], label: '`send_response()` writes the status line' },
  ],
};

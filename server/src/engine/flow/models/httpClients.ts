import type { LibraryModel, SinkRow, SummaryRow } from '../concepts';

/**
 * Outgoing HTTP: requests (https://requests.readthedocs.io/en/latest/api/), httpx (https://www.python-httpx.org/api/),
 * aiohttp's client (https://docs.aiohttp.org/en/stable/client_reference.html) and urllib3. Only the URL is a sink:
 * a value sent as a query parameter (`params=`) or in the body cannot change where the request goes.
 */

const VERBS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];
const requestSinks = (type: string, requestUrlIndex: number): SinkRow[] => [
  ...VERBS.map((verb): SinkRow => ({ callee: `${type}.${verb}`, concept: 'url', args: [0, 'url'], label: `\`${verb}()\` sends a request to it` })),
  { callee: `${type}.request`, concept: 'url', args: [requestUrlIndex, 'url'], label: '`request()` sends a request to it' },
  { callee: `${type}.stream`, concept: 'url', args: [1, 'url'], label: '`stream()` sends a request to it' },
];
const CLIENTS: Array<[string, string]> = [
  ['requests.Session', 'requests.Session'],
  ['requests.session', 'requests.Session'],
  ['requests.sessions.Session', 'requests.Session'],
  ['httpx.Client', 'httpx.Client'],
  ['httpx.AsyncClient', 'httpx.Client'],
  ['aiohttp.ClientSession', 'aiohttp.ClientSession'],
  ['urllib3.PoolManager', 'urllib3.PoolManager'],
];

export const httpClients: LibraryModel = {
  name: 'HTTP clients',
  summaries: CLIENTS.map(([callee, returns]): SummaryRow => ({ callee, from: [], returns })),
  sinks: [
    ...requestSinks('requests', 1),
    ...requestSinks('requests.Session', 1),
    ...requestSinks('httpx', 1),
    ...requestSinks('httpx.Client', 1),
    ...requestSinks('aiohttp.ClientSession', 1),
    { callee: 'aiohttp.request', concept: 'url', args: [1, 'url'], label: '`aiohttp.request()` sends a request to it' },
    { callee: 'urllib3.PoolManager.request', concept: 'url', args: [1, 'url'], label: '`request()` sends a request to it' },
    { callee: 'urllib3.PoolManager.urlopen', concept: 'url', args: [1, 'url'], label: '`urlopen()` sends a request to it' },
    { callee: 'urllib3.request', concept: 'url', args: [1, 'url'], label: '`urllib3.request()` sends a request to it' },
  ],
};

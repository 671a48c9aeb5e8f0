import type { LibraryModel, SinkRow, SummaryRow } from '../concepts';

/**
 * Outgoing HTTP: requests (https://requests.readthedocs.io/en/latest/api/), httpx (https://www.python-httpx.org/api/),
 * aiohttp's client (https://docs.aiohttp.org/en/stable/client_reference.html) and urllib3. Only the URL is a sink:
 * a value sent as a query parameter (`params=`) or in the body cannot change where the request goes.
 */

/** The request methods of the module functions and of the client objects of requests and httpx. */
export const HTTP_VERBS: readonly string[] = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];

export type HttpLibrary = 'requests' | 'httpx' | 'aiohttp' | 'urllib3';

/**
 * Calls that create a client object whose methods send requests, by qualified name: its library, the name messages
 * use, and the type the flow layer gives the result (whose methods are the sinks below). The one table of them: the
 * network rules (VG301, VG303) read it through `rules/support/netHttpClients.ts`.
 */
export const HTTP_CLIENT_FACTORIES: ReadonlyMap<string, { readonly library: HttpLibrary; readonly label: string; readonly type: string }> = new Map([
  ['requests.Session', { library: 'requests', label: 'requests.Session', type: 'requests.Session' }],
  ['requests.session', { library: 'requests', label: 'requests.Session', type: 'requests.Session' }],
  ['requests.sessions.Session', { library: 'requests', label: 'requests.Session', type: 'requests.Session' }],
  ['requests.sessions.session', { library: 'requests', label: 'requests.Session', type: 'requests.Session' }],
  ['httpx.Client', { library: 'httpx', label: 'httpx.Client', type: 'httpx.Client' }],
  ['httpx.AsyncClient', { library: 'httpx', label: 'httpx.AsyncClient', type: 'httpx.Client' }],
  ['aiohttp.ClientSession', { library: 'aiohttp', label: 'aiohttp.ClientSession', type: 'aiohttp.ClientSession' }],
  ['aiohttp.client.ClientSession', { library: 'aiohttp', label: 'aiohttp.ClientSession', type: 'aiohttp.ClientSession' }],
  ['urllib3.PoolManager', { library: 'urllib3', label: 'urllib3.PoolManager', type: 'urllib3.PoolManager' }],
] as const);

const requestSinks = (type: string, requestUrlIndex: number): SinkRow[] => [
  ...HTTP_VERBS.map((verb): SinkRow => ({ callee: `${type}.${verb}`, concept: 'url', args: [0, 'url'], label: `\`${verb}()\` sends a request to it` })),
  { callee: `${type}.request`, concept: 'url', args: [requestUrlIndex, 'url'], label: '`request()` sends a request to it' },
  { callee: `${type}.stream`, concept: 'url', args: [1, 'url'], label: '`stream()` sends a request to it' },
];

export const httpClients: LibraryModel = {
  name: 'HTTP clients',
  summaries: [...HTTP_CLIENT_FACTORIES].map(([callee, client]): SummaryRow => ({ callee, from: [], returns: client.type })),
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

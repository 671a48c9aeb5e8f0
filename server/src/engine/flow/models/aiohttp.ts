import type { LibraryModel } from '../concepts';

/** aiohttp's server side: https://docs.aiohttp.org/en/stable/web_reference.html */

const REQUEST_DATA = [
  'match_info', 'query', 'rel_url', 'url', 'post', 'json', 'text', 'read', 'content', 'headers', 'cookies', 'path',
  'path_qs', 'query_string', 'raw_path', 'multipart',
];
const ROUTE_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'route', 'view'];

export const aiohttp: LibraryModel = {
  name: 'aiohttp',
  sources: [
    { object: 'aiohttp.web.Request', members: REQUEST_DATA, kind: 'remote', label: 'aiohttp request data' },
    { object: 'aiohttp.web.View', members: ['request'], kind: 'remote', label: 'aiohttp request data' },
  ],
  requestParameters: [
    { type: 'aiohttp.web.Request', annotations: ['aiohttp.web.Request', 'aiohttp.web.BaseRequest', 'aiohttp.web_request.Request'], names: ['request'], imports: ['aiohttp'] },
  ],
  handlers: ROUTE_METHODS.map((method) => ({ decorator: `aiohttp.web.RouteTableDef.${method}`, skip: 1, label: 'aiohttp request' })),
  summaries: [{ callee: 'aiohttp.web.RouteTableDef', from: [], returns: 'aiohttp.web.RouteTableDef' }],
  sinks: [
    { callee: 'aiohttp.web.Response', concept: 'html', args: ['text', 'body'], when: { keyword: 'content_type', matches: /html/ }, label: '`web.Response()` sends it as HTML' },
    { callee: 'aiohttp.web.HTTPFound', concept: 'redirect', args: [0, 'location'], label: '`HTTPFound` sends the browser there' },
    { callee: 'aiohttp.web.HTTPSeeOther', concept: 'redirect', args: [0, 'location'], label: '`HTTPSeeOther` sends the browser there' },
    { callee: 'aiohttp.web.HTTPMovedPermanently', concept: 'redirect', args: [0, 'location'], label: '`HTTPMovedPermanently` sends the browser there' },
    { callee: 'aiohttp.web.HTTPTemporaryRedirect', concept: 'redirect', args: [0, 'location'], label: '`HTTPTemporaryRedirect` sends the browser there' },
    { callee: 'aiohttp.web.FileResponse', concept: 'path', args: [0, 'path'], label: '`FileResponse()` serves the file' },
  ],
  sanitizers: [{ callee: 'aiohttp.web.json_response', concepts: ['html'] }],
};

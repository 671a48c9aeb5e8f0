import type { LibraryModel } from '../concepts';

/** Pyramid and WebOb: https://docs.pylonsproject.org/projects/pyramid/en/latest/api/request.html */

const REQUEST_DATA = [
  'params', 'GET', 'POST', 'json_body', 'json', 'body', 'text', 'matchdict', 'headers', 'cookies', 'url', 'path',
  'path_qs', 'query_string', 'environ', 'body_file', 'path_info', 'host', 'referer', 'referrer', 'user_agent',
];

export const pyramid: LibraryModel = {
  name: 'Pyramid and WebOb',
  sources: [
    { object: 'pyramid.request.Request', members: REQUEST_DATA, kind: 'remote', label: 'Pyramid request data' },
    { object: 'webob.Request', members: REQUEST_DATA, kind: 'remote', label: 'WebOb request data' },
  ],
  requestParameters: [
    { type: 'pyramid.request.Request', annotations: ['pyramid.request.Request'], names: ['request'], imports: ['pyramid'] },
    { type: 'webob.Request', annotations: ['webob.Request', 'webob.request.Request'], names: ['request', 'req'], imports: ['webob'] },
  ],
  handlers: [{ decorator: 'pyramid.view.view_config', label: 'Pyramid view' }],
  sinks: [
    ...['HTTPFound', 'HTTPSeeOther', 'HTTPMovedPermanently', 'HTTPTemporaryRedirect', 'HTTPPermanentRedirect'].flatMap((name) => [
      { callee: `pyramid.httpexceptions.${name}`, concept: 'redirect' as const, args: [0, 'location'], label: `\`${name}\` sends the browser there` },
      { callee: `webob.exc.${name}`, concept: 'redirect' as const, args: [0, 'location'], label: `\`${name}\` sends the browser there` },
    ]),
    { callee: 'pyramid.response.Response', concept: 'html', args: [0, 'body'], label: '`Response()` sends it as the response body' },
    { callee: 'webob.Response', concept: 'html', args: [0, 'body'], label: '`Response()` sends it as the response body' },
  ],
  // URLs of this application's own routes (like Flask's `url_for`): data can fill a query string, not choose the host.
  sanitizers: ['route_url', 'route_path', 'static_url', 'static_path'].map((method) => ({
    callee: `pyramid.request.Request.${method}`, concepts: ['redirect' as const, 'url' as const, 'html' as const],
  })),
};

import type { LibraryModel } from '../concepts';

/** FastAPI and Starlette: https://fastapi.tiangolo.com/tutorial/ and https://www.starlette.io/requests/ */

const ROUTE_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'api_route', 'route', 'websocket'];
const REQUEST_DATA = ['query_params', 'path_params', 'headers', 'cookies', 'url', 'body', 'json', 'form', 'stream', 'base_url'];

export const fastapi: LibraryModel = {
  name: 'FastAPI and Starlette',
  sources: [
    { object: 'starlette.requests.Request', members: REQUEST_DATA, kind: 'remote', label: 'Starlette request data' },
  ],
  requestParameters: [
    {
      type: 'starlette.requests.Request',
      annotations: ['fastapi.Request', 'starlette.requests.Request', 'fastapi.requests.Request', 'starlette.requests.HTTPConnection'],
    },
  ],
  handlers: ['fastapi.FastAPI', 'fastapi.APIRouter', 'fastapi.routing.APIRouter', 'starlette.applications.Starlette'].flatMap((type) =>
    ROUTE_METHODS.map((method) => ({
      decorator: `${type}.${method}`,
      // `db: Session = Depends(get_db)` is injected by the framework, not sent by the client.
      injectedDefaults: ['fastapi.Depends', 'fastapi.Security', 'fastapi.params.Depends'],
      // `@app.get("/", response_class=HTMLResponse)`: the returned string is sent as HTML (JSON otherwise).
      returns: { concept: 'html' as const, label: 'the route returns it as the HTML response', when: { keyword: 'response_class', matches: /HTMLResponse$/ } },
      label: 'FastAPI request parameter',
    })),
  ),
  sinks: [
    ...['starlette.responses', 'fastapi.responses'].flatMap((module) => [
      { callee: `${module}.HTMLResponse`, concept: 'html' as const, args: [0, 'content'], label: '`HTMLResponse()` sends it as HTML' },
      { callee: `${module}.RedirectResponse`, concept: 'redirect' as const, args: [0, 'url'], label: '`RedirectResponse()` sends the browser there' },
      { callee: `${module}.FileResponse`, concept: 'path' as const, args: [0, 'path'], label: '`FileResponse()` serves the file' },
    ]),
  ],
  sanitizers: [
    { callee: 'fastapi.responses.JSONResponse', concepts: ['html'] },
    { callee: 'starlette.responses.JSONResponse', concepts: ['html'] },
  ],
  terminators: ['fastapi.HTTPException', 'starlette.exceptions.HTTPException'],
};

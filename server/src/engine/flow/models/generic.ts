import type { LibraryModel } from '../concepts';

/**
 * Request objects Vigil recognises by convention when no framework import says which one it is: a parameter named
 * `request` or `req` whose framework-specific data attributes are read (`request.GET`, `req.params`). Listed last,
 * so a framework's own row wins; also the type of a `request` parameter in a module importing several frameworks
 * when no decorator says which one applies.
 */
export const generic: LibraryModel = {
  name: 'Request objects by convention',
  sources: [
    {
      object: 'vigil.conventional.Request',
      members: [
        'GET', 'POST', 'COOKIES', 'META', 'FILES', 'body', 'args', 'form', 'values', 'json', 'get_json', 'query_params',
        'match_info', 'params', 'json_body', 'matchdict', 'cookies', 'headers', 'data', 'get_data', 'query', 'path_params',
        'rel_url', 'post', 'text', 'query_string', 'path_qs',
      ],
      kind: 'remote',
      label: 'request data',
    },
  ],
  requestParameters: [{ type: 'vigil.conventional.Request', names: ['request', 'req'] }],
};

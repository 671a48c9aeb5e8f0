import type { LibraryModel } from '../concepts';

/** Tornado: https://www.tornadoweb.org/en/stable/web.html */

export const tornado: LibraryModel = {
  name: 'Tornado',
  sources: [
    {
      object: 'tornado.web.RequestHandler',
      members: [
        'get_argument', 'get_arguments', 'get_query_argument', 'get_query_arguments', 'get_body_argument',
        'get_body_arguments', 'get_cookie', 'get_secure_cookie', 'get_signed_cookie', 'path_args', 'path_kwargs', 'request',
      ],
      kind: 'remote',
      label: 'Tornado request data',
    },
  ],
  handlers: [
    { base: 'tornado.web.RequestHandler', methods: ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'], skip: 1, label: 'Tornado path argument' },
  ],
  sinks: [
    { callee: 'tornado.web.RequestHandler.write', concept: 'html', args: [0, 'chunk'], label: '`self.write()` sends it as the response body' },
    { callee: 'tornado.web.RequestHandler.finish', concept: 'html', args: [0, 'chunk'], label: '`self.finish()` sends it as the response body' },
    { callee: 'tornado.web.RequestHandler.redirect', concept: 'redirect', args: [0, 'url'], label: '`self.redirect()` sends the browser there' },
    { callee: 'tornado.web.RequestHandler.set_header', concept: 'header', args: [1, 'value'], label: '`self.set_header()` writes a response header' },
    { callee: 'tornado.web.RequestHandler.add_header', concept: 'header', args: [1, 'value'], label: '`self.add_header()` writes a response header' },
    { callee: 'tornado.template.Template', concept: 'template', args: [0, 'template_string'], label: '`Template()` compiles it as a template' },
  ],
  sanitizers: [
    { callee: 'tornado.escape.xhtml_escape', concepts: ['html'] },
    { callee: 'tornado.web.RequestHandler.render', concepts: ['html'] },
  ],
};

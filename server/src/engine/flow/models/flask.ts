import type { LibraryModel } from '../concepts';
import { NOT_HTML } from './contentTypes';

/** Flask and Werkzeug: https://flask.palletsprojects.com/en/stable/api/ and https://werkzeug.palletsprojects.com/ */

const REQUEST_DATA = [
  'args', 'form', 'values', 'json', 'get_json', 'data', 'get_data', 'files', 'cookies', 'headers', 'view_args',
  'stream', 'url', 'base_url', 'full_path', 'path', 'query_string', 'environ', 'referrer', 'user_agent', 'host',
  'host_url', 'url_root', 'script_root', 'authorization', 'input_stream', 'range', 'if_match',
];
const ROUTE_METHODS = ['route', 'get', 'post', 'put', 'patch', 'delete'];
const REQUEST_OBJECTS = ['flask.request', 'flask.globals.request', 'werkzeug.wrappers.Request'];
const FILE_STORAGE = 'werkzeug.datastructures.FileStorage';
/** A string a view returns is sent as `text/html`. */
const VIEW_RETURN = { concept: 'html' as const, label: 'the view returns it as the HTML response' };

export const flask: LibraryModel = {
  name: 'Flask',
  sources: [
    { object: 'flask.request', members: REQUEST_DATA, kind: 'remote', label: 'Flask request data' },
    { object: 'flask.globals.request', members: REQUEST_DATA, kind: 'remote', label: 'Flask request data' },
    { object: 'werkzeug.wrappers.Request', members: REQUEST_DATA, kind: 'remote', label: 'Werkzeug request data' },
  ],
  // `def app(request: Request)` in a plain Werkzeug application (`@Request.application`).
  requestParameters: [
    {
      type: 'werkzeug.wrappers.Request',
      annotations: ['werkzeug.wrappers.Request', 'werkzeug.wrappers.request.Request', 'werkzeug.Request', 'flask.Request', 'flask.wrappers.Request'],
    },
  ],
  handlers: [
    ...['flask.Flask', 'flask.Blueprint', 'flask.blueprints.Blueprint', 'flask.app.Flask'].flatMap((type) =>
      ROUTE_METHODS.map((method) => ({ decorator: `${type}.${method}`, label: 'Flask route parameter', returns: VIEW_RETURN })),
    ),
    { base: 'flask.views.MethodView', methods: ['get', 'post', 'put', 'patch', 'delete'], skip: 1, label: 'Flask view parameter' },
    { base: 'flask.views.View', methods: ['dispatch_request'], skip: 1, label: 'Flask view parameter' },
  ],
  sinks: [
    { callee: 'flask.send_file', concept: 'path', args: [0, 'path_or_file'], label: '`send_file()` reads the file' },
    { callee: 'flask.helpers.send_file', concept: 'path', args: [0, 'path_or_file'], label: '`send_file()` reads the file' },
    // The file name is joined safely; the directory is not.
    { callee: 'flask.send_from_directory', concept: 'path', args: [0, 'directory'], label: '`send_from_directory()` serves from the directory' },
    { callee: 'flask.helpers.send_from_directory', concept: 'path', args: [0, 'directory'], label: '`send_from_directory()` serves from the directory' },
    { callee: 'werkzeug.utils.send_file', concept: 'path', args: [0, 'path_or_file'], label: '`send_file()` reads the file' },
    { callee: 'werkzeug.utils.send_from_directory', concept: 'path', args: [0, 'directory'], label: '`send_from_directory()` serves from the directory' },
    { callee: 'flask.redirect', concept: 'redirect', args: [0, 'location'], label: '`redirect()` sends the browser there' },
    { callee: 'werkzeug.utils.redirect', concept: 'redirect', args: [0, 'location'], label: '`redirect()` sends the browser there' },
    { callee: 'flask.make_response', concept: 'html', args: [0], label: '`make_response()` sends it as the response body' },
    // Not HTML when the code says so (`mimetype="text/plain"`, `content_type="application/json"`).
    { callee: 'flask.Response', concept: 'html', args: [0, 'response'], unless: { keyword: ['mimetype', 'content_type'], matches: NOT_HTML }, label: '`Response()` sends it as the response body' },
    { callee: 'werkzeug.wrappers.Response', concept: 'html', args: [0, 'response'], unless: { keyword: ['mimetype', 'content_type'], matches: NOT_HTML }, label: '`Response()` sends it as the response body' },
    { callee: 'flask.render_template_string', concept: 'template', args: [0, 'source'], label: '`render_template_string()` compiles it as a template' },
    { callee: 'flask.Markup', concept: 'html', args: [0], label: '`Markup()` marks it as safe HTML' },
    { callee: `${FILE_STORAGE}.save`, concept: 'path', args: [0, 'dst'], label: '`.save()` writes the uploaded file there' },
  ],
  sanitizers: [
    { callee: 'flask.escape', concepts: ['html'] },
    { callee: 'werkzeug.utils.escape', concepts: ['html'] },
    { callee: 'werkzeug.utils.secure_filename', concepts: ['path', 'command'] },
    { callee: 'werkzeug.secure_filename', concepts: ['path', 'command'] },
    { callee: 'werkzeug.security.safe_join', concepts: ['path'] },
    { callee: 'flask.safe_join', concepts: ['path'] },
    // Templates from files escape what they render (autoescape is on for .html in Flask).
    { callee: 'flask.render_template', concepts: ['html'] },
    { callee: 'flask.jsonify', concepts: ['html'] },
    { callee: 'flask.url_for', concepts: ['redirect', 'url', 'html'] },
  ],
  terminators: ['flask.abort', 'werkzeug.exceptions.abort'],
  // An uploaded file (`request.files["f"]`, `.get("f")`) is a Werkzeug `FileStorage`: its `filename` is the client's,
  // and `save()` writes to a path (https://werkzeug.palletsprojects.com/en/stable/datastructures/#werkzeug.datastructures.FileStorage).
  aliases: Object.fromEntries(REQUEST_OBJECTS.map((request) => [`${request}.files.*`, FILE_STORAGE])),
  summaries: REQUEST_OBJECTS.flatMap((request) => [
    { callee: `${request}.files.get`, from: ['receiver' as const], returns: FILE_STORAGE },
    { callee: `${request}.files.getlist`, from: ['receiver' as const], returns: `list[${FILE_STORAGE}]` },
  ]),
};

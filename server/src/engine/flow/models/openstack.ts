import type { LibraryModel, SinkRow } from '../concepts';

/**
 * OpenStack API controllers (Nova, Neutron, Cinder: `nova/api/openstack/wsgi.py` Controller, pecan
 * `RestController`): `create(self, req, body)`, `update(self, req, id, body)`, `show(self, req, id)`; the request is
 * a WebOb request. https://docs.openstack.org/nova/latest/contributor/api.html
 */

const OPENSTACK = ['nova', 'neutron', 'cinder', 'glance', 'keystone', 'manila', 'octavia', 'ironic', 'heat', 'oslo_', 'webob', 'pecan'];
/** The projects' own copies of `wsgi.py` (Nova's, forked into Cinder, Manila and others). */
const WSGI_MODULES = ['nova', 'cinder', 'manila', 'masakari'].map((project) => `${project}.api.openstack.wsgi`);
// `import_image`: Glance's image import (`POST /v2/images/{image_id}/import`, the web-download URI in the body).
const ACTIONS = ['index', 'detail', 'show', 'create', 'update', 'delete', 'action', 'get_all', 'get_one', 'post', 'put', 'patch', 'get', 'import_image'];

export const openstack: LibraryModel = {
  name: 'OpenStack API controllers',
  sources: [
    { object: 'webob.Request', members: ['params', 'GET', 'POST', 'body', 'json_body', 'headers', 'environ', 'cookies'], kind: 'remote', label: 'API request data' },
    { object: 'pecan.request', members: ['params', 'GET', 'POST', 'body', 'json', 'headers', 'environ', 'cookies'], kind: 'remote', label: 'API request data' },
  ],
  requestParameters: [
    { type: 'webob.Request', names: ['req', 'request'], imports: OPENSTACK },
  ],
  handlers: [
    { classSuffix: 'Controller', methods: ACTIONS, skip: 2, imports: OPENSTACK, label: 'API request parameter' },
    { base: 'pecan.rest.RestController', methods: ACTIONS, skip: 1, label: 'API request parameter' },
    { base: 'nova.api.openstack.wsgi.Controller', methods: ACTIONS, skip: 2, label: 'API request parameter' },
    // Server and volume actions: `@wsgi.action('os-reset_status') def _reset_status(self, req, id, body)`.
    ...WSGI_MODULES.map((module) => ({ decorator: `${module}.action`, skip: 2, label: 'API request parameter' })),
  ],
  sanitizers: [
    { callee: 'oslo_utils.uuidutils.is_uuid_like', concepts: 'all' },
    { callee: 'oslo_utils.strutils.bool_from_string', concepts: 'all' },
    // A masked dict is logged whole (`%s` of a dict shows repr() of its strings). `mask_password()` is no sanitizer:
    // it hides `password=...` pairs in a message and keeps its line breaks.
    { callee: 'oslo_utils.strutils.mask_dict_password', concepts: ['log'] },
  ],
  guards: [{ callee: 'oslo_utils.uuidutils.is_uuid_like', args: [0], concepts: 'all' }],
  // Commands run for other daemons (iptables, dnsmasq, ip): oslo.concurrency's and the projects' own `execute`
  // take the argument vector as separate arguments (`execute('ip', 'link', 'set', dev)`, `execute(*cmd)`); named
  // here so that they are not mistaken for a DB-API cursor's `execute`.
  sinks: [
    ...['oslo_concurrency.processutils.execute', 'nova.utils.execute', 'cinder.utils.execute', 'manila.utils.execute'].map((callee): SinkRow => ({
      callee, concept: 'command', args: ['*'], label: `\`${callee.split('.').slice(-2).join('.')}()\` runs it`,
    })),
    { callee: 'neutron.agent.linux.utils.execute', concept: 'command', args: [0, 'cmd'], label: '`utils.execute()` runs it' },
    // Configuration files the agents write for other daemons (dnsmasq's hosts and opts files, keepalived.conf,
    // haproxy.cfg, radvd.conf): a line break in a value adds a directive of the caller's choosing.
    ...['neutron_lib.utils.file.replace_file', 'neutron.agent.linux.utils.replace_file', 'neutron.common.utils.replace_file'].map((callee): SinkRow => ({
      callee, concept: 'config', args: [1, 'data'], label: '`replace_file()` writes it into a configuration file another daemon reads',
    })),
  ],
  terminators: ['webob.exc.HTTPBadRequest', 'webob.exc.HTTPNotFound', 'webob.exc.HTTPForbidden', 'pecan.abort'],
};

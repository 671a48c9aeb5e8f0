import type { LibraryModel } from '../concepts';

/**
 * OpenStack API controllers (Nova, Neutron, Cinder: `nova/api/openstack/wsgi.py` Controller, pecan
 * `RestController`): `create(self, req, body)`, `update(self, req, id, body)`, `show(self, req, id)`; the request is
 * a WebOb request. https://docs.openstack.org/nova/latest/contributor/api.html
 */

const OPENSTACK = ['nova', 'neutron', 'cinder', 'glance', 'keystone', 'manila', 'octavia', 'ironic', 'heat', 'oslo_', 'webob', 'pecan'];
const ACTIONS = ['index', 'detail', 'show', 'create', 'update', 'delete', 'action', 'get_all', 'get_one', 'post', 'put', 'patch', 'get'];

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
  ],
  sanitizers: [
    { callee: 'oslo_utils.uuidutils.is_uuid_like', concepts: 'all' },
    { callee: 'oslo_utils.strutils.bool_from_string', concepts: 'all' },
    { callee: 'oslo_utils.strutils.mask_password', concepts: ['log'] },
    { callee: 'oslo_utils.strutils.mask_dict_password', concepts: ['log'] },
  ],
  guards: [{ callee: 'oslo_utils.uuidutils.is_uuid_like', args: [0], concepts: 'all' }],
  terminators: ['webob.exc.HTTPBadRequest', 'webob.exc.HTTPNotFound', 'webob.exc.HTTPForbidden'],
};

"""Port forwarding helpers for a small OpenStack-style network service.

This module is Vigil's bundled example: it contains real defects of the kinds security reviews of OpenStack
Neutron talk about. Run `node dist/cli.js review examples/vulnerable_service.py` to see them explained.
"""
import logging
import pickle
import subprocess

import requests
import yaml
from neutron_lib import context as n_context

from myservice.db import api as db_api
from myservice.objects import router

LOG = logging.getLogger(__name__)

DB_PASSWORD = "s3cr3t-Passw0rd"


def load_settings(path):
    with open(path) as stream:
        return yaml.load(stream, Loader=yaml.Loader)


def find_forwardings(session, floatingip_id, protocol):
    query = (
        "SELECT id, socket FROM portforwardings "
        "WHERE floatingip_id = '%s' AND protocol = '%s'" % (floatingip_id, protocol)
    )
    return session.execute(query).fetchall()


def parse_socket(socket):
    ip, port = socket.split(":")
    return ip, int(port)


def get_floating_ip(context, fip_id):
    admin_context = context.elevated()
    return router.FloatingIP.get_object(admin_context, id=fip_id)


def ping(host):
    return subprocess.call("ping -c 1 " + host, shell=True)


def fetch_metadata(url, token):
    LOG.debug("Fetching %s with token %s", url, token)
    return requests.get(url, headers={"X-Auth-Token": token}, verify=False, timeout=10)


def restore_cache(blob):
    return pickle.loads(blob)


def apply_filter(expression, row):
    return eval(expression, {"row": row})


def cleanup(ports):
    for port in ports:
        try:
            db_api.delete_port(n_context.get_admin_context(), port)
        except Exception:
            pass

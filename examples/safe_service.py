"""The same helpers as vulnerable_service.py, written safely: Vigil reports no defects here."""
import json
import logging
import os
import subprocess

import netaddr
import requests
import yaml

from myservice.objects import router

LOG = logging.getLogger(__name__)

DB_PASSWORD = os.environ["DB_PASSWORD"]


def load_settings(path):
    with open(path) as stream:
        return yaml.safe_load(stream)


def find_forwardings(session, floatingip_id, protocol):
    query = "SELECT id, socket FROM portforwardings WHERE floatingip_id = %s AND protocol = %s"
    return session.execute(query, (floatingip_id, protocol)).fetchall()


def parse_socket(socket):
    ip, sep, port = socket.rpartition(":")
    if not sep or not port.isdigit():
        raise ValueError("malformed socket %r" % socket)
    return str(netaddr.IPAddress(ip.strip("[]"))), int(port)


def get_floating_ip(context, fip_id):
    return router.FloatingIP.get_object(context, id=fip_id)


def ping(host):
    return subprocess.call(["ping", "-c", "1", host])


def fetch_metadata(url, token):
    LOG.debug("Fetching %s (token set: %s)", url, bool(token))
    return requests.get(url, headers={"X-Auth-Token": token}, timeout=10)


def restore_cache(blob):
    return json.loads(blob)


def cleanup(ports, delete_port):
    for port in ports:
        try:
            delete_port(port)
        except KeyError:
            LOG.warning("port %s was already gone", port)

"""A small service with security defects, opened in the editor by the end-to-end tests."""
import subprocess

import requests
import yaml


def load_config(path):
    with open(path) as handle:
        return yaml.load(handle, Loader=yaml.Loader)


def archive(name):
    return subprocess.call("tar czf /tmp/backup.tgz " + name, shell=True)


def fetch_status(url):
    return requests.get(url, verify=False, timeout=10).json()

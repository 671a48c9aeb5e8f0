"""Never opened in the editor: "Vigil: Review Workspace" must find its defect all the same."""
import yaml


def read_job(text):
    return yaml.load(text, Loader=yaml.UnsafeLoader)

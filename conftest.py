"""Root conftest: applies to our tests and to CKAN's own tests run by `make test`."""
import pytest

import ckan.plugins
import ckan.plugins.core as plugins_core
from ckan.common import config

from ckanext.shafaf.testing import make_reset_db


@pytest.fixture(scope="session")
def reset_db():
    """CKAN's reset, plus the search index table our migration creates."""
    return make_reset_db()


@pytest.fixture(autouse=True)
def shafaf_plugin_loaded(ckan_config):
    """Every test runs with our plugin (so our search backend) loaded.

    CKAN's recommended autouse fixture around `with_plugins`, made to keep
    `shafaf` where a test sets its own `ckan.plugins`, and to reload the
    environment only when the wanted plugins differ from the loaded ones
    (a reload costs about half a second).
    """
    names = config.get("ckan.plugins") or []
    if isinstance(names, str):
        names = names.split()
    wanted = list(dict.fromkeys([*names, "shafaf"]))
    config["ckan.plugins"] = wanted
    if sorted(plugins_core._PLUGINS) != sorted(wanted):
        ckan.plugins.unload_all()
        ckan.plugins.load_all()
    yield

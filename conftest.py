"""Root conftest: applies to our tests and to CKAN's own tests run by `make test`."""
import pytest

import ckan.plugins
from ckan.common import config

from ckanext.shafaf.testing import make_reset_db


@pytest.fixture(scope="session")
def reset_db():
    """CKAN's reset, plus the search index table our migration creates."""
    return make_reset_db()


@pytest.fixture(autouse=True)
def shafaf_plugin_loaded(ckan_config):
    """Every test runs with our plugin (so our search backend) loaded.

    CKAN's recommended pattern (an autouse fixture around `with_plugins`),
    made to keep `shafaf` even where a test sets its own `ckan.plugins`.
    """
    names = config.get("ckan.plugins") or []
    if isinstance(names, str):
        names = names.split()
    if "shafaf" not in names:
        config["ckan.plugins"] = list(names) + ["shafaf"]
    ckan.plugins.load_all()
    yield
    ckan.plugins.unload_non_system_plugins()

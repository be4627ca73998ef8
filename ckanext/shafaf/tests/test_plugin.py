"""The plugin loads, alone and with the production stack, and CKAN reports it."""
from __future__ import annotations

import pytest

import ckan.plugins as p

STACK = "activity scheming_organizations harvest shafaf"


@pytest.mark.usefixtures("with_plugins")
def test_plugin_is_loaded() -> None:
    assert p.plugin_loaded("shafaf")


@pytest.mark.ckan_config("ckan.plugins", STACK)
@pytest.mark.usefixtures("with_plugins")
def test_loads_with_the_production_stack() -> None:
    for name in STACK.split():
        assert p.plugin_loaded(name), name


@pytest.mark.ckan_config("ckan.plugins", STACK)
@pytest.mark.usefixtures("with_plugins")
def test_status_show_lists_the_extension(app) -> None:
    status = app.get("/api/3/action/status_show").json["result"]
    assert "shafaf" in status["extensions"]
    assert status["ckan_version"] == "2.11.6"

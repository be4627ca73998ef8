# -*- coding: utf-8 -*-
"""Start-up with our plugin: CKAN's search seam points at PostgreSQL and
nothing tries (and fails) to reach a Solr server."""
from __future__ import annotations

import logging

import pytest

import ckan.lib.search as search
import ckan.lib.search.common as search_common
import ckan.lib.search.index as search_index
import ckan.lib.search.query as search_query
import ckan.plugins
from ckan.common import config
from ckan.config import environment
from ckan.lib.search.index import PackageSearchIndex
from ckan.lib.search.query import PackageSearchQuery
from ckan.tests import factories, helpers

from ckanext.shafaf.search.connection import PostgresConnection
from ckanext.shafaf.search.index import PgPackageSearchIndex
from ckanext.shafaf.search.query import PgPackageSearchQuery

BACKEND = "ckanext.shafaf.search.backend"


def revive_loggers():
    """Undo any `logging.config.fileConfig` (an alembic env.py run by
    `clean_db`) that disabled existing loggers, so the assertions below see
    every record. test_running_our_migrations_keeps_ckan_loggers_enabled
    checks that our own migrations do not need this."""
    for lg in logging.Logger.manager.loggerDict.values():
        if isinstance(lg, logging.Logger):
            lg.disabled = False


def complaints(caplog):
    """Log records a Solr-less start-up must not produce."""
    return [f"{r.levelname} {r.name}: {r.getMessage()}" for r in caplog.records
            if r.levelno >= logging.WARNING or r.exc_info
            or "solr" in r.getMessage().lower()]


def assert_postgres_backend():
    assert type(search.index_for("package")) is PgPackageSearchIndex
    assert type(search.query_for("package")) is PgPackageSearchQuery
    for module in (search, search_common, search_index, search_query):
        assert isinstance(module.make_connection(), PostgresConnection), module


def test_loading_the_plugin_logs_no_solr_error(caplog, monkeypatch):
    """`ckan.plugins.load("shafaf")` (what start-up does) installs our classes
    before CKAN's Solr probe runs, so the probe never fires."""
    revive_loggers()
    # start from CKAN's own Solr classes, as a CKAN without our plugin has
    monkeypatch.setitem(config, BACKEND, "solr")
    environment.update_config()
    ckan.plugins.unload("shafaf")
    assert type(search.index_for("package")) is PackageSearchIndex
    monkeypatch.setitem(config, BACKEND, "postgres")
    caplog.clear()
    caplog.set_level(logging.DEBUG)
    ckan.plugins.load("shafaf")
    assert complaints(caplog) == []
    assert_postgres_backend()


def test_solr_schema_check_is_quiet(caplog):
    revive_loggers()
    caplog.set_level(logging.DEBUG)
    assert search.check_solr_schema_version() is False
    assert search_common.is_available() is True
    assert complaints(caplog) == []


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_from_a_solr_setup_to_ours(caplog, monkeypatch):
    """CKAN's own start-up check complains loudly without a Solr server;
    switching the backend back to PostgreSQL installs our classes and the
    next start-up (environment.update_config) is quiet."""
    revive_loggers()
    caplog.set_level(logging.DEBUG)
    try:
        monkeypatch.setitem(config, BACKEND, "solr")
        environment.update_config()
        assert type(search.index_for("package")) is PackageSearchIndex
        assert type(search.query_for("package")) is PackageSearchQuery
        # the unreachable solr_url from test.ini: CKAN logs it
        assert complaints(caplog), "CKAN's Solr check should complain here"
    finally:
        caplog.clear()
        monkeypatch.setitem(config, BACKEND, "postgres")
        environment.update_config()
    assert complaints(caplog) == []
    assert_postgres_backend()
    # and the whole stack answers from PostgreSQL
    factories.Dataset(name="after-restart")
    result = helpers.call_action("package_search", q="name:after-restart")
    assert [r["name"] for r in result["results"]] == ["after-restart"]
    assert complaints(caplog) == []


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_search_and_index_log_no_solr_error(caplog):
    revive_loggers()
    caplog.set_level(logging.DEBUG)
    dataset = factories.Dataset(name="quiet-one", title="Quiet")
    helpers.call_action("package_patch", id=dataset["id"], title="Still quiet")
    assert helpers.call_action("package_search", q="quiet")["count"] == 1
    helpers.call_action("package_show", id="quiet-one")
    helpers.call_action("package_delete", id="quiet-one")
    assert helpers.call_action("package_search", q="quiet")["count"] == 0
    assert complaints(caplog) == []


def test_running_our_migrations_keeps_ckan_loggers_enabled(caplog):
    """Our alembic env.py must not disable CKAN's loggers: after `clean_db` or
    `ckan db upgrade -p shafaf` (both run it) a Solr error, or any other
    CKAN/extension log record, would otherwise vanish without trace."""
    from ckanext.shafaf.testing import upgrade_shafaf_db
    revive_loggers()
    probe = logging.getLogger("ckan.lib.search.common")
    ours = logging.getLogger("ckanext.shafaf.search.connection")
    upgrade_shafaf_db()
    assert not probe.disabled
    assert not ours.disabled
    caplog.set_level(logging.DEBUG)
    probe.error("probe from ckan.lib.search.common")
    ours.error("probe from ckanext.shafaf")
    messages = [r.getMessage() for r in caplog.records]
    assert "probe from ckan.lib.search.common" in messages
    assert "probe from ckanext.shafaf" in messages

"""Plug the PostgreSQL search backend into CKAN's search seam."""
from __future__ import annotations

import logging
from typing import Any

import ckan.lib.search as ckan_search
from ckan.exceptions import CkanConfigurationException
import ckan.lib.search.common as search_common
import ckan.lib.search.index as search_index
import ckan.lib.search.query as search_query

log = logging.getLogger(__name__)

# Modules of CKAN's search layer that call `make_connection()`.
_CONNECTION_USERS = (ckan_search, search_common, search_index, search_query)
_SOLR = {
    "make_connection": search_common.make_connection,
    "check_solr_schema_version": ckan_search.check_solr_schema_version,
    "index": search_index.PackageSearchIndex,
    "query": search_query.PackageSearchQuery,
}


def _no_solr_check(schema_file: Any = None) -> bool:
    """CKAN's start-up Solr probe would log a connection error: no Solr here.

    Checking a given schema file needs no server, so that still works.
    """
    if schema_file:
        return _SOLR["check_solr_schema_version"](schema_file)
    return False


def _install(make_connection: Any, schema_check: Any,
             index_cls: Any, query_cls: Any) -> None:
    ckan_search._INDICES["package"] = index_cls
    ckan_search._QUERIES["package"] = query_cls
    ckan_search.check_solr_schema_version = schema_check
    for module in _CONNECTION_USERS:
        module.make_connection = make_connection


def declare_solr_optional(declaration: Any, key: Any) -> None:
    """CKAN declares `solr_url` required; with our backend there is no Solr."""
    from ckan.config.declaration.option import Flag
    option = declaration.get(key.solr_url)
    if option is not None:  # absent when only our own options are loaded
        option.flags &= ~Flag.required


def configure(config: Any) -> None:
    """Register our index and query classes (or give CKAN's back).

    `ckan.lib.search.index_for()` / `query_for()` look the classes up in
    `_INDICES` / `_QUERIES`, so every caller of the search layer
    (package_search, group pages, ckanext-harvest, `ckan search-index`)
    reaches them. They keep CKAN's document and query building and talk to
    PostgreSQL through a pysolr-compatible connection.
    """
    if config.get("ckanext.shafaf.search.backend", "postgres") == "solr":
        if not config.get("solr_url"):
            raise CkanConfigurationException(
                "ckanext.shafaf.search.backend = solr needs solr_url / "
                "برای جستجو با Solr مقدار solr_url لازم است")
        _install(_SOLR["make_connection"], _SOLR["check_solr_schema_version"],
                 _SOLR["index"], _SOLR["query"])
        return

    from ckanext.shafaf.search.connection import make_connection
    from ckanext.shafaf.search.index import PgPackageSearchIndex
    from ckanext.shafaf.search.query import PgPackageSearchQuery

    _install(make_connection, _no_solr_check,
             PgPackageSearchIndex, PgPackageSearchQuery)
    log.debug("ckanext-shafaf: PostgreSQL search backend active")

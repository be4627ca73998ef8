"""Plug the PostgreSQL search backend into CKAN's search seam."""
from __future__ import annotations

import logging
from typing import Any

import ckan.lib.search as ckan_search

log = logging.getLogger(__name__)

_SOLR_CHECK = ckan_search.check_solr_schema_version


def _no_solr_check(schema_file: Any = None) -> bool:
    """CKAN's start-up Solr probe would log a connection error: no Solr here."""
    return False


def configure(config: Any) -> None:
    """Register (or unregister) our index and query classes.

    `ckan.lib.search.index_for()` / `query_for()` look classes up in
    `_INDICES` / `_QUERIES`, so every caller of the search layer (package_search,
    group pages, ckanext-harvest, `ckan search-index`) reaches our backend.
    """
    from ckan.lib.search.index import PackageSearchIndex
    from ckan.lib.search.query import PackageSearchQuery

    if config.get("ckanext.shafaf.search.backend", "postgres") == "solr":
        ckan_search._INDICES["package"] = PackageSearchIndex
        ckan_search._QUERIES["package"] = PackageSearchQuery
        ckan_search.check_solr_schema_version = _SOLR_CHECK
        return

    from ckanext.shafaf.search.index import PgPackageSearchIndex
    from ckanext.shafaf.search.query import PgPackageSearchQuery

    ckan_search._INDICES["package"] = PgPackageSearchIndex
    ckan_search._QUERIES["package"] = PgPackageSearchQuery
    ckan_search.check_solr_schema_version = _no_solr_check
    log.info("ckanext-shafaf: PostgreSQL search backend active")

"""The package query CKAN finds through `ckan.lib.search.query_for()`."""
from __future__ import annotations

import sqlalchemy as sa

from ckan.common import config
from ckan.lib.search.query import PackageSearchQuery

from ckanext.shafaf.search.connection import engine
from ckanext.shafaf.search.executor import TABLE


class PgPackageSearchQuery(PackageSearchQuery):
    """CKAN's own query building (`run`, `get_index`), answered by PostgreSQL
    through the connection the backend installs."""

    def get_all_entity_ids(self, max_results: int = 1000) -> list[str]:
        sql = sa.text(f"SELECT id FROM {TABLE} WHERE site_id = :site "
                      "AND state = 'active' ORDER BY id LIMIT :n")
        with engine().connect() as conn:
            return [r.id for r in conn.execute(
                sql, {"site": config.get("ckan.site_id"), "n": max_results})]

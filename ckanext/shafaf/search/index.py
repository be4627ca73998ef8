"""The package index CKAN finds through `ckan.lib.search.index_for()`."""
from __future__ import annotations

from ckan.lib.search.index import PackageSearchIndex


class PgPackageSearchIndex(PackageSearchIndex):
    """CKAN's own document building; the document lands in PostgreSQL.

    `index_package`, `delete_package` and `clear` are CKAN's: they reach
    `make_connection()`, which the backend points at
    :class:`ckanext.shafaf.search.connection.PostgresConnection`.
    """

    def commit(self) -> None:
        """Writes are committed as they happen; nothing is pending."""

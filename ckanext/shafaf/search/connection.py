"""A pysolr-compatible connection that stores and searches in PostgreSQL.

CKAN's PackageSearchIndex and PackageSearchQuery build the Solr document and
the Solr query themselves and hand them to `make_connection()`. Answering
that connection from PostgreSQL keeps all of CKAN's own logic (permission
labels, extras, plugins' before_dataset_index, fq building, facet shaping)
running unchanged, instead of copying it.
"""
from __future__ import annotations

import functools
import logging
from typing import Any, Iterable, Optional

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

import ckan.model as model
from ckan.lib.search.common import (
    SearchError, SearchIndexError, solr_datetime_decoder)

from ckanext.shafaf.search import cache, lucene
from ckanext.shafaf.search.documents import index_rows
from ckanext.shafaf.search.executor import (
    FROM, STORED, TABLE, SearchRequest, execute)
from ckanext.shafaf.search.sql import Compiler

log = logging.getLogger(__name__)


_COLUMNS = ("id", "site_id", "name", "state", "capacity", "dataset_type",
            "owner_org", "title_string", "metadata_created", "metadata_modified",
            "permission_labels", "doc", "tsv")
_CASTS = {"doc": "CAST(:doc AS jsonb)", "tsv": "CAST(:tsv AS tsvector)"}
_UPSERT = sa.text(
    f"INSERT INTO {TABLE} ({', '.join(_COLUMNS)}, indexed_at) VALUES ("
    + ", ".join(_CASTS.get(c, f":{c}") for c in _COLUMNS) + ", clock_timestamp()) "
    "ON CONFLICT (id, site_id) DO UPDATE SET "
    + ", ".join(f"{c} = EXCLUDED.{c}" for c in _COLUMNS[2:])
    + ", indexed_at = clock_timestamp()")
_UPSERT_STORED = sa.text(f"""
    INSERT INTO {STORED} (id, site_id, doc, ftsv, data_dict, validated_data_dict)
    VALUES (:id, :site_id, CAST(:doc AS jsonb), CAST(:ftsv AS jsonb), :data_dict,
            :validated_data_dict)
    ON CONFLICT (id, site_id) DO UPDATE SET doc = EXCLUDED.doc,
        ftsv = EXCLUDED.ftsv, data_dict = EXCLUDED.data_dict,
        validated_data_dict = EXCLUDED.validated_data_dict""")


class Results:
    """The part of pysolr.Results that CKAN reads."""

    def __init__(self, docs: list[dict[str, Any]], hits: int,
                 facets: dict[str, Any]) -> None:
        self.docs = docs
        self.hits = hits
        self.facets = facets

    def __len__(self) -> int:
        return len(self.docs)

    def __iter__(self):
        return iter(self.docs)


@functools.lru_cache(maxsize=4)
def _pooled_engine(url: str) -> sa.engine.Engine:
    return sa.create_engine(url, pool_size=4, max_overflow=8, pool_pre_ping=True)


def engine() -> sa.engine.Engine:
    """A pooled engine on CKAN's database.

    CKAN's own engine may be a NullPool one (its migrations install one), and
    a new PostgreSQL connection per search would cost more than the search.
    """
    return _pooled_engine(str(model.meta.engine.url))


class PostgresConnection:
    """Writes go straight to PostgreSQL in their own transaction, as writes to
    Solr are independent of CKAN's database transaction."""

    url = "postgresql://(ckanext-shafaf search index)"

    def __init__(self, decode_dates: bool = True) -> None:
        self.decode_dates = decode_dates

    def add(self, docs: Iterable[dict[str, Any]], commit: bool = True,
            **_kw: Any) -> None:
        rows = [index_rows(doc) for doc in docs]
        if not rows:
            return
        try:
            with engine().begin() as conn:
                # derived data, rebuilt by `ckan search-index rebuild`: a crash
                # may lose the last writes, never corrupt them
                conn.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
                conn.execute(_UPSERT, [searched for searched, _ in rows])
                conn.execute(_UPSERT_STORED, [stored for _, stored in rows])
            cache.bump_generation()
        except SQLAlchemyError as e:
            raise SearchIndexError(
                f"نمایه جستجو به‌روز نشد / Could not write the search index: {e.orig!r}")

    def delete(self, id: Optional[str] = None, q: Optional[str] = None,
               commit: bool = True, **_kw: Any) -> None:
        if id is None and q is None:
            raise SearchIndexError("delete needs an id or a query")
        compiler = Compiler(param_prefix="d")
        if id is not None:
            where, params = "d.id = :delete_id", {"delete_id": id}
        else:
            where, params = compiler.where(lucene.parse(q or "")), compiler.params
        sql = (f"DELETE FROM {TABLE} WHERE (id, site_id) IN "
               f"(SELECT d.id, d.site_id FROM {FROM} WHERE {where})")
        try:
            with engine().begin() as conn:
                conn.execute(sa.text(sql), params)
            cache.bump_generation()
        except SQLAlchemyError as e:
            raise SearchIndexError(
                f"حذف از نمایه جستجو انجام نشد / Could not delete from the search index: {e.orig!r}")

    def commit(self, **_kw: Any) -> None:
        """Every write above is already committed."""

    def search(self, q: Optional[str] = None, **params: Any) -> Results:
        if _has_nul([q, *params.values()]):
            raise lucene.syntax_error("نویسهٔ تهی (NUL) مجاز نیست",
                                      "the NUL character is not allowed")
        request = SearchRequest.from_solr_params(q, params)
        try:
            docs, hits, facets = cache.cached(request, lambda: _run(request))
        except SQLAlchemyError as e:
            log.error("Search failed: %r", e)
            raise SearchError(
                f"جستجو انجام نشد / Search failed: {getattr(e, 'orig', e)!r}")
        if self.decode_dates:
            # as pysolr does with CKAN's decoder: date strings become datetimes
            docs = [solr_datetime_decoder(doc) for doc in docs]
        return Results(docs, hits, {"facet_fields": facets})


def _has_nul(value: Any) -> bool:
    """PostgreSQL text cannot hold NUL; Solr would refuse it too."""
    if isinstance(value, (list, tuple)):
        return any(_has_nul(v) for v in value)
    return isinstance(value, str) and "\x00" in value


def _run(request: SearchRequest) -> cache.Result:
    with engine().begin() as conn:
        return execute(conn, request)


def make_connection(decode_dates: bool = True) -> PostgresConnection:
    return PostgresConnection(decode_dates)

"""A pysolr-compatible connection that stores and searches in PostgreSQL.

CKAN's PackageSearchIndex and PackageSearchQuery build the Solr document and
the Solr query themselves and hand them to `make_connection()`. Answering
that connection from PostgreSQL keeps all of CKAN's own logic (permission
labels, extras, plugins' before_dataset_index, fq building, facet shaping)
running unchanged, instead of copying it.
"""
from __future__ import annotations

import logging
from typing import Any, Iterable, Optional

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

import ckan.model as model
from ckan.lib.search.common import (
    SearchError, SearchIndexError, solr_datetime_decoder)

from ckanext.shafaf.search import lucene
from ckanext.shafaf.search.documents import index_row
from ckanext.shafaf.search.executor import SearchRequest, execute
from ckanext.shafaf.search.sql import Compiler

log = logging.getLogger(__name__)

TABLE = "shafaf_search_doc"

_UPSERT = sa.text(f"""
    INSERT INTO {TABLE} (id, site_id, name, state, capacity, dataset_type,
        owner_org, title_string, metadata_created, metadata_modified,
        permission_labels, doc, ftsv, tsv, data_dict, validated_data_dict,
        indexed_at)
    VALUES (:id, :site_id, :name, :state, :capacity, :dataset_type,
        :owner_org, :title_string, :metadata_created, :metadata_modified,
        :permission_labels, CAST(:doc AS jsonb), CAST(:ftsv AS jsonb),
        CAST(:tsv AS tsvector), :data_dict, :validated_data_dict, now())
    ON CONFLICT (id, site_id) DO UPDATE SET
        name = EXCLUDED.name,
        state = EXCLUDED.state, capacity = EXCLUDED.capacity,
        dataset_type = EXCLUDED.dataset_type, owner_org = EXCLUDED.owner_org,
        title_string = EXCLUDED.title_string,
        metadata_created = EXCLUDED.metadata_created,
        metadata_modified = EXCLUDED.metadata_modified,
        permission_labels = EXCLUDED.permission_labels, doc = EXCLUDED.doc,
        ftsv = EXCLUDED.ftsv, tsv = EXCLUDED.tsv,
        data_dict = EXCLUDED.data_dict,
        validated_data_dict = EXCLUDED.validated_data_dict,
        indexed_at = now()
""")


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


def engine() -> sa.engine.Engine:
    return model.meta.engine


class PostgresConnection:
    """Writes go straight to PostgreSQL in their own transaction, as writes to
    Solr are independent of CKAN's database transaction."""

    url = "postgresql://(ckanext-shafaf search index)"

    def __init__(self, decode_dates: bool = True) -> None:
        self.decode_dates = decode_dates

    def add(self, docs: Iterable[dict[str, Any]], commit: bool = True,
            **_kw: Any) -> None:
        rows = [index_row(doc) for doc in docs]
        if not rows:
            return
        try:
            with engine().begin() as conn:
                conn.execute(_UPSERT, rows)
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
        try:
            with engine().begin() as conn:
                conn.execute(sa.text(f"DELETE FROM {TABLE} d WHERE {where}"), params)
        except SQLAlchemyError as e:
            raise SearchIndexError(
                f"حذف از نمایه جستجو انجام نشد / Could not delete from the search index: {e.orig!r}")

    def commit(self, **_kw: Any) -> None:
        """Every write above is already committed."""

    def search(self, q: Optional[str] = None, **params: Any) -> Results:
        request = SearchRequest.from_solr_params(q, params)
        try:
            with engine().connect() as conn:
                docs, hits, facets = execute(conn, request)
        except SQLAlchemyError as e:
            log.error("Search failed: %r", e)
            raise SearchError(
                f"جستجو انجام نشد / Search failed: {getattr(e, 'orig', e)!r}")
        if self.decode_dates:
            # as pysolr does with CKAN's decoder: date strings become datetimes
            docs = [solr_datetime_decoder(doc) for doc in docs]
        return Results(docs, hits, {"facet_fields": facets})


def make_connection(decode_dates: bool = True) -> PostgresConnection:
    return PostgresConnection(decode_dates)

"""Run one Solr-style search request as SQL: count, page and facets."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Optional

import sqlalchemy as sa

from ckan.lib.search.common import SearchQueryError

from ckanext.shafaf.search import facet_counts, lucene
from ckanext.shafaf.search.fields import COLUMNS, DATE_COLUMNS, field_type
from ckanext.shafaf.search.sql import Compiler

TABLE = "shafaf_search_doc"
STORED = "shafaf_search_stored"
FROM = (f"{TABLE} d LEFT JOIN {STORED} s "
        "ON s.id = d.id AND s.site_id = d.site_id")
# Materialising the hits of a broad query (with their facet fields) in memory.
WORK_MEM = "64MB"
# Session settings of a search. JIT compilation is off: a broad query's cost
# estimate triggers it, and compiling took longer (0.6 s for word + facets)
# than the query runs without it. The index is read from memory, not disk:
# with the default random_page_cost (4) the planner scanned all 100,000 rows
# for filters its GIN indexes answer in a fifth of the time.
SEARCH_SETTINGS = (f"SET LOCAL work_mem = '{WORK_MEM}'", "SET LOCAL jit = off",
                   "SET LOCAL random_page_cost = 1.1")
# ts_rank weights for D, C, B, A: title (A) outranks tags (B), notes (C), rest.
RANK_WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"
# fields that are table columns sort on the column itself
SORT_COLUMNS = COLUMNS | DATE_COLUMNS
BLOB_FIELDS = ("data_dict", "validated_data_dict")
MAX_ROWS = 100000
NO_RANK = "0.0"
# Sort fields with a btree index (migrations 0a1f3c2d4e5b, 5f6071829304):
# a page sorted by one of them is read in index order and stops after
# `rows` hits, instead of ranking and sorting every hit.
INDEXED_SORTS = frozenset(("metadata_modified", "name", "title_string"))


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [v for v in value if v not in (None, "")]
    return [value] if value != "" else []


def _as_int(name: str, value: Any, default: int) -> int:
    if value in (None, ""):
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise SearchQueryError(
            f"مقدار {name} باید عدد صحیح باشد / {name} must be an integer: {value!r}")


def _split_fields(value: Any) -> list[str]:
    names: list[str] = []
    for item in _as_list(value):
        names.extend(n for n in re.split(r"[\s,]+", str(item)) if n)
    return names


@dataclass
class SearchRequest:
    q: str = "*:*"
    fq: list[str] = field(default_factory=list)
    fl: list[str] = field(default_factory=lambda: ["*"])
    rows: int = 10
    start: int = 0
    sort: list[tuple[str, str]] = field(default_factory=list)
    facet: bool = False
    facet_fields: list[str] = field(default_factory=list)
    facet_limit: int = 50
    facet_mincount: int = 1
    def_type: str = "lucene"
    mm: str = "2<-1 5<80%"
    q_op: str = "AND"

    @property
    def wants_facets(self) -> bool:
        """Solr counts facets only when asked to and given a field."""
        return self.facet and bool(self.facet_fields)

    @classmethod
    def from_solr_params(cls, q: Optional[str], params: dict[str, Any]) -> "SearchRequest":
        q = q if q is not None else params.get("q")
        facet = str(params.get("facet", "false")).lower() in ("true", "on", "1")
        request = cls(
            q=str(q) if q not in (None, "") else "*:*",
            fq=[str(f) for f in _as_list(params.get("fq"))],
            fl=_split_fields(params.get("fl")) or ["*"],
            rows=min(max(_as_int("rows", params.get("rows"), 10), 0), MAX_ROWS),
            start=max(_as_int("start", params.get("start"), 0), 0),
            sort=lucene.parse_sort(params["sort"]) if params.get("sort") else [],
            facet=facet,
            facet_fields=list(dict.fromkeys(
                str(f) for f in _as_list(params.get("facet.field")))),
            facet_limit=_as_int("facet.limit", params.get("facet.limit"), 50),
            facet_mincount=_as_int("facet.mincount", params.get("facet.mincount"), 1),
            def_type=str(params.get("defType") or "lucene"),
            mm=str(params.get("mm") or "2<-1 5<80%"),
            q_op=str(params.get("q.op") or "AND").upper(),
        )
        for name in request.facet_fields + [f for f, _ in request.sort]:
            if not lucene.FIELD_RE.match(name) and name != "score":
                raise SearchQueryError(
                    f"نام فیلد نامعتبر است / Invalid field name: {name!r}")
        return request


def _where(request: SearchRequest, compiler: Compiler) -> str:
    q = request.q.strip()
    if q in ("*:*", "*"):
        clauses = ["TRUE"]
    elif request.def_type == "dismax":
        clauses = [compiler.dismax_where(q, request.mm)]
    else:
        clauses = [compiler.where(lucene.parse(q, request.q_op))]
    for fq in request.fq:
        if fq.strip():
            # a filter never ranks, and one whose words all analyse away
            # is ignored, as Solr does
            clauses.append(compiler.where(lucene.parse(fq, request.q_op),
                                          empty="TRUE", rank=False))
    return " AND ".join(f"({c})" for c in clauses)


def _rank(compiler: Compiler, table: str = "d") -> str:
    if not compiler.rank_queries:
        return NO_RANK
    compiler.params["rank_q"] = " | ".join(f"({q})" for q in compiler.rank_queries)
    return f"ts_rank('{RANK_WEIGHTS}', {table}.tsv, CAST(:rank_q AS tsquery))"


def _read_in_index_order(request: SearchRequest, rank: str) -> bool:
    """Whether the page can be read in the order of a btree index.

    Then nothing needs every hit at once: the count is one scan, the page
    another that stops after `start + rows` hits, and the score is computed
    for the page's rows only. With facets (which need every hit) or a sort
    by score, the hits are materialised once instead."""
    if request.wants_facets:
        return False
    keys = [name for name, _ in request.sort
            if not (name == "score" and rank == NO_RANK)]
    return bool(keys) and keys[0] in INDEXED_SORTS and "score" not in keys


def _order_by(request: SearchRequest, rank: str, params: dict[str, Any]
              ) -> tuple[list[str], list[str]]:
    """Sort keys computed for every hit, and the ORDER BY over them (on `p`).

    The score is already a column of the hits: computing ts_rank a second
    time for the sort key would double the cost of ranking."""
    keys, order = [], []
    for i, (name, direction) in enumerate(request.sort):
        direction = "DESC" if direction.lower() == "desc" else "ASC"
        if name == "score":
            if rank == NO_RANK:
                continue
            order.append(f"p.score {direction} NULLS LAST")
            continue
        if name in SORT_COLUMNS:
            expr = f"d.{name}"
        else:
            params[f"sort_{i}"] = name
            # Solr's `*` fields are strings: code-point order
            expr = f"(d.doc ->> :sort_{i}) COLLATE \"C\""
        keys.append(f"{expr} AS k{i}")
        order.append(f"p.k{i} {direction} NULLS LAST")
    order.append("p.indexed_at ASC, p.id ASC")
    return keys, order


def _facet_value(name: str, i: int) -> str:
    """A field's value(s) as jsonb, from its column or from the document."""
    if field_type(name) in ("column", "array", "date_column"):
        return f"to_jsonb(d.{name})"
    return f"d.doc -> :facet_{i}"


def _facet_values(i: int, unique_ids: bool) -> str:
    """(v, id) rows: the values of shafaf_values() of each hit, a dataset
    counted once per value. A scalar is read directly and only lists are
    expanded. The index holds each list value once (documents.distinct_values,
    migration 6071829304a5), so with unique ids (one site) nothing needs
    de-duplication: a DISTINCT per hit cost 5 µs, 0.38 s for the tags of
    60,000 hits."""
    scalar = (f"SELECT h.f{i} #>> '{{}}' AS v, h.id FROM hits h "
              f"WHERE jsonb_typeof(h.f{i}) NOT IN ('array', 'null')")
    listed = (f"SELECT x AS v, h.id FROM hits h, jsonb_array_elements_text(h.f{i}) x "
              f"WHERE jsonb_typeof(h.f{i}) = 'array'")
    if unique_ids:
        return f"{scalar} UNION ALL {listed}"
    return f"SELECT DISTINCT v, id FROM ({scalar} UNION ALL {listed}) e"


def _facet_sql(request: SearchRequest, params: dict[str, Any]) -> str:
    """Datasets, not values, are counted (a dataset with two CSVs counts once).

    Hash aggregation over direct reads: a set-returning call per hit and a
    sorted count(DISTINCT) took ~0.1-0.3 s per field on 60,000 hits."""
    unique_ids = facet_counts.single_site(request)
    return facet_counts.facet_union(request, params, lambda i, limit: (
        f"SELECT {i} AS f, v, count(*) AS c FROM ({_facet_values(i, unique_ids)}) u "
        f"WHERE v IS NOT NULL GROUP BY v HAVING count(*) >= :facet_mincount "
        f"ORDER BY c DESC, v COLLATE \"C\" ASC {limit}"))


def _page_sql(request: SearchRequest, order: list[str],
              page_score: Optional[str] = None) -> str:
    """The requested page, in order: a bounded (top-N) sort of the hits, the
    stored documents joined for those rows only. `page_score` (on `p`) is
    computed for the page's rows when the hits do not carry a score."""
    wanted = set(request.fl)
    blobs = [b for b in BLOB_FIELDS if b in wanted or "*" in wanted]
    fields = ", ".join(["'doc', st.doc", "'score', p.score"]
                       + [f"'{b}', st.{b}" for b in blobs])
    by = ", ".join(order)
    page = (f"SELECT * FROM hits p ORDER BY {by} "
            "LIMIT :page_rows OFFSET :page_start")
    if page_score is not None:
        page = f"SELECT p.*, {page_score} AS score FROM ({page}) p"
    return (f"(SELECT coalesce(json_agg(json_build_object({fields}) ORDER BY {by}), '[]') "
            f"FROM ({page}) p "
            f"JOIN {STORED} st ON st.id = p.id AND st.site_id = p.site_id)")


def _select_fields(docs: list[dict[str, Any]], wanted: set[str]) -> list[dict[str, Any]]:
    out = []
    for item in docs:
        stored = dict(item["doc"])
        stored["score"] = float(item["score"])
        for blob in BLOB_FIELDS:
            if blob in item:
                stored[blob] = item[blob]
        if "*" not in wanted:
            stored = {k: v for k, v in stored.items() if k in wanted}
        out.append(stored)
    return out


def execute(conn: sa.engine.Connection, request: SearchRequest
            ) -> tuple[list[dict[str, Any]], int, dict[str, list[Any]]]:
    """Count, page and facets from one scan of the matching rows, or from the
    maintained counts when the question is the whole public catalogue."""
    compiler = Compiler()
    where = _where(request, compiler)
    rank = _rank(compiler)
    params = compiler.params
    keys, order = _order_by(request, rank, params)
    facets = request.wants_facets
    counted = facet_counts.public_catalogue(request)
    page_score = None
    score_column = f"{rank} AS score"
    if counted:
        params.update(counted)
        total, facet_columns, materialized = facet_counts.total_sql(), [], "NOT MATERIALIZED"
        facet_sql = facet_counts.facets_sql(request, params) if facets else "'[]'::json"
    elif _read_in_index_order(request, rank):
        # the hits stay a view: the count and the page are planned apart
        total, facet_columns, materialized = (
            "(SELECT count(*) FROM hits)", [], "NOT MATERIALIZED")
        facet_sql = "'[]'::json"
        if rank != NO_RANK:
            score_column, page_score = "d.tsv", _rank(compiler, "p")
    else:
        total, materialized = "(SELECT count(*) FROM hits)", "MATERIALIZED"
        # only the requested facet values travel with the hits, not whole documents
        facet_columns = [f"{_facet_value(name, i)} AS f{i}"
                         for i, name in enumerate(request.facet_fields)] if facets else []
        facet_sql = _facet_sql(request, params) if facets else "'[]'::json"
    hit_columns = ", ".join(["d.id", "d.site_id", "d.indexed_at", score_column]
                            + keys + facet_columns)
    page = _page_sql(request, order, page_score) if request.rows else "'[]'::json"
    params.update(page_rows=request.rows, page_start=request.start)
    sql = (f"WITH hits AS {materialized} (SELECT {hit_columns} FROM {FROM} "
           f"WHERE {where}) SELECT {total} AS total, "
           f"{page} AS page, {facet_sql} AS facets")
    for setting in SEARCH_SETTINGS:
        conn.exec_driver_sql(setting)
    row = conn.execute(sa.text(sql), params).one()
    result: dict[str, list[Any]] = {name: [] for name in request.facet_fields} \
        if facets else {}
    for index, value, count in row.facets:
        result[request.facet_fields[index]].extend((value, int(count)))
    return _select_fields(row.page, set(request.fl)), int(row.total), result

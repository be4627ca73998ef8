"""Run one Solr-style search request as SQL: count, page and facets."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Optional

import sqlalchemy as sa

from ckan.lib.search.common import SearchQueryError

from ckanext.shafaf.search import lucene
from ckanext.shafaf.search.sql import Compiler

TABLE = "shafaf_search_doc"
# ts_rank weights for D, C, B, A: title (A) outranks tags (B), notes (C), rest.
RANK_WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"
SORT_COLUMNS = frozenset((
    "id", "name", "state", "dataset_type", "owner_org", "site_id", "capacity",
    "title_string", "metadata_created", "metadata_modified"))
BLOB_FIELDS = ("data_dict", "validated_data_dict")
MAX_ROWS = 100000
NO_RANK = "0.0"
_FIELD_RE = re.compile(r"^[A-Za-z0-9_.\-]+$")


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
    names = []
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
            facet_fields=[str(f) for f in _as_list(params.get("facet.field"))],
            facet_limit=_as_int("facet.limit", params.get("facet.limit"), 50),
            facet_mincount=_as_int("facet.mincount", params.get("facet.mincount"), 1),
            def_type=str(params.get("defType") or "lucene"),
            mm=str(params.get("mm") or "2<-1 5<80%"),
            q_op=str(params.get("q.op") or "AND").upper(),
        )
        for name in request.facet_fields + [f for f, _ in request.sort]:
            if not _FIELD_RE.match(name) and name != "score":
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


def _rank(compiler: Compiler) -> str:
    if not compiler.rank_queries:
        return NO_RANK
    compiler.params["rank_q"] = " | ".join(f"({q})" for q in compiler.rank_queries)
    return f"ts_rank('{RANK_WEIGHTS}', d.tsv, CAST(:rank_q AS tsquery))"


def _order_by(request: SearchRequest, rank: str, params: dict[str, Any]) -> str:
    parts = []
    for i, (name, direction) in enumerate(request.sort):
        direction = "DESC" if direction.lower() == "desc" else "ASC"
        if name == "score":
            if rank != NO_RANK:
                parts.append(f"{rank} {direction}")
        elif name in SORT_COLUMNS:
            parts.append(f"d.{name} {direction} NULLS LAST")
        else:
            params[f"sort_{i}"] = name
            parts.append(f"d.doc -> :sort_{i} {direction} NULLS LAST")
    parts.append("d.indexed_at ASC, d.id ASC")
    return ", ".join(parts)


def _page(conn: sa.engine.Connection, request: SearchRequest, where: str,
          rank: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    if request.rows == 0:
        return []
    wanted = set(request.fl)
    blobs = [b for b in BLOB_FIELDS if b in wanted or "*" in wanted]
    columns = ", ".join(["d.doc", f"{rank} AS score"] + [f"d.{b}" for b in blobs])
    sql = (f"SELECT {columns} FROM {TABLE} d WHERE {where} "
           f"ORDER BY {_order_by(request, rank, params)} "
           f"LIMIT :page_rows OFFSET :page_start")
    rows = conn.execute(sa.text(sql), {
        **params, "page_rows": request.rows, "page_start": request.start})
    docs = []
    for row in rows:
        stored = dict(row.doc)
        stored["score"] = float(row.score)
        for blob in blobs:
            stored[blob] = getattr(row, blob)
        if "*" not in wanted:
            stored = {k: v for k, v in stored.items() if k in wanted}
        docs.append(stored)
    return docs


def _facets(conn: sa.engine.Connection, request: SearchRequest, where: str,
            params: dict[str, Any]) -> dict[str, list[Any]]:
    fields = list(dict.fromkeys(request.facet_fields))
    if not request.facet or not fields:
        return {}
    limit = "" if request.facet_limit < 0 else "LIMIT :facet_limit"
    selects = []
    for i, name in enumerate(fields):
        params[f"facet_{i}"] = name
        selects.append(
            f"(SELECT {i} AS f, v, count(*) AS c "
            f"FROM matched m, shafaf_values(m.doc -> :facet_{i}) v "
            f"GROUP BY v HAVING count(*) >= :facet_mincount "
            f"ORDER BY c DESC, v ASC {limit})")
    sql = (f"WITH matched AS MATERIALIZED (SELECT d.doc FROM {TABLE} d WHERE {where}) "
           + " UNION ALL ".join(selects))
    params = {**params, "facet_limit": request.facet_limit,
              "facet_mincount": max(request.facet_mincount, 1)}
    result: dict[str, list[Any]] = {name: [] for name in fields}
    for row in conn.execute(sa.text(sql), params):
        result[fields[row.f]].extend((row.v, int(row.c)))
    return result


def execute(conn: sa.engine.Connection, request: SearchRequest
            ) -> tuple[list[dict[str, Any]], int, dict[str, list[Any]]]:
    compiler = Compiler()
    where = _where(request, compiler)
    rank = _rank(compiler)
    params = compiler.params
    hits = conn.execute(
        sa.text(f"SELECT count(*) FROM {TABLE} d WHERE {where}"), params).scalar()
    docs = _page(conn, request, where, rank, dict(params))
    facets = _facets(conn, request, where, dict(params))
    return docs, int(hits or 0), facets


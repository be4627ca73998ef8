"""Answer "the whole public catalogue" from maintained counts.

The anonymous dataset page asks for the count and facets of every active
public dataset. A trigger (migration 1b2c3d4e5f60) keeps those counts in
`shafaf_search_facet_count`, so this question never scans the index. Any
other question, or a facet on a field that is not counted, takes the
general path.
"""
from __future__ import annotations

from typing import Any, Callable, Optional

from ckan.common import config

from ckanext.shafaf.search import lucene
from ckanext.shafaf.search.fields import field_type

COUNTS = "shafaf_search_facet_count"
NOT_COUNTED = frozenset(("index_id", "res_url", "url", "indexed_ts"))
BASE_FIELDS = frozenset(("state", "site_id", "capacity", "permission_labels"))


def _terms(node: lucene.Node) -> Optional[list[lucene.Term]]:
    """The node as a plain conjunction of terms, or None."""
    if isinstance(node, lucene.Term):
        return [node] if node.kind in ("word", "phrase") else None
    if isinstance(node, lucene.Bool) and not node.must_not:
        if node.must and not node.should:
            parts = [_terms(child) for child in node.must]
        elif len(node.should) == 1 and not node.must:
            parts = [_terms(node.should[0])]
        else:
            return None
        if any(p is None for p in parts):
            return None
        return [t for p in parts for t in p or []]
    return None


def single_site(request: Any) -> bool:
    """Whether an `fq` requires one site_id: the hits' ids are then unique
    (the index's key is (id, site_id)), as CKAN's package_search asks."""
    for fq in request.fq:
        if fq.strip():
            terms = _terms(lucene.parse(fq, request.q_op)) or []
            if any(t.field == "site_id" for t in terms):
                return True
    return False


def countable(field: str) -> bool:
    if field in ("owner_org", "dataset_type"):
        return True
    return (field_type(field) == "string" and field not in NOT_COUNTED
            and not field.endswith("_date"))


def public_catalogue(request: Any) -> Optional[dict[str, Any]]:
    """Bind parameters of the counted set if the request asks exactly for it."""
    if request.q.strip() not in ("*:*", "*", ""):
        return None
    if request.facet and not all(countable(f) for f in request.facet_fields):
        return None
    values: dict[str, set[str]] = {}
    for fq in request.fq:
        if not fq.strip():
            continue
        terms = _terms(lucene.parse(fq, request.q_op))
        if terms is None:
            return None
        for term in terms:
            if term.field not in BASE_FIELDS:
                return None
            values.setdefault(term.field, set()).add(term.text)
    if (values.get("state") != {"active"}
            or values.get("site_id") != {config.get("ckan.site_id")}
            or values.get("permission_labels") != {"public"}
            or values.get("capacity", {"public"}) != {"public"}):
        return None
    return {"fc_site": config.get("ckan.site_id"),
            "fc_capacity": "public" if "capacity" in values else None}


_SCOPE = ("site_id = :fc_site AND "
          "(CAST(:fc_capacity AS text) IS NULL OR capacity = :fc_capacity)")


def total_sql() -> str:
    return (f"(SELECT coalesce(sum(n), 0) FROM {COUNTS} "
            f"WHERE {_SCOPE} AND field = '' AND value = '')")


def facet_union(request: Any, params: dict[str, Any],
                select: Callable[[int, str], str]) -> str:
    """One JSON list of (facet index, value, count) from a SELECT per facet
    field; `select(i, limit)` counts field i, ties in code-point order."""
    limit = "" if request.facet_limit < 0 else "LIMIT :facet_limit"
    params["facet_limit"] = request.facet_limit
    params["facet_mincount"] = max(request.facet_mincount, 1)
    selects = []
    for i, name in enumerate(request.facet_fields):
        params[f"facet_{i}"] = name
        selects.append(f"({select(i, limit)})")
    return ("(SELECT coalesce(json_agg(json_build_array(f, v, c)), '[]') FROM ("
            + " UNION ALL ".join(selects) + ") fc)")


def facets_sql(request: Any, params: dict[str, Any]) -> str:
    return facet_union(request, params, lambda i, limit: (
        f"SELECT {i} AS f, value AS v, sum(n) AS c FROM {COUNTS} "
        f"WHERE {_SCOPE} AND field = :facet_{i} GROUP BY value "
        f"HAVING sum(n) >= :facet_mincount "
        f"ORDER BY c DESC, value COLLATE \"C\" ASC {limit}"))

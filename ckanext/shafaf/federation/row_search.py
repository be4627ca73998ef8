"""Every contract of one contractor across a province, from its contract roll-ups.

The roll-up tables hold the rows of private member datasets too (so the
province's own staff see complete figures); a caller only gets the rows of
source datasets they may read (``package_show`` auth per source), here
and in ``datastore_search`` on a roll-up resource (``datastore_filter``).
"""
from __future__ import annotations

from typing import Any, Optional

import ckan.plugins.toolkit as tk
from ckan.types import Context

from ckanext.shafaf.domain import identifiers
from ckanext.shafaf.domain.errors import DomainError
from ckanext.shafaf.federation import rollup, tree
from ckanext.shafaf.federation.rollup_merge import EXTRA_COLUMNS, KEY_COLUMN, _ident, match_key

_MIN_KEY = 2
_SHOWN = ("contract_number", "subject", "contractor_name", "contractor_id", "amount",
          "amount_unit", "signed_date", "selection_method", "contract_type", "region")
NO_CRITERIA = ("نام یا شناسه ملی پیمانکار را بدهید.",
               "Give the contractor's name or national ID.")
SHORT_NAME = ("نام پیمانکار دست‌کم باید دو حرف داشته باشد.",
              "The contractor's name must have at least two letters.")
NOT_PROVINCE = ("این سازمان شهرداری عضو ندارد.", "This organisation has no member municipalities.")


def contractor_id_or_error(value: str) -> str:
    """The ID's ASCII digits, or a ValidationError saying what is wrong, in both languages."""
    try:
        return identifiers.national_id_or_legal_id(value)[1]
    except DomainError as err:
        raise tk.ValidationError({"contractor_id": [str(err)]})


def readable_sources(context: Context, figures: dict[str, Any]) -> list[str]:
    """Source dataset ids of a roll-up that the caller may read."""
    ids = {s["dataset_id"] for s in figures.get("sources", []) + figures.get("skipped", [])}
    allowed = []
    for dataset_id in sorted(ids):
        try:
            tk.check_access("package_show", {"user": context.get("user"),
                                             "auth_user_obj": context.get("auth_user_obj")},
                            {"id": dataset_id})
        except (tk.NotAuthorized, tk.ObjectNotFound):
            continue
        allowed.append(dataset_id)
    return allowed


def _province(id_or_name: str) -> Any:
    org = tree.get_org(id_or_name)
    if org is None:
        raise tk.ObjectNotFound(f"سازمان یافت نشد / Organization not found: {id_or_name}")
    if not rollup.is_province(org.id):
        raise tk.ValidationError({"province": [" / ".join(NOT_PROVINCE)]})
    return org


def search(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Rows of the province's contract roll-ups matching the contractor, newest year first."""
    org = _province(data["province"])
    name, code = (data.get("contractor") or "").strip(), (data.get("contractor_id") or "").strip()
    if not name and not code:
        raise tk.ValidationError({"contractor": [" / ".join(NO_CRITERIA)]})
    code = contractor_id_or_error(code) if code else ""
    key = match_key(name)
    if name and len(key) < _MIN_KEY:
        raise tk.ValidationError({"contractor": [" / ".join(SHORT_NAME)]})
    parts, params = [], []
    for dataset in rollup.rollups_of(org.id, "contract"):
        year = rollup._year(dataset.get("fiscal_year"))
        resource_id = rollup.rollup_resource_id(dataset)
        if resource_id is None or (data.get("fiscal_year") and year != data["fiscal_year"]):
            continue
        allowed = readable_sources(context, rollup.figures_of(dataset))
        if not allowed:
            continue
        sql, values = _select(resource_id, year or 0, allowed, key, code)
        parts.append(sql)
        params.extend(values)
    if not parts:
        return {"count": 0, "results": [], "province": org.name}
    return _run(parts, params, data["limit"], data["offset"], org.name)


def _select(resource_id: str, year: int, allowed: list[str], key: str,
            code: str) -> tuple[str, list[Any]]:
    where: list[str] = ["source_dataset_id = ANY(%s)"]
    values: list[Any] = [allowed]
    if key:
        where.append(f"{_ident(KEY_COLUMN)} LIKE %s")
        values.append("%" + key.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_") + "%")
    if code:
        where.append("contractor_id = %s")
        values.append(code)
    columns = ", ".join(_ident(c) for c in (*_SHOWN, *EXTRA_COLUMNS))
    return (f"SELECT {columns}, {int(year)} AS fiscal_year, _id FROM {_ident(resource_id)} "
            f"WHERE {' AND '.join(where)}", values)


def _run(parts: list[str], params: list[Any], limit: int, offset: int,
         province: str) -> dict[str, Any]:
    from ckanext.datastore.backend.postgres import get_read_engine
    union = " UNION ALL ".join(f"({p})" for p in parts)
    sql = (f"SELECT *, count(*) OVER () AS _total FROM ({union}) AS found "
           "ORDER BY fiscal_year DESC, municipality, signed_date NULLS LAST, _id "
           "LIMIT %s OFFSET %s")
    with get_read_engine().connect() as conn:
        cursor = conn.connection.cursor()
        cursor.execute(sql, [*params, limit, offset])
        names = [c.name for c in cursor.description]
        rows = [dict(zip(names, r)) for r in cursor.fetchall()]
    total = rows[0]["_total"] if rows else _count(parts, params)
    return {"count": total, "results": [_result(r) for r in rows], "province": province}


def _count(parts: list[str], params: list[Any]) -> int:
    """The total when the page is past the last row (the window count is then absent)."""
    from ckanext.datastore.backend.postgres import get_read_engine
    union = " UNION ALL ".join(f"({p})" for p in parts)
    with get_read_engine().connect() as conn:
        cursor = conn.connection.cursor()
        cursor.execute(f"SELECT count(*) FROM ({union}) AS found", params)
        return cursor.fetchone()[0]


def _result(row: dict[str, Any]) -> dict[str, Any]:
    result = {k: row[k] for k in (*_SHOWN, "municipality", "municipality_name", "fiscal_year")}
    if result["signed_date"] is not None:
        result["signed_date"] = result["signed_date"].isoformat()
    result["dataset"] = {"id": row["source_dataset_id"], "name": row["source_dataset_name"],
                         "url": tk.url_for("dataset.read", id=row["source_dataset_name"],
                                           _external=True)}
    result["resource_id"] = row["source_resource_id"]
    result["resource_url"] = tk.url_for("resource.read", id=row["source_dataset_name"],
                                        resource_id=row["source_resource_id"], _external=True)
    return result


def datastore_filter(context: Context, data_dict: dict[str, Any],
                     fields_types: dict[str, str], query_dict: dict[str, Any]) -> dict[str, Any]:
    """IDatastore hook body: a roll-up's rows of unreadable sources stay out of datastore_search."""
    if "source_dataset_id" not in fields_types or "municipality_name" not in fields_types:
        return query_dict
    dataset = _rollup_of_resource(data_dict.get("resource_id"))
    if dataset is None:
        return query_dict
    allowed = readable_sources(context, rollup.figures_of(dataset))
    query_dict.setdefault("where", []).append(
        ('"source_dataset_id" = ANY(:shafaf_readable_sources)',
         {"shafaf_readable_sources": allowed}))
    return query_dict


def _rollup_of_resource(resource_id: Optional[str]) -> Optional[dict[str, Any]]:
    import ckan.model as model
    resource = model.Resource.get(resource_id) if resource_id else None
    if resource is None:
        return None
    dataset = tk.get_action("package_show")(rollup._context(), {"id": resource.package_id})
    return dataset if dataset.get(rollup.ROLLUP_FIELD) else None

"""Summary figures of a roll-up table: GROUP BY queries run after each refresh.

Stored on the roll-up dataset (``shafaf_rollup_figures``), so the province
page reads one field instead of scanning the merged table on every view.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from ckanext.shafaf.federation.rollup_merge import KEY_COLUMN, _ident

TOP_CONTRACTORS = 10


def _rows(cursor: Any, sql: str, keys: tuple[str, ...]) -> list[dict[str, Any]]:
    cursor.execute(sql)
    return [{k: (int(v) if isinstance(v, Decimal) else v) for k, v in zip(keys, row)}
            for row in cursor.fetchall()]


def _contracts(cursor: Any, table: str, where: str) -> dict[str, Any]:
    contractor = f"coalesce(nullif(contractor_id, ''), 'name:' || {_ident(KEY_COLUMN)})"
    return {
        "by_municipality": _rows(cursor, (
            f"SELECT municipality, municipality_name, count(*), coalesce(sum(amount), 0) "
            f"FROM {table} {where} GROUP BY 1, 2 ORDER BY 4 DESC, 2"),
            ("municipality", "municipality_name", "count", "amount")),
        "top_contractors": _rows(cursor, (
            f"SELECT {contractor}, min(contractor_name), max(nullif(contractor_id, '')), "
            f"coalesce(sum(amount), 0), count(*), count(DISTINCT municipality_name) "
            f"FROM {table} {where} GROUP BY 1 ORDER BY 4 DESC, 1 LIMIT {TOP_CONTRACTORS}"),
            ("key", "contractor_name", "contractor_id", "amount", "count", "municipalities")),
        "by_method": _rows(cursor, (
            f"SELECT coalesce(nullif(selection_method, ''), '—'), count(*), "
            f"coalesce(sum(amount), 0) FROM {table} {where} GROUP BY 1 ORDER BY 2 DESC, 1"),
            ("selection_method", "count", "amount")),
    }


def _budgets(cursor: Any, table: str, where: str) -> dict[str, Any]:
    return {"by_municipality": _rows(cursor, (
        f"SELECT municipality, municipality_name, coalesce(direction, '—'), count(*), "
        f"coalesce(sum(approved), 0), coalesce(sum(executed), 0) FROM {table} {where} "
        f"GROUP BY 1, 2, 3 ORDER BY 5 DESC, 2, 3"),
        ("municipality", "municipality_name", "direction", "count", "approved", "executed"))}


def _permits(cursor: Any, table: str, where: str) -> dict[str, Any]:
    return {
        "by_municipality": _rows(cursor, (
            f"SELECT municipality, municipality_name, count(*) FROM {table} {where} "
            f"GROUP BY 1, 2 ORDER BY 3 DESC, 2"), ("municipality", "municipality_name", "count")),
        "by_permit_type": _rows(cursor, (
            f"SELECT coalesce(nullif(permit_type, ''), '—'), count(*) FROM {table} {where} "
            f"GROUP BY 1 ORDER BY 2 DESC, 1"), ("permit_type", "count")),
    }


_BY_TYPE = {"contract": _contracts, "budget": _budgets, "permit": _permits}


def compute(resource_id: str, dataset_type: str, sources: list[str]) -> dict[str, Any]:
    """The figures over the rows of these source datasets (read engine: read-only)."""
    from ckanext.datastore.backend.postgres import get_read_engine
    with get_read_engine().connect() as conn:
        cursor = conn.connection.cursor()
        where = cursor.mogrify("WHERE source_dataset_id = ANY(%s)", (sources,)).decode()
        figures = _BY_TYPE[dataset_type](cursor, _ident(resource_id), where)
        cursor.execute(f"SELECT count(*) FROM {_ident(resource_id)} {where}")
        figures["rows_counted"] = cursor.fetchone()[0]
        return figures

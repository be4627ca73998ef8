"""The merge of member tables into a roll-up table: SQL in the DataStore database.

Every member table was loaded by the upload check with the normalised
columns of its table schema, so the roll-up is ``INSERT … SELECT`` from
each of them in one transaction of the DataStore's write engine: readers
see the old rows until the new ones are all in, and a failure leaves the
old rows. A member table that is missing or whose columns no longer match
is skipped with a recorded reason, and its rows of the last good refresh
stay in the roll-up (stale is better than silently gone).
"""
from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from ckanext.shafaf.search.persian import normalize
from ckanext.shafaf.tables import datastore_fields
from ckanext.shafaf.uploads import datastore as upload_datastore

if TYPE_CHECKING:
    from ckanext.shafaf.federation.rollup import Source

log = logging.getLogger(__name__)

# Columns every roll-up adds to its table schema's columns.
EXTRA_COLUMNS = ("municipality", "municipality_name", "source_dataset_id",
                 "source_dataset_name", "source_resource_id")
# Contracts also keep the contractor's name folded for search (row_search.py).
KEY_COLUMN = "contractor_key"
_LABELS = {
    "municipality": "شهرداری", "municipality_name": "نشانی شهرداری",
    "source_dataset_id": "شناسه مجموعه‌داده منبع", "source_dataset_name": "مجموعه‌داده منبع",
    "source_resource_id": "شناسه منبع", KEY_COLUMN: "نام پیمانکار (یکسان‌شده برای جست‌وجو)",
}

# The SQL twin of ``match_key``: NFKD, combining marks, ZWNJ and spaces
# dropped, Arabic letters and digits folded like search/persian.normalize.
_FROM = "يىكةەۀٱ" + "۰۱۲۳۴۵۶۷۸۹" + "٠١٢٣٤٥٦٧٨٩"
_TO = "ییکههها" + "0123456789" * 2
_DROPPED = (r"[\s\u200b-\u200f\u00ad\ufeff\u0640\u0300-\u036f\u0610-\u061a"
            r"\u064b-\u065f\u0670\u06d6-\u06ed]")
_SPACES = re.compile(r"[\s\u200b-\u200f]")


def match_key(text: str) -> str:
    """A contractor name folded so every spelling variant is equal (Python side)."""
    return _SPACES.sub("", normalize(text or ""))


def key_sql(column: str) -> str:
    return (f"lower(regexp_replace(translate(normalize(coalesce({column}, ''), NFKD), "
            f"'{_FROM}', '{_TO}'), '{_DROPPED}', '', 'g'))")


def extra_fields(schema: str) -> list[dict[str, Any]]:
    names = [*EXTRA_COLUMNS, *([KEY_COLUMN] if schema == "contracts" else [])]
    return [{"id": n, "type": "text", "info": {"label": _LABELS[n], "notes": ""}} for n in names]


def _ident(name: str) -> str:
    from ckanext.datastore.backend.postgres import identifier
    return identifier(name)


def _columns(cursor: Any, table: str) -> dict[str, str]:
    cursor.execute("SELECT column_name, udt_name FROM information_schema.columns "
                   "WHERE table_schema = 'public' AND table_name = %s", (table,))
    return dict(cursor.fetchall())


def missing_columns(resource_id: str, fields: list[dict[str, Any]]) -> list[str]:
    """Columns of ``fields`` the roll-up table lacks (all of them when it does not exist)."""
    from ckanext.datastore.backend.postgres import get_write_engine
    with get_write_engine().connect() as conn:
        have = _columns(conn.connection.cursor(), resource_id)
    return [f["id"] for f in fields if f["id"] not in have]


def _skip_reason(cursor: Any, source: "Source", wanted: dict[str, str]) -> dict[str, Any] | None:
    have = _columns(cursor, source.resource_id)
    if not have:
        return {"code": "table_missing",
                "message_fa": "جدول این منبع در DataStore نیست.",
                "message_en": "The resource's table is not in the DataStore."}
    wrong = sorted(n for n, udt in wanted.items() if have.get(n) != udt)
    if wrong:
        return {"code": "columns_mismatch", "columns": wrong,
                "message_fa": "ستون‌های جدول با ساختار جدول نمی‌خواند: " + "، ".join(wrong),
                "message_en": "The table's columns do not match the table schema: "
                              + ", ".join(wrong)}
    return None


def merge(rollup_id: str, schema: str, sources: list["Source"]) -> dict[str, Any]:
    """Replace the roll-up's rows by the sources' rows; what went in and what was skipped."""
    from ckanext.datastore.backend import DatastoreBackend
    from ckanext.datastore.backend.postgres import get_write_engine

    names = [f["id"] for f in datastore_fields(schema)]
    included, skipped = [], []
    with get_write_engine().begin() as conn:
        cursor = conn.connection.cursor()
        types = _columns(cursor, rollup_id)
        wanted = {n: types[n] for n in names}
        plans = []
        for source in sources:
            reason = _skip_reason(cursor, source, wanted)
            if reason is None:
                plans.append(source)
                continue
            log.warning("roll-up %s skips resource %s: %s", rollup_id, source.resource_id,
                        reason["message_en"])
            skipped.append({**_describe(source), **reason})
        kept = _kept_rows(cursor, rollup_id, [s["resource_id"] for s in skipped])
        for entry in skipped:
            entry["kept_rows"] = kept.get(entry["resource_id"], 0)
        indexes = upload_datastore._drop_indexes(cursor, rollup_id)
        cursor.execute(f"DELETE FROM {_ident(rollup_id)} WHERE NOT (source_resource_id = ANY(%s))",
                       ([s["resource_id"] for s in skipped],))
        for source in plans:
            cursor.execute(_insert_sql(rollup_id, schema, names, source.resource_id), (
                source.municipality, source.municipality_name, source.dataset_id,
                source.dataset_name, source.resource_id,
                f"{source.municipality} {source.municipality_name}"))
            included.append({**_describe(source), "rows": cursor.rowcount})
        for definition in indexes:
            cursor.execute(definition)
    DatastoreBackend.get_active_backend().calculate_record_count(rollup_id)  # type: ignore
    return {"sources": included, "skipped": skipped,
            "row_count": sum(s["rows"] for s in included) + sum(kept.values())}


def _insert_sql(rollup_id: str, schema: str, names: list[str], source_id: str) -> str:
    """The copy of one member table, its ``_full_text`` reused.

    The member's ``_full_text`` (filled by the DataStore's trigger when it
    was loaded) plus the municipality's names is what the trigger would
    compute; giving it makes the trigger skip the row (a third of the cost).
    """
    columns = [*names, *EXTRA_COLUMNS, "_full_text"]
    values = [_ident(n) for n in names] + ["%s"] * len(EXTRA_COLUMNS) + [
        "_full_text || to_tsvector(%s)"]
    if schema == "contracts":
        columns.append(KEY_COLUMN)
        values.append(key_sql(_ident("contractor_name")))
    return (f"INSERT INTO {_ident(rollup_id)} ({', '.join(map(_ident, columns))}) "
            f"SELECT {', '.join(values)} FROM {_ident(source_id)} ORDER BY _id")


def _kept_rows(cursor: Any, rollup_id: str, resource_ids: list[str]) -> dict[str, int]:
    if not resource_ids:
        return {}
    cursor.execute(f"SELECT source_resource_id, count(*) FROM {_ident(rollup_id)} "
                   "WHERE source_resource_id = ANY(%s) GROUP BY 1", (resource_ids,))
    return dict(cursor.fetchall())


def _describe(source: "Source") -> dict[str, Any]:
    return {"dataset_id": source.dataset_id, "dataset_name": source.dataset_name,
            "resource_id": source.resource_id, "municipality": source.municipality,
            "municipality_name": source.municipality_name, "private": source.private}

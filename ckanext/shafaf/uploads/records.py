"""The stored outcome of checking a resource's file (one row per resource).

Kept in our own table, not in the resource's extras: a report can hold a
thousand row errors, which package_show and the search index must not carry.
"""
from __future__ import annotations

import json
from typing import Any, Optional

import sqlalchemy as sa

import ckan.model as model

_COLUMNS = ("resource_id", "package_id", "table_schema", "status", "file_sha256",
            "file_size", "report", "datastore_status", "loaded_sha256", "loaded_rows",
            "loaded_at", "validated_at")


def get(resource_id: str) -> Optional[dict[str, Any]]:
    row = model.Session.execute(
        sa.text(f"SELECT {', '.join(_COLUMNS)} FROM shafaf_resource_validation "
                "WHERE resource_id = :id"), {"id": resource_id}).mappings().first()
    if row is None:
        return None
    record = dict(row)
    for key in ("loaded_at", "validated_at"):
        if record[key] is not None:
            record[key] = record[key].isoformat()
    return record


def save(record: dict[str, Any]) -> None:
    """Insert or replace the record, and commit: it must outlive a later failure."""
    values = {key: record.get(key) for key in _COLUMNS if key != "validated_at"}
    values["report"] = json.dumps(record.get("report") or {}, ensure_ascii=False)
    placeholders = ", ".join(
        "CAST(:report AS jsonb)" if k == "report" else f":{k}" for k in values)
    assignments = ", ".join(f"{k} = EXCLUDED.{k}" for k in values if k != "resource_id")
    model.Session.execute(sa.text(
        f"INSERT INTO shafaf_resource_validation ({', '.join(values)}, validated_at) "
        f"VALUES ({placeholders}, now()) "
        f"ON CONFLICT (resource_id) DO UPDATE SET {assignments}, validated_at = now()"),
        values)
    model.Session.commit()


def delete_missing(package_id: str, keep: list[str]) -> int:
    """Forget the records of the package's resources that are gone."""
    result = model.Session.execute(sa.text(
        "DELETE FROM shafaf_resource_validation WHERE package_id = :pkg "
        "AND NOT (resource_id = ANY(:keep))"), {"pkg": package_id, "keep": keep})
    model.Session.commit()
    return result.rowcount

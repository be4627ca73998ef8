"""The version tables (migration 4e5f60718293): one row per version, one per file in it."""
from __future__ import annotations

import datetime
import uuid
from typing import Any, Iterable, Optional

import sqlalchemy as sa

import ckan.model as model

VERSION_COLUMNS = ("id", "package_id", "number", "created", "user_id", "user_name",
                   "harvest_job_id", "harvest_source_id", "note", "fingerprint")
FILE_COLUMNS = ("version_id", "resource_id", "position", "name", "format", "url",
                "file_name", "table_schema", "sha256", "size", "blob_path")


def _query(sql: str, **params: Any) -> list[dict[str, Any]]:
    return [dict(row) for row in model.Session.execute(sa.text(sql), params).mappings()]


def latest(package_id: str) -> Optional[dict[str, Any]]:
    rows = _query(f"SELECT {', '.join(VERSION_COLUMNS)} FROM shafaf_dataset_version "
                  "WHERE package_id = :pkg ORDER BY number DESC LIMIT 1", pkg=package_id)
    return rows[0] if rows else None


def versions(package_id: str) -> list[dict[str, Any]]:
    """The dataset's versions, newest first, each with its files."""
    rows = _query(f"SELECT {', '.join(VERSION_COLUMNS)} FROM shafaf_dataset_version "
                  "WHERE package_id = :pkg ORDER BY number DESC", pkg=package_id)
    files = _files([row["id"] for row in rows])
    for row in rows:
        row["files"] = files.get(row["id"], [])
    return rows


def version(package_id: str, number: int) -> Optional[dict[str, Any]]:
    rows = _query(f"SELECT {', '.join(VERSION_COLUMNS)} FROM shafaf_dataset_version "
                  "WHERE package_id = :pkg AND number = :n", pkg=package_id, n=number)
    if not rows:
        return None
    rows[0]["files"] = _files([rows[0]["id"]]).get(rows[0]["id"], [])
    return rows[0]


def _files(version_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    if not version_ids:
        return {}
    out: dict[str, list[dict[str, Any]]] = {}
    for row in _query(f"SELECT {', '.join(FILE_COLUMNS)} FROM shafaf_version_file "
                      "WHERE version_id = ANY(:ids) ORDER BY position, resource_id",
                      ids=version_ids):
        out.setdefault(row["version_id"], []).append(row)
    return out


def add(package_id: str, fingerprint: str, files: list[dict[str, Any]], *,
        user_id: Optional[str] = None, user_name: Optional[str] = None,
        harvest_job_id: Optional[str] = None, harvest_source_id: Optional[str] = None,
        note: Optional[str] = None) -> dict[str, Any]:
    """Insert the next version of the dataset with its files, and commit.

    The number is taken under a per-dataset advisory lock, so two captures
    of one dataset at once get 1, 2 and never the same number.
    """
    session = model.Session
    session.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
                    {"key": f"shafaf_dataset_version:{package_id}"})
    number = session.execute(sa.text(
        "SELECT coalesce(max(number), 0) + 1 FROM shafaf_dataset_version WHERE package_id = :pkg"),
        {"pkg": package_id}).scalar()
    values = {"id": str(uuid.uuid4()), "package_id": package_id, "number": number,
              "created": datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None),
              "user_id": user_id, "user_name": user_name, "harvest_job_id": harvest_job_id,
              "harvest_source_id": harvest_source_id, "note": note, "fingerprint": fingerprint}
    session.execute(sa.text(
        f"INSERT INTO shafaf_dataset_version ({', '.join(values)}) "
        f"VALUES ({', '.join(':' + k for k in values)})"), values)
    for position, item in enumerate(files):
        row = {k: item.get(k) for k in FILE_COLUMNS}
        row.update(version_id=values["id"], position=position)
        session.execute(sa.text(
            f"INSERT INTO shafaf_version_file ({', '.join(FILE_COLUMNS)}) "
            f"VALUES ({', '.join(':' + k for k in FILE_COLUMNS)})"), row)
    session.commit()
    values["files"] = files
    return values


def delete(version_ids: Iterable[str]) -> list[str]:
    """Delete the versions (their file rows cascade); the blob paths they used."""
    ids = list(version_ids)
    if not ids:
        return []
    paths = [r["blob_path"] for r in _query(
        "SELECT DISTINCT blob_path FROM shafaf_version_file "
        "WHERE version_id = ANY(:ids) AND blob_path IS NOT NULL", ids=ids)]
    model.Session.execute(sa.text("DELETE FROM shafaf_dataset_version WHERE id = ANY(:ids)"),
                          {"ids": ids})
    model.Session.commit()
    return paths


def referenced(blob_paths: Iterable[str]) -> set[str]:
    """Which of these blobs some version still uses."""
    paths = list(blob_paths)
    if not paths:
        return set()
    return {r["blob_path"] for r in _query(
        "SELECT DISTINCT blob_path FROM shafaf_version_file WHERE blob_path = ANY(:p)",
        p=paths)}


def all_referenced() -> set[str]:
    return {r["blob_path"] for r in _query(
        "SELECT DISTINCT blob_path FROM shafaf_version_file WHERE blob_path IS NOT NULL")}


def package_ids() -> list[str]:
    return [r["package_id"] for r in _query(
        "SELECT DISTINCT package_id FROM shafaf_dataset_version ORDER BY package_id")]

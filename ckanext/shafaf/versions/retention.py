"""Retention of old versions: ``ckanext.shafaf.versions.keep`` and ``…keep_days``.

Runs after each new version of a dataset and from ``ckan shafaf
versions-prune``. The latest version is never pruned: it is what the
dataset holds now. A blob goes with the last version that used it.
"""
from __future__ import annotations

import datetime
from typing import Any, Optional

import ckan.plugins.toolkit as tk

from ckanext.shafaf.versions import model as vmodel, store

KEEP = "ckanext.shafaf.versions.keep"
KEEP_DAYS = "ckanext.shafaf.versions.keep_days"


def prune(package_id: str, *, now: Optional[datetime.datetime] = None) -> dict[str, int]:
    """Drop the dataset's versions beyond the settings; counts of versions and blobs removed."""
    keep, keep_days = tk.config.get(KEEP) or 0, tk.config.get(KEEP_DAYS) or 0
    if keep <= 0 and keep_days <= 0:
        return {"versions": 0, "blobs": 0}
    rows = vmodel.versions(package_id)  # newest first
    now = now or datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    doomed = [row["id"] for index, row in enumerate(rows)
              if index > 0 and _expired(index, row, keep, keep_days, now)]
    return _drop(doomed)


def _expired(index: int, row: dict[str, Any], keep: int, keep_days: int,
             now: datetime.datetime) -> bool:
    if keep > 0 and index >= keep:
        return True
    return keep_days > 0 and row["created"] < now - datetime.timedelta(days=keep_days)


def _drop(version_ids: list[str]) -> dict[str, int]:
    candidates = vmodel.delete(version_ids)
    still_used = vmodel.referenced(candidates)
    blobs = sum(store.delete(path) for path in candidates if path not in still_used)
    return {"versions": len(version_ids), "blobs": blobs}


def prune_all() -> dict[str, int]:
    """Every dataset, then blobs no version refers to (left by an interrupted capture)."""
    total = {"versions": 0, "blobs": 0, "datasets": 0}
    for package_id in vmodel.package_ids():
        done = prune(package_id)
        total["versions"] += done["versions"]
        total["blobs"] += done["blobs"]
        total["datasets"] += 1
    used = vmodel.all_referenced()
    total["blobs"] += sum(store.delete(path) for path in store.all_blobs() - used)
    return total

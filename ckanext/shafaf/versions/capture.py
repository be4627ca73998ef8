"""Make a version when a dataset's files changed (after resource actions and harvests).

The fingerprint of a dataset is its sorted (resource id, file hash or link
URL) pairs; a capture whose fingerprint equals the latest version's makes
nothing. That is why a metadata-only edit, a re-upload of the same bytes,
the upload check's own ``validation_status`` write-back and an unchanged
harvest make no version.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
from typing import Any, Optional

import ckan.model as model
from ckan.types import Context

from ckanext.shafaf.uploads import files as upload_files
from ckanext.shafaf.versions import model as vmodel, retention, store

log = logging.getLogger(__name__)


def resource_changed(context: Context, resource: dict[str, Any]) -> None:
    """After resource_create/update: capture, never failing the user's action."""
    safe_capture(resource.get("package_id"), user=context.get("user"))


def resources_deleted(context: Context, remaining: list[dict[str, Any]]) -> None:
    """After resource_delete (the dataset id is left in the context by the before hook)."""
    package_id = (context.get("shafaf_deleting_from")  # type: ignore[misc]
                  or (remaining[0]["package_id"] if remaining else None))
    safe_capture(package_id, user=context.get("user"))


def safe_capture(package_id: Optional[str], **actor: Any) -> Optional[dict[str, Any]]:
    """``capture``, logging instead of raising: the upload or harvest itself stands.

    A file that could not be stored is not silently left out: no version is
    written (the log says why), so the next capture still sees the change.
    """
    if not package_id:
        return None
    try:
        return capture(package_id, **actor)
    except Exception:
        model.Session.rollback()
        log.exception("shafaf versions: no version of dataset %s could be made", package_id)
        return None


def capture(package_id: str, *, user: Optional[str] = None,
            harvest_job_id: Optional[str] = None, harvest_source_id: Optional[str] = None,
            note: Optional[str] = None) -> Optional[dict[str, Any]]:
    """The new version of the dataset, or None when its files did not change."""
    package = model.Package.get(package_id)
    if package is None or store.root() is None:
        return None
    files = [_describe(resource) for resource in _resources(package)]
    fingerprint = _fingerprint(files)
    last = vmodel.latest(package.id)
    if last is not None and last["fingerprint"] == fingerprint:
        return None
    if last is None and not files:
        return None
    for item in files:
        if item.pop("_path", None):
            item["sha256"], item["size"], item["blob_path"] = store.put(
                item["_source"], item["sha256"])
        item.pop("_source", None)
    user_obj = model.User.get(user) if user else None
    created = vmodel.add(
        package.id, _fingerprint(files), files,
        user_id=user_obj.id if user_obj else None,
        user_name=user_obj.name if user_obj else user,
        harvest_job_id=harvest_job_id, harvest_source_id=harvest_source_id, note=note)
    try:
        retention.prune(package.id)
    except Exception:  # the version stands; the next capture or versions-prune retries
        model.Session.rollback()
        log.exception("shafaf versions: pruning old versions of dataset %s failed", package.id)
    return created


def _resources(package: model.Package) -> list[model.Resource]:
    return sorted((r for r in package.resources_all if r.state == "active"),
                  key=lambda r: (r.position or 0, r.id))


def _describe(resource: model.Resource) -> dict[str, Any]:
    """What a version keeps of one resource; uploads name their file to copy."""
    item: dict[str, Any] = {
        "resource_id": resource.id, "name": resource.name, "format": resource.format,
        "table_schema": (resource.extras or {}).get("table_schema"),
        "url": None, "file_name": None, "sha256": None, "size": None, "blob_path": None}
    if resource.url_type != "upload":
        item["url"] = resource.url
        return item
    item["file_name"] = os.path.basename(resource.url or "") or resource.id
    path = upload_files.local_path({"id": resource.id, "url": resource.url,
                                    "url_type": resource.url_type})
    if path is None:
        log.warning("shafaf versions: resource %s is an upload without a stored file",
                    resource.id)
        return item
    item["sha256"], item["size"] = upload_files.sha256(path)
    item["_path"], item["_source"] = True, path
    return item


def _fingerprint(files: list[dict[str, Any]]) -> str:
    pairs = sorted((f["resource_id"], f["sha256"] or (f"url:{f['url']}" if f["url"] is not None
                                                     else "missing")) for f in files)
    return hashlib.sha256(json.dumps(pairs).encode()).hexdigest()

"""Check a resource's uploaded table: validate, keep the report, load, sum up.

Called after a resource is created or updated (plugin hooks) and by the
``shafaf_resource_validate`` action. Work is skipped while the file's
content hash and table schema are those last checked, so editing a
resource's description costs a hash, not a validation and a reload.
"""
from __future__ import annotations

import datetime
import logging
from typing import Any, Optional

import ckan.plugins.toolkit as tk
from ckan.types import Context

from ckanext.shafaf.federation import hooks as rollup_hooks
from ckanext.shafaf.tables import validate_table
from ckanext.shafaf.tables.messages import issue
from ckanext.shafaf.uploads import datastore, figures, files, records

log = logging.getLogger(__name__)
SYNC_MAX_MB = "ckanext.shafaf.uploads.sync_max_mb"


def check_resource_job(resource_id: str, user: Optional[str] = None) -> None:
    """The background job of a large upload (``ckan jobs worker``)."""
    check_resource(resource_id, user=user, in_background=True)


def _enqueue(resource: dict[str, Any], previous: Optional[dict[str, Any]],
             user: Optional[str]) -> dict[str, Any]:
    """Mark the resource pending (no hash: the job must see a change) and queue it."""
    record = _carry_over(resource, previous)
    record.update(status="pending", file_sha256=None, file_size=None,
                  report={"schema": resource["table_schema"], "valid": None})
    records.save(record)
    _write_back(resource, record, user)
    tk.enqueue_job(check_resource_job, [resource["id"], user],
                   title=f"shafaf: check the table of resource {resource['id']}")
    return records.get(resource["id"]) or record


def check_resource(resource_id: str, *, user: Optional[str] = None, force: bool = False,
                   in_background: bool = False) -> Optional[dict[str, Any]]:
    """The resource's record after checking it; None if it holds no table to check.

    A file above ``ckanext.shafaf.uploads.sync_max_mb`` is only marked
    pending here and checked by a background job (``in_background``).
    """
    resource = tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource_id})
    if not files.is_checked(resource):
        return None
    previous = records.get(resource_id)
    schema = resource["table_schema"]
    path = files.local_path(resource)
    if path is None:
        record = _file_missing(resource, previous)
    else:
        digest, size = files.sha256(path)
        if (not force and previous and previous["file_sha256"] == digest
                and previous["table_schema"] == schema):
            return previous
        if not in_background and size > tk.config.get(SYNC_MAX_MB) * 2**20:
            return _enqueue(resource, previous, user)
        record = _validate(resource, previous, path, digest, size)
    records.save(record)
    _write_back(resource, record, user)
    if record["datastore_status"] == "loaded":  # new rows: the provinces' roll-ups follow
        rollup_hooks.table_loaded(resource)
    return records.get(resource_id)


def _validate(resource: dict[str, Any], previous: Optional[dict[str, Any]], path: str,
              digest: str, size: int) -> dict[str, Any]:
    schema = resource["table_schema"]
    report, frame = validate_table(path, schema)
    record = _carry_over(resource, previous)
    record.update(file_sha256=digest, file_size=size, report=report.to_dict(),
                  status="valid" if report.valid else "invalid")
    if not report.valid:
        return record
    if not datastore.enabled():
        record["datastore_status"] = "not_loaded"
        return record
    changed = bool(previous and previous.get("loaded_sha256")
                   and previous["table_schema"] != schema)
    try:
        loaded = datastore.replace_rows(resource["id"], schema, frame, schema_changed=changed)
    except Exception as exc:  # the DataStore's fault, not the file's: say so, keep the report
        log.exception("loading resource %s into the DataStore failed", resource["id"])
        record["datastore_status"] = "failed"
        record["report"]["load_error"] = issue(
            "datastore_failed", detail=f"{type(exc).__name__}: {exc}")
        return record
    record.update(datastore_status="loaded", loaded_sha256=digest, loaded_rows=loaded,
                  loaded_at=_now())
    return record


def _carry_over(resource: dict[str, Any], previous: Optional[dict[str, Any]]) -> dict[str, Any]:
    """A new record keeping what the DataStore holds from the last good file."""
    record: dict[str, Any] = {
        "resource_id": resource["id"], "package_id": resource["package_id"],
        "table_schema": resource["table_schema"], "datastore_status": "not_loaded",
        "loaded_sha256": None, "loaded_rows": 0, "loaded_at": None}
    if previous and previous.get("loaded_sha256"):
        record.update(datastore_status="kept_previous", loaded_sha256=previous["loaded_sha256"],
                      loaded_rows=previous["loaded_rows"], loaded_at=previous["loaded_at"])
    return record


def _file_missing(resource: dict[str, Any], previous: Optional[dict[str, Any]]) -> dict[str, Any]:
    record = _carry_over(resource, previous)
    record.update(status="error", file_sha256=None, file_size=None,
                  report={"schema": resource["table_schema"], "valid": False,
                          "file_errors": [issue("file_missing")]})
    return record


def _write_back(resource: dict[str, Any], record: dict[str, Any], user: Optional[str]) -> None:
    """Status on the resource; the main table's figures on the dataset (one update).

    package_patch calls no resource hook, so this write does not check again.
    """
    context: Context = {"ignore_auth": True, "user": user or _site_user()}
    dataset = tk.get_action("package_show")(dict(context), {"id": resource["package_id"]})
    changes: dict[str, Any] = {}
    if _is_main(dataset, resource) and record["status"] == "valid":
        changes = {k: v for k, v in figures.dataset_values(
            dataset, record["report"].get("figures", {})).items() if dataset.get(k) != v}
    stamp = _now()
    resources = dataset["resources"]
    for res in resources:
        if res["id"] == resource["id"]:
            if res.get("validation_status") == record["status"] and not changes:
                return
            res["validation_status"], res["validation_timestamp"] = record["status"], stamp
    tk.get_action("package_patch")(dict(context), {
        "id": dataset["id"], "resources": resources, **changes})


def _is_main(dataset: dict[str, Any], resource: dict[str, Any]) -> bool:
    """The first resource that follows the type's main table schema."""
    main = figures.main_table_schema(dataset.get("type") or "")
    for res in dataset.get("resources", []):
        if res.get("table_schema") == main and files.is_checked(res):
            return res["id"] == resource["id"]
    return False


def _site_user() -> str:
    return tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")

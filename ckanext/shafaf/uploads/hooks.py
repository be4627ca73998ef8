"""What the plugin's resource hooks do (kept out of plugin.py)."""
from __future__ import annotations

import logging
from typing import Any

from ckan.types import Context

from ckanext.shafaf.uploads import check, files, records

log = logging.getLogger(__name__)
# Written by the check; staff's resource form does not send them back.
KEPT_FIELDS = ("validation_status", "validation_timestamp")


def resource_changed(context: Context, resource: dict[str, Any]) -> None:
    """Check the resource's table; a fault of ours never fails the upload itself."""
    if not files.is_checked(resource):
        return
    try:
        check.check_resource(resource["id"], user=context.get("user"))
    except Exception:
        log.exception("checking the table of resource %s failed", resource.get("id"))


def keep_check_fields(current: dict[str, Any], resource: dict[str, Any]) -> None:
    for key in KEPT_FIELDS:
        if key not in resource and key in current:
            resource[key] = current[key]


def resource_deleting(context: Context, resources: list[dict[str, Any]]) -> None:
    """Remember the dataset: CKAN passes only the id of the resource being deleted."""
    if resources:
        context["shafaf_deleting_from"] = resources[0]["package_id"]  # type: ignore[typeddict-unknown-key]


def resources_deleted(context: Context, remaining: list[dict[str, Any]]) -> None:
    """Forget the reports of deleted resources (their DataStore tables go with them)."""
    package_id = context.get("shafaf_deleting_from")  # type: ignore[misc]
    if package_id:
        records.delete_missing(package_id, [r["id"] for r in remaining])

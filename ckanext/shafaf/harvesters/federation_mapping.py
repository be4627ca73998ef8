"""Pure mapping of a member catalogue's dataset onto the provincial copy.

No CKAN calls here: given the remote `package_show` dict and the local
decisions (owner organisation, ids), return the dict for `package_create`
/ `package_update`, and the part of the remote dict whose hash says whether
anything changed. Unit-tested without a harvest job.
"""
from __future__ import annotations

import posixpath
from typing import Any, Iterable
from urllib.parse import unquote, urlparse

# Remote bookkeeping that changes without the dataset changing, or that the
# local site computes itself (search counters, DataStore flags, our own
# upload-check results and figures, which the copy's own check recomputes).
VOLATILE = frozenset({
    "metadata_modified", "revision_id", "tracking_summary", "num_resources",
    "num_tags", "relationships_as_object", "relationships_as_subject",
    "organization", "creator_user_id", "isopen", "license_url",
    "license_title", "state", "metadata_created", "private", "groups",
    "owner_org", "id", "row_count", "date_min", "date_max",
    "distinct_contractors", "harvest", "qa", "archiver",
})
RESOURCE_VOLATILE = frozenset({
    "id", "package_id", "tracking_summary", "datastore_active",
    "datastore_contains_all_records_of_source_file", "validation_status",
    "validation_timestamp", "position", "state", "cache_url",
    "cache_last_updated", "revision_id", "metadata_modified", "created",
    # CKAN moves last_modified on edits that leave the file alone; a new
    # file also changes url, size or hash, which do count.
    "last_modified",
})
# Resource fields the copy keeps (url becomes the copied file).
RESOURCE_KEPT = ("name", "description", "format", "mimetype", "table_schema", "language")
# ckanext-harvest marks harvested datasets with these extras; a province
# harvesting a catalogue that harvested others must not inherit them.
HARVEST_EXTRAS = frozenset({"harvest_object_id", "harvest_source_id", "harvest_source_title",
                            "harvest_url", "guid", "source_url"})


def comparable(remote: dict[str, Any]) -> dict[str, Any]:
    """What counts as the dataset's content: a change here makes a new version."""
    data = {k: v for k, v in remote.items() if k not in VOLATILE}
    data["resources"] = [
        {k: v for k, v in res.items() if k not in RESOURCE_VOLATILE}
        for res in remote.get("resources") or []]
    data["extras"] = _extras(remote.get("extras") or [])
    return data


def local_package(remote: dict[str, Any], *, package_id: str, name: str, owner_org: str,
                  dataset_types: Iterable[str], resource_ids: dict[str, str]) -> dict[str, Any]:
    """The dataset dict the province stores for a member's dataset.

    ``resource_ids`` maps each remote resource id to the local one, so an
    update keeps resource ids (and their DataStore tables and views).
    """
    data = {k: v for k, v in remote.items() if k not in VOLATILE and k != "resources"}
    data.update(id=package_id, name=name, owner_org=owner_org)
    data["type"] = remote.get("type") if remote.get("type") in set(dataset_types) else "dataset"
    data["extras"] = _extras(remote.get("extras") or [])
    if not data["extras"]:
        data.pop("extras")
    data["tags"] = [{"name": t["name"]} for t in remote.get("tags") or [] if t.get("name")]
    data.pop("tag_string", None)
    data["resources"] = [
        local_resource(res, resource_ids[res["id"]]) for res in remote.get("resources") or []]
    return data


def local_resource(remote: dict[str, Any], resource_id: str) -> dict[str, Any]:
    """Resource metadata without the file: the import attaches the copied file."""
    data = {k: remote[k] for k in RESOURCE_KEPT if remote.get(k) not in (None, "")}
    data["id"] = resource_id
    data["url"] = remote.get("url") or ""
    return data


def file_name(url: str, fallback: str) -> str:
    """The file name a copied resource is stored under (its remote name)."""
    name = posixpath.basename(unquote(urlparse(url).path))
    return name or fallback


def _extras(extras: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(
        ({"key": e["key"], "value": e.get("value", "")} for e in extras
         if e.get("key") and e["key"] not in HARVEST_EXTRAS),
        key=lambda e: e["key"])

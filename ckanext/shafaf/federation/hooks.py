"""What the plugin's hooks do for roll-ups (kept out of plugin.py)."""
from __future__ import annotations

from typing import Any

from ckan.types import Context

from ckanext.shafaf.federation import rollup, row_search


def table_loaded(resource: dict[str, Any]) -> None:
    """A member table was (re)loaded into the DataStore: its provinces' roll-ups follow."""
    rollup.dataset_changed(resource["package_id"])


def resources_deleted(context: Context) -> None:
    """A resource went: the roll-ups must lose its rows (uploads/hooks remembered the dataset)."""
    package_id = context.get("shafaf_deleting_from")  # type: ignore[misc]
    if package_id:
        rollup.dataset_changed(package_id)


def dataset_deleted(context: Context, data_dict: dict[str, Any]) -> None:
    if data_dict.get("id"):
        rollup.dataset_changed(data_dict["id"])


def datastore_search(context: Context, data_dict: dict[str, Any], fields_types: dict[str, str],
                     query_dict: dict[str, Any]) -> dict[str, Any]:
    return row_search.datastore_filter(context, data_dict, fields_types, query_dict)

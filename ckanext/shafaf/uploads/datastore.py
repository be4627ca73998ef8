"""Loading a checked table's normalised rows into the DataStore."""
from __future__ import annotations

import itertools
from typing import Any, Iterable

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.types import Context

from ckanext.shafaf.tables import datastore_fields

BATCH = 1000


def enabled() -> bool:
    return p.plugin_loaded("datastore")


def replace_rows(resource_id: str, schema: str, rows: Iterable[dict[str, Any]],
                 *, schema_changed: bool) -> int:
    """Make the resource's DataStore table hold exactly these rows.

    The table is kept (its views and ids stay) unless the file now follows
    another table schema, whose columns differ. Only called for a file
    that validated, so an insert can fail only on a fault of the DataStore
    itself; the caller records that, and the previous rows are not
    restored — the report says the load failed.
    """
    context: Context = {"ignore_auth": True}
    fields = datastore_fields(schema)
    exists = _exists(resource_id)
    if exists and schema_changed:
        tk.get_action("datastore_delete")(dict(context), {"resource_id": resource_id, "force": True})
        exists = False
    tk.get_action("datastore_create")(
        dict(context), {"resource_id": resource_id, "force": True, "fields": fields})
    if exists:
        tk.get_action("datastore_records_delete")(
            dict(context), {"resource_id": resource_id, "force": True, "filters": {}})
    loaded = 0
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, BATCH)):
        tk.get_action("datastore_upsert")(dict(context), {
            "resource_id": resource_id, "force": True, "method": "insert", "records": batch})
        loaded += len(batch)
    tk.get_action("datastore_upsert")(dict(context), {
        "resource_id": resource_id, "force": True, "method": "insert", "records": [],
        "calculate_record_count": True})
    return loaded


def _exists(resource_id: str) -> bool:
    try:
        tk.get_action("datastore_info")({"ignore_auth": True}, {"id": resource_id})
    except tk.ObjectNotFound:
        return False
    return True

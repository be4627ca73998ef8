"""Loading a checked table's normalised rows into the DataStore."""
from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.types import Context

from ckanext.shafaf.tables import datastore_fields

if TYPE_CHECKING:
    import polars as pl

_NULL = "\\N"


def enabled() -> bool:
    return p.plugin_loaded("datastore")


def replace_rows(resource_id: str, schema: str, frame: "pl.DataFrame",
                 *, schema_changed: bool) -> int:
    """Make the resource's DataStore table hold exactly these rows, atomically.

    The table, its full-text trigger and its views come from
    `datastore_create`; the rows are swapped in one transaction of the
    DataStore's write engine (DELETE + COPY of the normalised frame), so
    readers see the old rows until the new ones are all in, and a failure
    half-way leaves the old rows. CKAN's `datastore_upsert` runs row by row
    and commits per call: slower (benchmarks/upload.py) and not atomic. A
    table that now follows another table schema is dropped first.
    """
    from ckanext.datastore.backend import DatastoreBackend
    from ckanext.datastore.backend.postgres import get_write_engine, identifier

    context: Context = {"ignore_auth": True}
    fields = datastore_fields(schema)
    if schema_changed and _exists(resource_id):
        tk.get_action("datastore_delete")(dict(context), {"resource_id": resource_id, "force": True})
    tk.get_action("datastore_create")(
        dict(context), {"resource_id": resource_id, "force": True, "fields": fields})
    names = [f["id"] for f in fields]
    # Strings quoted, nulls a bare \N: an empty text stays '' and a null stays NULL.
    data = frame.select(names).write_csv(quote_style="non_numeric", null_value=_NULL)
    copy = (f"COPY {identifier(resource_id)} ({', '.join(map(identifier, names))}) "
            f"FROM STDIN WITH (FORMAT csv, HEADER true, NULL '{_NULL}')")
    with get_write_engine().begin() as conn:
        cursor = conn.connection.cursor()
        indexes = _drop_indexes(cursor, resource_id)
        cursor.execute(f"DELETE FROM {identifier(resource_id)}")
        cursor.copy_expert(copy, io.StringIO(data))
        for definition in indexes:
            cursor.execute(definition)
    DatastoreBackend.get_active_backend().calculate_record_count(resource_id)  # type: ignore
    _default_views(resource_id)
    return frame.height


def _drop_indexes(cursor: Any, table: str) -> list[str]:
    """Drop the table's secondary indexes, returning how to build them again.

    With CKAN's defaults the DataStore keeps a full-text index (GiST) per
    text column besides the `_full_text` one; maintaining a dozen of them
    row by row made a 50,000-row load take 25 s, building them once after
    the insert is several times cheaper. All inside the load's transaction:
    nothing is lost on failure.
    """
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i "
        "JOIN pg_index x ON x.indexrelid = (quote_ident(i.schemaname) || '.' || "
        "quote_ident(i.indexname))::regclass "
        "WHERE i.schemaname = 'public' AND i.tablename = %s AND NOT x.indisprimary "
        "AND NOT x.indisunique", (table,))
    found = cursor.fetchall()
    for name, _ in found:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in found]


def _default_views(resource_id: str) -> None:
    """The site's default views that need DataStore rows (a table preview).

    CKAN creates default views when a resource is created, before its rows
    are in the DataStore, so a datatables view would never appear. The
    site user signs the view's activity: outside a web request (harvest
    consumers, the jobs worker) there is no logged-in user to do it.
    """
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    context: Context = {"ignore_auth": True, "user": site_user}
    resource = tk.get_action("resource_show")(dict(context), {"id": resource_id})
    tk.get_action("resource_create_default_resource_views")(dict(context), {
        "resource": resource, "create_datastore_views": True})


def _exists(resource_id: str) -> bool:
    try:
        tk.get_action("datastore_info")({"ignore_auth": True}, {"id": resource_id})
    except tk.ObjectNotFound:
        return False
    return True

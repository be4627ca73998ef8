"""The dataset page's preview of a checked table: its first rows from the DataStore."""
from __future__ import annotations

from typing import Any, Optional

from persiantools import digits as pt_digits

import ckan.plugins.toolkit as tk

from ckanext.shafaf.ui import dates

PREVIEW_ROWS = 10
_NUMBER_TYPES = ("int", "int4", "int8", "numeric", "float8", "bigint", "integer")
_DATE_TYPES = ("date", "timestamp")


def _preview_resource(pkg_dict: dict[str, Any]) -> Optional[dict[str, Any]]:
    """The first resource whose rows are in the DataStore (a checked table)."""
    for resource in pkg_dict.get("resources") or []:
        if resource.get("datastore_active"):
            return resource
    return None


def table_preview(pkg_dict: dict[str, Any], rows: int = PREVIEW_ROWS) -> Optional[dict[str, Any]]:
    """First ``rows`` records of the dataset's checked table, with column titles.

    None when no resource of the dataset is in the DataStore (a PDF, a file
    that never passed the check) or the viewer may not read it.
    """
    resource = _preview_resource(pkg_dict)
    if resource is None:
        return None
    try:
        found = tk.get_action("datastore_search")(
            {}, {"resource_id": resource["id"], "limit": rows, "include_total": True,
                 "sort": "_id"})
    except (tk.ObjectNotFound, tk.NotAuthorized, tk.ValidationError):
        return None
    fields = [{"id": f["id"], "type": f.get("type"),
               "label": (f.get("info") or {}).get("label") or f["id"]}
              for f in found["fields"] if f["id"] != "_id"]
    return {"resource": resource, "fields": fields, "records": found["records"],
            "total": found.get("total", len(found["records"]))}


def cell(value: Any, field_type: Optional[str]) -> str:
    """One preview cell as readers expect it: dates in the page's calendar,
    numbers grouped in thousands, Persian digits on Persian pages."""
    if value is None:
        return ""
    if field_type in _DATE_TYPES:
        return tk.h.render_datetime(value)
    persian = dates.is_persian()
    if field_type in _NUMBER_TYPES and isinstance(value, (int, float)) and not isinstance(value, bool):
        text = f"{value:,}"
        return pt_digits.en_to_fa(text.replace(",", "\u066c").replace(".", "\u066b")) if persian else text
    return pt_digits.en_to_fa(str(value)) if persian else str(value)

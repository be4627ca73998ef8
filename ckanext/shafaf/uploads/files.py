"""Which resources hold a table to check, and where their file is."""
from __future__ import annotations

import hashlib
import os
from typing import Any, Optional

from ckan.lib import uploader

# Formats the table reader understands (it tells them apart by content).
TABULAR_FORMATS = frozenset({"csv", "tsv", "txt", "xlsx", "xls", "ods"})
_CHUNK = 1 << 20


def is_checked(resource: dict[str, Any]) -> bool:
    """An uploaded file that declares a table schema and looks like a table.

    A PDF of the budget law or a scanned contract is published as it is:
    it has no rows to check, and marking it invalid would only mislead.
    """
    if resource.get("url_type") != "upload" or not resource.get("table_schema"):
        return False
    fmt = (resource.get("format") or "").strip().lower().lstrip(".")
    if fmt:
        return fmt in TABULAR_FORMATS
    name = (resource.get("url") or "").rsplit("/", 1)[-1]
    return os.path.splitext(name)[1].lower().lstrip(".") in TABULAR_FORMATS


def local_path(resource: dict[str, Any]) -> Optional[str]:
    """The stored file of an uploaded resource, or None if there is none (yet)."""
    upload = uploader.get_resource_uploader(dict(resource))
    get_path = getattr(upload, "get_path", None)
    if get_path is None:
        return None
    path = get_path(resource["id"])
    return path if path and os.path.isfile(path) else None


def sha256(path: str) -> tuple[str, int]:
    """Content hash and size: an unchanged file is not checked (or loaded) again."""
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size

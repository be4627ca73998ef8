"""Content-addressed copies of resource files: ``{storage_path}/shafaf-versions/blobs/ab/cdef…``.

A copy, not a hard link: CKAN's uploader writes a new upload over the same
path, which would change the "old" version too. Versions that did not
change a file share its one blob.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from typing import Optional

import ckan.plugins.toolkit as tk

_CHUNK = 1 << 20


def root() -> Optional[str]:
    """The blob folder, or None on a site without ``ckan.storage_path`` (no uploads either)."""
    storage = tk.config.get("ckan.storage_path")
    return os.path.join(storage, "shafaf-versions", "blobs") if storage else None


def relative_path(sha256: str) -> str:
    return f"{sha256[:2]}/{sha256[2:]}"


def absolute(blob_path: str) -> Optional[str]:
    """The file of a stored blob, or None if it is not (any longer) on disk."""
    base = root()
    if base is None or not _is_blob_path(blob_path):
        return None
    path = os.path.join(base, *blob_path.split("/"))
    return path if os.path.isfile(path) else None


def _is_blob_path(blob_path: str) -> bool:
    head, _, tail = blob_path.partition("/")
    return (len(head) == 2 and len(tail) == 62
            and all(c in "0123456789abcdef" for c in head + tail))


def put(path: str, sha256: Optional[str] = None) -> tuple[str, int, str]:
    """Store a copy of ``path``; its (sha256, size, blob path).

    When ``sha256`` is given and that blob exists, nothing is copied. Else the
    file is copied to a temporary name while being hashed and then renamed,
    so a blob is never seen half written and always holds what its name says.
    """
    base = root()
    if base is None:
        raise RuntimeError("ckan.storage_path is not set: no place for version files")
    existing = absolute(relative_path(sha256)) if sha256 else None
    if sha256 and existing:
        return sha256, os.path.getsize(existing), relative_path(sha256)
    os.makedirs(base, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    fd, tmp = tempfile.mkstemp(dir=base, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as out, open(path, "rb") as src:
            while chunk := src.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        blob = relative_path(digest.hexdigest())
        target = os.path.join(base, *blob.split("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if os.path.isfile(target):
            os.unlink(tmp)
        else:
            os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return digest.hexdigest(), size, blob


def delete(blob_path: str) -> bool:
    path = absolute(blob_path)
    if path is None:
        return False
    os.unlink(path)
    return True


def all_blobs(min_age_seconds: int = 3600) -> set[str]:
    """Blobs on disk older than ``min_age_seconds`` (for the sweep of ``versions-prune``).

    Young ones are left alone: a capture running now may have stored its
    blob and not yet committed the version that uses it.
    """
    import time
    oldest = time.time() - min_age_seconds
    base = root()
    found: set[str] = set()
    if base is None or not os.path.isdir(base):
        return found
    for head in os.listdir(base):
        folder = os.path.join(base, head)
        if len(head) == 2 and os.path.isdir(folder):
            found.update(f"{head}/{name}" for name in os.listdir(folder)
                         if _is_blob_path(f"{head}/{name}")
                         and os.path.getmtime(os.path.join(folder, name)) < oldest)
    return found

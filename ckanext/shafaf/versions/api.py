"""What the version actions and pages return (the actions in logic/action.py call these)."""
from __future__ import annotations

import datetime
from typing import Any, Optional

from persiantools import digits as pt_digits

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.shafaf.domain.jalali import to_jalali
from ckanext.shafaf.versions import diff, model as vmodel, store

try:
    from zoneinfo import ZoneInfo
    _TEHRAN: datetime.tzinfo = ZoneInfo("Asia/Tehran")
except Exception:  # no tz database: Iran has kept +03:30 all year since 2022
    _TEHRAN = datetime.timezone(datetime.timedelta(hours=3, minutes=30))

DIFF_LIMIT = 1000

_NO_DATASET = ("مجموعه‌داده یافت نشد", "Dataset not found")
_NO_VERSION = ("نسخهٔ {n} از این مجموعه‌داده وجود ندارد", "Version {n} of this dataset does not exist")
_NO_RESOURCE = ("منبع {r} در این نسخه‌ها نیست", "Resource {r} is in neither version")


def _both(pair: tuple[str, str], **values: Any) -> str:
    return " / ".join(text.format(**values) for text in pair)


def package_or_404(id_or_name: str) -> model.Package:
    package = model.Package.get(id_or_name) if id_or_name else None
    if package is None or package.state == "deleted":
        raise tk.ObjectNotFound(_both(_NO_DATASET))
    return package


def version_or_404(package: model.Package, number: int) -> dict[str, Any]:
    row = vmodel.version(package.id, number)
    if row is None:
        raise tk.ObjectNotFound(_both(_NO_VERSION, n=number))
    return row


def jalali_time(created: datetime.datetime, persian_digits: bool = True) -> str:
    """'۱۴۰۵/۰۹/۱۱ ۱۰:۴۸', Tehran time, from a naive UTC timestamp."""
    local = created.replace(tzinfo=datetime.timezone.utc).astimezone(_TEHRAN)
    text = f"{to_jalali(local.date(), persian_digits=False)} {local:%H:%M}"
    return pt_digits.en_to_fa(text) if persian_digits else text


def version_dict(package: model.Package, row: dict[str, Any]) -> dict[str, Any]:
    created = row["created"]
    return {
        "number": row["number"], "package_id": package.id,
        "created": created.replace(tzinfo=datetime.timezone.utc).isoformat(),
        "created_jalali": jalali_time(created),
        "created_jalali_ascii": jalali_time(created, persian_digits=False),
        "actor": _actor(row), "note": row.get("note"),
        "files": [_file_dict(package, row["number"], f) for f in row["files"]],
    }


def _actor(row: dict[str, Any]) -> dict[str, Any]:
    if row.get("harvest_job_id") or row.get("harvest_source_id"):
        source = model.Package.get(row["harvest_source_id"]) if row.get("harvest_source_id") else None
        return {"type": "harvest", "harvest_job_id": row.get("harvest_job_id"),
                "harvest_source_id": row.get("harvest_source_id"),
                "harvest_source_title": (source.title or source.name) if source else None}
    return {"type": "user", "user_id": row.get("user_id"), "user_name": row.get("user_name")}


def _file_dict(package: model.Package, number: int, item: dict[str, Any]) -> dict[str, Any]:
    out = {k: item.get(k) for k in ("resource_id", "name", "format", "url", "file_name",
                                    "table_schema", "sha256", "size")}
    out["stored"] = bool(item.get("blob_path") and store.absolute(item["blob_path"]))
    out["download_url"] = tk.url_for(
        "shafaf_versions.download", id=package.name, number=number,
        resource_id=item["resource_id"], _external=True) if (out["stored"] or item.get("url")) \
        else None
    return out


def list_versions(package: model.Package) -> list[dict[str, Any]]:
    return [version_dict(package, row) for row in vmodel.versions(package.id)]


def diff_versions(package: model.Package, old_n: int, new_n: int,
                  resource_id: Optional[str] = None, limit: int = DIFF_LIMIT) -> dict[str, Any]:
    """Per resource of either version: status and the row diff of its table."""
    old, new = version_or_404(package, old_n), version_or_404(package, new_n)
    old_files = {f["resource_id"]: f for f in old["files"]}
    new_files = {f["resource_id"]: f for f in new["files"]}
    ids = [f["resource_id"] for f in new["files"]] + [
        r for r in old_files if r not in new_files]
    if resource_id:
        if resource_id not in ids:
            raise tk.ObjectNotFound(_both(_NO_RESOURCE, r=resource_id))
        ids = [resource_id]
    return {"package_id": package.id, "from": old_n, "to": new_n,
            "resources": [_resource_diff(old_files.get(r), new_files.get(r), limit)
                          for r in ids]}


def _resource_diff(old: Optional[dict[str, Any]], new: Optional[dict[str, Any]],
                   limit: int) -> dict[str, Any]:
    either = new or old or {}
    out: dict[str, Any] = {"resource_id": either["resource_id"], "name": either.get("name"),
                           "table_schema": either.get("table_schema")}
    if old is None or new is None:
        out["status"] = "added" if old is None else "removed"
    elif _content(old) == _content(new):
        out["status"] = "unchanged"
    else:
        out["status"] = "changed"
    if out["status"] == "unchanged" or any(x and x.get("url") is not None for x in (old, new)):
        out.update(rows_compared=False, old_url=(old or {}).get("url"),
                   new_url=(new or {}).get("url"))
        return out
    columns_old, rows_old = _rows(old)
    columns_new, rows_new = _rows(new)
    if rows_old is None or rows_new is None:
        out.update(rows_compared=False, reason="file_missing")
        return out
    out["columns"] = columns_new or columns_old
    out["key"] = diff.primary_key(either.get("table_schema"))
    out["rows_compared"] = True
    out.update(diff.diff_rows(rows_old, rows_new, out["key"], limit=limit))
    return out


def _content(item: dict[str, Any]) -> tuple[Any, Any]:
    return item.get("sha256"), item.get("url")


def _rows(item: Optional[dict[str, Any]]) -> tuple[list[str], Optional[list[dict[str, Any]]]]:
    if item is None:
        return [], []
    path = store.absolute(item["blob_path"]) if item.get("blob_path") else None
    if path is None:
        return [], None
    return diff.read_rows(path, item.get("table_schema"))

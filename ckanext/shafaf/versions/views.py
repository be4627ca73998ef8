"""Version pages of a dataset: the list, downloads of old files, the diff of two versions.

``/dataset/<id>/versions/<n>/resource/<rid>/download`` serves the file that
version held — the fix for ckan/ckan#5904, where an old version's link
downloads the newest file.
"""
from __future__ import annotations

import mimetypes
from typing import Any, cast

from flask import Blueprint, redirect, request, send_file

import ckan.plugins.toolkit as tk
from ckan.types import Context

from ckanext.shafaf.versions import store

shafaf_versions = Blueprint("shafaf_versions", __name__)

_NOT_FOUND = "یافت نشد / Not found"
_FORBIDDEN = "اجازه دیدن این مجموعه‌داده را ندارید / Not authorized to see this dataset"
_NO_FILE = ("پروندهٔ این منبع در این نسخه نگه داشته نشده است",
            "This version kept no file of this resource")


def _context() -> Context:
    return cast(Context, {"user": tk.current_user.name, "auth_user_obj": tk.current_user})


def _call(action: str, **data: Any) -> Any:
    try:
        return tk.get_action(action)(_context(), data)
    except tk.ObjectNotFound as err:
        return tk.abort(404, str(err) or _NOT_FOUND)
    except tk.NotAuthorized:
        return tk.abort(403, _FORBIDDEN)
    except tk.ValidationError as err:
        return tk.abort(400, " ".join(" ".join(map(str, m)) for m in err.error_dict.values()))


def index(id: str) -> Any:
    dataset = _call("package_show", id=id)
    versions = _call("shafaf_version_list", id=dataset["id"])
    return tk.render("shafaf_versions/list.html", {
        "pkg_dict": dataset, "pkg": dataset, "dataset_type": dataset["type"],
        "versions": versions})


def download(id: str, number: int, resource_id: str) -> Any:
    version = _call("shafaf_version_show", id=id, number=number)
    item = next((f for f in version["files"] if f["resource_id"] == resource_id), None)
    if item is None:
        return tk.abort(404, _NOT_FOUND)
    if item.get("url") is not None:
        return redirect(item["url"]) if item["url"] else tk.abort(404, " / ".join(_NO_FILE))
    path = store.absolute(store.relative_path(item["sha256"])) if item.get("sha256") else None
    if path is None:
        return tk.abort(404, " / ".join(_NO_FILE))
    name = item.get("file_name") or resource_id
    mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return send_file(path, mimetype=mimetype, as_attachment=True, download_name=name,
                     max_age=0)


def diff(id: str) -> Any:
    dataset = _call("package_show", id=id)
    versions = _call("shafaf_version_list", id=dataset["id"])
    numbers = [v["number"] for v in versions]
    old = request.args.get("from") or (numbers[1] if len(numbers) > 1 else None)
    new = request.args.get("to") or (numbers[0] if numbers else None)
    if old is None or new is None:
        return tk.abort(404, _NOT_FOUND)
    params: dict[str, Any] = {"id": dataset["id"], "from": old, "to": new}
    if request.args.get("resource_id"):
        params["resource_id"] = request.args["resource_id"]
    result = _call("shafaf_version_diff", **params)
    return tk.render("shafaf_versions/diff.html", {
        "pkg_dict": dataset, "pkg": dataset, "dataset_type": dataset["type"],
        "versions": versions, "diff": result})


shafaf_versions.add_url_rule("/dataset/<id>/versions", view_func=index, endpoint="index")
shafaf_versions.add_url_rule("/dataset/<id>/versions/diff", view_func=diff, endpoint="diff")
shafaf_versions.add_url_rule(
    "/dataset/<id>/versions/<int:number>/resource/<resource_id>/download",
    view_func=download, endpoint="download")

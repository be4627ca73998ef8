"""Download of a contracts dataset as an OCDS release package (``/dataset/<id>/ocds.json``).

The API action serves programs; this link serves people on the dataset
page, as a file named after the dataset. The work is the action's.
"""
from __future__ import annotations

import json
from typing import Any, cast

from flask import Blueprint, Response

import ckan.plugins.toolkit as tk
from ckan.types import Context

shafaf_ocds = Blueprint("shafaf_ocds", __name__)

_NOT_FOUND = "مجموعه‌داده یافت نشد / Dataset not found"
_FORBIDDEN = "اجازه دیدن این مجموعه‌داده را ندارید / Not authorized to see this dataset"


def _context() -> Context:
    return cast(Context, {"user": tk.current_user.name, "auth_user_obj": tk.current_user})


def download(id: str) -> Any:
    """The release package as an attachment, UTF-8 with Persian kept readable."""
    try:
        dataset = tk.get_action("package_show")(_context(), {"id": id})
        package = tk.get_action("shafaf_ocds_export")(_context(), {"id": dataset["id"]})
    except tk.ObjectNotFound as err:
        return tk.abort(404, str(err) if str(err) else _NOT_FOUND)
    except tk.NotAuthorized:
        return tk.abort(403, _FORBIDDEN)
    except tk.ValidationError as err:
        # Not a contract dataset: there is no OCDS file to download.
        return tk.abort(404, " ".join(" ".join(msgs) for msgs in err.error_dict.values()))
    body = json.dumps(package, ensure_ascii=False, indent=2)
    return Response(body, content_type="application/json; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{dataset["name"]}-ocds.json"'})


shafaf_ocds.add_url_rule("/dataset/<id>/ocds.json", view_func=download, endpoint="download")

"""The province's contractor search page (``/organization/<id>/contracts-search``).

A form for people; the work is the ``shafaf_contract_search`` action's.
"""
from __future__ import annotations

from typing import Any, cast

from flask import Blueprint

import ckan.plugins.toolkit as tk
from ckan.types import Context

shafaf_federation = Blueprint("shafaf_federation", __name__)

_NOT_FOUND = "سازمان یافت نشد / Organization not found"
_PAGE = 50


def _context() -> Context:
    return cast(Context, {"user": tk.current_user.name, "auth_user_obj": tk.current_user})


def contracts_search(id: str) -> Any:
    try:
        group_dict = tk.get_action("organization_show")(
            _context(), {"id": id, "include_datasets": False})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, _NOT_FOUND)
    args = tk.request.args
    contractor, contractor_id = args.get("contractor", ""), args.get("contractor_id", "")
    page = max(1, tk.h.get_page_number(args))
    result, errors = None, []
    if contractor.strip() or contractor_id.strip():
        try:
            result = tk.get_action("shafaf_contract_search")(_context(), {
                "province": group_dict["id"], "contractor": contractor,
                "contractor_id": contractor_id, "fiscal_year": args.get("fiscal_year", ""),
                "limit": _PAGE, "offset": (page - 1) * _PAGE})
        except tk.ValidationError as err:
            errors = [m for msgs in err.error_dict.values() for m in msgs]
    return tk.render("organization/shafaf_contracts_search.html", {
        "group_dict": group_dict, "result": result, "errors": errors, "page": page,
        "page_size": _PAGE, "contractor": contractor, "contractor_id": contractor_id,
        "fiscal_year": args.get("fiscal_year", "")})


shafaf_federation.add_url_rule("/organization/<id>/contracts-search",
                               view_func=contracts_search, endpoint="contracts_search")

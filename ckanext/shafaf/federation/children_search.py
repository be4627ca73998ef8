"""``include_children``: one search over a province and all its member organisations.

CKAN filters an organisation's datasets with ``owner_org:"<id>"`` (its
organisation page) or ``organization:<name>`` (the API); with
``include_children`` that filter is widened to every organisation of the
subtree before the query runs, so counts, facets and paging stay CKAN's.
An organisation page with members includes them unless
``?ext_include_children=0`` (``ext_``: CKAN's pages turn any other query
argument into a filter on a field of that name).
"""
from __future__ import annotations

import re
from typing import Any, Optional

import ckan.plugins.toolkit as tk
from ckan.common import asbool

from ckanext.shafaf.federation import tree

PARAM = "include_children"
PAGE_PARAM = "ext_include_children"
_ORG_FILTER = re.compile(
    r'(?P<sign>[+]?)(?P<field>owner_org|organization):(?P<quote>"?)(?P<value>[^"\s)]+)(?P=quote)')
_ORG_PAGES = ("organization.read",)  # not bulk_process: it edits datasets


def widen(search_params: dict[str, Any]) -> dict[str, Any]:
    """Replace the organisation filter by the organisation's whole subtree when asked."""
    requested = search_params.pop(PARAM, None)
    if requested is None:
        requested = _page_default()
    if requested is None or not _true(requested):
        return search_params
    for key in ("fq",):
        if search_params.get(key):
            search_params[key] = _ORG_FILTER.sub(_subtree_filter, search_params[key])
    if search_params.get("fq_list"):
        search_params["fq_list"] = [_ORG_FILTER.sub(_subtree_filter, fq)
                                    for fq in search_params["fq_list"]]
    return search_params


def page_includes_children(org_id: str) -> bool:
    """Whether an organisation page shows its members' datasets (for the toggle)."""
    if not tree.has_children(org_id):
        return False
    value = tk.request.args.get(PAGE_PARAM) if _in_request() else None
    return value is None or _true(value)


def _true(value: Any) -> bool:
    try:
        return asbool(value)
    except ValueError:
        raise tk.ValidationError({PARAM: [
            "مقدار include_children باید true یا false باشد. / "
            "include_children must be true or false."]})


def _page_default() -> Optional[str]:
    """On an organisation page with members: included unless ``?ext_include_children=0``."""
    if not _in_request() or tk.request.endpoint not in _ORG_PAGES:
        return None
    org_id = (tk.request.view_args or {}).get("id")
    if not org_id or not tree.has_children(org_id):
        return None
    return tk.request.args.get(PAGE_PARAM, "true")


def _in_request() -> bool:
    try:
        return bool(tk.request) and tk.request.endpoint is not None
    except (RuntimeError, AttributeError):
        return False


def _subtree_filter(match: re.Match[str]) -> str:
    org = tree.get_org(match.group("value"))
    if org is None:
        return match.group(0)
    ids = tree.subtree_ids(org.id)
    if len(ids) == 1:
        return match.group(0)
    return '{}owner_org:({})'.format(match.group("sign"), " OR ".join(f'"{i}"' for i in ids))

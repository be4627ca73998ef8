"""Auth functions of ckanext-shafaf (registered by ``tk.blanket.auth_functions`` from ``__all__``)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

__all__: list[str] = [
    "shafaf_resource_validation_show",
    "shafaf_resource_validate",
    "shafaf_ocds_export",
    "shafaf_version_list",
    "shafaf_version_show",
    "shafaf_version_diff",
    "shafaf_organization_tree",
    "shafaf_rollup_refresh",
    "shafaf_rollup_summary",
    "shafaf_contract_search",
]


@tk.auth_allow_anonymous_access
def shafaf_resource_validation_show(context: Context, data_dict: DataDict) -> AuthResult:
    """Whoever may see the resource may see its check: the report shows its cells."""
    return _as(context, "resource_show", data_dict)


def shafaf_resource_validate(context: Context, data_dict: DataDict) -> AuthResult:
    """Re-checking loads the DataStore and edits the dataset: its editors only."""
    return _as(context, "resource_update", data_dict)


@tk.auth_allow_anonymous_access
def shafaf_ocds_export(context: Context, data_dict: DataDict) -> AuthResult:
    """The export shows the dataset's rows: whoever may see the dataset."""
    return _as(context, "package_show", data_dict)


@tk.auth_allow_anonymous_access
def shafaf_version_list(context: Context, data_dict: DataDict) -> AuthResult:
    """Old versions show the dataset's old files: whoever may see the dataset."""
    return _as(context, "package_show", data_dict)


@tk.auth_allow_anonymous_access
def shafaf_version_show(context: Context, data_dict: DataDict) -> AuthResult:
    return _as(context, "package_show", data_dict)


@tk.auth_allow_anonymous_access
def shafaf_version_diff(context: Context, data_dict: DataDict) -> AuthResult:
    return _as(context, "package_show", data_dict)


def shafaf_rollup_refresh(context: Context, data_dict: DataDict) -> AuthResult:
    """Rebuilding writes the province's datasets: its admins (and sysadmins)."""
    return _as(context, "organization_update", data_dict)


@tk.auth_allow_anonymous_access
def shafaf_rollup_summary(context: Context, data_dict: DataDict) -> AuthResult:
    """Whoever may see the province; private members' rows are left out by the action."""
    return _as(context, "organization_show", data_dict)


@tk.auth_allow_anonymous_access
def shafaf_contract_search(context: Context, data_dict: DataDict) -> AuthResult:
    """Whoever may see the province; each row's dataset is checked by the action."""
    return _as(context, "organization_show", {"id": data_dict.get("province")})


def _as(context: Context, auth: str, data_dict: DataDict) -> AuthResult:
    try:
        tk.check_access(auth, context, {"id": data_dict.get("id")})
    except tk.NotAuthorized:
        return {"success": False}
    return {"success": True}


@tk.auth_allow_anonymous_access
def shafaf_organization_tree(context: Context, data_dict: DataDict) -> AuthResult:
    """The tree shows what the organisation list shows."""
    return _as(context, "organization_list", data_dict)

"""Actions of ckanext-shafaf (registered by ``tk.blanket.actions`` from ``__all__``)."""
from __future__ import annotations

from typing import Any, Iterator

import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ckanext.shafaf import ocds
from ckanext.shafaf.federation import display as federation_display
from ckanext.shafaf.federation import rollup, row_search, summary
from ckanext.shafaf.logic import schema
from ckanext.shafaf.uploads import check, records
from ckanext.shafaf.versions import api as versions

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

_NOT_CHECKED = ("این منبع پرونده جدولی بارگذاری‌شده با ساختار جدول ندارد و بررسی نمی‌شود.",
                "This resource has no uploaded table with a table schema; it is not checked.")


@tk.side_effect_free
def shafaf_resource_validation_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The check of a resource's uploaded table: status, DataStore load and full report.

    :param id: the resource id
    :param errors_limit: at most this many row errors (default: all that were kept, ≤ 1,000)
    """
    data = _validate(data_dict, schema.resource_validation_show(), context)
    tk.check_access("shafaf_resource_validation_show", context, data)
    record = records.get(data["id"])
    if record is None:
        resource = tk.get_action("resource_show")(context, {"id": data["id"]})
        raise tk.ObjectNotFound(" / ".join(_NOT_CHECKED) if resource else data["id"])
    limit = data.get("errors_limit")
    if limit is not None and record["report"].get("row_errors"):
        record["report"]["row_errors"] = record["report"]["row_errors"][:limit]
    return record


def shafaf_resource_validate(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Check a resource's uploaded table now (again, with ``force``).

    :param id: the resource id
    :param force: re-check even if the file has not changed since the last check
    """
    data = _validate(data_dict, schema.resource_validate(), context)
    tk.check_access("shafaf_resource_validate", context, data)
    record = check.check_resource(data["id"], user=context.get("user"), force=data["force"])
    if record is None:
        raise tk.ValidationError({"id": [" / ".join(_NOT_CHECKED)]})
    return record


def _validate(data_dict: DataDict, schema_: dict[str, Any], context: Context) -> dict[str, Any]:
    data, errors = tk.navl_validate(data_dict, schema_, context)
    if errors:
        raise tk.ValidationError(errors)
    return data


_OCDS_NOT_CONTRACTS = ("خروجی OCDS فقط برای مجموعه‌داده‌های قرارداد است.",
                       "The OCDS export is only for contract datasets.")
_OCDS_NO_TABLE = ("این مجموعه‌داده جدول قراردادی بارگذاری‌شده در DataStore ندارد.",
                  "This dataset has no contracts table loaded in the DataStore.")
_OCDS_PAGE = 1000


@tk.side_effect_free
def shafaf_ocds_export(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The contracts of a contract dataset as an OCDS 1.1 release package.

    Researchers compare procurement with OCDS tools; the rows come from the
    DataStore table the upload check loaded, so they are already normalised.

    :param id: the dataset id or name
    :param resource_id: the contracts resource (default: the first loaded one)
    """
    dataset_id = tk.get_or_bust(data_dict, "id")
    tk.check_access("shafaf_ocds_export", context, data_dict)
    dataset = tk.get_action("package_show")(tk.fresh_context(context), {"id": dataset_id})
    if dataset.get("type") != "contract":
        raise tk.ValidationError({"id": [" / ".join(_OCDS_NOT_CONTRACTS)]})
    resource = _ocds_resource(dataset, data_dict.get("resource_id"))
    return ocds.release_package(
        dataset, _datastore_rows(context, resource["id"]),
        uri=tk.url_for("shafaf_ocds.download", id=dataset["name"], _external=True),
        ocid_prefix=tk.config.get("ckanext.shafaf.ocds.ocid_prefix"))


def _ocds_resource(dataset: dict[str, Any], resource_id: Any) -> dict[str, Any]:
    """The given resource, else the first contracts table in the DataStore."""
    for resource in dataset.get("resources", []):
        if resource_id and resource["id"] != resource_id:
            continue
        if resource.get("table_schema") == "contracts" and resource.get("datastore_active"):
            return resource
    raise tk.ObjectNotFound(" / ".join(_OCDS_NO_TABLE))


def _datastore_rows(context: Context, resource_id: str) -> Iterator[dict[str, Any]]:
    """The table's rows in load order, a page at a time (constant memory per page)."""
    search = tk.get_action("datastore_search")
    offset = 0
    while True:
        page = search(tk.fresh_context(context), {
            "resource_id": resource_id, "limit": _OCDS_PAGE, "offset": offset,
            "sort": "_id", "include_total": False})
        records = page["records"]
        yield from records
        if len(records) < _OCDS_PAGE:
            return
        offset += len(records)


@tk.side_effect_free
def shafaf_version_list(context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """The versions of a dataset's data, newest first (CKAN's activity keeps metadata only).

    :param id: the dataset id or name
    """
    data = _validate(data_dict, schema.version_list(), context)
    package = versions.package_or_404(data["id"])
    tk.check_access("shafaf_version_list", context, {"id": package.id})
    return versions.list_versions(package)


@tk.side_effect_free
def shafaf_version_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """One version: when, by whom (user or harvest job), its files.

    :param id: the dataset id or name
    :param number: the version number (1 is the first)
    """
    data = _validate(data_dict, schema.version_show(), context)
    package = versions.package_or_404(data["id"])
    tk.check_access("shafaf_version_show", context, {"id": package.id})
    return versions.version_dict(package, versions.version_or_404(package, data["number"]))


@tk.side_effect_free
def shafaf_version_diff(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Rows added, removed and changed (with the changed cells) between two versions.

    :param id: the dataset id or name
    :param from: the older version number
    :param to: the newer version number
    :param resource_id: only this resource (default: every resource of either version)
    :param limit: at most this many rows per list (default 1000; counts are complete)
    """
    data = _validate(data_dict, schema.version_diff(), context)
    package = versions.package_or_404(data["id"])
    tk.check_access("shafaf_version_diff", context, {"id": package.id})
    return versions.diff_versions(package, data["from"], data["to"],
                                  resource_id=data.get("resource_id"), limit=data["limit"])


@tk.side_effect_free
def shafaf_organization_tree(context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """The organisation tree (province → county → municipality), nested.

    CKAN 2.11 has no tree action of its own; the tree is public like the
    organisation list.

    :param id: only the branch under this organisation (id or name)
    """
    tk.check_access("shafaf_organization_tree", context, data_dict)
    org_id = data_dict.get("id")
    branch = federation_display.subtree(org_id)
    if org_id and not branch:
        raise tk.ObjectNotFound(f"سازمان «{org_id}» یافت نشد. / Organisation '{org_id}' not found.")
    return branch


def shafaf_rollup_refresh(context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """Rebuild a province's roll-ups now (all, or one type and/or fiscal year).

    Normally they refresh after every upload, harvest or delete; this is
    for repairs and for the first build of an existing province.

    :param id: the province (organisation id or name)
    :param type: contract, budget or permit (optional)
    :param fiscal_year: e.g. 1403 or ۱۴۰۳ (optional)
    """
    data = _validate(data_dict, schema.rollup_refresh(), context)
    tk.check_access("shafaf_rollup_refresh", context, data)
    org = row_search._province(data["id"])
    return rollup.refresh(org.id, data.get("type"), data.get("fiscal_year"))


@tk.side_effect_free
def shafaf_rollup_summary(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """A province's roll-up figures: totals per municipality, top contractors, methods.

    Counts only the member datasets the caller may read.

    :param id: the province (organisation id or name)
    :param type: contract (default), budget or permit
    :param fiscal_year: default the latest year with a roll-up
    """
    data = _validate(data_dict, schema.rollup_summary(), context)
    tk.check_access("shafaf_rollup_summary", context, data)
    return summary.summary(context, data["id"], data.get("type"), data.get("fiscal_year"))


@tk.side_effect_free
def shafaf_contract_search(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Every contract of one contractor across a province's member municipalities.

    :param province: the province (organisation id or name)
    :param contractor: the contractor's name; ي/ك, ZWNJ/space and digit variants match
    :param contractor_id: شناسه ملی (11 digits) or کد ملی (10 digits)
    :param fiscal_year: only this year (optional)
    :param limit: rows per page (default 50)
    :param offset: rows to skip
    :returns: ``{count, results: [row + municipality + dataset/resource links]}``
    """
    data = _validate(data_dict, schema.contract_search(), context)
    tk.check_access("shafaf_contract_search", context, data)
    return row_search.search(context, data)

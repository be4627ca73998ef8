"""The dataset search page: facets for province, municipality, type, year, method.

The province of a dataset is the top of its owner organisation's chain in
the federation tree (federation/tree.py), written into the search document
at index time, so it is filtered and counted like any other field.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Any

import ckan.plugins.toolkit as tk
from persiantools import digits as pt_digits

from ckanext.shafaf.federation import tree
from ckanext.shafaf.ui import dates

# Dataset types and their names in both languages (the type chooser uses them too).
DATASET_TYPES = OrderedDict([
    ("contract", ("قرارداد", "Contract")),
    ("budget", ("بودجه", "Budget")),
    ("permit", ("مجوز", "Permit")),
])


def type_label(dataset_type: str) -> str:
    """A dataset type's name in the page's language ('contract' → 'قرارداد')."""
    fa, en = DATASET_TYPES.get(dataset_type, (dataset_type, dataset_type))
    return fa if dates.is_persian() else en


@tk.chained_helper
def humanize_entity_type(next_helper: Any, entity_type: str, object_type: str,
                         purpose: str) -> Any:
    """CKAN's "Create Contract", "Contracts", … with the Persian type name on Persian pages."""
    if entity_type == "package" and object_type in DATASET_TYPES and dates.is_persian():
        object_type = DATASET_TYPES[object_type][0]
    return next_helper(entity_type, object_type, purpose)


def province_of(owner_org: str | None) -> str | None:
    """Title of the top organisation above ``owner_org`` (itself when it has no parent)."""
    if not owner_org:
        return None
    found = tree.top(owner_org)
    return (found[1] or found[0]) if found is not None else None


def add_province(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """before_dataset_index: the ``province`` field of the search document."""
    province = province_of(pkg_dict.get("owner_org"))
    if province:
        pkg_dict["province"] = province
    return pkg_dict


def dataset_facets(facets: "OrderedDict[str, Any]") -> "OrderedDict[str, Any]":
    """Facets of the dataset search page, Persian titles through our catalogue."""
    _ = tk._
    wanted = OrderedDict([
        ("province", _("Province")),
        ("organization", _("Municipality")),
        ("dataset_type", _("Dataset type")),
        ("fiscal_year", _("Fiscal year")),
        ("procurement_method", _("Procurement method")),
    ])
    for name in ("tags", "res_format", "license_id"):
        if name in facets:
            wanted[name] = facets[name]
    return wanted


def label_facet_items(search_results: dict[str, Any]) -> dict[str, Any]:
    """after_dataset_search: type names instead of codes, Persian digits for years."""
    facets = search_results.get("search_facets") or {}
    for item in facets.get("dataset_type", {}).get("items", []):
        item["display_name"] = type_label(item["name"])
    if dates.is_persian():
        for item in facets.get("fiscal_year", {}).get("items", []):
            item["display_name"] = pt_digits.en_to_fa(str(item["name"]))
    return search_results

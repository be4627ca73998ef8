"""Pure: the dataset a portal harvest keeps for one (organisation, type, year).

One dataset per fiscal year of a source, named and titled the way staff
would name it (``yazd-contracts-1403``, «قراردادهای شهرداری یزد ۱۴۰۳»),
with the normalised table as its single resource.
"""
from __future__ import annotations

from typing import Any

from ckanext.shafaf.domain.digits import to_ascii_digits

KINDS = {
    "contract": ("contracts", "قراردادهای", "Contracts of"),
    "budget": ("budget", "بودجهٔ", "Budget of"),
    "permit": ("permits", "پروانه‌های ساختمانی", "Building permits of"),
}
_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def guid(dataset_type: str, fiscal_year: int) -> str:
    """Stable per source: the same export year always lands in the same dataset."""
    return f"{dataset_type}:{fiscal_year}"


def year_of_guid(value: str) -> int:
    return int(to_ascii_digits(value.rsplit(":", 1)[1]))


def dataset_dict(*, dataset_type: str, fiscal_year: int, org: dict[str, Any],
                 package_id: str, resource_id: str, table_schema: str, source_title: str,
                 source_url: str, rows: int) -> dict[str, Any]:
    slug, fa_kind, en_kind = KINDS[dataset_type]
    year_fa = str(fiscal_year).translate(_PERSIAN_DIGITS)
    org_title = org.get("title") or org["name"]
    return {
        "id": package_id,
        "type": dataset_type,
        "name": f"{org['name']}-{slug}-{fiscal_year}"[:100],
        "title": f"{fa_kind} {org_title} {year_fa}",
        "notes": (f"{fa_kind} {org_title} در سال مالی {year_fa}، برداشت‌شده از «{source_title}» "
                  f"({source_url}): {rows} ردیف.\n\n{en_kind} {org['name']}, fiscal year "
                  f"{fiscal_year}, harvested from {source_url}: {rows} rows."),
        "owner_org": org["id"],
        "fiscal_year": str(fiscal_year),
        "tags": [{"name": "برداشت خودکار"}, {"name": slug}],
        "resources": [{
            "id": resource_id,
            "name": f"{fa_kind} {org_title} {year_fa}",
            "description": f"جدول یکدست‌شده از {source_url} / normalised table from {source_url}",
            "format": "CSV",
            "table_schema": table_schema,
        }],
    }

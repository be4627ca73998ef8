"""What the province page and ``shafaf_rollup_summary`` show of a roll-up.

The stored figures count public member datasets only; a caller who may
read some private member dataset gets figures computed on read over the
rows they may see (GROUP BY over the roll-up table).
"""
from __future__ import annotations

from typing import Any, Optional

import ckan.plugins.toolkit as tk
from ckan.types import Context

from ckanext.shafaf.federation import rollup, rollup_figures, row_search

NO_ROLLUP = ("جدول تجمیعی برای این نوع و سال نیست.",
             "There is no roll-up for this type and year.")
# What each type's chart draws: (list of figures, label key, value key, value is money)
CHARTS: dict[str, tuple[str, str, str, bool]] = {
    "contract": ("by_municipality", "municipality", "amount", True),
    "budget": ("by_municipality", "municipality", "approved", True),
    "permit": ("by_municipality", "municipality", "count", False),
}
TYPE_LABELS = {"contract": "قراردادها / Contracts", "budget": "بودجه / Budgets",
               "permit": "مجوزها / Permits"}


def summary(context: Context, province: str, dataset_type: Optional[str] = None,
            year: Optional[int] = None) -> dict[str, Any]:
    """The figures of one roll-up of the province (default: contracts, latest year)."""
    org = row_search._province(province)
    found = rollup.rollups_of(org.id)
    available = [{"type": d["type"], "fiscal_year": rollup._year(d.get("fiscal_year")),
                  "name": d["name"]} for d in found]
    types = [t for t in rollup.TYPES if any(a["type"] == t for a in available)]
    dataset_type = dataset_type or (types[0] if types else "contract")
    chosen = [d for d in found if d["type"] == dataset_type
              and (year is None or rollup._year(d.get("fiscal_year")) == year)]
    if not chosen:
        raise tk.ObjectNotFound(" / ".join(NO_ROLLUP))
    dataset = chosen[0]  # newest year first
    stored = rollup.figures_of(dataset)
    allowed = row_search.readable_sources(context, stored)
    figures = dict(stored)
    if sorted(allowed) != sorted(stored.get("public_sources", [])) and stored.get("resource_id"):
        figures.update(rollup_figures.compute(stored["resource_id"], dataset_type, allowed))
    keep = set(allowed)
    figures["sources"] = _readable(stored.get("sources", []), keep)
    figures["skipped"] = _readable(stored.get("skipped", []), keep)
    figures.pop("public_sources", None)
    figures.update(province=org.name, type=dataset_type, available=available,
                   fiscal_year=rollup._year(dataset.get("fiscal_year")),
                   row_count=figures.get("rows_counted", 0),
                   dataset={"id": dataset["id"], "name": dataset["name"],
                            "title": dataset["title"]})
    return figures


def _readable(entries: list[dict[str, Any]], keep: set[str]) -> list[dict[str, Any]]:
    """The sources the caller may read; private ones (stored as ids) named again."""
    found = []
    for entry in entries:
        if entry["dataset_id"] not in keep:
            continue
        if entry.get("private") and "dataset_name" not in entry:
            dataset = tk.get_action("package_show")(rollup._context(), {"id": entry["dataset_id"]})
            org = dataset.get("organization") or {}
            entry = {**entry, "dataset_name": dataset["name"],
                     "municipality": org.get("title") or org.get("name", ""),
                     "municipality_name": org.get("name", "")}
        found.append(entry)
    return found


def bars(figures: dict[str, Any], width: int = 560, bar_height: int = 22,
         label_width: int = 170) -> dict[str, Any]:
    """Geometry of a horizontal bar chart of the type's main figure (server-rendered SVG)."""
    key, label_key, value_key, money = CHARTS[figures.get("type", "contract")]
    rows = figures.get(key, [])[:20]
    top = max([int(r.get(value_key) or 0) for r in rows] + [1])
    room = width - label_width - 10
    items = []
    for i, row in enumerate(rows):
        value = int(row.get(value_key) or 0)
        label = row.get(label_key) or "—"
        if figures.get("type") == "budget":
            label = f"{label} ({row.get('direction')})"
        items.append({"label": label, "value": value, "y": i * (bar_height + 6),
                      "width": max(1, round(room * value / top)) if value else 0})
    return {"items": items, "width": width, "label_width": label_width, "bar_height": bar_height,
            "height": max(1, len(items)) * (bar_height + 6), "money": money,
            "value_key": value_key}


def for_page(org_id: str, dataset_type: Optional[str] = None,
             year: Optional[str] = None) -> Optional[dict[str, Any]]:
    """The province page's figures for the current user; None without members."""
    if not org_id or not rollup.is_province(org_id):
        return None
    context: Context = {"user": tk.current_user.name if tk.current_user else "",
                        "auth_user_obj": tk.current_user}
    params = {"id": org_id, "type": dataset_type or None, "fiscal_year": year or None}
    try:
        figures = tk.get_action("shafaf_rollup_summary")(
            context, {k: v for k, v in params.items() if v})
    except (tk.ObjectNotFound, tk.ValidationError, tk.NotAuthorized):
        return {"empty": True, "available": _available(org_id)}
    figures["chart"] = bars(figures)
    return figures


def _available(org_id: str) -> list[dict[str, Any]]:
    return [{"type": d["type"], "fiscal_year": rollup._year(d.get("fiscal_year")),
             "name": d["name"]} for d in rollup.rollups_of(org_id)]

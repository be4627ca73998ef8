"""Headline figures of a checked table, written onto its dataset.

Which figure fills which dataset field is data, in the dataset schema: a
field with ``shafaf_figure: <path>`` takes that value of the report's
figures (``total_amount_irr``, ``totals.revenue.{budget_phase|approved}``).
A ``{field|default}`` segment is the dataset's own value of that field,
translated by the ``figure_key`` of its chosen choice (budget phases:
مصوب → approved), or the default when the field is empty. So these values
can be searched and faceted like any other field.
"""
from __future__ import annotations

import re
from typing import Any, Mapping, Optional

from ckanext.scheming.helpers import scheming_get_dataset_schema

_PLACEHOLDER = re.compile(r"^\{(\w+)(?:\|(\w+))?\}$")
_MISSING = object()


def main_table_schema(dataset_type: str) -> Optional[str]:
    """The table schema of the type's main resource (its `table_schema` default)."""
    schema = scheming_get_dataset_schema(dataset_type) or {}
    for field in schema.get("resource_fields", []):
        if field["field_name"] == "table_schema":
            return field.get("default")
    return None


def dataset_values(dataset: Mapping[str, Any], figures: Mapping[str, Any]) -> dict[str, Any]:
    """The dataset fields the figures fill, with the unit of amounts (always IRR)."""
    schema = scheming_get_dataset_schema(dataset.get("type") or "dataset") or {}
    fields = {f["field_name"]: f for f in schema.get("dataset_fields", [])}
    values: dict[str, Any] = {}
    for name, field in fields.items():
        path = field.get("shafaf_figure")
        if not path:
            continue
        value = _lookup(figures, path, dataset, fields)
        if value is _MISSING:
            continue
        values[name] = value
        if f"{name}_unit" in fields:
            values[f"{name}_unit"] = "ریال"
    return values


def _lookup(figures: Mapping[str, Any], path: str, dataset: Mapping[str, Any],
            fields: Mapping[str, Mapping[str, Any]]) -> Any:
    value: Any = figures
    for segment in path.split("."):
        placeholder = _PLACEHOLDER.match(segment)
        if placeholder:
            segment = _choice_key(placeholder[1], placeholder[2], dataset, fields)
        if not isinstance(value, Mapping) or segment not in value:
            return _MISSING
        value = value[segment]
    return value


def _choice_key(field: str, default: Optional[str], dataset: Mapping[str, Any],
                fields: Mapping[str, Mapping[str, Any]]) -> str:
    chosen = dataset.get(field)
    for choice in fields.get(field, {}).get("choices", []):
        if chosen and choice.get("value") == chosen:
            return choice.get("figure_key") or str(chosen)
    return str(chosen) if chosen else (default or "")

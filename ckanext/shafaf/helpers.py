"""Template helpers that show stored values the way Iranian readers expect.

Values are stored in machine form (ISO Gregorian dates, integer IRR) for
search and export; pages show Jalali dates and Rial amounts in Persian
digits. Registered with ``tk.blanket.helpers`` (``__all__``).
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Optional

from persiantools import digits as pt_digits

import ckan.plugins.toolkit as tk

from ckanext.shafaf.domain import jalali, money
from ckanext.shafaf.domain.errors import DomainError
from ckanext.shafaf.federation import display as federation_display
from ckanext.shafaf.ui import dataset_page, dates, numbers, search_page

__all__ = [
    "shafaf_jalali", "shafaf_format_irr", "shafaf_amount_in_unit",
    "shafaf_persian_digits", "shafaf_resource_validation",
    "shafaf_parent_choices", "shafaf_parent_name", "shafaf_org_lineage",
    "shafaf_org_children", "shafaf_org_tree", "shafaf_includes_children",
    "shafaf_rollup_summary", "shafaf_rollup_type_label",
    "render_datetime", "time_ago_from_timestamp", "shafaf_page_digits",
    "shafaf_table_preview", "shafaf_dataset_types", "shafaf_type_label",
    "humanize_entity_type", "shafaf_table_cell", "localised_number", "SI_number_span",
]

_THOUSANDS_SEPARATOR = "\u066c"  # '٬'
_DECIMAL_SEPARATOR = "\u066b"  # '٫'
_DECIMAL_POINT = re.compile(r"(?<=\d)\.(?=\d)")


def shafaf_jalali(value: Any) -> str:
    """A stored date ('2025-03-20') as '۱۴۰۳/۱۲/۳۰'.

    Anything that is not a date comes back as it was, so a form re-rendered
    after an error still shows what the user typed.
    """
    if value is None or value == "":
        return ""
    try:
        return jalali.to_jalali(jalali.parse_date(value))
    except DomainError:
        return str(value)


def _persian_number(number: Decimal | int) -> str:
    text = f"{number:,}".replace(",", _THOUSANDS_SEPARATOR)
    return pt_digits.en_to_fa(text.replace(".", _DECIMAL_SEPARATOR))


def shafaf_format_irr(value: Any) -> str:
    """An integer IRR amount as '۱۲۰٬۰۰۰٬۰۰۰ ریال' ('' when absent)."""
    if value is None or value == "":
        return ""
    try:
        amount = int(str(value))
    except ValueError:
        return str(value)
    return f"{_persian_number(amount)} ریال"


def shafaf_amount_in_unit(value: Any, unit: Any) -> str:
    """A stored IRR amount expressed in its recorded unit, in ASCII digits.

    The edit form shows '120' next to «میلیون ریال» rather than 120000000,
    so saving the form unchanged stores the same amount. Text that is not a
    stored integer (a re-rendered form after an error) is left as typed.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, bool) or not isinstance(value, int):
        return str(value)
    try:
        factor = money.normalize_unit(str(unit))[1] if unit else 1
    except DomainError:
        return str(value)
    number = Decimal(value) / factor
    return format(number.normalize(), "f") if number != number.to_integral_value() \
        else str(int(number))


def shafaf_persian_digits(value: Any) -> str:
    """A stored number or code ('1403', '1.5') in Persian digits ('۱۴۰۳', '۱٫۵')."""
    if value is None:
        return ""
    text = _DECIMAL_POINT.sub(_DECIMAL_SEPARATOR, str(value))
    return pt_digits.en_to_fa(text)


def shafaf_resource_validation(resource_id: str, errors_limit: int = 100) -> Optional[dict[str, Any]]:
    """The stored check of a resource's table for the resource page, if any.

    None when the resource holds no checked table or the viewer may not see it.
    """
    try:
        return tk.get_action("shafaf_resource_validation_show")(
            {}, {"id": resource_id, "errors_limit": errors_limit})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return None


# The organisation tree (ckanext/shafaf/federation/display.py).
shafaf_parent_choices = federation_display.parent_choices
shafaf_parent_name = federation_display.parent_name
shafaf_org_lineage = federation_display.lineage
shafaf_org_children = federation_display.children
shafaf_org_tree = federation_display.subtree
shafaf_includes_children = federation_display.includes_children


def shafaf_rollup_summary(org_id: str, dataset_type: Optional[str] = None,
                          year: Optional[str] = None) -> Optional[dict[str, Any]]:
    """The roll-up figures and chart of a province page (None without members)."""
    from ckanext.shafaf.federation import summary
    return summary.for_page(org_id, dataset_type, year)


def shafaf_rollup_type_label(dataset_type: str) -> str:
    from ckanext.shafaf.federation import summary
    return summary.TYPE_LABELS.get(dataset_type, dataset_type)


# The Persian UI (ckanext/shafaf/ui): CKAN's date helpers chained to give
# Jalali dates on Persian pages, the dataset page's table preview, the type chooser.
render_datetime = dates.render_datetime
time_ago_from_timestamp = dates.time_ago_from_timestamp
shafaf_table_preview = dataset_page.table_preview
shafaf_table_cell = dataset_page.cell
shafaf_type_label = search_page.type_label
humanize_entity_type = search_page.humanize_entity_type
localised_number = numbers.localised_number
SI_number_span = numbers.SI_number_span


def shafaf_page_digits(value: Any) -> str:
    """A count or cell in Persian digits on Persian pages, as it is on English ones."""
    if value is None:
        return ""
    return shafaf_persian_digits(value) if dates.is_persian() else str(value)


def shafaf_dataset_types() -> list[dict[str, str]]:
    """The dataset types staff choose from when creating a dataset, in page order."""
    return [{"type": name, "label": search_page.type_label(name)}
            for name in search_page.DATASET_TYPES]

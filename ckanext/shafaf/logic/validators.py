"""CKAN validators: thin wrappers over ckanext.shafaf.domain.

The rules live in the domain modules so the web form, the API, the table
validator and the harvesters refuse the same values with the same bilingual
message; here they only become ``tk.Invalid`` and learn CKAN's calling
conventions. Registered with ``tk.blanket.validators`` (``__all__``).
"""
from __future__ import annotations

from typing import Any, Callable

import ckan.plugins.toolkit as tk
from ckan.types import Context, FlattenDataDict, FlattenErrorDict, FlattenKey

from ckanext.shafaf.domain import identifiers, jalali, money
from ckanext.shafaf.domain.digits import to_ascii_digits
from ckanext.shafaf.domain.errors import DomainError
from ckanext.shafaf.federation.parent import (
    org_parent as shafaf_org_parent, org_parent_cleanup as shafaf_org_parent_cleanup)

__all__ = [
    "shafaf_jalali_date",
    "shafaf_fiscal_year",
    "shafaf_amount_irr",
    "shafaf_amount_unit",
    "shafaf_int_output",
    "shafaf_national_code",
    "shafaf_legal_id",
    "shafaf_national_or_legal_id",
    "shafaf_sheba",
    "shafaf_postal_code",
    "shafaf_version_number",
    "shafaf_org_parent",
    "shafaf_org_parent_cleanup",
]

UNIT_SUFFIX = "_unit"


def _checked(func: Callable[[Any], Any], value: Any) -> Any:
    try:
        return func(value)
    except DomainError as err:
        raise tk.Invalid(str(err)) from None


def _is_empty(value: Any) -> bool:
    return value is tk.missing or value is None or value == ""


def shafaf_jalali_date(value: Any) -> Any:
    """A Jalali or Gregorian date, stored as ISO Gregorian ('2025-03-20')."""
    if _is_empty(value):
        return value
    return _checked(jalali.parse_date, value).isoformat()


def shafaf_fiscal_year(value: Any) -> Any:
    """A Jalali fiscal year ('۱۴۰۳', 'سال ۱۴۰۳'), stored as the int 1403."""
    if _is_empty(value):
        return value
    return _checked(jalali.fiscal_year, value)


def shafaf_national_code(value: Any) -> Any:
    """A کد ملی, stored as 10 ASCII digits."""
    return value if _is_empty(value) else _checked(identifiers.national_code, value)


def shafaf_legal_id(value: Any) -> Any:
    """A شناسه ملی, stored as 11 ASCII digits."""
    return value if _is_empty(value) else _checked(identifiers.legal_id, value)


def shafaf_national_or_legal_id(value: Any) -> Any:
    """A contractor's کد ملی or شناسه ملی (told apart by length)."""
    if _is_empty(value):
        return value
    return _checked(identifiers.national_id_or_legal_id, value)[1]


def shafaf_sheba(value: Any) -> Any:
    """A Sheba number, stored as 'IR' + 24 digits."""
    return value if _is_empty(value) else _checked(identifiers.sheba, value)


def shafaf_postal_code(value: Any) -> Any:
    """A postal code, stored as 10 ASCII digits."""
    return value if _is_empty(value) else _checked(identifiers.postal_code, value)


def _sibling(key: FlattenKey, name: str) -> FlattenKey:
    """The flattened key of field ``name`` next to ``key`` (same resource/dataset)."""
    return key[:-1] + (name,)


def shafaf_amount_irr(key: FlattenKey, data: FlattenDataDict,
                      errors: FlattenErrorDict, context: Context) -> None:
    """Store an amount as whole IRR and record its unit in ``<field>_unit``.

    Text ('۱۲۰', '۱۲۰ میلیون ریال') is read in the unit written in it, else
    in the sibling ``<field>_unit`` (the form's unit select), else in ریال.
    A number (a JSON number from the API, package_show's own output, the
    table validator's computed total) is already IRR, as the field name
    says; this keeps show → update round trips from multiplying the amount
    again. The recorded unit then stays what the source used.
    """
    value = data.get(key)
    if _is_empty(value):
        return
    unit_key = _sibling(key, key[-1] + UNIT_SUFFIX)
    unit = data.get(unit_key)
    unit = None if _is_empty(unit) else str(unit)
    try:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            amount, _ = money.parse_amount(value)
            unit = money.normalize_unit(unit)[0] if unit else money.DEFAULT_UNIT
        else:
            amount, unit = money.parse_amount(value, unit)
    except DomainError as err:
        errors[key].append(str(err))
        raise tk.StopOnError from None
    data[key] = amount
    data[unit_key] = unit


def shafaf_amount_unit(key: FlattenKey, data: FlattenDataDict,
                       errors: FlattenErrorDict, context: Context) -> None:
    """The recorded unit of ``<field>``: canonical name, dropped with no amount.

    The form's unit select always posts a value, so without this an empty
    amount would leave a lonely "ریال" behind.
    """
    amount_key = _sibling(key, key[-1][: -len(UNIT_SUFFIX)])
    value = data.get(key)
    if _is_empty(data.get(amount_key)) or _is_empty(value):
        data.pop(key, None)
        raise tk.StopOnError
    try:
        data[key] = money.normalize_unit(str(value))[0]
    except DomainError as err:
        errors[key].append(str(err))
        raise tk.StopOnError from None


def shafaf_int_output(value: Any) -> Any:
    """Extras come back as text; give integer fields back as ``int``."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    return value


_BAD_VERSION_NUMBER = ("شمارهٔ نسخه باید عددی صحیح و مثبت باشد (نمونه: ۲)",
                       "The version number must be a positive whole number (e.g. 2)")


def shafaf_version_number(value: Any) -> int:
    """A version number (1, 2, …) from '2', '۲' or 2; else a bilingual error."""
    text = to_ascii_digits(str(value)).strip() if not isinstance(value, bool) else ""
    if not (text.isascii() and text.isdigit()) or int(text) < 1 or len(text) > 9:
        raise tk.Invalid(" / ".join(_BAD_VERSION_NUMBER))
    return int(text)

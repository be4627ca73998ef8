"""Amounts of money as municipal portals write them, stored as integer IRR.

Portals mix ریال, تومان (×10) and میلیون ریال (×10⁶) — Arak publishes in
million Rial, Tehran in Toman — so every amount is converted to whole Rials
and the unit the source used is kept next to it.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Mapping

from ckanext.shafaf.domain.digits import clean_number_text, to_ascii_digits
from ckanext.shafaf.domain.errors import DomainError

DEFAULT_UNIT = "ریال"
MAX_IRR = 10**18  # fits a PostgreSQL bigint with room to spare

_FACTORS: Mapping[str, int] = MappingProxyType({
    "ریال": 1,
    "تومان": 10,
    "هزار ریال": 1_000,
    "هزار تومان": 10_000,
    "میلیون ریال": 10**6,
    "میلیون تومان": 10**7,
    "میلیارد ریال": 10**9,
    "میلیارد تومان": 10**10,
})
# Variants → canonical name. Keys are compared after _unit_key(), which
# folds Arabic ي/ك, drops spaces/ZWNJ and lower-cases Latin.
_ALIASES: Mapping[str, str] = MappingProxyType({
    "irr": "ریال", "rial": "ریال", "rials": "ریال",
    "تومن": "تومان", "irt": "تومان", "toman": "تومان", "tomans": "تومان",
    "thousandrials": "هزار ریال", "thousandirr": "هزار ریال",
    "thousandtomans": "هزار تومان",
    "ملیون ریال": "میلیون ریال", "millionrials": "میلیون ریال",
    "millionirr": "میلیون ریال", "mirr": "میلیون ریال",
    "ملیون تومان": "میلیون تومان", "milliontomans": "میلیون تومان",
    "ملیارد ریال": "میلیارد ریال", "billionrials": "میلیارد ریال",
    "billionirr": "میلیارد ریال",
    "ملیارد تومان": "میلیارد تومان", "billiontomans": "میلیارد تومان",
})

_ARABIC_LETTERS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک"})
_UNIT_NOISE = re.compile("[\\s\u200c\u200d\u200e\u200f\u061c.()\\-]+")
# Number, then whatever follows (a unit or garbage).
_NUMBER_THEN_REST = re.compile(
    "^([+\\-\u2212]?[\\d\\s,\u066c\u060c'\u2019.\u066b"
    "\u200c\u200e\u200f\u061c\u00a0\u202f]*\\d[\\d.\u066b]*)(.*)$", re.S)
_SEPARATED = re.compile(r"\d{1,3}(?:[,\u066c\u060c'\u2019]\d{3})+(?:[.\u066b]\d*)?")


def _unit_key(text: str) -> str:
    return _UNIT_NOISE.sub("", str(text).translate(_ARABIC_LETTERS)).lower()


def _build_units() -> Mapping[str, int]:
    units = dict(_FACTORS)
    units.update({alias: _FACTORS[name] for alias, name in _ALIASES.items()})
    units.update({"ريال": 1, "IRR": 1})
    return MappingProxyType(units)


UNITS: Mapping[str, int] = _build_units()
_LOOKUP: Mapping[str, str] = MappingProxyType({
    **{_unit_key(name): name for name in _FACTORS},
    **{_unit_key(alias): name for alias, name in _ALIASES.items()},
})


def normalize_unit(text: str) -> tuple[str, int]:
    """(canonical Persian unit name, factor to IRR) for a unit as written."""
    name = _LOOKUP.get(_unit_key(text or ""))
    if name is None:
        raise DomainError(
            f"واحد پول «{text}» شناخته نیست (ریال، تومان، میلیون ریال، …)",
            f"Unknown currency unit '{text}' (rial, toman, million rial, …)",
            "unit_unknown")
    return name, _FACTORS[name]


def _bad_amount(value: object) -> DomainError:
    return DomainError(
        f"مبلغ «{value}» نامعتبر است",
        f"Invalid amount '{value}'",
        "amount_invalid")


def _split_text(value: str) -> tuple[Decimal, str]:
    """(number, unit text) of an amount string such as '۱۲۰ میلیون ریال'."""
    text = to_ascii_digits(value).strip()
    match = _NUMBER_THEN_REST.match(text)
    if not match:
        raise _bad_amount(value)
    number_text, rest = match[1], match[2].strip()
    compact = re.sub("[\\s\u200c\u200e\u200f\u061c\u00a0\u202f]", "", number_text)
    compact = compact.lstrip("+-\u2212")
    if re.search("[,\u066c\u060c'\u2019]", compact) and not _SEPARATED.fullmatch(compact):
        # '1,5' is a European decimal or a typo, never 15: refuse to guess.
        raise DomainError(
            f"جداکننده هزارگان در «{value}» نابجاست",
            f"Misplaced thousands separator in '{value}'",
            "amount_separator")
    number = clean_number_text(number_text).replace("\u2212", "-")
    try:
        return Decimal(number), rest
    except InvalidOperation:
        raise _bad_amount(value) from None


def _to_decimal(value: str | int | float) -> tuple[Decimal, str]:
    if isinstance(value, bool) or value is None:
        raise _bad_amount(value)
    if isinstance(value, int):
        return Decimal(value), ""
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise _bad_amount(value)
        return Decimal(repr(value)), ""
    if isinstance(value, Decimal):
        return value, ""
    if not isinstance(value, str) or not value.strip():
        raise _bad_amount(value)
    return _split_text(value)


def parse_amount(value: str | int | float,
                 unit: str | None = None) -> tuple[int, str]:
    """(amount in whole IRR, canonical unit used) of a written amount.

    The unit written in the value itself wins over ``unit`` (a sheet's
    column unit or a form's unit select), which wins over ریال: the most
    specific statement of the source is the one to trust.
    """
    number, written_unit = _to_decimal(value)
    if not number.is_finite():
        raise _bad_amount(value)
    name, factor = normalize_unit(written_unit or unit or DEFAULT_UNIT)
    if number < 0:
        raise DomainError(
            f"مبلغ «{value}» نمی‌تواند منفی باشد",
            f"Amount '{value}' cannot be negative",
            "amount_negative")
    irr = number * factor
    if irr != irr.to_integral_value():
        raise DomainError(
            f"مبلغ «{value}» به ریال عدد صحیح نمی‌شود",
            f"Amount '{value}' is not a whole number of Rials",
            "amount_fraction")
    if irr > MAX_IRR:
        raise DomainError(
            f"مبلغ «{value}» بیش از حد بزرگ است",
            f"Amount '{value}' is implausibly large",
            "amount_too_large")
    return int(irr), name

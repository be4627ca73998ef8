"""Amounts to integer IRR: units, Persian digits, separators and decimals."""
from __future__ import annotations

import pytest

from ckanext.shafaf.domain.digits import clean_number_text, to_ascii_digits
from ckanext.shafaf.domain.errors import DomainError
from ckanext.shafaf.domain.money import UNITS, normalize_unit, parse_amount


@pytest.fixture(autouse=True)
def shafaf_plugin_loaded():
    """Pure functions: skip the root conftest's plugin loading."""
    yield


def test_to_ascii_digits_on_mixed_text() -> None:
    assert to_ascii_digits("۱۴۰۳/12/٣٠ سال") == "1403/12/30 سال"


@pytest.mark.parametrize("text,clean", [
    ("۱٬۵۰۰٬۰۰۰", "1500000"), ("1,500,000", "1500000"), ("۱۲۰،۰۰۰", "120000"),
    ("1'500'000", "1500000"), ("۱٫۵", "1.5"), ("\u200f۱ ۲۰۰\u200c", "1200"),
    ("1، 2", "1،2"),
])
def test_clean_number_text(text: str, clean: str) -> None:
    assert clean_number_text(text) == clean


@pytest.mark.parametrize("name,factor", [
    ("ریال", 1), ("تومان", 10), ("هزار ریال", 1000), ("هزار تومان", 10_000),
    ("میلیون ریال", 10**6), ("میلیون تومان", 10**7), ("میلیارد ریال", 10**9),
    ("میلیارد تومان", 10**10), ("ريال", 1), ("IRR", 1)])
def test_units_table(name: str, factor: int) -> None:
    assert UNITS[name] == factor


@pytest.mark.parametrize("text,result", [
    ("ريال", ("ریال", 1)), ("IRR", ("ریال", 1)), ("Rial", ("ریال", 1)),
    ("toman", ("تومان", 10)), ("میلیون‌ریال", ("میلیون ریال", 10**6)),
    ("ميليون ريال", ("میلیون ریال", 10**6)), (" میلیارد  تومان ", ("میلیارد تومان", 10**10)),
])
def test_normalize_unit(text: str, result) -> None:
    assert normalize_unit(text) == result


def test_unknown_unit() -> None:
    with pytest.raises(DomainError) as info:
        normalize_unit("دلار")
    assert info.value.code == "unit_unknown"


@pytest.mark.parametrize("value,unit,result", [
    ("۱۲۰۰۰", None, (12000, "ریال")),
    ("۱۲۰۰", "تومان", (12000, "تومان")),
    (1200, "toman", (12000, "تومان")),
    ("۱٬۵۰۰٬۰۰۰", None, (1500000, "ریال")),
    ("1,500,000", "تومان", (15000000, "تومان")),
    ("۱٫۵", "میلیون ریال", (1500000, "میلیون ریال")),
    (1.5, "میلیون ريال", (1500000, "میلیون ریال")),
    ("۱۲۰ میلیون ریال", None, (120_000_000, "میلیون ریال")),
    ("۱۲۰ میلیون ریال", "تومان", (120_000_000, "میلیون ریال")),
    ("250 میلیون تومان", None, (2_500_000_000, "میلیون تومان")),
    ("120000000.0", None, (120_000_000, "ریال")),
    ("0", None, (0, "ریال")),
])
def test_parse_amount(value, unit, result) -> None:
    assert parse_amount(value, unit) == result


@pytest.mark.parametrize("value,unit,code", [
    ("-5", None, "amount_negative"),
    ("−5", "تومان", "amount_negative"),
    ("abc", None, "amount_invalid"),
    ("", None, "amount_invalid"),
    (None, None, "amount_invalid"),
    (True, None, "amount_invalid"),
    (float("nan"), None, "amount_invalid"),
    ("1.2.3", None, "amount_invalid"),
    ("1,5", None, "amount_separator"),
    ("12,34,567", None, "amount_separator"),
    ("1.5", None, "amount_fraction"),
    ("۰٫۱۵", "تومان", "amount_fraction"),
    ("12 دلار", None, "unit_unknown"),
    ("12", "euro", "unit_unknown"),
    ("9" * 20, None, "amount_too_large"),
])
def test_bad_amounts(value, unit, code: str) -> None:
    with pytest.raises(DomainError) as info:
        parse_amount(value, unit)
    assert info.value.code == code
    assert info.value.fa and info.value.en

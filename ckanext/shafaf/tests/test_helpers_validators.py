"""Display helpers and CKAN validators, without loading CKAN's environment.

The validators are exercised through ``navl_validate`` with sibling fields,
the way scheming calls them; the helpers as templates call them.
"""
from __future__ import annotations

from typing import Any

import pytest

import ckan.plugins.toolkit as tk
from ckan.lib.navl.validators import ignore_missing

from ckanext.shafaf import helpers
from ckanext.shafaf.logic import validators as v


@pytest.fixture(autouse=True)
def shafaf_plugin_loaded():
    """No CKAN environment needed: skip the root conftest's plugin loading."""
    yield


AMOUNT_SCHEMA = {
    "total": [ignore_missing, v.shafaf_amount_irr],
    "total_unit": [ignore_missing, v.shafaf_amount_unit],
}


def _amount(**data: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    return tk.navl_validate(data, AMOUNT_SCHEMA, {})


class TestAmountValidator:
    def test_text_is_read_in_the_sibling_unit(self) -> None:
        assert _amount(total="۱٫۵", total_unit="ميليون ريال") == (
            {"total": 1_500_000, "total_unit": "میلیون ریال"}, {})

    def test_unit_in_the_value_wins_and_is_recorded(self) -> None:
        data, _ = _amount(total="۱۲۰ میلیون تومان", total_unit="ریال")
        assert data == {"total": 1_200_000_000, "total_unit": "میلیون تومان"}

    def test_no_unit_means_rials(self) -> None:
        assert _amount(total="۱٬۲۰۰")[0] == {"total": 1200, "total_unit": "ریال"}

    def test_a_number_is_irr_and_keeps_the_recorded_unit(self) -> None:
        data, _ = _amount(total=120_000_000, total_unit="میلیون ریال")
        assert data == {"total": 120_000_000, "total_unit": "میلیون ریال"}

    def test_unit_without_amount_is_dropped(self) -> None:
        assert _amount(total_unit="ریال") == ({}, {})

    def test_errors_are_bilingual_on_the_amount(self) -> None:
        _, errors = _amount(total="-3", total_unit="تومان")
        assert errors == {"total": ["مبلغ «-3» نمی‌تواند منفی باشد / Amount '-3' cannot be negative"]}
        _, errors = _amount(total="3", total_unit="یورو")
        assert "Unknown currency unit" in errors["total"][0]


@pytest.mark.parametrize("validator,value,result", [
    (v.shafaf_jalali_date, "۱۴۰۳/۱۲/۳۰", "2025-03-20"),
    (v.shafaf_fiscal_year, "سال ۱۴۰۳", 1403),
    (v.shafaf_national_code, "۱۲۳۴۵۶۷۹", "0012345679"),
    (v.shafaf_legal_id, "۱۰۳۸۰۲۸۴۷۹۰", "10380284790"),
    (v.shafaf_national_or_legal_id, "0499370899", "0499370899"),
    (v.shafaf_sheba, "ir06 2960 0000 0010 0324 2000 01", "IR062960000000100324200001"),
    (v.shafaf_postal_code, "۱۳۱۸۷-۵۳۹۴۱", "1318753941"),
    (v.shafaf_int_output, "1403", 1403),
    (v.shafaf_int_output, "۱۴۰۳", "۱۴۰۳"),
])
def test_value_validators_normalise(validator, value, result) -> None:
    assert validator(value) == result


@pytest.mark.parametrize("validator,value,fragment", [
    (v.shafaf_jalali_date, "1404/12/30", "Invalid date"),
    (v.shafaf_fiscal_year, "1500", "between 1300 and 1499"),
    (v.shafaf_national_code, "0499370898", "wrong check digit"),
    (v.shafaf_legal_id, "10380284791", "wrong check digit"),
    (v.shafaf_national_or_legal_id, "123", "10-digit national code or an 11-digit"),
    (v.shafaf_sheba, "IR072960000000100324200001", "Invalid Sheba"),
    (v.shafaf_postal_code, "123", "10 digits"),
])
def test_value_validators_raise_invalid(validator, value, fragment: str) -> None:
    with pytest.raises(tk.Invalid) as info:
        validator(value)
    assert fragment in info.value.error and " / " in info.value.error


def test_helpers_show_persian_forms() -> None:
    assert helpers.shafaf_jalali("2025-03-20") == "۱۴۰۳/۱۲/۳۰"
    assert helpers.shafaf_jalali("1404/12/30") == "1404/12/30"  # as typed
    assert helpers.shafaf_jalali(None) == ""
    assert helpers.shafaf_format_irr(120_000_000) == "۱۲۰٬۰۰۰٬۰۰۰ ریال"
    assert helpers.shafaf_format_irr("1500") == "۱٬۵۰۰ ریال"
    assert helpers.shafaf_format_irr("") == ""
    assert helpers.shafaf_persian_digits(1.5) == "۱٫۵"
    assert helpers.shafaf_persian_digits(1403) == "۱۴۰۳"


@pytest.mark.parametrize("value,unit,shown", [
    (120_000_000, "میلیون ریال", "120"),
    (1_500_000, "میلیون ریال", "1.5"),
    (150, "تومان", "15"),
    (150, None, "150"),
    ("۱۲۰", "میلیون ریال", "۱۲۰"),  # re-rendered form: as typed
    (None, "ریال", ""),
])
def test_amount_in_unit_for_the_edit_form(value, unit, shown: str) -> None:
    assert helpers.shafaf_amount_in_unit(value, unit) == shown

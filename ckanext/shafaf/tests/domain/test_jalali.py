"""Jalali dates and fiscal years, including the 1403/1404 leap boundary."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from ckanext.shafaf.domain import jalali
from ckanext.shafaf.domain.errors import DomainError
from ckanext.shafaf.domain.jalali import (
    fiscal_year, fiscal_year_bounds, parse_date, to_jalali)


@pytest.fixture(autouse=True)
def shafaf_plugin_loaded():
    """Pure functions: skip the root conftest's plugin loading."""
    yield


@pytest.mark.parametrize("value", [
    "۱۴۰۳/۱۲/۳۰", "1403-12-30", "1403.12.30", "١٤٠٣/١٢/٣٠", "2025-03-20",
    "2025-03-20T08:30:00", "2025-03-20 08:30:00+03:30", "\u200f۱۴۰۳/۱۲/۳۰ ",
    "1403/12/30 10:00",
])
def test_accepted_forms_of_the_last_day_of_1403(value: str) -> None:
    assert parse_date(value) == date(2025, 3, 20)


def test_short_month_and_day() -> None:
    assert parse_date("1403/1/5") == date(2024, 3, 24)
    assert parse_date("1403.01.05") == date(2024, 3, 24)


def test_date_and_datetime_objects_pass_through() -> None:
    assert parse_date(date(2025, 3, 20)) == date(2025, 3, 20)
    assert parse_date(datetime(2025, 3, 20, 23, 59)) == date(2025, 3, 20)


@pytest.mark.parametrize("value", ["1404/12/30", "1403/13/01", "1403/00/10",
                                   "1403/07/31", "2025-02-30", "2025-13-01",
                                   "1403-12/30", "30/12/1403", "فردا", "", "1403/12"])
def test_invalid_dates(value: str) -> None:
    with pytest.raises(DomainError) as info:
        parse_date(value)
    assert info.value.code == "date_invalid"
    assert "تاریخ" in info.value.fa and "Invalid date" in info.value.en


@pytest.mark.parametrize("value", ["1199/01/01", "1600-01-01", "1799-12-31", "2200-01-01"])
def test_years_outside_both_calendars(value: str) -> None:
    with pytest.raises(DomainError) as info:
        parse_date(value)
    assert info.value.code == "date_year_range"


def test_calendar_boundaries() -> None:
    assert parse_date("1599/01/01") == date(2220, 3, 21)
    assert parse_date("1200/01/01") == date(1821, 3, 21)
    assert parse_date("1800-01-01") == date(1800, 1, 1)
    assert parse_date("2199-12-31") == date(2199, 12, 31)


def test_parse_date_is_memoised_on_the_string() -> None:
    jalali._parse_text.cache_clear()
    for _ in range(3):
        parse_date("1402/06/15")
    info = jalali._parse_text.cache_info()
    assert (info.hits, info.misses) == (2, 1)


def test_to_jalali() -> None:
    assert to_jalali(date(2025, 3, 20)) == "۱۴۰۳/۱۲/۳۰"
    assert to_jalali(date(2024, 3, 24), persian_digits=False) == "1403/01/05"
    assert to_jalali(datetime(2025, 3, 21, 12)) == "۱۴۰۴/۰۱/۰۱"


@pytest.mark.parametrize("value,year", [
    (1403, 1403), ("1403", 1403), ("۱۴۰۳", 1403), ("سال ۱۴۰۳", 1403),
    ("سال مالی ۱۴۰۲", 1402), (" 1300 ", 1300), ("1499", 1499)])
def test_fiscal_year(value, year: int) -> None:
    assert fiscal_year(value) == year


@pytest.mark.parametrize("value,code", [
    ("1299", "fiscal_year_range"), ("1500", "fiscal_year_range"),
    (2025, "fiscal_year_range"), ("۱۴۰۳/۱۲", "fiscal_year_invalid"),
    ("سال", "fiscal_year_invalid"), ("", "fiscal_year_invalid"),
    ("14030", "fiscal_year_invalid"), (True, "fiscal_year_invalid")])
def test_bad_fiscal_years(value, code: str) -> None:
    with pytest.raises(DomainError) as info:
        fiscal_year(value)
    assert info.value.code == code


def test_fiscal_year_bounds_leap_and_common_years() -> None:
    assert fiscal_year_bounds(1403) == (date(2024, 3, 20), date(2025, 3, 20))
    assert fiscal_year_bounds(1404) == (date(2025, 3, 21), date(2026, 3, 20))
    first, last = fiscal_year_bounds(1404)
    assert (last - first).days + 1 == 365
    first, last = fiscal_year_bounds(1403)
    assert (last - first).days + 1 == 366

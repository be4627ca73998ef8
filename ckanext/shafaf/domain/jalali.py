"""Solar Hijri (Jalali) dates and fiscal years.

Municipal sources write dates in Jalali (۱۴۰۳/۱۲/۳۰, 1403-1-5) or ISO
Gregorian; CKAN stores and searches ISO Gregorian. The calendar arithmetic is
persiantools' (correct on the 1403/1404 leap boundary, unlike khayyam).
parse_date sits in the inner loop of the table validator (200,000 rows), so
its string path is memoised: a table has few distinct dates.
"""
from __future__ import annotations

import functools
import re
from datetime import date, datetime, timedelta

from persiantools import digits as _pt_digits
from persiantools.jdatetime import JalaliDate

from ckanext.shafaf.domain.digits import to_ascii_digits
from ckanext.shafaf.domain.errors import DomainError

JALALI_YEARS = range(1200, 1600)
GREGORIAN_YEARS = range(1800, 2200)
FISCAL_YEARS = range(1300, 1500)

_MARKS = re.compile("[\u200c\u200d\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\ufeff]")
# Y sep M sep D with one separator kind, then an optional time of day
# (datetime strings from APIs and spreadsheets).
_DATE = re.compile(
    r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})"
    r"(?:[T ]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?)?")
_YEAR_WORDS = re.compile(r"^(?:سال(?:\s*مالی)?)\s*", re.UNICODE)


def _bad_date(value: str) -> DomainError:
    return DomainError(
        f"تاریخ «{value}» نامعتبر است (نمونه: ۱۴۰۳/۰۱/۰۵)",
        f"Invalid date '{value}' (expected e.g. 1403/01/05 or 2025-03-20)",
        "date_invalid")


@functools.lru_cache(maxsize=8192)
def _parse_text(text: str) -> date:
    """The string path of parse_date, memoised (errors are not cached)."""
    clean = _MARKS.sub("", to_ascii_digits(text)).strip()
    match = _DATE.fullmatch(clean)
    if not match:
        raise _bad_date(text)
    year, month, day = int(match[1]), int(match[3]), int(match[4])
    try:
        if year in JALALI_YEARS:
            return JalaliDate(year, month, day).to_gregorian()
        if year in GREGORIAN_YEARS:
            return date(year, month, day)
    except ValueError:
        raise _bad_date(text) from None
    raise DomainError(
        f"سال تاریخ «{text}» خارج از بازه است",
        f"Year of date '{text}' is out of range "
        "(Jalali 1200-1599 or Gregorian 1800-2199)",
        "date_year_range")


def parse_date(value: str | date | datetime) -> date:
    """A Jalali or Gregorian date (text, date or datetime) as a Gregorian date.

    The year decides the calendar: 1200–1599 is Jalali, 1800–2199 Gregorian;
    no real date in municipal records is ambiguous between the two.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise _bad_date(str(value))
    return _parse_text(value.strip())


def to_jalali(d: date, persian_digits: bool = True) -> str:
    """A Gregorian date as 'YYYY/MM/DD' Jalali, in Persian digits by default."""
    if isinstance(d, datetime):
        d = d.date()
    text = JalaliDate(d).strftime("%Y/%m/%d")
    return _pt_digits.en_to_fa(text) if persian_digits else text


def fiscal_year(value: str | int) -> int:
    """A Jalali fiscal year (1300–1499) from 1403, '۱۴۰۳' or 'سال ۱۴۰۳'."""
    if isinstance(value, bool):
        raise _bad_year(str(value))
    text = _MARKS.sub("", to_ascii_digits(str(value))).strip()
    text = _YEAR_WORDS.sub("", text).strip()
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        raise _bad_year(str(value))
    year = int(text)
    if year not in FISCAL_YEARS:
        raise DomainError(
            f"سال مالی «{value}» باید بین ۱۳۰۰ و ۱۴۹۹ باشد",
            f"Fiscal year '{value}' must be a Jalali year between 1300 and 1499",
            "fiscal_year_range")
    return year


def _bad_year(value: str) -> DomainError:
    return DomainError(
        f"سال مالی «{value}» نامعتبر است (نمونه: ۱۴۰۳)",
        f"Invalid fiscal year '{value}' (expected a Jalali year such as 1403)",
        "fiscal_year_invalid")


def fiscal_year_bounds(year: int) -> tuple[date, date]:
    """First and last Gregorian day of Jalali year ``year`` (1 Farvardin–end of Esfand)."""
    year = fiscal_year(year)
    first = JalaliDate(year, 1, 1).to_gregorian()
    last = JalaliDate(year + 1, 1, 1).to_gregorian() - timedelta(days=1)
    return first, last

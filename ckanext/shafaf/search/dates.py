"""Solr date math for range and exact date queries (`NOW/DAY+1MONTH`, ...)."""
from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any, Optional

from ckanext.shafaf.search.lucene import syntax_error

_DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})"
                      r"(?:\.(\d{1,6})\d*)?)?)?(Z|[-+]\d{2}:?\d{2})?")
_MATH_RE = re.compile(r"([/+-])(\d*)([A-Za-z]+)")
_UNITS = {"YEAR": "year", "MONTH": "month", "DAY": "day", "DATE": "day",
          "HOUR": "hour", "MINUTE": "minute", "SECOND": "second",
          "MILLI": "milli", "MILLISECOND": "milli"}
_STEP = {"day": dt.timedelta(days=1), "hour": dt.timedelta(hours=1),
         "minute": dt.timedelta(minutes=1), "second": dt.timedelta(seconds=1),
         "milli": dt.timedelta(milliseconds=1)}


def _add_months(value: dt.datetime, months: int) -> dt.datetime:
    total = value.year * 12 + value.month - 1 + months
    year, month = divmod(total, 12)
    day = min(value.day, calendar.monthrange(year, month + 1)[1])
    return value.replace(year=year, month=month + 1, day=day)


def _round(value: dt.datetime, unit: str) -> dt.datetime:
    """Solr's `/UNIT`: truncate everything below the unit."""
    if unit == "milli":
        return value.replace(microsecond=value.microsecond // 1000 * 1000)
    names = ("month", "day", "hour", "minute", "second", "microsecond")
    start = ("year", "month", "day", "hour", "minute", "second").index(unit)
    reset: dict[str, Any] = {n: 1 if n in ("month", "day") else 0 for n in names[start:]}
    return value.replace(**reset)


def _base_date(text: str) -> Optional[tuple[dt.datetime, str]]:
    m = _DATE_RE.match(text)
    if not m:
        return None
    y, mo, d, h, mi, s, frac, zone = m.groups()
    value = dt.datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0),
                        int(s or 0), int((frac or "0").ljust(6, "0")))
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        hours, minutes = int(zone[1:3]), int(zone.replace(":", "")[3:5])
        value -= sign * dt.timedelta(hours=hours, minutes=minutes)
    return value.replace(tzinfo=dt.timezone.utc), text[m.end():]


def resolve_date(expr: str, now: dt.datetime) -> dt.datetime:
    """Solr date math: `NOW`, `NOW/DAY+1MONTH`, `-1YEAR`, `2020-01-01T00:00:00Z+1DAY`."""
    text = expr.strip()
    try:
        if text.upper().startswith("NOW"):
            value, rest = now, text[3:]
        elif text and text[0] in "+-/":
            value, rest = now, text
        else:
            parsed = _base_date(text)
            if parsed is None:
                raise ValueError(text)
            value, rest = parsed
        pos = 0
        while pos < len(rest):
            m = _MATH_RE.match(rest, pos)
            unit = _UNITS.get(m.group(3).upper().rstrip("S")) if m else None
            if not m or not unit or (m.group(1) == "/") == bool(m.group(2)):
                raise ValueError(rest)
            pos = m.end()
            if m.group(1) == "/":
                value = _round(value, unit)
                continue
            amount = int(m.group(2)) * (-1 if m.group(1) == "-" else 1)
            if unit in ("year", "month"):
                value = _add_months(value, amount * (12 if unit == "year" else 1))
            else:
                value = value + amount * _STEP[unit]
        return value
    except (ValueError, OverflowError):
        raise syntax_error("تاریخ نامعتبر", f"invalid date '{expr}'") from None

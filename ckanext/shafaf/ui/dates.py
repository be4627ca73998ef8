"""Jalali dates in Persian pages, through CKAN's own date helpers.

Every core and ckanext-harvest template shows dates with
``h.render_datetime`` and ``h.time_ago_from_timestamp``; chaining those two
helpers (``tk.chained_helper``) gives Jalali dates and Persian digits on all
of them at once, and leaves English pages exactly as CKAN renders them.
"""
from __future__ import annotations

import datetime
from typing import Any, Callable, Optional

from persiantools import digits as pt_digits

import ckan.lib.helpers as core_helpers
import ckan.plugins.toolkit as tk

from ckanext.shafaf.domain import jalali

PERSIAN_LOCALES = ("fa_IR", "fa")


def is_persian() -> bool:
    """True when the page is rendered in Persian (no request: False)."""
    try:
        return core_helpers.lang() in PERSIAN_LOCALES
    except RuntimeError:  # outside a request context
        return False


def jalali_datetime(value: Any, with_hours: bool = False, with_seconds: bool = False) -> str:
    """A stored timestamp as '۱۴۰۵/۰۹/۱۱' (and '، ۱۴:۰۵' with hours), in CKAN's display timezone."""
    # CKAN's own parser: ISO strings or datetimes, moved to ckan.display_timezone.
    moment = core_helpers._datestamp_to_datetime(value)  # noqa: SLF001
    if not moment:
        return ""
    text = jalali.to_jalali(moment.date())
    if with_hours or with_seconds:
        clock = moment.strftime("%H:%M:%S" if with_seconds else "%H:%M")
        text = f"{text}، {pt_digits.en_to_fa(clock)}"
    return text


@tk.chained_helper
def render_datetime(next_helper: Callable[..., str], datetime_: Optional[datetime.datetime],
                    date_format: Optional[str] = None, with_hours: bool = False,
                    with_seconds: bool = False) -> str:
    """CKAN's render_datetime, in Jalali with Persian digits on Persian pages.

    An explicit ``date_format`` (machine formats such as '%Y-%m-%d' in
    feeds and forms) is always CKAN's.
    """
    if date_format or not is_persian():
        return next_helper(datetime_, date_format=date_format, with_hours=with_hours,
                           with_seconds=with_seconds)
    return jalali_datetime(datetime_, with_hours=with_hours, with_seconds=with_seconds)


@tk.chained_helper
def time_ago_from_timestamp(next_helper: Callable[..., str], timestamp: Any) -> str:
    """CKAN's '3 days ago' (translated by CKAN's fa_IR catalogue) with Persian digits."""
    text = next_helper(timestamp)
    return pt_digits.en_to_fa(text) if is_persian() else text

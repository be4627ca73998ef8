"""Persian digits for the counts CKAN's own templates print ("۱۲ مجموعه داده یافت شد").

``h.localised_number`` (search result counts) and ``h.SI_number_span``
(followers, datasets of an organisation) are chained: on Persian pages their
output is the same with Persian digits; elsewhere it is CKAN's.
"""
from __future__ import annotations

from typing import Any, Callable

from markupsafe import Markup
from persiantools import digits as pt_digits

import ckan.plugins.toolkit as tk

from ckanext.shafaf.ui import dates


@tk.chained_helper
def localised_number(next_helper: Callable[..., str], number: Any) -> str:
    """CKAN's localised number ('1,234'), in Persian digits on Persian pages."""
    text = next_helper(number)
    return pt_digits.en_to_fa(text) if dates.is_persian() else text


@tk.chained_helper
def SI_number_span(next_helper: Callable[..., Markup], number: int) -> Markup:  # noqa: N802 (CKAN's name)
    """CKAN's '<span title="1234">1.2k</span>', in Persian digits on Persian pages."""
    html = next_helper(number)
    return Markup(pt_digits.en_to_fa(str(html))) if dates.is_persian() else html

"""Digits and number text as Iranian sources write them.

Portals, spreadsheets and staff mix Persian (۰-۹), Arabic-Indic (٠-٩) and
ASCII digits, Persian/Arabic thousands separators and invisible direction
marks in one cell; every numeric rule downstream works on ASCII text.
"""
from __future__ import annotations

import re

from persiantools import digits as _pt_digits

# Spaces and invisible marks that sit inside numbers copied from RTL text:
# ZWNJ, ZWJ, LRM, RLM, ALM, bidi embeddings/isolates, NBSP and thin spaces.
_INVISIBLE = re.compile(
    "[\\s\u00a0\u200b\u200c\u200d\u200e\u200f\u061c\u202a-\u202f"
    "\u2066-\u2069\u2009\u2007\ufeff]+")
# ',' (ASCII), '٬' (Arabic thousands separator) and apostrophes are never
# part of a number; '،' (Arabic comma) is a list separator unless it sits
# between two digits.
_THOUSANDS = re.compile("[,\u066c'\u2019]")
_ARABIC_COMMA_BETWEEN_DIGITS = re.compile("(?<=\\d)\u060c(?=\\d)")
_PERSIAN_DECIMAL = "\u066b"  # '٫'


def to_ascii_digits(text: str) -> str:
    """Persian and Arabic-Indic digits → ASCII; everything else unchanged.

    Works on mixed strings ("۱۴۰۳/12/٣٠"): Arabic-Indic digits are first
    mapped to Persian ones, then all Persian ones to ASCII.
    """
    return _pt_digits.fa_to_en(_pt_digits.ar_to_fa(text))


def clean_number_text(text: str) -> str:
    """Number text reduced to ASCII digits, sign and '.' only.

    Strips spaces, ZWNJ and direction marks, thousands separators (``,``
    ``٬`` ``'`` and ``،`` between digits) and turns the Persian decimal
    separator ``٫`` into ``.``. It does not judge the result: callers parse
    it and report garbage themselves.
    """
    text = to_ascii_digits(str(text))
    # '،' first: "1، 2" is a list, and would look like "1،2" without spaces.
    text = _ARABIC_COMMA_BETWEEN_DIGITS.sub("", text)
    text = _INVISIBLE.sub("", text)
    text = _THOUSANDS.sub("", text)
    return text.replace(_PERSIAN_DECIMAL, ".")

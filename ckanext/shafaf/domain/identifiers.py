"""Iranian identifiers: کد ملی, شناسه ملی, Sheba (IBAN) and postal code.

Contractor IDs are how a citizen links a contract to a company, so a mistyped
one must be refused at the door, never stored. Each function returns the
normalised form (ASCII digits, no separators) and raises DomainError with a
different code for "wrong length/characters" and "wrong check digit", because
staff fix those two mistakes differently.
"""
from __future__ import annotations

import re

from ckanext.shafaf.domain.digits import clean_number_text
from ckanext.shafaf.domain.errors import DomainError

_SEPARATORS = re.compile(r"[-\u2010-\u2015_/]")
_LEGAL_WEIGHTS = (29, 27, 23, 19, 17, 29, 27, 23, 19, 17)
_IBAN_LETTER_I, _IBAN_LETTER_R = "18", "27"


def _digits(value: object) -> str:
    """ASCII digits of ``value`` with spaces, marks and dashes removed."""
    if value is None or isinstance(value, bool):
        return ""
    return _SEPARATORS.sub("", clean_number_text(str(value)))


def national_code(value: str) -> str:
    """Validate a کد ملی (person) and return its 10 ASCII digits.

    8 and 9 digit input is left-padded with zeros: spreadsheets drop the
    leading zeros of codes issued in Tehran and elsewhere.
    """
    code = _digits(value)
    if not code.isdigit() or not 8 <= len(code) <= 10:
        raise DomainError(
            "کد ملی باید ۱۰ رقم باشد",
            "A national code (kod-e melli) must have 10 digits",
            "national_code_length")
    code = code.zfill(10)
    if len(set(code)) == 1:
        raise DomainError(
            "کد ملی نامعتبر است (همه ارقام یکسان)",
            "Invalid national code: all digits are the same",
            "national_code_repeated")
    total = sum(int(code[i]) * (10 - i) for i in range(9))
    remainder = total % 11
    check = remainder if remainder < 2 else 11 - remainder
    if check != int(code[9]):
        raise DomainError(
            "کد ملی نامعتبر است (رقم کنترل نادرست)",
            "Invalid national code: wrong check digit",
            "national_code_checksum")
    return code


def legal_id(value: str) -> str:
    """Validate a شناسه ملی (legal entity) and return its 11 ASCII digits."""
    code = _digits(value)
    if not code.isdigit() or len(code) != 11:
        raise DomainError(
            "شناسه ملی باید ۱۱ رقم باشد",
            "A legal entity ID (shenase-ye melli) must have 11 digits",
            "legal_id_length")
    if int(code[3:9]) == 0:
        # The registry never issues a zero serial part; such a value is a
        # placeholder ("00000000000" and friends), not an ID.
        raise DomainError(
            "شناسه ملی نامعتبر است",
            "Invalid legal entity ID: placeholder value",
            "legal_id_placeholder")
    step = int(code[9]) + 2
    total = sum((int(code[i]) + step) * _LEGAL_WEIGHTS[i] for i in range(10))
    remainder = total % 11
    if remainder == 10:
        remainder = 0
    if remainder != int(code[10]):
        raise DomainError(
            "شناسه ملی نامعتبر است (رقم کنترل نادرست)",
            "Invalid legal entity ID: wrong check digit",
            "legal_id_checksum")
    return code


def national_id_or_legal_id(value: str) -> tuple[str, str]:
    """Classify and validate a contractor ID: ('person'|'legal', digits).

    Contract sheets have one "شناسه ملی یا کد ملی" column for companies and
    people alike; the length tells which rule applies.
    """
    code = _digits(value)
    if code.isdigit() and len(code) == 11:
        return "legal", legal_id(code)
    if code.isdigit() and 8 <= len(code) <= 10:
        return "person", national_code(code)
    raise DomainError(
        "شناسه باید کد ملی ۱۰ رقمی یا شناسه ملی ۱۱ رقمی باشد",
        "Expected a 10-digit national code or an 11-digit legal entity ID",
        "national_or_legal_id_length")


def sheba(value: str) -> str:
    """Validate a Sheba (Iranian IBAN) and return 'IR' + 24 digits.

    Spaces, dashes and Persian digits are accepted; 24 digits without the
    'IR' prefix are too, since Iranian forms often print 'IR' outside the box.
    """
    text = _SEPARATORS.sub("", clean_number_text(str(value or ""))).upper()
    if text.isdigit() and len(text) == 24:
        text = "IR" + text
    if not (text.startswith("IR") and len(text) == 26 and text[2:].isdigit()):
        raise DomainError(
            "شماره شبا باید IR و ۲۴ رقم باشد",
            "A Sheba number must be IR followed by 24 digits",
            "sheba_format")
    rearranged = text[4:] + _IBAN_LETTER_I + _IBAN_LETTER_R + text[2:4]
    if int(rearranged) % 97 != 1:
        raise DomainError(
            "شماره شبا نامعتبر است (رقم کنترل نادرست)",
            "Invalid Sheba number: wrong check digits",
            "sheba_checksum")
    return text


def postal_code(value: str) -> str:
    """Validate an Iranian postal code (10 digits, no check digit)."""
    code = _digits(value)
    if not code.isdigit() or len(code) != 10:
        raise DomainError(
            "کد پستی باید ۱۰ رقم باشد",
            "A postal code must have 10 digits",
            "postal_code_length")
    return code

"""Pure domain rules of Iranian municipal data (no CKAN imports).

Identifiers, Jalali dates and Rial amounts are validated here once, so the
CKAN validators, the tabular-file validator and the harvesters agree on what
a valid value is and on the bilingual message a bad one gets.
"""

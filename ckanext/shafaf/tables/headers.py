"""Matching the headers staff write to the fields of a table schema.

The same column is headed «پیمانکار», «طرف قرارداد», «طرف‌قرارداد» or
«طرف قرارداد» typed with Arabic ي/ك, and amount headers often carry the
unit («مبلغ قرارداد (میلیون ریال)»). Headers and aliases go through the
search normaliser (one notion of "same text" across the product) and then
lose spaces, ZWNJ and punctuation, so only the letters decide.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional, Sequence

from ckanext.shafaf.domain.errors import DomainError
from ckanext.shafaf.domain.money import normalize_unit
from ckanext.shafaf.search.persian import normalize
from ckanext.shafaf.tables.schema import FieldSpec, SchemaError, TableSchema

_KEY_NOISE = re.compile(
    "[\\s\u200c_\\-\u2010-\u2015.:*#'\"\u00ab\u00bb()\\[\\]{}/\\\\\u060c,\u061b;]+")
_PAREN_UNIT = re.compile(r"^(.*?)[\s\-\u2013\u2014:_/]*[(\[{]\s*(.+?)\s*[)\]}]\s*$", re.S)
_UNIT_LEADS = ("به", "بر حسب", "برحسب", "in")
# Header rows are looked for among the first rows: exports often start with
# a title («گزارش قراردادهای شهرداری …») above the real header.
HEADER_SEARCH_ROWS = 10
MIN_HEADER_MATCHES = 2


def header_key(text: object) -> str:
    """Comparison key of a header, alias or choice value."""
    return _KEY_NOISE.sub("", normalize(str(text)))


def split_unit(header: str) -> tuple[str, Optional[str]]:
    """(header without its unit, canonical unit) of «مبلغ (میلیون ریال)».

    A unit in parentheses or as the last words («مبلغ به تومان») is split
    off; a header without a recognisable unit comes back unchanged.
    """
    text = " ".join(str(header).split())
    match = _PAREN_UNIT.match(text)
    if match:
        unit = _unit_of(match[2])
        if unit and match[1].strip():
            return match[1].strip(), unit
    words = text.split(" ")
    for size in (3, 2, 1):
        if len(words) > size:
            unit = _unit_of(" ".join(words[-size:]))
            if unit:
                base = " ".join(words[:-size]).rstrip(" -:_/\u2013")
                for lead in _UNIT_LEADS:
                    if base.endswith(" " + lead):
                        base = base[: -len(lead) - 1]
                return base.strip(), unit
    return text, None


def _unit_of(text: str) -> Optional[str]:
    text = text.strip()
    for lead in _UNIT_LEADS:
        if text.startswith(lead + " "):
            text = text[len(lead) + 1:]
    try:
        return normalize_unit(text)[0]
    except DomainError:
        return None


@dataclass(frozen=True)
class ColumnMatch:
    """One header cell mapped to a schema field (unit: implied by the header)."""

    index: int
    column: str
    field: str
    unit: Optional[str] = None


@dataclass
class HeaderMapping:
    """How a header row maps onto a schema."""

    columns: list[ColumnMatch] = field(default_factory=list)
    missing_required: list[FieldSpec] = field(default_factory=list)
    missing_optional: list[FieldSpec] = field(default_factory=list)
    unknown: list[tuple[int, str]] = field(default_factory=list)
    personal: list[tuple[int, str]] = field(default_factory=list)
    ignored: list[tuple[int, str]] = field(default_factory=list)
    duplicates: list[tuple[ColumnMatch, ColumnMatch]] = field(default_factory=list)
    header_width: int = 0  # cells up to the last non-empty header cell


class HeaderIndex:
    """Alias lookup for one schema, built once per validation run."""

    def __init__(self, schema: TableSchema) -> None:
        self.schema = schema
        self._index: dict[str, tuple[str, Optional[str]]] = {}
        for spec in schema.fields:
            for alias in (spec.name, spec.title, *spec.aliases):
                self._add(alias, spec)
        self._ignore = {header_key(text) for text in schema.ignore}
        self._personal = {header_key(text) for text in schema.personal_columns}

    def _add(self, alias: str, spec: FieldSpec) -> None:
        entries: list[tuple[str, Optional[str]]] = [(header_key(alias), None)]
        if spec.kind == "amount_irr":
            base, unit = split_unit(alias)
            if unit:
                entries = [(header_key(alias), unit), (header_key(base), None)]
        for key, unit in entries:
            known = self._index.setdefault(key, (spec.name, unit))
            if known[0] != spec.name:
                raise SchemaError(f"alias {alias!r} names both {known[0]} and {spec.name}")

    def resolve(self, header: str) -> Optional[tuple[str, Optional[str]]]:
        """(field, implied unit) of one header, or None."""
        key = header_key(header)
        if not key:
            return None
        found = self._index.get(key)
        if found:
            return found
        base, unit = split_unit(header)
        if unit:
            found = self._index.get(header_key(base))
            if found and self.schema.field(found[0]).kind == "amount_irr":
                return found[0], unit
        return None

    def score(self, row: Sequence[str]) -> int:
        """How many distinct fields a candidate header row names."""
        return len({hit[0] for cell in row if (hit := self.resolve(cell))})

    def map(self, row: Sequence[str]) -> HeaderMapping:
        """Map a header row; every cell ends up matched, ignored or reported."""
        mapping = HeaderMapping()
        first: dict[str, ColumnMatch] = {}
        for index, cell in enumerate(row):
            column = " ".join(str(cell).split())
            if not column:
                continue
            mapping.header_width = index + 1
            hit = self.resolve(column)
            if hit is None:
                key = header_key(column)
                if key in self._ignore:
                    mapping.ignored.append((index, column))
                elif key in self._personal:
                    mapping.personal.append((index, column))
                else:
                    mapping.unknown.append((index, column))
                continue
            match = ColumnMatch(index, column, hit[0], hit[1])
            if hit[0] in first:
                mapping.duplicates.append((first[hit[0]], match))
                continue
            first[hit[0]] = match
            mapping.columns.append(match)
        for spec in self.schema.fields:
            if spec.name not in first:
                target = mapping.missing_required if spec.required else mapping.missing_optional
                target.append(spec)
        return mapping


def pick_header(index: HeaderIndex, rows: Sequence[Sequence[str]]) -> int:
    """Position of the header among the first non-empty rows.

    The first row naming at least MIN_HEADER_MATCHES fields (or all fields
    of a tiny schema) wins; failing that, the first row, so the report
    lists what is missing rather than guessing.
    """
    needed = min(MIN_HEADER_MATCHES, len(index.schema.fields))
    for position, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if index.score(row) >= needed:
            return position
    return 0

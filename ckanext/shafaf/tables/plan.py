"""The compiled, column-wise work of validating a batch of rows.

Rows arrive in batches (1,024 by default) and are turned into columns with
itertools.zip_longest; each column then goes through its parser with
map() over a C-level memo (functools.lru_cache) and str methods, so the
Python interpreter does not step through cells one by one on the fast
path. A column is scanned cell by cell only when it holds an error, which
`Invalid in map(type, values)` tells in C. This is what makes 200,000 rows
a couple of seconds rather than ten (see benchmarks/validate.py).
"""
from __future__ import annotations

import functools
import itertools
import operator
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Optional, Sequence

from ckanext.shafaf.domain import money
from ckanext.shafaf.tables.cells import (
    CACHE_SIZE, EDGE_CHARS, Invalid, amount_parser, cell_rule, fold_text, has_non_ascii_digit,
    to_ascii_text)
from ckanext.shafaf.tables.headers import ColumnMatch, HeaderMapping
from ckanext.shafaf.tables.schema import FieldSpec, TableSchema

CellError = tuple[int, Optional[int], str, Invalid]  # (batch position, column index, value, error)
_repeat = itertools.repeat
# 1,250,000 or ۱,۲۵۰,۰۰۰: digit groups of three after the first, ASCII commas.
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+")
# Kinds whose rule does not depend on the field: one memo per plan.
SHARED_KINDS = frozenset(("jalali_date", "national_or_legal_id", "legal_id", "fiscal_year", "unit"))


def _has_arabic(text: str) -> bool:
    return "\u064a" in text or "\u0643" in text or "\u0649" in text


@dataclass
class Batch:
    """Outcome of one batch: every field's values, and the cell errors."""

    size: int
    columns: dict[str, list[Any]]
    errors: list[CellError]
    bad_rows: set[int]


def _stripped(texts: Sequence[str]) -> list[str]:
    return list(map(str.strip, texts, _repeat(EDGE_CHARS)))


def _scan(values: list[Any], texts: Sequence[str], index: int, errors: list[CellError]) -> None:
    """Move the Invalid results of a column into `errors` (values become None)."""
    if Invalid not in map(type, values):
        return
    for position, value in enumerate(values):
        if value.__class__ is Invalid:
            errors.append((position, index, texts[position].strip(EDGE_CHARS), value))
            values[position] = None


class Column:
    """One mapped source column: its parser and required-ness."""

    def __init__(self, spec: FieldSpec, match: ColumnMatch) -> None:
        self.spec, self.index, self.field = spec, match.index, spec.name
        self.header, self.header_unit = match.column, match.unit
        self.missing = Invalid.of("required", column=match.column) if spec.required else None

    def run(self, texts: Sequence[str], errors: list[CellError]) -> list[Any]:
        raise NotImplementedError


class TypedColumn(Column):
    """Dates, IDs, choices, numbers, units: a memoised rule per distinct value.

    The memo is keyed by the cell as read (trimming happens on a miss), so a
    repeated value costs one C-level dict hit, trimming included. Columns
    of the same domain kind share one memo (`memos`): a register's signing
    and start dates are mostly the same few thousand days.
    """

    def __init__(self, spec: FieldSpec, match: ColumnMatch,
                 memos: dict[str, Callable[[str], Any]]) -> None:
        super().__init__(spec, match)
        key = spec.kind if spec.kind in SHARED_KINDS else f"{spec.kind}:{spec.name}"
        if key not in memos:
            rule = cell_rule(spec)

            def parse(text: str) -> Any:
                text = text.strip(EDGE_CHARS)
                return rule(text) if text else None
            memos[key] = functools.lru_cache(maxsize=CACHE_SIZE)(parse)
        self.parse: Callable[[str], Any] = memos[key]

    def run(self, texts: Sequence[str], errors: list[CellError]) -> list[Any]:
        values = list(map(self.parse, texts))
        if self.missing is not None and None in values:
            for position, value in enumerate(values):
                if value is None:
                    errors.append((position, self.index, "", self.missing))
        _scan(values, texts, self.index, errors)
        return values


class TextColumn(Column):
    """Free text: trimmed, Arabic ي ى ك folded, ASCII digits for codes.

    The batch's cells are joined with NUL, folded by three str.replace
    calls over one string and split again: three C calls per 1,024 cells.
    """

    def __init__(self, spec: FieldSpec, match: ColumnMatch) -> None:
        super().__init__(spec, match)
        self.limit = spec.max_length or 1 << 30
        self.too_long = Invalid.of("too_long", column=match.column, limit=self.limit)

    def run(self, texts: Sequence[str], errors: list[CellError]) -> list[Any]:
        stripped = _stripped(texts)
        joined = "\x00".join(stripped)
        values: list[Any]
        if joined.count("\x00") != len(stripped) - 1:  # a NUL inside a cell: no join trick
            values = list(map(fold_text, stripped))
        else:
            values = fold_text(joined).split("\x00") if _has_arabic(joined) else stripped
        if self.spec.ascii_digits and has_non_ascii_digit(joined):
            values = list(map(to_ascii_text, values))
        if max(map(len, values), default=0) > self.limit:
            values = [v if len(v) <= self.limit else self.too_long for v in values]
            _scan(values, texts, self.index, errors)
        if "" in values:
            for position, value in enumerate(values):
                if value == "":
                    values[position] = None
                    if self.missing is not None:
                        errors.append((position, self.index, "", self.missing))
        return values


class AmountColumn(Column):
    """Amounts to whole IRR with the row's unit, else the header's, else ریال."""

    def __init__(self, spec: FieldSpec, match: ColumnMatch) -> None:
        super().__init__(spec, match)
        self.parse = amount_parser(spec)
        self.unit_field = spec.unit_field
        self._factors: dict[str, int] = {}

    def factor(self, unit: str) -> int:
        if unit not in self._factors:
            self._factors[unit] = money.normalize_unit(unit)[1]
        return self._factors[unit]

    def run_with_units(self, texts: Sequence[str], units: Optional[list[Any]],
                       unit_index: Optional[int], errors: list[CellError]) -> tuple[list, list]:
        """(IRR values, unit used per row); `units` is the row unit column if any."""
        stripped = _stripped(texts)
        todo: Iterable[int]
        if units is None:
            values, used = self._plain_digits(stripped)
            todo = [i for i, value in enumerate(values) if value is None]
        else:
            values, used = [None] * len(stripped), list(units)
            todo = range(len(stripped))
        bad_units = {e[0] for e in errors if e[1] == unit_index} if unit_index is not None else ()
        header_unit = self.header_unit
        for position in todo:
            text = stripped[position]
            if not text:
                if self.missing is not None:
                    errors.append((position, self.index, text, self.missing))
                continue
            if position in bad_units:
                continue  # the unit cell is reported already; the amount cannot be read
            row_unit = units[position] if units is not None else None
            if row_unit and header_unit and row_unit != header_unit:
                errors.append((position, unit_index, row_unit, Invalid.of(
                    "unit_conflict", value=row_unit, column=self.header, header_unit=header_unit)))
                continue
            result = self._one(text, row_unit or header_unit)
            if result.__class__ is Invalid:
                errors.append((position, self.index, text, result))
            else:
                values[position], used[position] = result
        return values, used

    def _plain_digits(self, texts: list[str]) -> tuple[list[Any], list[Any]]:
        """Cells that are plain digits, maybe with «,» thousands separators.

        That is most cells of an export, in ASCII or Persian digits (int()
        reads any Unicode decimal digit), and int × the unit's factor is
        exactly what parse_amount returns for them (tests/tables check the
        two agree). Other cells stay None for the cell-by-cell path.
        """
        unit = self.header_unit or money.DEFAULT_UNIT
        factor, limit = self.factor(unit), money.MAX_IRR
        values = [int(t) * factor if t.isdecimal() else None for t in texts]
        if None in values:
            for position, text in enumerate(texts):
                if values[position] is None and _THOUSANDS.fullmatch(text):
                    values[position] = int(text.replace(",", "")) * factor
        if max(filter(None, values), default=0) > limit:
            values = [None if v is not None and v > limit else v for v in values]
        return values, [unit] * len(texts)

    def _one(self, text: str, stated: Optional[str]) -> Any:
        """One amount; a unit written in the cell must agree with the stated one."""
        unit = stated or money.DEFAULT_UNIT
        result = self.parse(text, unit, self.factor(unit))
        if result.__class__ is not Invalid and stated and result[1] != stated:
            return Invalid.of("unit_conflict", value=text, column=self.header, header_unit=stated)
        return result


class RowPlan:
    """Every mapped column of a header, compiled; runs batches of rows."""

    def __init__(self, schema: TableSchema, mapping: HeaderMapping) -> None:
        self.names = schema.field_names
        self.width = mapping.header_width
        self.headers = {m.index: m.column for m in mapping.columns}
        self.fields = {m.index: m.field for m in mapping.columns}
        self.by_field = {m.field: m for m in mapping.columns}
        self.plain: list[Column] = []
        self.amounts: list[AmountColumn] = []
        memos: dict[str, Callable[[str], Any]] = {}
        for match in mapping.columns:
            spec = schema.field(match.field)
            if spec.kind == "amount_irr":
                self.amounts.append(AmountColumn(spec, match))
            elif spec.kind == "string":
                self.plain.append(TextColumn(spec, match))
            else:
                self.plain.append(TypedColumn(spec, match, memos))
        self.order_checks = [(s.name, s.not_before) for s in schema.fields
                             if s.not_before and s.name in self.by_field
                             and s.not_before in self.by_field]
        self.redact = [s.name for s in schema.fields
                       if s.redact_person_id and s.name in self.by_field]

    def run(self, rows: Sequence[list[str]]) -> Batch:
        """Validate and normalise one batch of rows (lists of cell text)."""
        size = len(rows)
        cells: list[Sequence[str]] = list(itertools.zip_longest(*rows, fillvalue=""))
        cells += [("",) * size] * (self.width - len(cells))
        errors: list[CellError] = []
        columns: dict[str, list[Any]] = {}
        for column in self.plain:
            columns[column.field] = column.run(cells[column.index], errors)
        for column in self.amounts:
            self._amounts(column, cells, columns, errors)
        for late, early in self.order_checks:
            self._order(columns[late], columns[early], cells, late, early, errors)
        self._extra_cells(cells, errors)
        none = [None] * size
        full = {name: columns.get(name, none) for name in self.names}
        return Batch(size, full, errors, {e[0] for e in errors})

    def _amounts(self, column: AmountColumn, cells: list[Sequence[str]],
                 columns: dict[str, list[Any]], errors: list[CellError]) -> None:
        unit_field = column.unit_field or ""
        unit_match = self.by_field.get(unit_field)
        units = columns.get(unit_field) if unit_match else None
        values, used = column.run_with_units(
            cells[column.index], units, unit_match.index if unit_match else None, errors)
        columns[column.field] = values
        if column.unit_field:
            columns[column.unit_field] = used

    def _order(self, late: list[Any], early: list[Any], cells: list[Sequence[str]],
               late_name: str, early_name: str, errors: list[CellError]) -> None:
        if None not in late and None not in early and not any(map(operator.lt, late, early)):
            return  # the usual batch: every date present and in order, checked in C
        a, b = self.by_field[late_name], self.by_field[early_name]
        for position, (x, y) in enumerate(zip(late, early)):
            if x is not None and y is not None and x < y:
                value = cells[a.index][position].strip(EDGE_CHARS)
                errors.append((position, a.index, value, Invalid.of(
                    "date_order", column=a.column, value=value, other=b.column,
                    other_value=cells[b.index][position].strip(EDGE_CHARS))))

    def _extra_cells(self, cells: list[Sequence[str]], errors: list[CellError]) -> None:
        """Values beyond the last header cell: a shifted row, not data to drop."""
        extra = [c for c in cells[self.width:] if any(c)]
        if not extra:
            return
        for position, values in enumerate(zip(*extra)):
            count = sum(1 for v in values if v.strip(EDGE_CHARS))
            if count:
                errors.append((position, None, "\t".join(v for v in values if v),
                               Invalid.of("extra_cells", count=count)))

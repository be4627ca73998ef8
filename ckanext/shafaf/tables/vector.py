"""The columns of a RowPlan run over whole polars columns (the columnar engine).

Nothing here is a rule: each function changes only how cells reach the
rules of cells.py / plan.py, so the values and errors are those of
`RowPlan.run` (tests/tables/test_columnar.py compares the two engines):

- typed columns (dates, IDs, choices, integers, units): the plan's own
  memoised parser is called once per *distinct* cell and the results are
  mapped back with `replace_strict`;
- text: `str.strip_chars(EDGE_CHARS)` and `str.replace_many` of the three
  Arabic letters (and the twenty Persian/Arabic-Indic digits for code
  columns) are the same character maps as `str.strip`, `fold_text` and
  `to_ascii_digits`;
- amounts: cells of plain digits (ASCII, Persian or Arabic-Indic, with or
  without «,» groups of three) are cast and multiplied by the unit's factor
  as plan.AmountColumn does; every other cell goes through
  `AmountColumn.run_with_units` itself, as a sub-batch.

Errors are plan.py's CellError tuples with positions over the whole file.
"""
from __future__ import annotations

from typing import Any, Optional

import polars as pl

from ckanext.shafaf.domain import money
from ckanext.shafaf.tables.cells import EDGE_CHARS, Invalid
from ckanext.shafaf.tables.plan import AmountColumn, CellError, Column, RowPlan, TextColumn

DIGITS_FROM = list("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩")
DIGITS_TO = list("0123456789") * 2
ARABIC_FROM, ARABIC_TO = ["\u064a", "\u0649", "\u0643"], ["\u06cc", "\u06cc", "\u06a9"]
DTYPES = {"string": pl.Utf8, "date": pl.Utf8, "integer": pl.Int64, "number": pl.Float64,
          "boolean": pl.Boolean}
_PLAIN = r"^(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)$"


def column_name(index: int) -> str:
    return f"column_{index + 1}"


def _positions(mask: pl.Series) -> list[int]:
    return mask.arg_true().to_list()


def _stripped_at(raw: pl.Series, positions: list[int]) -> list[str]:
    return [text.strip(EDGE_CHARS) for text in raw.gather(positions).to_list()]


def text_columns(columns: list[TextColumn], cells: pl.DataFrame,
                 errors: list[CellError]) -> dict[str, pl.Series]:
    """plan.TextColumn.run over whole columns (one parallel select for all of them)."""
    if not columns:
        return {}
    folded = []
    for column in columns:
        value = pl.col(column_name(column.index)).str.strip_chars(EDGE_CHARS)
        value = value.str.replace_many(ARABIC_FROM, ARABIC_TO)
        if column.spec.ascii_digits:
            value = value.str.replace_many(DIGITS_FROM, DIGITS_TO)
        folded.append(value.alias(column.field))
    values = cells.select(folded)
    # A cell has no more characters than bytes: count characters only where
    # some cell has more bytes than the limit allows.
    widest = values.select(pl.all().str.len_bytes().max()).row(0, named=True)

    def too_long(column: TextColumn) -> pl.Expr:
        if (widest[column.field] or 0) <= column.limit:
            return pl.repeat(False, values.height, dtype=pl.Boolean)
        return pl.col(column.field).str.len_chars() > column.limit
    flags = values.select(
        *(too_long(c).alias(f"long:{c.field}") for c in columns),
        *((pl.col(c.field) == "").alias(f"empty:{c.field}") for c in columns))
    out: dict[str, pl.Series] = {}
    for column in columns:
        long, empty = flags[f"long:{column.field}"], flags[f"empty:{column.field}"]
        if long.any():
            where = _positions(long)
            raw = cells[column_name(column.index)]
            errors.extend((p, column.index, text, column.too_long)
                          for p, text in zip(where, _stripped_at(raw, where)))
        if column.missing is not None and empty.any():
            errors.extend((p, column.index, "", column.missing) for p in _positions(empty))
        if long.any() or empty.any():
            out[column.field] = pl.select(pl.when(long | empty).then(None)
                                          .otherwise(values[column.field])).to_series()
        else:
            out[column.field] = values[column.field]
    return out


def typed_columns(columns: list[Column], cells: pl.DataFrame, dtypes: dict[str, Any],
                  errors: list[CellError]) -> dict[str, pl.Series]:
    """plan.TypedColumn.run: the plan's memoised parser once per distinct cell.

    Distinct cells (one parallel select) and the mapping back (a left join per
    column, run together) are polars work; only the distinct cells meet Python.
    """
    if not columns:
        return {}
    names = [column_name(c.index) for c in columns]
    distinct = cells.select(pl.col(n).unique().implode() for n in names).row(0)
    maps = []
    for column, name, texts in zip(columns, names, distinct):
        results = list(map(column.parse, texts))  # type: ignore[attr-defined]
        good = [(t, v) for t, v in zip(texts, results)
                if v is not None and v.__class__ is not Invalid]
        bad = {t: v for t, v in zip(texts, results) if v.__class__ is Invalid}
        empty = [t for t, v in zip(texts, results) if v is None]
        raw = cells[name]
        if column.missing is not None and empty:
            errors.extend((p, column.index, "", column.missing)
                          for p in _positions(raw.is_in(empty)))
        if bad:
            where = _positions(raw.is_in(list(bad)))
            errors.extend((p, column.index, text.strip(EDGE_CHARS), bad[text])
                          for p, text in zip(where, raw.gather(where).to_list()))
        mapping = pl.DataFrame({name: pl.Series([t for t, _ in good], dtype=pl.Utf8),
                                column.field: pl.Series([v for _, v in good],
                                                        dtype=dtypes[column.field])})
        maps.append(cells.lazy().select(name).join(mapping.lazy(), on=name, how="left",
                                                   maintain_order="left").select(column.field))
    mapped = pl.collect_all(maps)  # a left join per column, in parallel: unmatched → null
    return {c.field: frame[c.field] for c, frame in zip(columns, mapped)}


def amount_column(column: AmountColumn, raw: pl.Series, units: Optional[pl.Series],
                  unit_index: Optional[int], errors: list[CellError]
                  ) -> tuple[pl.Series, pl.Series]:
    """AmountColumn.run_with_units: (IRR, unit used) with the vectorised plain cells."""
    if units is None:
        values, used, fast = _plain_amounts(column, raw)
    else:
        values, used, fast = _plain_amounts_with_units(column, raw, units, unit_index, errors)
    slow = _positions(~fast)
    if slow:
        values, used = _slow_amounts(column, raw, units, unit_index, errors, slow, values, used)
    return values, used


def _plain_amounts(column: AmountColumn, raw: pl.Series
                   ) -> tuple[pl.Series, pl.Series, pl.Series]:
    """No unit column: AmountColumn._plain_digits (Persian digits, «,» groups).

    Eager steps: one expression reusing `digits` twice is evaluated twice.
    """
    unit = column.header_unit or money.DEFAULT_UNIT
    factor = column.factor(unit)
    digits = raw.str.strip_chars(EDGE_CHARS).str.replace_many(DIGITS_FROM, DIGITS_TO)
    number = digits.str.replace_all(",", "", literal=True).cast(pl.Int64, strict=False)
    fast = (digits.str.contains(_PLAIN) & number.is_not_null()
            & (number <= money.MAX_IRR // factor)).fill_null(False)
    values = pl.select(pl.when(fast).then(number * factor).otherwise(None)).to_series()
    return values, pl.repeat(unit, len(raw), eager=True, dtype=pl.Utf8), fast


def _plain_amounts_with_units(column: AmountColumn, raw: pl.Series, units: pl.Series,
                              unit_index: Optional[int], errors: list[CellError]
                              ) -> tuple[pl.Series, pl.Series, pl.Series]:
    """A unit per row: ASCII digits with a usable, agreeing unit (amount_parser's fast path)."""
    bad_units = {e[0] for e in errors if e[1] == unit_index}
    header = column.header_unit
    used = units.fill_null(header) if header else units
    used = used.fill_null(money.DEFAULT_UNIT)
    distinct = used.unique().to_list()
    factor = used.replace_strict(distinct, [column.factor(u) for u in distinct],
                                 return_dtype=pl.Int64)
    stripped = raw.str.strip_chars(EDGE_CHARS)
    number = stripped.cast(pl.Int64, strict=False)
    fast = stripped.str.contains(r"^[0-9]+$") & number.is_not_null()
    if header:
        fast = fast & (units.is_null() | (units == header))
    if bad_units:
        fast = fast & ~pl.Series(range(len(raw))).is_in(list(bad_units))
    fast = (fast & (number <= money.MAX_IRR // factor)).fill_null(False)
    used = pl.select(pl.when(fast).then(used).otherwise(units)).to_series()
    values = pl.select(pl.when(fast).then(number * factor).otherwise(None)).to_series()
    return values, used, fast


def _slow_amounts(column: AmountColumn, raw: pl.Series, units: Optional[pl.Series],
                  unit_index: Optional[int], errors: list[CellError], slow: list[int],
                  values: pl.Series, used: pl.Series) -> tuple[pl.Series, pl.Series]:
    """The other cells through the row engine's own code, as one sub-batch."""
    texts = raw.gather(slow).to_list()
    sub_units = None if units is None else units.gather(slow).to_list()
    where = {p: i for i, p in enumerate(slow)}
    sub_errors: list[CellError] = [(where[e[0]], e[1], e[2], e[3]) for e in errors
                                   if e[1] == unit_index and e[0] in where]
    known = len(sub_errors)
    sub_values, sub_used = column.run_with_units(texts, sub_units, unit_index, sub_errors)
    errors.extend((slow[e[0]], e[1], e[2], e[3]) for e in sub_errors[known:])
    index = pl.Series(slow, dtype=pl.Int64)
    values = values.clone().scatter(index, pl.Series(sub_values, dtype=pl.Int64))
    used = used.clone().scatter(index, pl.Series(sub_used, dtype=pl.Utf8))
    return values, used


def run_plan(plan: RowPlan, cells: pl.DataFrame, errors: list[CellError],
             dtypes: dict[str, Any]) -> dict[str, pl.Series]:
    """RowPlan.run over the whole body: normalised columns by field name."""
    columns: dict[str, pl.Series] = {}
    text = [c for c in plan.plain if isinstance(c, TextColumn)]
    columns.update(text_columns(text, cells, errors))  # type: ignore[arg-type]
    columns.update(typed_columns([c for c in plan.plain if not isinstance(c, TextColumn)],
                                 cells, dtypes, errors))
    for column in plan.amounts:
        unit_field = column.unit_field or ""
        unit_match = plan.by_field.get(unit_field)
        units = columns.get(unit_field) if unit_match else None
        values, used = amount_column(column, cells[column_name(column.index)], units,
                                     unit_match.index if unit_match else None, errors)
        columns[column.field] = values
        if column.unit_field:
            columns[column.unit_field] = used
    for late, early in plan.order_checks:
        _order(plan, cells, columns, late, early, errors)
    return columns


def _order(plan: RowPlan, cells: pl.DataFrame, columns: dict[str, pl.Series],
           late: str, early: str, errors: list[CellError]) -> None:
    """RowPlan._order: `late` earlier than `early` is an error on the late cell."""
    x, y = columns[late], columns[early]
    where = _positions(x.is_not_null() & y.is_not_null() & (x < y))
    if not where:
        return
    a, b = plan.by_field[late], plan.by_field[early]
    values = _stripped_at(cells[column_name(a.index)], where)
    others = _stripped_at(cells[column_name(b.index)], where)
    for p, value, other in zip(where, values, others):
        errors.append((p, a.index, value, Invalid.of(
            "date_order", column=a.column, value=value, other=b.column, other_value=other)))

"""figures.py's headline figures over a frame of kept rows (the columnar engine).

`sum` of integers, `date_range` of ISO text and `distinct` are computed by
polars with figures.Figures' semantics (falsy values skipped, the first
truthy fallback field per row, names compared by header_key); any other
figure (float sums, `distinct_values`, `sum_by`) goes through Figures
itself, fed in the row engine's batches so that float sums add up in the
same order. tests/tables/test_columnar.py compares both engines' figures.
"""
from __future__ import annotations

import functools
from typing import Any

import polars as pl

from ckanext.shafaf.tables.figures import Figures
from ckanext.shafaf.tables.headers import header_key
from ckanext.shafaf.tables.schema import TableSchema

_FAST_KINDS = frozenset(("sum", "date_range", "distinct"))


def figure_fields(schema: TableSchema) -> list[str]:
    """Fields the schema's figures read (at least one: Figures counts rows by it)."""
    spec = schema.figures
    names: list[str] = [*spec.get("sum", {}).values(), *spec.get("date_range", ())]
    for fields in spec.get("distinct", {}).values():
        names += fields
    names += spec.get("distinct_values", {}).values()
    for rule in spec.get("sum_by", {}).values():
        names += [rule["by"], *rule["fields"]]
    return list(dict.fromkeys(names)) or [schema.field_names[0]]


def frame_figures(schema: TableSchema, kept: pl.DataFrame) -> dict[str, Any]:
    """The figures of `kept` (figure fields plus `__batch`, the row engine's batch)."""
    if _fast(schema, kept):
        return _polars_figures(schema, kept)
    figures, wanted = Figures(schema), figure_fields(schema)
    floats = any(kept[f].dtype == pl.Float64 for f in wanted)
    for part in kept.partition_by("__batch", maintain_order=True) if floats else [kept]:
        if part.height:
            figures.add_batch({f: part[f].to_list() for f in wanted}, None)
    return figures.result()


def _fast(schema: TableSchema, kept: pl.DataFrame) -> bool:
    spec = schema.figures
    if set(spec) - _FAST_KINDS:
        return False
    sums = all(kept[f].dtype == pl.Int64 for f in spec.get("sum", {}).values())
    dates = all(kept[f].dtype == pl.Utf8 for f in spec.get("date_range", ()))
    distinct = all(kept[f].dtype in (pl.Utf8, pl.Int64)
                   for fields in spec.get("distinct", {}).values() for f in fields)
    return sums and dates and distinct


def _truthy(values: pl.Series) -> pl.Series:
    """bool(value) of each cell: None, "" and 0 are falsy, as filter(None, …) has it."""
    empty = "" if values.dtype == pl.Utf8 else 0
    return (values.is_not_null() & (values != empty)).fill_null(False)


def _polars_figures(schema: TableSchema, kept: pl.DataFrame) -> dict[str, Any]:
    spec = schema.figures
    out: dict[str, Any] = {"row_count": kept.height}
    for name, field in spec.get("sum", {}).items():
        out[name] = int(kept[field].cast(pl.Int128).sum() or 0)
    if spec.get("date_range"):
        dates = pl.select(pl.coalesce([kept[f] for f in spec["date_range"]])).to_series()
        dates = dates.filter(_truthy(dates))
        out["date_min"] = dates.min() if len(dates) else None
        out["date_max"] = dates.max() if len(dates) else None
    key = functools.lru_cache(maxsize=1 << 16)(header_key)
    for name, fields in spec.get("distinct", {}).items():
        first = kept[fields[0]]
        count = first.filter(_truthy(first)).n_unique()
        rest, seen = kept.filter(~_truthy(first)), set[tuple[str, Any]]()
        for field in fields[1:]:
            truthy = _truthy(rest[field])
            seen.update((field, key(v) if isinstance(v, str) else v)
                        for v in rest[field].filter(truthy).unique().to_list())
            rest = rest.filter(~truthy)
        out[name] = count + len(seen)
    return out

"""Headline figures of a validated table, declared in the schema.

The dataset page and the provincial roll-up show "N contracts worth X Rials
between D1 and D2 with K contractors" without querying the DataStore, so the
figures are gathered while the rows stream past. What to gather is data
(`shafaf:figures` in the schema JSON), not one function per table type:

- ``sum``: {figure: field} — total of a numeric field;
- ``date_range``: [field, fallback, …] — ``date_min``/``date_max`` (ISO);
- ``distinct``: {figure: [field, fallback, …]} — count of distinct values,
  the first non-empty field per row (an ID, else the folded name);
- ``distinct_values``: {figure: field} — the sorted distinct values;
- ``sum_by``: {figure: {by, fields}} — totals of several fields per value
  of a choice field, keyed by its `shafaf:enum_codes` where defined.

Only rows without errors count.
"""
from __future__ import annotations

import functools
import itertools
from typing import Any, Callable, Mapping, Optional

from ckanext.shafaf.tables.headers import header_key
from ckanext.shafaf.tables.schema import TableSchema


class Figures:
    """Accumulates the schema's figures over normalised rows."""

    def __init__(self, schema: TableSchema) -> None:
        spec: Mapping[str, Any] = schema.figures
        self.row_count = 0
        # names repeat (one contractor, many contracts): fold each once
        self._key: Callable[[str], str] = functools.lru_cache(maxsize=1 << 16)(header_key)
        self._sums = {name: [field, 0] for name, field in spec.get("sum", {}).items()}
        self._date_fields = tuple(spec.get("date_range", ()))
        self._date_min: Optional[str] = None
        self._date_max: Optional[str] = None
        self._distinct: dict[str, tuple[tuple[str, ...], set[Any]]] = {
            name: (tuple(fields), set()) for name, fields in spec.get("distinct", {}).items()}
        self._values: dict[str, tuple[str, set[Any]]] = {
            name: (field, set()) for name, field in spec.get("distinct_values", {}).items()}
        self._by: dict[str, tuple[str, tuple[str, ...], dict[str, dict[str, int]]]] = {}
        self._codes: dict[str, Mapping[str, str]] = {}
        for name, rule in spec.get("sum_by", {}).items():
            self._by[name] = (rule["by"], tuple(rule["fields"]), {})
            self._codes[rule["by"]] = schema.field(rule["by"]).enum_codes

    def add_batch(self, columns: Mapping[str, list[Any]], keep: Optional[list[int]]) -> None:
        """Count the rows of a batch at positions `keep` (None: all of them)."""
        def col(name: str) -> list[Any]:
            values = columns[name]
            return values if keep is None else [values[i] for i in keep]
        self.row_count += len(columns[next(iter(columns))]) if keep is None else len(keep)
        for slot in self._sums.values():
            slot[1] += sum(filter(None, col(slot[0])))
        if self._date_fields:
            dates: list[str] = list(filter(None, _coalesce([col(f) for f in self._date_fields])))
            if dates:
                low, high = min(dates), max(dates)
                self._date_min = low if self._date_min is None else min(low, self._date_min)
                self._date_max = high if self._date_max is None else max(high, self._date_max)
        for fields, seen in self._distinct.values():
            self._add_distinct([col(f) for f in fields], fields, seen)
        for field, seen in self._values.values():
            seen.update(filter(None, col(field)))
        for by, fields, totals in self._by.values():
            self._add_by(col(by), [col(f) for f in fields], by, fields, totals)

    def _add_distinct(self, values: list[list[Any]], fields: tuple[str, ...], seen: set) -> None:
        """Distinct by the first field (an ID), else by the next (a folded name)."""
        first = values[0]
        seen.update(zip(itertools.repeat(fields[0]), filter(None, first)))
        if None not in first and "" not in first:
            return
        for row in zip(*values):
            if not row[0]:
                for field, value in zip(fields[1:], row[1:]):
                    if value:
                        seen.add((field, self._key(value) if isinstance(value, str) else value))
                        break

    def _add_by(self, groups: list[Any], values: list[list[Any]], by: str,
                fields: tuple[str, ...], totals: dict[str, dict[str, int]]) -> None:
        codes = self._codes[by]
        for group, *amounts in zip(groups, *values):
            if group is None:
                continue
            slot = totals.setdefault(codes.get(group, group), dict.fromkeys(fields, 0))
            for field, amount in zip(fields, amounts):
                if amount is not None:
                    slot[field] += amount

    def result(self) -> dict[str, Any]:
        """The figures as JSON-ready values."""
        out: dict[str, Any] = {"row_count": self.row_count}
        for name, (_, total) in self._sums.items():  # type: ignore[misc]
            out[name] = round(total, 2) if isinstance(total, float) else total
        if self._date_fields:
            out["date_min"], out["date_max"] = self._date_min, self._date_max
        for name, (_, seen) in self._distinct.items():
            out[name] = len(seen)
        for name, (_, seen) in self._values.items():
            out[name] = sorted(seen)
        for name, (_, _, totals) in self._by.items():
            out[name] = totals
        return out


def _coalesce(columns: list[list[Any]]) -> list[Any]:
    """Per row, the first non-None value across columns."""
    first = columns[0]
    for other in columns[1:]:
        if None not in first:
            break
        first = [a if a is not None else b for a, b in zip(first, other)]
    return first

"""Row diff of two versions of a table: added, removed and changed rows (with cells).

Rows are read with our table reader and validator (ckanext/shafaf/tables),
so a Windows-1256 CSV, an XLSX and Persian digits compare by what they
hold, not by their bytes. Rows are matched on the table schema's
``primaryKey`` (contracts: contract_number) when it has one; a key that
occurs more than once on a side, and tables without a key, are compared as
multisets of whole rows.
"""
from __future__ import annotations

import datetime
import decimal
from collections import Counter
from typing import Any, Iterable, Optional, Sequence

from ckanext.shafaf.domain.digits import to_ascii_digits
from ckanext.shafaf.tables import SchemaError, load_schema, validate_file
from ckanext.shafaf.tables.reader import open_table

Row = dict[str, Any]


def primary_key(schema_name: Optional[str]) -> list[str]:
    """The ``primaryKey`` of a shipped table schema (a name or a list), else []."""
    if not schema_name:
        return []
    try:
        key = load_schema(schema_name).source.get("primaryKey")
    except SchemaError:
        return []
    if isinstance(key, str):
        return [key]
    return [str(k) for k in key] if isinstance(key, list) else []


def read_rows(path: str, schema_name: Optional[str]) -> tuple[list[str], list[Row]]:
    """Columns and rows of a stored file: normalised through its schema if it has one."""
    if schema_name:
        try:
            schema = load_schema(schema_name)
        except SchemaError:
            schema = None
        if schema is not None:
            report, rows = validate_file(path, schema, include_invalid=True)
            if not report.file_errors:
                return list(schema.field_names), [_plain(row) for row in rows]
    return _raw_rows(path)


def _raw_rows(path: str) -> tuple[list[str], list[Row]]:
    """A table without (a usable) schema: first row is the header, cells as text."""
    table = open_table(path)
    try:
        header: Optional[list[str]] = None
        rows: list[Row] = []
        for batch in table.rows:
            for cells in batch.cells:
                cells = [to_ascii_digits(str(c)).strip() for c in cells]
                if header is None:
                    header = _unique(cells)
                    continue
                cells += [""] * (len(header) - len(cells))
                rows.append(dict(zip(header, cells)))
        return header or [], rows
    finally:
        table.close()


def _unique(names: list[str]) -> list[str]:
    seen: Counter[str] = Counter()
    out = []
    for name in names:
        seen[name] += 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def _plain(row: Row) -> Row:
    return {k: _json_value(v) for k, v in row.items() if not k.startswith("_")}


def _json_value(value: Any) -> Any:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    return value


def diff_rows(old: Sequence[Row], new: Sequence[Row], key: Sequence[str] = (),
              limit: Optional[int] = None) -> dict[str, Any]:
    """{added, removed, changed: [{key, cells: {column: {old, new}}}], counts}.

    ``counts`` are always complete; ``limit`` bounds each list (big tables).
    """
    added: list[Row] = []
    removed: list[Row] = []
    changed: list[dict[str, Any]] = []
    if key and all(all(k in row for k in key) for row in (*old, *new)):
        old_groups, new_groups = _group(old, key), _group(new, key)
        for k in list(old_groups) + [k for k in new_groups if k not in old_groups]:
            before, after = old_groups.get(k, []), new_groups.get(k, [])
            if len(before) == 1 and len(after) == 1:
                cells = _changed_cells(before[0], after[0])
                if cells:
                    changed.append({"key": dict(zip(key, k)), "cells": cells})
                continue
            gone, came = _multiset(before, after)
            removed += gone
            added += came
    else:
        removed, added = _multiset(old, new)
    counts = {"added": len(added), "removed": len(removed), "changed": len(changed),
              "old_rows": len(old), "new_rows": len(new)}
    if limit is not None:
        added, removed, changed = added[:limit], removed[:limit], changed[:limit]
    return {"added": added, "removed": removed, "changed": changed, "counts": counts}


def _group(rows: Iterable[Row], key: Sequence[str]) -> dict[tuple[Any, ...], list[Row]]:
    groups: dict[tuple[Any, ...], list[Row]] = {}
    for row in rows:
        groups.setdefault(tuple(row.get(k) for k in key), []).append(row)
    return groups


def _changed_cells(old: Row, new: Row) -> dict[str, dict[str, Any]]:
    return {column: {"old": old.get(column), "new": new.get(column)}
            for column in list(old) + [c for c in new if c not in old]
            if old.get(column) != new.get(column)}


def _frozen(row: Row) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, repr(v)) for k, v in row.items()))


def _multiset(old: Sequence[Row], new: Sequence[Row]) -> tuple[list[Row], list[Row]]:
    """(removed, added): rows by count, so a duplicated row dropped once shows once."""
    return _unmatched(old, new), _unmatched(new, old)


def _unmatched(rows: Sequence[Row], others: Sequence[Row]) -> list[Row]:
    """The rows of ``rows`` left over once each is paired with an equal one of ``others``."""
    remaining = Counter(_frozen(r) for r in others)
    left = []
    for row in rows:
        frozen = _frozen(row)
        if remaining[frozen] > 0:
            remaining[frozen] -= 1
        else:
            left.append(row)
    return left

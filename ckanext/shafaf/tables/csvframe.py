"""A UTF-8 CSV read by polars, only when it is cell-for-cell what reader.py reads.

The columnar engine (columnar.py) must give the very report and rows of
the row engine, so polars' parse is used only when it provably matches
Python's csv module on this file; otherwise `read_body` returns None and
the caller falls back. The checks are whole-file and vectorised (a second
polars read of the file as raw lines, ~0.05 s for 51 MiB):

- format CSV, encoding UTF-8 (with or without BOM) as reader.py detected it,
  no line that failed to decode (polars refuses invalid UTF-8 itself);
- every record is one physical line, so a row's line is its index: no
  quoted line breaks (polars rows == physical lines) and no lone CR (which
  csv counts as a line break and polars keeps in the cell);
- every line holding a quote is well-formed RFC 4180 (a quoted field ends at
  a delimiter): `"a"b` is `ab` to csv and an error or `ab"` to polars;
- no line above csv's field size limit; no more cells than the header
  (polars raises); the header polars sees is the header csv saw.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Union

import polars as pl

from ckanext.shafaf.tables.reader import Source, TableSource

FAST_ENCODINGS = ("utf_8", "utf_8_sig")
MAX_BYTES = 256 << 20  # the fast path holds the file in memory (~7x its size); larger ones stream
# Not a delimiter: the file read as one column of lines (a line holding it
# makes polars raise, or a first line holding it gives two columns: fallback).
_LINE_SEPARATOR = "\x1f"
_CLASS_DELIMITER = {",": ",", ";": ";", "\t": "\\t", "|": "\\|"}


@dataclass
class Body:
    """The non-empty data rows under the header, as columns of cell text."""

    cells: pl.DataFrame      # column_1 … column_N, Utf8, no nulls ("" for empty)
    lines: list[int]         # the line each row is on
    batch_of: pl.Series      # the row engine's batch number of each row (reader.BATCH rows)


def polars_source(source: Source, start: int) -> Optional[Union[str, bytes]]:
    """A path (polars maps the file) or the bytes; a file object is left where it was.

    None above MAX_BYTES: the fast path holds the file's columns in memory.
    """
    if isinstance(source, (bytes, bytearray)):
        return bytes(source) if len(source) <= MAX_BYTES else None
    if isinstance(source, (str, Path)) or hasattr(source, "__fspath__"):
        path = Path(source)  # type: ignore[arg-type]
        return str(path) if path.stat().st_size <= MAX_BYTES else None
    position = source.tell()
    try:
        source.seek(start)
        data = source.read(MAX_BYTES + 1)
    finally:
        source.seek(position)
    return data if len(data) <= MAX_BYTES else None


def eligible(table: TableSource) -> bool:
    """What reader.py found allows the fast path at all (cheap, before reading)."""
    return (table.format == "csv" and table.encoding in FAST_ENCODINGS and not table.errors
            and not table.bad_lines and table.delimiter in _CLASS_DELIMITER)


def read_body(data: Union[str, bytes], table: TableSource, header: list[str], header_line: int,
              batch: int) -> Optional[Body]:
    """The rows below the header line, or None when polars might read them differently."""
    options: dict[str, Any] = dict(has_header=False, infer_schema=False, encoding="utf8",
                                   skip_lines=header_line - 1, raise_if_empty=False)
    try:
        lines = pl.read_csv(data, separator=_LINE_SEPARATOR, quote_char=None, **options)
        frame = pl.read_csv(data, separator=table.delimiter or ",", quote_char='"',
                            missing_utf8_is_empty_string=False, **options)
    except Exception:  # noqa: BLE001 - any polars parse error: the row engine decides
        return None
    if lines.width != 1 or frame.height != lines.height or frame.height == 0:
        return None
    if not _lines_plain(lines.to_series(), table.delimiter or ","):
        return None
    del lines
    if any(frame.null_count().row(0)):  # blank lines, short rows: csv's "" cells
        frame = frame.select(pl.all().fill_null(""))
    if list(frame.row(0)) != list(header):
        return None
    body = frame.slice(1)
    number = pl.int_range(header_line + 1, header_line + 1 + body.height, eager=True)
    blank = ~body.select(pl.any_horizontal(pl.all() != "")).to_series()
    if blank.any():  # csv's blank records: no row, but they keep their line
        body, number = body.filter(~blank), number.filter(~blank)
    return Body(body, number.to_list(), (number - 1) // batch)


def _lines_plain(lines: pl.Series, delimiter: str) -> bool:
    """One record per line, well-formed quoting, no field over csv's size limit.

    polars drops the CR of a CRLF line end, so any CR left is a lone one.
    One select: the three checks run in parallel over the lines.
    """
    d = _CLASS_DELIMITER[delimiter]
    field = f'(?:"(?:[^"]|"")*"|[^"{d}\\r\\n][^{d}\\r\\n]*|)'
    line = pl.col(lines.name)
    longest, lone_cr, bad_quotes = lines.to_frame().select(
        line.str.len_bytes().max().alias("longest"),
        line.str.contains("\r", literal=True).any().alias("lone_cr"),
        (~line.filter(line.str.contains('"', literal=True))  # the regex on those lines only
         .str.contains(f"^{field}(?:{d}{field})*$")).any().alias("bad_quotes")).row(0)
    return (longest or 0) < csv.field_size_limit() and not lone_cr and not bad_quotes

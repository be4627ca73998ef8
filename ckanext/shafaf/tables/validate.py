"""Validate and normalise a staff upload against a table schema.

Two ways in, both constant-memory and neither ever raising on a bad file:

- ``validate_file(source, "contracts")`` → ``(report, rows)``: a first pass
  builds the full report; ``rows`` is a lazy second pass yielding the
  normalised valid rows, for loading into the DataStore once the report
  says the file is good.
- ``stream_file(source, "contracts")`` → a ``TableRun``: one pass; iterate
  ``run.rows()`` and read ``run.report`` when it is exhausted (the
  benchmark's path, and the one for very large files).

Rows are validated column-wise in batches (plan.py); only rows with
errors are looked at one by one.
"""
from __future__ import annotations

import itertools
import logging
from typing import Any, Iterable, Iterator, Optional, Sequence, Union

from ckanext.shafaf.tables.cells import Invalid
from ckanext.shafaf.tables.figures import Figures
from ckanext.shafaf.tables.headers import HeaderIndex, HeaderMapping, header_key, pick_header
from ckanext.shafaf.tables.messages import issue
from ckanext.shafaf.tables.plan import Batch, RowPlan
from ckanext.shafaf.tables.reader import RowBatch, Source, TableSource, open_table, seekable
from ckanext.shafaf.tables.report import MAX_ERRORS, ValidationReport
from ckanext.shafaf.tables.schema import TableSchema, load_schema

SchemaRef = Union[str, TableSchema]
_log = logging.getLogger(__name__)
_TOTAL_WORDS = ("جمع", "مجموع", "total", "sum")
_TOTAL_KEYS = frozenset(
    header_key(w) for w in ("جمع", "جمع کل", "مجموع", "total", "sum", "grand total"))


class TableRun:
    """One pass over a file: iterate `rows()`, then read `report`."""

    def __init__(self, source: Source, schema: SchemaRef, *, max_errors: int = MAX_ERRORS,
                 include_invalid: bool = False, start: Optional[int] = None) -> None:
        self.schema = load_schema(schema)
        self.report = ValidationReport(schema=self.schema.name, max_errors=max_errors)
        self.include_invalid = include_invalid
        self.header_ok = False
        self._source = source = _rereadable(source)
        if start is None:
            start = source.tell() if hasattr(source, "tell") else 0
        self._start = start  # where a file object's table begins, for a second pass

    def rows(self) -> Iterator[dict[str, Any]]:
        """Normalised rows (valid ones unless include_invalid); fills `report`.

        Bad cells are None in the rows yielded with include_invalid; no rows
        at all are yielded when the header is unusable (the report says why).
        """
        return itertools.chain.from_iterable(self.batches())

    def batches(self, *, build: bool = True) -> Iterator[list[dict[str, Any]]]:
        """The same rows in lists of up to 1,024: ready for datastore_upsert.

        With build=False the batches are empty lists: the report (and the
        figures) without the cost of making row dicts.
        """
        if hasattr(self._source, "seek"):
            self._source.seek(self._start)
        table = open_table(self._source)
        report = self.report
        report.format, report.encoding = table.format, table.encoding
        report.delimiter, report.sheet = table.delimiter, table.sheet
        try:
            if not table.errors:
                yield from self._table_batches(table, build)
        except Exception as exc:  # a bug must not turn an upload into a 500: report it
            _log.exception("validating %s against %s failed", self._source, self.schema.name)
            table.errors.append(issue("file_unreadable", detail=f"{type(exc).__name__}: {exc}"))
        finally:
            table.close()
            report.file_errors.extend(table.errors)
            report.warnings[:0] = table.warnings
            if report.row_count == 0 and not report.file_errors and self.header_ok:
                report.file_errors.append(issue("no_data_rows"))

    def finish(self) -> ValidationReport:
        """Run to the end without keeping rows; the complete report."""
        for _ in self.batches(build=False):
            pass
        return self.report

    def _table_batches(self, table: TableSource, build: bool) -> Iterator[list[dict[str, Any]]]:
        first = next(table.rows, None)
        if first is None:
            if not table.errors:
                self.report.file_errors.append(issue("file_empty"))
            return
        index = HeaderIndex(self.schema)
        position = pick_header(index, first.cells)
        line, header = first.lines[position], first.cells[position]
        self.report.header_line = line
        if position:
            self.report.warnings.append(issue("title_rows_skipped", count=position, line=line))
        mapping = index.map(header)
        self._report_mapping(mapping)
        if not mapping.columns:
            return
        rest = RowBatch(first.lines[position + 1:], first.cells[position + 1:],
                        {p - position - 1 for p in first.bad if p > position})
        plan = RowPlan(self.schema, mapping)
        yield from self._rows_after_header(plan, table, header, line,
                                           itertools.chain([rest], table.rows), build)

    def _rows_after_header(self, plan: RowPlan, table: TableSource, header: list[str], line: int,
                           batches: Iterable[RowBatch], build: bool
                           ) -> Iterator[list[dict[str, Any]]]:
        """The data rows below the header line; a seam for the columnar engine (columnar.py)."""
        return self._data_batches(plan, batches, table.encoding, build)

    def _report_mapping(self, mapping: HeaderMapping) -> None:
        report = self.report
        report.columns = [{"column": c.column, "index": c.index, "field": c.field, "unit": c.unit}
                          for c in mapping.columns]
        for spec in mapping.missing_required + mapping.missing_optional:
            report.missing_columns.append(
                {"field": spec.name, "title": spec.title, "required": spec.required})
        for spec in mapping.missing_required:
            report.file_errors.append(issue("missing_column", field=spec.name, title=spec.title))
        for first, again in mapping.duplicates:
            report.file_errors.append(issue("duplicate_column", column=again.column,
                                            title=self.schema.field(again.field).title,
                                            first=first.column))
        for _, column in mapping.unknown:
            report.warnings.append(issue("unknown_column", column=column))
        for _, column in mapping.personal:
            report.warnings.append(issue("personal_column_dropped", column=column))
        report.unknown_columns = [c for _, c in mapping.unknown + mapping.personal]
        self.header_ok = not report.file_errors

    def _data_batches(self, plan: RowPlan, batches: Iterable[RowBatch], encoding: Optional[str],
                      build: bool) -> Iterator[list[dict[str, Any]]]:
        figures, redacted, first_row = Figures(self.schema), 0, 1
        for rows in batches:
            if not rows.cells:
                continue
            batch = plan.run(rows.cells)
            if rows.bad:  # other errors of such a row are only the garbled text's echo
                batch.errors = [e for e in batch.errors if e[0] not in rows.bad] + [
                    _encoding_error(p, rows.cells[p], encoding) for p in rows.bad]
                batch.bad_rows |= rows.bad
            skipped = self._account(plan, batch, rows, first_row)
            first_row += batch.size
            keep = None if not batch.bad_rows else [
                i for i in range(batch.size) if i not in batch.bad_rows]
            figures.add_batch(batch.columns, keep)
            redacted += _redact(plan, batch.columns)
            if not (self.header_ok and build):
                yield []
                continue
            if self.include_invalid:
                keep = [i for i in range(batch.size) if i not in skipped]
            yield _rows_of(plan.names, batch.columns, keep)
        self.report.figures = figures.result()
        if redacted:
            self.report.warnings.append(issue("person_id_redacted", count=redacted))

    def _account(self, plan: RowPlan, batch: Batch, rows: RowBatch, first_row: int) -> set[int]:
        """Count the batch's rows and record its errors; returns totals rows skipped."""
        report, skipped = self.report, set()
        for position in sorted(batch.bad_rows):
            if _is_total_row(rows.cells[position]):
                skipped.add(position)
                report.warnings.append(issue("total_row_skipped", line=rows.lines[position]))
        batch.bad_rows |= skipped
        report.row_count += batch.size - len(skipped)
        report.invalid_row_count += len(batch.bad_rows) - len(skipped)
        report.valid_row_count += batch.size - len(batch.bad_rows)
        for position, index, value, error in sorted(batch.errors, key=_error_order):
            if position in skipped:
                continue
            report.add_row_error({
                "row": first_row + position, "line": rows.lines[position],
                "column": None if index is None else plan.headers.get(index),
                "field": None if index is None else plan.fields.get(index),
                "value": value, "code": error.code,
                "message_fa": error.fa, "message_en": error.en})
        return skipped


def _error_order(error: tuple[int, Optional[int], str, Invalid]) -> tuple[int, int]:
    return error[0], -1 if error[1] is None else error[1]


def _rows_of(names: Sequence[str], columns: dict[str, list[Any]],
             keep: Optional[list[int]]) -> list[dict[str, Any]]:
    """Row dicts from columns (zip and dict in C)."""
    rows = list(map(dict, map(zip, itertools.repeat(names), zip(*(columns[n] for n in names)))))
    return rows if keep is None else [rows[i] for i in keep]


def _redact(plan: RowPlan, columns: dict[str, list[Any]]) -> int:
    """Blank a person's کد ملی (10 digits) in redacted ID fields; design.md §3."""
    count = 0
    for name in plan.redact:
        values = columns[name]
        if any(v is not None and len(v) == 10 for v in values):
            count += sum(1 for v in values if v is not None and len(v) == 10)
            columns[name] = [None if v is not None and len(v) == 10 else v for v in values]
    return count


def _encoding_error(position: int, cells: list[str], encoding: Optional[str]
                    ) -> tuple[int, Optional[int], str, Invalid]:
    index = next((i for i, cell in enumerate(cells) if "\ufffd" in cell), None)
    value = cells[index] if index is not None else "\t".join(cells)
    return position, index, value, Invalid.of("encoding", encoding=encoding)


def _is_total_row(cells: list[str]) -> bool:
    """A «جمع کل» footer row, which exports add under the data."""
    return any(len(cell) < 40 and any(word in cell.lower() for word in _TOTAL_WORDS)
               and header_key(cell) in _TOTAL_KEYS for cell in cells if cell)


def stream_file(source: Source, schema: SchemaRef, *, max_errors: int = MAX_ERRORS,
                include_invalid: bool = False) -> TableRun:
    """A single-pass run over `source` (path, bytes or binary file object)."""
    return TableRun(source, schema, max_errors=max_errors, include_invalid=include_invalid)


def validate_file(source: Source, schema: SchemaRef, *, max_errors: int = MAX_ERRORS,
                  include_invalid: bool = False
                  ) -> tuple[ValidationReport, Iterator[dict[str, Any]]]:
    """Full report first, then a lazy second pass yielding normalised rows.

    The rows iterator is empty when the file has a file-level error (not
    a table, unreadable, missing or duplicated columns, no rows); otherwise
    it yields the valid rows (all rows, bad cells as None, with
    include_invalid) even if some rows are bad: whether to load a file
    with row errors is the caller's policy.
    """
    first = TableRun(source, schema, max_errors=max_errors)
    report = first.finish()
    if not first.header_ok or report.file_errors:
        return report, iter(())
    second = TableRun(first._source, first.schema, max_errors=0,
                      include_invalid=include_invalid, start=first._start)
    return report, second.rows()


def _rereadable(source: Source) -> Source:
    """A source that can be read twice: paths and seekable files are; streams are spooled."""
    if isinstance(source, (str, bytes, bytearray)) or hasattr(source, "__fspath__"):
        return source
    return seekable(source)

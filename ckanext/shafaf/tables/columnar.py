"""`validate_table`: the report and a polars DataFrame of the normalised rows.

The upload path loads the frame into the DataStore with COPY, so it wants
columns, not row dicts. For a UTF-8 CSV that polars reads exactly as
Python's csv module does (csvframe.py decides per file) the whole file is
validated column by column (vector.py: the plan's rules applied to
distinct values); anything else — workbooks, Windows-1256, UTF-16/32,
lines that do not decode, quoted line breaks, odd quoting, cells beyond
the header, a polars error — runs the row engine (validate.py) and the
frame is built from its rows. Either way the report is the one
`validate_file` gives and the frame's rows are the rows it yields
(tests/tables/test_columnar.py holds both engines to that).
"""
from __future__ import annotations

import copy
import logging
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Optional

import polars as pl

from ckanext.shafaf.tables import csvframe, reader
from ckanext.shafaf.tables.cells import EDGE_CHARS
from ckanext.shafaf.tables.frame_figures import figure_fields, frame_figures
from ckanext.shafaf.tables.messages import issue
from ckanext.shafaf.tables.plan import Batch, CellError, RowPlan
from ckanext.shafaf.tables.reader import RowBatch, Source, TableSource
from ckanext.shafaf.tables.report import MAX_ERRORS, ValidationReport
from ckanext.shafaf.tables.schema import TableSchema
from ckanext.shafaf.tables.validate import _TOTAL_WORDS, SchemaRef, TableRun
from ckanext.shafaf.tables.vector import DTYPES, column_name, run_plan

_log = logging.getLogger(__name__)


def frame_schema(schema: TableSchema) -> dict[str, Any]:
    """Column dtypes of the frame: Utf8 (dates as ISO YYYY-MM-DD), Int64, Float64."""
    return {spec.name: DTYPES[spec.type] for spec in schema.fields}


def frame_of_rows(rows: list[dict[str, Any]], schema: TableSchema) -> pl.DataFrame:
    """The row engine's rows as a frame of the same dtypes as the columnar engine's."""
    return pl.DataFrame([_series(name, [row[name] for row in rows], dtype)
                         for name, dtype in frame_schema(schema).items()])


def _series(name: str, values: list[Any], dtype: Any) -> pl.Series:
    """A column of the frame; integers beyond Int64 (a schema without a maximum) as Int128."""
    try:
        return pl.Series(name, values, dtype=dtype)
    except (TypeError, OverflowError):
        if dtype != pl.Int64:
            raise
        return pl.Series(name, values, dtype=pl.Int128)


@dataclass
class _Outcome:
    """The columnar pass over one file, applied to the report once complete."""

    batch: Batch
    rows: RowBatch
    columns: dict[str, pl.Series]
    keep: pl.Series
    batch_of: pl.Series


class ColumnarRun(TableRun):
    """A TableRun whose data rows go through the columnar engine when it is exact."""

    def __init__(self, source: Source, schema: SchemaRef, *, max_errors: int = MAX_ERRORS
                 ) -> None:
        super().__init__(source, schema, max_errors=max_errors)
        self.frame: Optional[pl.DataFrame] = None
        self.columnar = False

    def _rows_after_header(self, plan: RowPlan, table: TableSource, header: list[str], line: int,
                           batches: Iterable[RowBatch], build: bool
                           ) -> Iterator[list[dict[str, Any]]]:
        if csvframe.eligible(table):
            before = copy.deepcopy(vars(self.report))
            try:
                outcome = self._columnar(plan, table, header, line)
                if outcome is not None:
                    self._apply(plan, outcome)
                    self.columnar = True
                    return iter(())
            except Exception:  # noqa: BLE001 - never a different report: use the row engine
                _log.exception("columnar validation of %s failed; row engine used", self._source)
                vars(self.report).clear()
                vars(self.report).update(before)  # batches() holds this very report object
                self.frame = None
        return self._data_batches(plan, batches, table.encoding, build)

    def _columnar(self, plan: RowPlan, table: TableSource, header: list[str], line: int
                  ) -> Optional[_Outcome]:
        data = csvframe.polars_source(self._source, self._start)
        body = None if data is None else csvframe.read_body(data, table, header, line, reader.BATCH)
        if body is None:
            return None
        cells = body.cells
        if any(_has_text(cells[name]) for name in cells.columns[plan.width:]):
            return None  # cells beyond the header: the row engine reports them
        dtypes = frame_schema(self.schema)
        errors: list[CellError] = []
        columns = run_plan(plan, cells, errors, dtypes)
        bad = sorted({e[0] for e in errors})
        bad_cells = dict(zip(bad, cells[bad].rows())) if bad else {}
        # _account reads the cells of bad rows only: a dict stands in for the list
        rows = RowBatch(body.lines, _total_candidates(bad_cells))  # type: ignore[arg-type]
        batch = Batch(cells.height, {}, errors, set(bad))
        keep = ~pl.Series(range(cells.height)).is_in(bad)
        return _Outcome(batch, rows, columns, keep, body.batch_of)

    def _apply(self, plan: RowPlan, outcome: _Outcome) -> None:
        """What _data_batches does to the report, over the whole file at once."""
        batch = outcome.batch
        skipped = self._account(plan, batch, outcome.rows, 1)
        if skipped:
            outcome.keep = outcome.keep & ~pl.Series(range(batch.size)).is_in(list(skipped))
        self.report.figures = _figures(self.schema, outcome)
        redacted = _redact(plan, outcome.columns)
        if redacted:
            self.report.warnings.append(issue("person_id_redacted", count=redacted))
        if self.header_ok:
            self.frame = _frame(self.schema, outcome)


def _has_text(cells: pl.Series) -> bool:
    return bool((cells.str.strip_chars(EDGE_CHARS) != "").any())


def _full(schema: TableSchema, outcome: _Outcome) -> dict[str, pl.Series]:
    size, dtypes = outcome.batch.size, frame_schema(schema)
    return {name: outcome.columns[name] if name in outcome.columns
            else pl.Series(name, [None] * size, dtype=dtypes[name])
            for name in schema.field_names}


def _frame(schema: TableSchema, outcome: _Outcome) -> pl.DataFrame:
    dtypes = frame_schema(schema)
    frame = pl.DataFrame([s.alias(name).cast(dtypes[name])
                          for name, s in _full(schema, outcome).items()])
    return frame.filter(outcome.keep)


def _figures(schema: TableSchema, outcome: _Outcome) -> dict[str, Any]:
    """Figures over the kept rows (before redaction, as the row engine does)."""
    full = _full(schema, outcome)
    kept = pl.DataFrame({"__batch": outcome.batch_of,
                         **{f: full[f] for f in figure_fields(schema)}})
    return frame_figures(schema, kept.filter(outcome.keep))


def _total_candidates(cells: dict[int, tuple[str, ...]]) -> dict[int, Any]:
    """Bad rows' cells, blanked where no cell can be a «جمع کل» (validate._is_total_row).

    A cell's lower() holding a total word is in the row's joined lower(), so
    only rows that pass this cheap test are looked at by _is_total_row.
    """
    return {p: row if any(w in "\t".join(row).lower() for w in _TOTAL_WORDS) else ()
            for p, row in cells.items()}


def _redact(plan: RowPlan, columns: dict[str, pl.Series]) -> int:
    """validate._redact: a person's کد ملی (10 characters) becomes null, every row counted."""
    count = 0
    for name in plan.redact:
        person = columns[name].str.len_chars() == 10
        found = int(person.sum() or 0)
        if found:
            count += found
            columns[name] = pl.select(
                pl.when(person).then(None).otherwise(columns[name])).to_series()
    return count


def run_table(source: Source, schema: SchemaRef, *, max_errors: int = MAX_ERRORS
              ) -> tuple[ValidationReport, Optional[pl.DataFrame], bool]:
    """validate_table, plus whether the columnar engine ran (for tests and benchmarks)."""
    run = ColumnarRun(source, schema, max_errors=max_errors)
    rows = [row for batch in run.batches() for row in batch]
    report = run.report
    if not run.header_ok or report.file_errors:
        return report, None, run.columnar
    if run.frame is None:
        run.frame = frame_of_rows(rows, run.schema)
    return report, run.frame, run.columnar


def validate_table(source: Source, schema: SchemaRef, *, max_errors: int = MAX_ERRORS
                   ) -> tuple[ValidationReport, Optional[pl.DataFrame]]:
    """The report (as validate_file's) and a frame of the valid normalised rows.

    The frame's columns are the schema's fields in order; None when the file
    has a file-level error (validate_file's rows would be empty).
    """
    report, frame, _ = run_table(source, schema, max_errors=max_errors)
    return report, frame

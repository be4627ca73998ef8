"""Validation and normalisation of the tables staff upload (pure Python).

Contracts registers, budget lines and building permits arrive as CSV or
Excel files written by hand or exported from municipal systems. This
package reads them in whatever encoding and delimiter they came in, maps
Persian headers onto a Table Schema, checks every cell with the domain
rules (Jalali dates, checksummed IDs, amounts with units) and yields
normalised rows for the DataStore plus a bilingual report. No CKAN import:
the CKAN integration calls these functions, tests call them directly.

Public API:

- ``validate_file(source, schema_name)`` → ``(ValidationReport, rows)``
- ``stream_file(source, schema_name)`` → ``TableRun`` (single pass)
- ``validate_table(source, schema_name)`` → ``(ValidationReport, polars.DataFrame | None)``
  (the columnar engine, columnar.py; polars is imported on first use)
- ``load_schema(name)``, ``available_schemas()``, ``datastore_fields(name)``
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from ckanext.shafaf.tables.report import MAX_ERRORS, ValidationReport
from ckanext.shafaf.tables.schema import (
    SchemaError, TableSchema, available_schemas, datastore_fields, load_schema)
from ckanext.shafaf.tables.validate import TableRun, stream_file, validate_file

if TYPE_CHECKING:
    import polars


def validate_table(source: Any, schema: Any, *, max_errors: int = MAX_ERRORS
                   ) -> tuple[ValidationReport, Optional["polars.DataFrame"]]:
    """Report and DataFrame of the valid normalised rows (None on a file-level error).

    See columnar.validate_table; imported lazily so that CKAN processes
    which never validate a table do not load polars.
    """
    from ckanext.shafaf.tables.columnar import validate_table as run
    return run(source, schema, max_errors=max_errors)

__all__ = [
    "SchemaError", "TableRun", "TableSchema", "ValidationReport", "available_schemas",
    "datastore_fields", "load_schema", "stream_file", "validate_file", "validate_table",
]

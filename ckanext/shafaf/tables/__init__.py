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
- ``load_schema(name)``, ``available_schemas()``, ``datastore_fields(name)``
"""
from __future__ import annotations

from ckanext.shafaf.tables.report import ValidationReport
from ckanext.shafaf.tables.schema import (
    SchemaError, TableSchema, available_schemas, datastore_fields, load_schema)
from ckanext.shafaf.tables.validate import TableRun, stream_file, validate_file

__all__ = [
    "SchemaError", "TableRun", "TableSchema", "ValidationReport", "available_schemas",
    "datastore_fields", "load_schema", "stream_file", "validate_file",
]

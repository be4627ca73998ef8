"""The validation report: what staff see after an upload, and what we store.

It is plain data (JSON-serialisable) so it can be kept next to the resource,
shown in the upload form and returned by the API. An invalid file still gets
a full report: staff fix their sheet from it, cell by cell.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Optional

MAX_ERRORS = 1000


@dataclass
class ValidationReport:
    """Outcome of reading and validating one file against one table schema.

    `row_errors` holds at most `max_errors` entries; `error_count` is the
    true total. Each row error is {row, line, column, field, value, code,
    message_fa, message_en}: `row` counts data rows from 1, `line` is the
    line (CSV) or sheet row (Excel) staff see in their program.
    """

    schema: str
    format: str = "unknown"
    encoding: Optional[str] = None
    delimiter: Optional[str] = None
    sheet: Optional[str] = None
    header_line: Optional[int] = None
    columns: list[dict[str, Any]] = field(default_factory=list)
    missing_columns: list[dict[str, Any]] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    file_errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    row_errors: list[dict[str, Any]] = field(default_factory=list)
    error_count: int = 0
    errors_truncated: bool = False
    row_count: int = 0
    valid_row_count: int = 0
    invalid_row_count: int = 0
    figures: dict[str, Any] = field(default_factory=dict)
    max_errors: int = MAX_ERRORS

    @property
    def valid(self) -> bool:
        """No file error and no row error (warnings do not count)."""
        return not self.file_errors and self.error_count == 0

    def add_row_error(self, error: dict[str, Any]) -> None:
        self.error_count += 1
        if len(self.row_errors) < self.max_errors:
            self.row_errors.append(error)
        else:
            self.errors_truncated = True

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["valid"] = self.valid
        del data["max_errors"]
        return data

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)

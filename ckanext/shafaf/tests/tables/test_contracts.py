"""Contracts registers: exact normalisation, exact errors, figures."""
from __future__ import annotations

import io
import json
from datetime import date

import pytest

from ckanext.shafaf.tables import stream_file, validate_file
from ckanext.shafaf.tests.tables.helpers import (
    BAD_LEGAL_ID, CONTRACT_HEADER, CONTRACT_ROWS, LEGAL_ID, LEGAL_ID_2, NATIONAL_CODE_8, arabic,
    csv_bytes, fa, write, xlsx_bytes)

GOOD_ROWS = CONTRACT_ROWS

EXPECTED = [
    {"contract_number": "1403/123", "subject": "نگهداری فضای سبز بوستان‌های منطقه ۲",
     "contractor_name": "شرکت مهندسی کیان", "contractor_id": LEGAL_ID, "economic_code": None,
     "amount": 1_250_000_000, "amount_unit": "میلیون ریال", "signed_date": "2024-03-24",
     "start_date": "2024-03-24", "end_date": "2025-03-20", "duration_months": 12,
     "selection_method": "مناقصه عمومی", "selection_reason": None, "contract_type": "هزینه‌ای",
     "supervisor": None, "region": "منطقه 2", "notes": None},
    {"contract_number": "1403/124", "subject": "خرید ۲ دستگاه خودروی آتش‌نشانی",
     "contractor_name": "شرکت پارس خودرو", "contractor_id": LEGAL_ID_2, "economic_code": None,
     "amount": 500_000_000, "amount_unit": "میلیون ریال", "signed_date": "2024-05-01",
     "start_date": "2024-05-01", "end_date": "2024-11-02", "duration_months": 6,
     "selection_method": "استعلام", "selection_reason": None, "contract_type": "هزینه‌ای",
     "supervisor": None, "region": "ناحیه 1", "notes": None},
    {"contract_number": "1403/125", "subject": "مشاوره حقوقی", "contractor_name": "علی احمدی",
     "contractor_id": None, "economic_code": None, "amount": 12_500_000,
     "amount_unit": "میلیون ریال", "signed_date": "2024-05-21", "start_date": None,
     "end_date": None, "duration_months": None, "selection_method": "ترک تشریفات",
     "selection_reason": None, "contract_type": "هزینه‌ای", "supervisor": None, "region": None,
     "notes": None},
]
FIGURES = {"row_count": 3, "total_amount_irr": 1_762_500_000, "date_min": "2024-03-24",
           "date_max": "2024-05-21", "distinct_contractors": 3}


@pytest.fixture(autouse=True)
def shafaf_plugin_loaded():
    """Pure Python tests: skip the root conftest's plugin loading."""
    yield


def codes(report):
    return [(e["row"], e["line"], e["column"], e["value"], e["code"]) for e in report.row_errors]


@pytest.mark.parametrize("encoding, delimiter", [
    ("utf-8", ","), ("utf-8-sig", ";"), ("utf-16", "\t"), ("utf-8", "|")])
def test_good_csv_normalises_exactly(encoding, delimiter):
    data = csv_bytes([CONTRACT_HEADER, *GOOD_ROWS], encoding, delimiter)
    report, rows = validate_file(data, "contracts")
    assert report.valid, report.to_json(indent=1)
    assert list(rows) == EXPECTED
    assert report.figures == FIGURES
    assert (report.row_count, report.valid_row_count, report.invalid_row_count) == (3, 3, 0)
    assert report.delimiter == delimiter and report.header_line == 1
    assert report.columns[4] == {"column": "مبلغ قرارداد (میلیون ریال)", "index": 5,
                                 "field": "amount", "unit": "میلیون ریال"}
    assert [w["code"] for w in report.warnings] == ["person_id_redacted"]
    assert report.unknown_columns == []


def test_windows_1256_csv():
    rows = [[arabic(c).translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")) for c in row]
            for row in [CONTRACT_HEADER, *GOOD_ROWS]]
    report, out = validate_file(csv_bytes(rows, "cp1256"), "contracts")
    assert report.valid and report.encoding == "cp1256"
    out = list(out)
    assert out[0]["contractor_name"] == "شرکت مهندسی کیان"  # ي/ك folded back
    assert out[0]["subject"] == "نگهداری فضای سبز بوستان‌های منطقه 2"
    assert [r["amount"] for r in out] == [1_250_000_000, 500_000_000, 12_500_000]


def test_good_xlsx_with_title_row_and_typed_cells():
    rows = [CONTRACT_HEADER, *[list(r) for r in GOOD_ROWS]]
    rows[1][4] = int(LEGAL_ID)             # an ID typed as a number
    rows[1][5] = 1250                      # a number cell
    rows[2][6] = date(2024, 5, 1)          # an Excel date cell
    rows[3][4] = int(NATIONAL_CODE_8)      # leading zeros lost by Excel
    data = xlsx_bytes(rows, title="گزارش قراردادهای شهرداری یزد - سال ۱۴۰۳")
    report, out = validate_file(data, "contracts")
    assert report.valid, report.to_json(indent=1)
    assert (report.format, report.header_line) == ("xlsx", 3)
    assert [w["code"] for w in report.warnings] == ["title_rows_skipped", "person_id_redacted"]
    assert list(out) == EXPECTED


BAD_ROWS = [
    GOOD_ROWS[0],
    ["2", "1403/126", "لایروبی", "شرکت نوین", BAD_LEGAL_ID, "نامشخص", "1404/12/30", "1403/01/01",
     "1403/06/31", "6", "مناقصه باز", "هزینه‌ای", ""],
    ["3", "", "آسفالت", "شرکت البرز", "۱۲۳۴۵", "1,5", "1403/05/01", "1403/07/01", "1403/06/31",
     "-3", "مزایده", "درآمد", ""],
]


def test_bad_rows_give_exact_errors():
    data = csv_bytes([CONTRACT_HEADER, *BAD_ROWS])
    report, rows = validate_file(data, "contracts")
    assert not report.valid
    assert codes(report) == [
        (2, 3, "شناسه ملی/کد ملی", BAD_LEGAL_ID, "legal_id_checksum"),
        (2, 3, "مبلغ قرارداد (میلیون ریال)", "نامشخص", "amount_invalid"),
        (2, 3, "تاریخ انعقاد", "1404/12/30", "date_invalid"),
        (2, 3, "نحوه انتخاب پیمانکار", "مناقصه باز", "not_in_enum"),
        (3, 4, "شماره قرارداد", "", "required"),
        (3, 4, "شناسه ملی/کد ملی", "۱۲۳۴۵", "national_or_legal_id_length"),
        (3, 4, "مبلغ قرارداد (میلیون ریال)", "1,5", "amount_separator"),
        (3, 4, "تاریخ پایان", "1403/06/31", "date_order"),
        (3, 4, "مدت (ماه)", "-3", "below_minimum"),
    ]
    date_error = report.row_errors[2]
    assert date_error == {
        "row": 2, "line": 3, "column": "تاریخ انعقاد", "field": "signed_date",
        "value": "1404/12/30", "code": "date_invalid",
        "message_fa": "تاریخ «1404/12/30» نامعتبر است (نمونه: ۱۴۰۳/۰۱/۰۵)",
        "message_en": "Invalid date '1404/12/30' (expected e.g. 1403/01/05 or 2025-03-20)"}
    order = report.row_errors[7]
    assert order["message_fa"] == "«تاریخ پایان» (1403/06/31) پیش از «تاریخ شروع» (1403/07/01) است."
    assert order["message_en"] == "'تاریخ پایان' (1403/06/31) is before 'تاریخ شروع' (1403/07/01)."
    assert report.row_errors[4]["message_en"] == "Column 'شماره قرارداد' is required but empty in this row."
    assert "مزایده" in report.row_errors[3]["message_fa"]
    assert (report.row_count, report.valid_row_count, report.invalid_row_count) == (3, 1, 2)
    assert report.error_count == 9 and report.file_errors == []
    assert [r["contract_number"] for r in rows] == ["1403/123"]
    assert report.figures["row_count"] == 1
    assert json.loads(report.to_json())["valid"] is False


def test_include_invalid_rows_have_bad_cells_as_none():
    run = stream_file(csv_bytes([CONTRACT_HEADER, *BAD_ROWS]), "contracts", include_invalid=True)
    rows = list(run.rows())
    assert len(rows) == 3
    assert rows[1]["contractor_id"] is None and rows[1]["amount"] is None
    assert rows[1]["signed_date"] is None and rows[1]["start_date"] == "2024-03-20"
    assert rows[2]["contract_type"] == "درآمدی"
    assert run.report.error_count == 9


def test_missing_required_column_yields_no_rows_but_row_errors():
    header = [h for h in CONTRACT_HEADER if not h.startswith("مبلغ")] + ["کد رهگیری"]
    rows = [[c for i, c in enumerate(r) if i != 5] + ["x"] for r in BAD_ROWS]
    report, out = validate_file(csv_bytes([header, *rows]), "contracts")
    assert list(out) == []
    (missing,) = report.file_errors
    assert missing == {"code": "missing_column", "field": "amount", "title": "مبلغ قرارداد (ریال)",
                       "message_fa": "ستون اجباری «مبلغ قرارداد (ریال)» در فایل نیست.",
                       "message_en": "The required column 'مبلغ قرارداد (ریال)' (amount) is missing."}
    assert [w["code"] for w in report.warnings] == ["unknown_column"]
    assert report.unknown_columns == ["کد رهگیری"]
    assert report.error_count == 7  # the row errors are still there to fix


def test_wrong_table_entirely():
    data = csv_bytes([["نام", "نام خانوادگی", "حقوق"], ["علی", "احمدی", "100"]])
    report, rows = validate_file(data, "contracts")
    assert list(rows) == []
    assert {e["field"] for e in report.file_errors} == {"contract_number", "subject",
                                                          "contractor_name", "amount"}
    assert report.unknown_columns == ["نام", "نام خانوادگی", "حقوق"]


def test_duplicate_column():
    header = CONTRACT_HEADER + ["مبلغ"]
    report, rows = validate_file(csv_bytes([header, GOOD_ROWS[0] + ["5"]]), "contracts")
    assert [e["code"] for e in report.file_errors] == ["duplicate_column"]
    assert list(rows) == []


def test_totals_row_is_skipped_with_a_warning():
    data = csv_bytes([CONTRACT_HEADER, *GOOD_ROWS, ["", "جمع کل", "", "", "", "1762.5"]])
    report, rows = validate_file(data, "contracts")
    assert report.valid and len(list(rows)) == 3
    assert report.warnings[0]["code"] == "total_row_skipped" and report.warnings[0]["line"] == 5


def test_extra_cells_beyond_header():
    row = GOOD_ROWS[0] + ["", "سرریز"]
    report, _ = validate_file(csv_bytes([CONTRACT_HEADER, row]), "contracts")
    assert codes(report) == [(1, 2, None, "سرریز", "extra_cells")]


def test_undecodable_line_is_a_row_error():
    good = csv_bytes([CONTRACT_HEADER, *GOOD_ROWS])
    bad = csv_bytes([["4", "1403/127", arabic("بازسازی"), "شرکت", LEGAL_ID, "1", "1403/01/05",
                      "", "", "", "استعلام", "", ""]], "cp1256")
    report, rows = validate_file(good + bad, "contracts")
    assert report.encoding == "utf_8"
    (error,) = report.row_errors
    assert (error["row"], error["line"], error["code"], error["column"]) == (
        4, 5, "encoding", "موضوع قرارداد")
    assert "\ufffd" in error["value"]
    assert len(list(rows)) == 3


def test_error_list_is_capped_but_counted():
    rows = [CONTRACT_HEADER] + [
        [str(i), f"1403/{i}", "خرید", "شرکت", LEGAL_ID, "1", "1404/12/30", "", "", "", "", "", ""]
        for i in range(1, 31)]
    report, out = validate_file(csv_bytes(rows), "contracts", max_errors=10)
    assert len(report.row_errors) == 10 and report.error_count == 30
    assert report.errors_truncated and report.invalid_row_count == 30
    assert list(out) == []


def test_sources_path_file_and_stream(tmp_path):
    data = csv_bytes([CONTRACT_HEADER, *GOOD_ROWS])
    path = write(tmp_path, "قراردادها.csv", data)

    class Stream(io.RawIOBase):  # an upload stream that cannot seek
        def __init__(self) -> None:
            self._inner = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:
            chunk = self._inner.read(len(buffer))
            buffer[: len(chunk)] = chunk
            return len(chunk)

    for source in (path, str(path), open(path, "rb"), io.BytesIO(data), Stream()):
        report, rows = validate_file(source, "contracts")
        assert report.valid and list(rows) == EXPECTED, source


def test_batches_for_datastore_upsert(monkeypatch):
    monkeypatch.setattr("ckanext.shafaf.tables.reader.BATCH", 2)
    run = stream_file(csv_bytes([CONTRACT_HEADER, *GOOD_ROWS]), "contracts")
    batches = list(run.batches())
    assert [len(b) for b in batches] == [1, 2]  # the header shares the first batch
    assert [r for b in batches for r in b] == EXPECTED
    assert run.report.figures == FIGURES


def test_report_is_json():
    report, _ = validate_file(csv_bytes([CONTRACT_HEADER, *BAD_ROWS]), "contracts")
    data = json.loads(report.to_json())
    assert data["schema"] == "contracts" and data["error_count"] == 9
    assert data["row_errors"][0]["message_fa"]


def test_an_unexpected_fault_is_reported_not_raised(monkeypatch):
    def broken(self, rows):
        raise RuntimeError("boom")
    monkeypatch.setattr("ckanext.shafaf.tables.plan.RowPlan.run", broken)
    report, rows = validate_file(csv_bytes([CONTRACT_HEADER, *GOOD_ROWS]), "contracts")
    assert list(rows) == []
    assert report.file_errors[-1]["code"] == "file_unreadable"
    assert report.file_errors[-1]["detail"] == "RuntimeError: boom"


def test_file_object_positioned_after_a_preamble():
    data = csv_bytes([CONTRACT_HEADER, *GOOD_ROWS], "utf-8-sig")
    buffer = io.BytesIO(b"PREAMBLE" + data)
    buffer.seek(len(b"PREAMBLE"))
    report, rows = validate_file(buffer, "contracts")
    assert report.valid and list(rows) == EXPECTED


def test_stream_file_accepts_a_stream_that_cannot_seek():
    data = csv_bytes([CONTRACT_HEADER, *GOOD_ROWS])

    class Pipe(io.RawIOBase):
        def __init__(self) -> None:
            self._inner = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:
            chunk = self._inner.read(min(len(buffer), 100))
            buffer[: len(chunk)] = chunk
            return len(chunk)

    run = stream_file(Pipe(), "contracts")
    assert list(run.rows()) == EXPECTED and run.report.valid

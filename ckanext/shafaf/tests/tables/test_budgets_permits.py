"""Budget lines and building permits: units per row, totals, personal columns."""
from __future__ import annotations

import pytest

from ckanext.shafaf.tables import validate_file
from ckanext.shafaf.tests.tables.helpers import (
    BUDGET_HEADER, BUDGET_ROWS, NATIONAL_CODE, PERMIT_HEADER, PERMIT_ROWS, csv_bytes, xlsx_bytes)


@pytest.fixture(autouse=True)
def shafaf_plugin_loaded():
    """Pure Python tests: skip the root conftest's plugin loading."""
    yield


def errors(report):
    return [(e["row"], e["column"], e["value"], e["code"]) for e in report.row_errors]


def test_budget_lines_normalise_with_a_unit_per_row():
    report, rows = validate_file(csv_bytes([BUDGET_HEADER, *BUDGET_ROWS]), "budget_lines")
    assert report.valid, report.to_json(indent=1)
    rows = list(rows)
    assert rows[0] == {"fiscal_year": 1403, "code": "1-1", "title": "عوارض ساختمانی",
                       "direction": "منابع", "classification": "درآمدهای ناشی از عوارض عمومی",
                       "proposed": 5_000_000_000_000, "approved": 5_500_000_000_000,
                       "adjusted": None, "executed": 4_800_000_000_000,
                       "amount_unit": "میلیون ریال"}
    assert rows[1]["direction"] == "منابع" and rows[1]["amount_unit"] == "میلیارد ریال"
    assert rows[1]["adjusted"] == 130_000_000_000
    assert rows[3]["direction"] == "مصارف" and rows[3]["proposed"] == 30_000
    assert report.figures == {
        "row_count": 4,
        "fiscal_years": [1403],
        "totals": {
            "revenue": {"proposed": 5_100_000_000_000, "approved": 5_620_000_000_000,
                        "adjusted": 130_000_000_000, "executed": 4_890_000_000_000},
            "expenditure": {"proposed": 2_000_000_030_000, "approved": 2_100_000_030_000,
                            "adjusted": 2_200_000_000_000, "executed": 2_150_000_000_000},
        },
    }


def test_budget_unit_errors():
    header = BUDGET_HEADER[:6] + ["مصوب (میلیون ریال)"] + BUDGET_HEADER[7:]
    rows = [["1403", "1", "الف", "منابع", "", "10", "20", "", "", "دلار"],
            ["1403", "2", "ب", "منابع", "", "10", "20", "", "", "تومان"],
            ["1403", "3", "پ", "منابع", "", "10 تومان", "", "", "", "ریال"],
            ["1403", "4", "ت", "مصارف", "", "", "20", "", "", "میلیون ریال"],
            ["1403", "5", "ث", "سرمایه", "", "", "", "", "", ""]]
    report, out = validate_file(csv_bytes([header, *rows]), "budget_lines")
    assert errors(report) == [
        (1, "واحد", "دلار", "unit_unknown"),
        (2, "واحد", "تومان", "unit_conflict"),
        (3, "لایحه", "10 تومان", "unit_conflict"),
        (5, "منابع/مصارف", "سرمایه", "not_in_enum"),
    ]
    assert report.row_errors[0]["message_fa"].startswith("واحد پول «دلار» شناخته نیست")
    assert report.row_errors[1]["message_en"] == (
        "Unit 'تومان' contradicts the unit in the header of 'مصوب (میلیون ریال)' (میلیون ریال).")
    assert [r["approved"] for r in out] == [20_000_000]


def test_budget_from_xlsx_with_numbers():
    rows = [BUDGET_HEADER, [1403, "1-1", "عوارض", "منابع", None, 5000000, 5500000.0, None,
                            4800000, "میلیون ریال"]]
    report, out = validate_file(xlsx_bytes(rows), "budget_lines")
    assert report.valid
    (row,) = out
    assert (row["fiscal_year"], row["approved"]) == (1403, 5_500_000_000_000)


def test_permits_normalise_and_drop_personal_columns():
    report, rows = validate_file(csv_bytes([PERMIT_HEADER, *PERMIT_ROWS]), "permits")
    assert report.valid, report.to_json(indent=1)
    rows = list(rows)
    assert rows == [
        {"permit_number": "12034", "permit_type": "احداث", "issue_date": "2024-04-29",
         "region": "3", "land_use": "مسکونی", "plot_number": "123/45", "floor_area_m2": 450.5,
         "floors": 4, "units": 8, "applicant": "علی رضایی", "fees": 12_000_000,
         "fees_unit": "ریال"},
        {"permit_number": "12035", "permit_type": "پایانکار", "issue_date": "2024-09-21",
         "region": "منطقه 4", "land_use": "تجاری", "plot_number": None, "floor_area_m2": 1200.0,
         "floors": None, "units": None, "applicant": "شرکت آریا", "fees": 50_000_000,
         "fees_unit": "ریال"},
    ]
    assert not any(NATIONAL_CODE in str(v) for row in rows for v in row.values())
    (warning,) = report.warnings
    assert warning["code"] == "personal_column_dropped" and warning["column"] == "کد ملی مالک"
    assert warning["message_fa"] == "ستون «کد ملی مالک» اطلاعات شخصی است و منتشر نمی‌شود."
    assert report.figures == {"row_count": 2, "total_floor_area_m2": 1650.5,
                              "total_fees_irr": 62_000_000, "date_min": "2024-04-29",
                              "date_max": "2024-09-21"}


def test_permit_errors():
    rows = [["1", "1", "تمدید", "", "1", "", "", "-5", "چهار", "2", "", "", "12 دلار"],
            ["2", "2", "احداث", "1403/13/01", "1", "", "", "۱۰۰", "3", "1000000", "", "", ""]]
    report, out = validate_file(csv_bytes([PERMIT_HEADER, *rows]), "permits")
    assert errors(report) == [
        (1, "نوع پروانه", "تمدید", "not_in_enum"),
        (1, "تاریخ صدور", "", "required"),
        (1, "زیربنا (مترمربع)", "-5", "below_minimum"),
        (1, "تعداد طبقات", "چهار", "not_integer"),
        (1, "عوارض (ریال)", "12 دلار", "unit_unknown"),
        (2, "تاریخ صدور", "1403/13/01", "date_invalid"),
        (2, "تعداد واحد", "1000000", "above_maximum"),
    ]
    assert report.row_errors[3]["message_fa"] == "مقدار «چهار» عدد صحیح نیست."
    assert report.row_errors[6]["message_en"] == "'1000000' is more than 10000."
    assert list(out) == []

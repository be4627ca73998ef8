"""Builders for realistic upload files, shared by the table tests.

Files are produced in the tests (never checked in) so each test shows the
bytes it feeds the validator: Arabic ي/ك as Windows-1256 writes them, ZWNJ,
Persian digits, BOMs, odd delimiters, spreadsheets with title rows.
"""
from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence

# IDs that pass the design.md §3 checksums (checked in test_helpers_ids).
LEGAL_ID = "10380284790"           # the example given in design.md
LEGAL_ID_2 = "10101234565"
NATIONAL_CODE = "0013542419"       # a person (10 digits)
NATIONAL_CODE_8 = "13542419"       # the same with its leading zeros lost by Excel
BAD_LEGAL_ID = "10380284791"       # last digit changed

FA = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC = str.maketrans({"ی": "ي", "ک": "ك"})


def fa(text: str) -> str:
    """ASCII digits written as Persian digits."""
    return text.translate(FA)


def arabic(text: str) -> str:
    """Persian ی ک written as Arabic ي ك (what Windows-1256 stores)."""
    return text.translate(ARABIC)


def legal_id_ok(code: str) -> bool:
    step = int(code[9]) + 2
    weights = (29, 27, 23, 19, 17) * 2
    remainder = sum((int(d) + step) * w for d, w in zip(code[:10], weights)) % 11
    return (0 if remainder == 10 else remainder) == int(code[10])


def national_code_ok(code: str) -> bool:
    remainder = sum(int(code[i]) * (10 - i) for i in range(9)) % 11
    return (remainder if remainder < 2 else 11 - remainder) == int(code[9])


def csv_text(rows: Iterable[Sequence[Any]], delimiter: str = ",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def csv_bytes(rows: Iterable[Sequence[Any]], encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    return csv_text(rows, delimiter).encode(encoding)


def xlsx_bytes(rows: Iterable[Sequence[Any]], *, title: Optional[str] = None,
               empty_first_sheet: bool = False, start_row: int = 1) -> bytes:
    """An .xlsx written by openpyxl, as staff save them from Excel."""
    from openpyxl import Workbook
    book = Workbook()
    sheet = book.active
    if empty_first_sheet:
        sheet.title = "خالی"
        sheet = book.create_sheet("قراردادها")
    row_number = start_row
    if title:
        sheet.cell(row=row_number, column=1, value=title)
        row_number += 2
    for values in rows:
        for column, value in enumerate(values, start=1):
            if value is not None and value != "":
                sheet.cell(row=row_number, column=column, value=value)
        row_number += 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


CONTRACT_HEADER = ["ردیف", "شماره قرارداد", "موضوع قرارداد", "طرف قرارداد", "شناسه ملی/کد ملی",
                   "مبلغ قرارداد (میلیون ریال)", "تاریخ انعقاد", "تاریخ شروع", "تاریخ پایان",
                   "مدت (ماه)", "نحوه انتخاب پیمانکار", "نوع قرارداد", "منطقه"]

GREGORIAN_1403_12_30 = date(2025, 3, 20)

# Registers as staff send them (shared by the table, columnar and upload tests).
CONTRACT_ROWS = [
    ["1", "۱۴۰۳/۱۲۳", "نگهداری فضای سبز بوستان‌های منطقه ۲", arabic("شرکت مهندسی کیان"),
     LEGAL_ID, "۱,۲۵۰", "۱۴۰۳/۰۱/۰۵", "1403-1-5", "1403/12/30", "12", "مناقصه عمومی",
     "هزینه‌ای", "منطقه ۲"],
    ["2", "1403/124", "  خرید ۲ دستگاه خودروی آتش‌نشانی ", "شرکت پارس خودرو", fa(LEGAL_ID_2),
     "500", "2024-05-01", "1403/02/12", "1403/08/12", "۶", "استعلام بها", "هزینه ای", "ناحیه ۱"],
    ["3", "1403/125", arabic("مشاوره حقوقی"), "علی احمدی", NATIONAL_CODE_8, "12.5", "1403/3/1",
     "", "", "", "ترک تشریفات", "هزينه‌اي", ""],
]

BUDGET_HEADER = ["سال مالی", "کد ردیف", "عنوان", "منابع/مصارف", "طبقه بندی", "لایحه", "مصوب",
                 "اصلاحیه/متمم", "عملکرد", "واحد"]

BUDGET_ROWS = [
    ["۱۴۰۳", "۱-۱", "عوارض ساختمانی", "منابع", "درآمدهای ناشی از عوارض عمومی", "۵,۰۰۰,۰۰۰",
     "5500000", "", "4800000", "میلیون ریال"],
    ["1403", "1-2", "بهای خدمات", "درآمد", "", "100", "120", "130", "90", "ميليارد ريال"],
    ["سال ۱۴۰۳", "2-1", "حقوق و دستمزد", "مصارف", "هزینه‌ای", "2000000", "2100000", "2200000",
     "2150000", "میلیون ریال"],
    ["1403", "2-2", "تملک دارایی", "هزینه", "سرمایه‌ای", "3000", "3000", "", "", "تومان"],
]

PERMIT_HEADER = ["ردیف", "شماره پروانه", "نوع پروانه", "تاریخ صدور", "منطقه", "کاربری",
                 "پلاک ثبتی", "زیربنا (مترمربع)", "تعداد طبقات", "تعداد واحد", "مالک / متقاضی",
                 "کد ملی مالک", "عوارض (ریال)"]

PERMIT_ROWS = [
    ["1", "۱۲۰۳۴", "احداث بنا", "۱۴۰۳/۰۲/۱۰", "۳", "مسکونی", "۱۲۳/۴۵", "۴۵۰٫۵", "4", "8",
     "علی رضایی", NATIONAL_CODE, "۱۲,۰۰۰,۰۰۰"],
    ["2", "12035", "پایان کار", "1403/6/31", "منطقه ۴", "تجاري", "", "1200", "", "",
     "شركت آريا", "", "50000000"],
]

"""Realistic portal bytes for the harvester tests.

Rows mix Arabic ي/ك with Persian ی/ک, carry ZWNJ (هزینه‌ای) and Persian
digits (۱۴۰۳/۰۲/۱۵) in some cells, the way the portals' exports do.
"""
from __future__ import annotations

import csv
import io
import json
from typing import Any, Sequence

LEGAL_ID = "10380284790"  # design.md §3's example: passes the checksum
YAZD_HEADER = ["ردیف", "شماره قرارداد", "موضوع قرارداد", "طرف قرارداد", "شناسه ملی",
               "مبلغ نهایی (ریال)", "تاریخ انعقاد", "نحوه انتخاب پیمانکار"]
YAZD_ROWS = [
    ["1", "ق-1402-0001", "لکه‌گیری آسفالت خیابان کاشانی", "شركت راه‌سازان يزد",
     LEGAL_ID, "1500000000", "1402/05/10", "مناقصه عمومی"],
    ["2", "ق-1403-0001", "نگهداري فضای سبز بوستان غدیر", "شرکت سبزآوران کویر",
     LEGAL_ID, "۲۵۰۰۰۰۰۰۰۰", "۱۴۰۳/۰۲/۱۵", "استعلام"],
    ["3", "ق-1403-0002", "خرید لوازم هزینه‌ای", "شركت پارس", LEGAL_ID, "300000000",
     "1403/12/30", "ترک تشریفات"],
]
ARAK_HEADER = ["شماره قرارداد", "تاریخ شروع", "تاریخ پایان", "موضوع", "پیمانکار",
               "مبلغ (میلیون ریال)", "مدت (ماه)", "نحوه انتخاب پیمانکار"]
ARAK_ROWS = [
    ["1/ع/1402", "1402/11/01", "1403/04/31", "بهسازی معابر منطقه ۲", "شركت عمران اراك",
     "1200", "6", "مناقصه عمومی"],
    ["2/ع/1403", "۱۴۰۳/۰۱/۲۰", "1403/07/19", "لایروبی کانال‌ها", "شرکت آبراهه", "85", "6",
     "استعلام"],
]
PERMIT_HEADER = ["شماره پروانه", "نوع پروانه", "تاریخ صدور", "منطقه", "کاربری", "پلاک ثبتی",
                 "زیربنا (متر مربع)", "تعداد طبقات", "تعداد واحد", "مالک / متقاضی",
                 "عوارض (ریال)"]
PERMIT_ROWS = [
    ["14020100001", "احداث", "1402/03/01", "منطقه 1", "مسکونی", "1234/5", "240.5", "3", "3",
     "علي كريمي", "480000000"],
    ["14030200002", "تجدید", "1403/08/11", "منطقه 2", "تجاری", "77/12", "90", "1", "1",
     "زهرا رضایی", "150000000"],
]


def csv_bytes(header: Sequence[str], rows: Sequence[Sequence[Any]], *, delimiter: str = ",",
              encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    text = out.getvalue()
    return (fold_cp1256(text) if encoding == "cp1256" else text).encode(encoding)


_CP1256 = str.maketrans({"ی": "ي", **{chr(0x06F0 + d): str(d) for d in range(10)}})


def fold_cp1256(text: str) -> str:
    """Text as a Windows-1256 program holds it: Arabic ي, ASCII digits."""
    return text.translate(_CP1256)


def cp1256(text_rows: Sequence[Sequence[str]]) -> list[list[str]]:
    return [[fold_cp1256(cell) for cell in row] for row in text_rows]


def xlsx_bytes(rows: Sequence[Sequence[Any]], title: str = "") -> bytes:
    """An .xlsx (openpyxl) with an optional merged title row above the header."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(rows[0]))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def html_page(header: Sequence[str], rows: Sequence[Sequence[str]], css: str = "contracts",
              charset: str = "utf-8") -> bytes:
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "\n".join("<tr>" + "".join(f"<td> {c} </td>" for c in row) + "</tr>" for row in rows)
    page = (f'<!DOCTYPE html><html lang="fa" dir="rtl"><head><meta charset="{charset}">'
            "<title>سامانه عیان</title></head><body>"
            '<table class="menu"><tr><td>خانه</td><td>گزارش‌ها</td></tr></table>'
            f'<div class="grid"><table class="{css} striped"><thead><tr>{head}</tr></thead>'
            f"<tbody>\n{body}\n</tbody><tfoot><tr><td>جمع</td></tr></tfoot></table></div>"
            "</body></html>")
    return (fold_cp1256(page) if charset == "windows-1256" else page).encode(charset)


def json_bytes(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def mashhad_item(n: int, year: int = 1403) -> dict[str, Any]:
    return {"contractNo": f"{year}-01-{n:05d}", "subject": f"پروژه شماره {n} منطقه‌ی یك",
            "contractor": "شرکت توس‌سازه", "nationalId": LEGAL_ID, "amountToman": 1000 * n,
            "signDate": f"{year}/02/{(n % 28) + 1:02d}", "method": "مناقصه عمومی"}

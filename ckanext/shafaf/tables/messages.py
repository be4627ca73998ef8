"""Bilingual messages of the table validator, by machine code.

Staff read the Persian message next to the cell they must fix; developers,
tests and the API match the code. Domain rules (IDs, dates, amounts) bring
their own messages through DomainError, so only the table-level rules are
worded here, once.
"""
from __future__ import annotations

from typing import Any

# code -> (Persian template, English template); str.format fields by name.
MESSAGES: dict[str, tuple[str, str]] = {
    # file level
    "file_empty": ("فایل خالی است.", "The file is empty."),
    "file_unreadable": ("فایل خوانده نشد: {detail}", "The file could not be read: {detail}"),
    "not_a_table": (
        "این فایل جدول نیست ({detail}). فایل CSV یا Excel (xlsx) بارگذاری کنید.",
        "This file is not a table ({detail}). Upload a CSV or Excel (xlsx) file."),
    "html_table": (
        "این فایل صفحه HTML است، نه جدول؛ آن را در Excel باز کنید و به‌صورت xlsx ذخیره کنید.",
        "This file is an HTML page, not a spreadsheet; open it in Excel and save it as xlsx."),
    "encoding_unknown": (
        "کدگذاری نویسه‌های فایل تشخیص داده نشد؛ فایل را با UTF-8 ذخیره کنید.",
        "The character encoding could not be detected; save the file as UTF-8."),
    "decode_failed": (
        "خط {line} با کدگذاری {encoding} خوانده نشد؛ خواندن فایل متوقف شد.",
        "Line {line} cannot be decoded as {encoding}; reading stopped there."),
    "csv_malformed": (
        "ساختار CSV در خط {line} خراب است: {detail}",
        "The CSV is malformed at line {line}: {detail}"),
    "xlsx_unreadable": (
        "فایل Excel خراب یا ناقص است: {detail}",
        "The Excel file is damaged or truncated: {detail}"),
    "no_data_rows": (
        "فایل هیچ سطر داده‌ای ندارد.", "The file has a header but no data rows."),
    "missing_column": (
        "ستون اجباری «{title}» در فایل نیست.",
        "The required column '{title}' ({field}) is missing."),
    "duplicate_column": (
        "ستون «{column}» همان «{title}» است که پیش‌تر در ستون «{first}» آمده.",
        "Column '{column}' is '{title}' again (already in column '{first}')."),
    # warnings
    "unknown_column": (
        "ستون «{column}» شناخته نشد و بارگذاری نمی‌شود.",
        "Column '{column}' is not part of the schema and is not loaded."),
    "personal_column_dropped": (
        "ستون «{column}» اطلاعات شخصی است و منتشر نمی‌شود.",
        "Column '{column}' holds personal data and is not published."),
    "title_rows_skipped": (
        "{count} سطر پیش از سطر عنوان (خط {line}) نادیده گرفته شد.",
        "{count} row(s) above the header row (line {line}) were skipped."),
    "total_row_skipped": (
        "سطر جمع در خط {line} داده نیست و نادیده گرفته شد.",
        "The totals row at line {line} is not data and was skipped."),
    "encoding_unusual": (
        "کدگذاری فایل {encoding} تشخیص داده شد؛ اگر متن درست نیست فایل را با UTF-8 ذخیره کنید.",
        "The file encoding was detected as {encoding}; if the text looks wrong, save it as UTF-8."),
    "person_id_redacted": (
        "کد ملی اشخاص حقیقی در {count} سطر بررسی شد ولی منتشر نمی‌شود.",
        "A person's national code in {count} row(s) was checked but is not published."),
    "optional_column_missing": (
        "ستون «{title}» در فایل نیست (اختیاری).",
        "Optional column '{title}' ({field}) is not in the file."),
    # checking an uploaded resource (ckanext/shafaf/uploads)
    "file_missing": (
        "پرونده بارگذاری‌شده این منبع در انبار پرونده‌ها پیدا نشد؛ آن را دوباره بارگذاری کنید.",
        "The uploaded file of this resource is not in the file store; upload it again."),
    "datastore_failed": (
        "پرونده معتبر است ولی بارگذاری ردیف‌ها در DataStore شکست خورد: {detail}",
        "The file is valid but loading its rows into the DataStore failed: {detail}"),
    # row level
    "required": (
        "ستون «{column}» در این سطر خالی است.",
        "Column '{column}' is required but empty in this row."),
    "encoding": (
        "این سطر نویسه‌های ناخوانا دارد (کدگذاری متفاوت با بقیه فایل).",
        "This line has bytes that are not valid {encoding} (mixed encodings?)."),
    "extra_cells": (
        "این سطر {count} خانه بیش از ستون‌های سطر عنوان دارد.",
        "This row has {count} more cell(s) than the header row."),
    "too_long": (
        "متن «{column}» بیش از {limit} نویسه است.",
        "The text in '{column}' is longer than {limit} characters."),
    "not_integer": (
        "مقدار «{value}» عدد صحیح نیست.", "'{value}' is not a whole number."),
    "not_number": (
        "مقدار «{value}» عدد نیست.", "'{value}' is not a number."),
    "below_minimum": (
        "مقدار «{value}» کمتر از {limit} است.", "'{value}' is less than {limit}."),
    "above_maximum": (
        "مقدار «{value}» بیشتر از {limit} است.", "'{value}' is more than {limit}."),
    "not_in_enum": (
        "مقدار «{value}» مجاز نیست؛ مقادیر مجاز: {allowed}.",
        "'{value}' is not allowed; allowed values: {allowed}."),
    "unit_conflict": (
        "واحد «{value}» با واحد عنوان ستون «{column}» ({header_unit}) نمی‌خواند.",
        "Unit '{value}' contradicts the unit in the header of '{column}' ({header_unit})."),
    "date_order": (
        "«{column}» ({value}) پیش از «{other}» ({other_value}) است.",
        "'{column}' ({value}) is before '{other}' ({other_value})."),
}


def message(code: str, **params: Any) -> tuple[str, str]:
    """(fa, en) text of `code`; unknown codes fall back to the code itself."""
    fa, en = MESSAGES.get(code, (code, code))
    return fa.format(**params), en.format(**params)


def issue(code: str, **params: Any) -> dict[str, Any]:
    """A file-level error or warning as a JSON-ready dict."""
    fa, en = message(code, **params)
    return {"code": code, "message_fa": fa, "message_en": en, **params}

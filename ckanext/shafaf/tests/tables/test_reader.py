"""Reading uploads: encodings, delimiters, spreadsheets, and broken files.

Every broken file ends as a file-level error in Persian and English; none
raises.
"""
from __future__ import annotations

import codecs
import io

import pytest

from ckanext.shafaf.tables.reader import RowBatch, TableSource, detect_encoding, open_table
from ckanext.shafaf.tests.tables.helpers import arabic, csv_bytes, write, xlsx_bytes

ROWS = [["شماره قرارداد", "موضوع قرارداد", "پیمانکار"],
        ["۱۲۳", "نگهداری فضای سبز بوستان‌ها", "شرکت کیان"],
        ["124", "خرید ۲ دستگاه خودرو", "شرکت پارس"]]


@pytest.fixture(autouse=True)
def shafaf_plugin_loaded():
    """Pure Python tests: skip the root conftest's plugin loading."""
    yield


def read(table: TableSource) -> tuple[list[int], list[list[str]], set[int]]:
    lines: list[int] = []
    cells: list[list[str]] = []
    bad: set[int] = set()
    for batch in table.rows:
        assert isinstance(batch, RowBatch)
        bad |= {len(cells) + p for p in batch.bad}
        lines += batch.lines
        cells += batch.cells
    return lines, cells, bad


@pytest.mark.parametrize("encoding, expected", [
    ("utf-8", "utf_8"),
    ("utf-8-sig", "utf_8_sig"),
    ("utf-16", "utf_16"),
])
def test_unicode_encodings(encoding, expected):
    table = open_table(csv_bytes(ROWS, encoding))
    assert (table.format, table.encoding, table.errors) == ("csv", expected, [])
    assert read(table) == ([1, 2, 3], ROWS, set())


def cp1256_rows() -> list[list[str]]:
    """ROWS as Windows-1256 can hold them: Arabic ي, ASCII digits (ZWNJ and ک exist)."""
    return [[arabic(c).translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")) for c in row]
            for row in ROWS]


def test_windows_1256_with_arabic_letters():
    rows = cp1256_rows()
    table = open_table(csv_bytes(rows, "cp1256"))
    assert table.encoding == "cp1256" and table.errors == []
    assert read(table)[1] == rows
    assert rows[1][1] == "نگهداري فضاي سبز بوستان‌ها"


def test_utf_16_without_bom():
    data = csv_bytes(ROWS, "utf-16-le")
    table = open_table(data)
    assert table.encoding.startswith("utf_16")
    assert read(table)[1] == ROWS


def test_utf_16_without_bom_or_non_ascii_bytes():
    rows = [["شماره", "موضوع"], ["1", "پل"], ["2", "شهر"]]  # every UTF-16 byte < 0x80
    data = csv_bytes(rows, "utf-16-le")
    assert data.isascii()
    table = open_table(data)
    assert table.encoding == "utf_16_le"
    assert read(table)[1] == rows


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiters(delimiter):
    rows = ROWS + [["125", "لایروبی کانال، جوی و نهر", "موسسه کوثر"]]  # an Arabic comma in text
    table = open_table(csv_bytes(rows, delimiter=delimiter))
    assert table.delimiter == delimiter
    assert read(table)[1] == rows


def test_semicolon_with_commas_inside_quoted_text():
    data = ("شماره;موضوع;مبلغ\r\n"
            '1;"خرید، نصب و راه‌اندازی, پمپ";"1,250,000"\r\n'
            '2;"آسفالت";"2,000"\r\n').encode()
    table = open_table(data)
    assert table.delimiter == ";"
    assert read(table)[1][1] == ["1", "خرید، نصب و راه‌اندازی, پمپ", "1,250,000"]


def test_line_numbers_skip_blank_rows_and_count_quoted_line_breaks():
    data = ("a,b\r\n"
            "\r\n"
            "1,\"two\r\nlines\"\r\n"
            ",\r\n"
            "3,x\r\n").encode()
    lines, cells, _ = read(open_table(data))
    assert lines == [1, 3, 6]
    assert cells[1] == ["1", "two\r\nlines"]


def test_line_numbers_across_batches(monkeypatch):
    monkeypatch.setattr("ckanext.shafaf.tables.reader.BATCH", 2)
    data = "h,i\n1,a\n\n2,\"b\nc\"\n3,d\n4,e\n".encode()
    lines, cells, _ = read(open_table(data))
    assert lines == [1, 2, 4, 6, 7]
    assert [c[0] for c in cells] == ["h", "1", "2", "3", "4"]


def test_undecodable_line_in_utf8_file_is_marked():
    data = (csv_bytes(ROWS) + arabic("125,بازسازی,شرکت نوین\r\n").encode("cp1256")
            + "126,a,b\r\n".encode())
    table = open_table(data)
    assert table.encoding == "utf_8"
    lines, cells, bad = read(table)
    assert bad == {3} and lines[3] == 4
    assert "\ufffd" in cells[3][1] and cells[4] == ["126", "a", "b"]
    assert table.bad_lines == {4}


def test_utf8_line_in_windows_1256_file_is_marked():
    data = csv_bytes(cp1256_rows()[:2], "cp1256") * 40 + "2,بازسازی,شرکت نوین\r\n".encode("utf-8")
    table = open_table(data)
    assert table.encoding == "cp1256"
    _, cells, bad = read(table)
    assert bad == {80} and len(cells) == 81


@pytest.mark.parametrize("data", [b"", b"   \r\n\r\n", codecs.BOM_UTF8, codecs.BOM_UTF8 + b"\n\n"])
def test_empty_files(data):
    table = open_table(data)
    assert [e["code"] for e in table.errors] == ["file_empty"]
    assert table.errors[0]["message_fa"] == "فایل خالی است."
    assert read(table)[1] == []


@pytest.mark.parametrize("data, detail", [
    (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
    (b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "gzip archive"),
])
def test_binary_files_are_not_tables(data, detail):
    table = open_table(data)
    (error,) = table.errors
    assert (error["code"], error["detail"]) == ("not_a_table", detail)
    assert "CSV" in error["message_fa"] and "not a table" in error["message_en"]


def test_random_bytes_do_not_raise():
    data = bytes(range(256)) * 64
    table = open_table(data)
    read(table)
    assert table.errors or table.encoding


def test_html_saved_as_xls():
    data = "<html><body><table><tr><td>شماره</td></tr></table></body></html>".encode()
    table = open_table(data)
    assert [e["code"] for e in table.errors] == ["html_table"]


def test_missing_file():
    table = open_table("/nonexistent/contracts.csv")
    assert [e["code"] for e in table.errors] == ["file_unreadable"]


def test_path_and_file_object(tmp_path):
    path = write(tmp_path, "c.csv", csv_bytes(ROWS))
    assert read(open_table(path))[1] == ROWS
    assert read(open_table(str(path)))[1] == ROWS
    with open(path, "rb") as f:
        assert read(open_table(f))[1] == ROWS
    assert read(open_table(io.BytesIO(csv_bytes(ROWS))))[1] == ROWS


def test_detect_encoding():
    assert detect_encoding("سلام,دنیا\n".encode()) == "utf_8"
    assert detect_encoding(codecs.BOM_UTF8 + b"a") == "utf_8_sig"
    assert detect_encoding(arabic("شماره قرارداد,موضوع,پیمانکار\n").encode("cp1256") * 5) == "cp1256"


def test_xlsx_first_non_empty_sheet_and_sheet_rows():
    data = xlsx_bytes(ROWS, empty_first_sheet=True, start_row=3)
    table = open_table(data)
    assert (table.format, table.sheet, table.errors) == ("xlsx", "قراردادها", [])
    assert read(table) == ([3, 4, 5], ROWS, set())


def test_xlsx_cell_types_become_text():
    from datetime import date, datetime
    rows = [["شماره", "مبلغ", "تاریخ", "شناسه", "کسر", "تایید"],
            [12, 1250000000, date(2025, 3, 20), 10380284790, 12.5, True],
            ["۱۳", 7.0, datetime(2024, 3, 20, 10, 30), "0013542419", 0.1, False]]
    _, cells, _ = read(open_table(xlsx_bytes(rows)))
    assert cells[1] == ["12", "1250000000", "2025-03-20", "10380284790", "12.5", "true"]
    assert cells[2] == ["۱۳", "7", "2024-03-20", "0013542419", "0.1", "false"]


def test_truncated_xlsx():
    data = xlsx_bytes(ROWS)
    table = open_table(data[: len(data) // 2])
    (error,) = table.errors
    assert error["code"] == "xlsx_unreadable"
    assert error["message_fa"].startswith("فایل Excel خراب یا ناقص است")


def test_zip_that_is_not_a_workbook():
    buffer = io.BytesIO()
    import zipfile
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    table = open_table(buffer.getvalue())
    assert [e["code"] for e in table.errors] == ["xlsx_unreadable"]


def test_empty_xlsx():
    table = open_table(xlsx_bytes([]))
    assert [e["code"] for e in table.errors] == ["file_empty"]

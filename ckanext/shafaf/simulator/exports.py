"""Writers for the file formats portals export: CSV, XLSX and HTML tables.

Stdlib only: the XLSX writer is a minimal SpreadsheetML package (shared
strings, one right-to-left sheet) that Excel, LibreOffice and
python-calamine open, so the simulator needs no spreadsheet library at
run time.
"""
from __future__ import annotations

import csv
import html
import io
import zipfile
from typing import Callable, Iterable, Optional, Sequence, Union
from xml.sax.saxutils import escape

Cell = Union[str, int, float, None]
_CP1256_FIXES = str.maketrans({**{chr(0x06F0 + d): str(d) for d in range(10)},
                               **{chr(0x0660 + d): str(d) for d in range(10)},
                               "ی": "ي", "\u066c": ",", "\u066b": ".", "\u00a0": " "})


def cp1256_text(text: str) -> str:
    """Text as a Windows-1256 program writes it: Arabic ي, ASCII digits.

    Windows-1256 has neither Persian ی (U+06CC) nor Persian digits, so real
    cp1256 exports carry ي and 0-9 instead.
    """
    return text.translate(_CP1256_FIXES)


def _same(text: str) -> str:
    return text


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Cell]], *, delimiter: str = ",",
              encoding: str = "utf-8-sig") -> bytes:
    """A CSV file; encoding "cp1256" first folds each cell into that code page."""
    cp1256 = encoding.replace("-", "").replace("_", "").lower() in ("cp1256", "windows1256")
    fold: Callable[[str], str] = cp1256_text if cp1256 else _same
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([fold(h) for h in header])
    for row in rows:
        writer.writerow(["" if cell is None else fold(str(cell)) for cell in row])
    return buffer.getvalue().encode("cp1256" if cp1256 else encoding)


def html_table(title: str, header: Sequence[str], rows: Iterable[Sequence[Cell]],
               css_class: str = "contracts") -> bytes:
    """An RTL HTML page holding one `<table class=…>` with a `<thead>`."""
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "\n".join(
        "<tr>" + "".join(f"<td>{html.escape('' if c is None else str(c))}</td>" for c in row)
        + "</tr>" for row in rows)
    page = (
        '<!DOCTYPE html>\n<html lang="fa" dir="rtl"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head><body>\n<h1>{html.escape(title)}</h1>\n"
        '<div class="grid"><table class="' + css_class + '">\n'
        f"<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody></table></div>\n"
        '<p class="footer">سامانه شفافیت شهرداری</p></body></html>\n')
    return page.encode("utf-8")


_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_OFFICE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_PACKAGE_NS = "http://schemas.openxmlformats.org/package/2006"
_REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _override(part: str, kind: str) -> str:
    return f'<Override PartName="{part}" ContentType="{_OFFICE}.{kind}+xml"/>'


def _relationships(*targets: tuple[str, str]) -> str:
    """A .rels part: (relationship type, target) numbered rId1, rId2, …"""
    items = "".join(f'<Relationship Id="rId{n}" Type="{_REL_TYPE}/{kind}" Target="{target}"/>'
                    for n, (kind, target) in enumerate(targets, start=1))
    return f'{_XML}<Relationships xmlns="{_PACKAGE_NS}/relationships">{items}</Relationships>'


_CONTENT_TYPES = (
    f'{_XML}<Types xmlns="{_PACKAGE_NS}/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    + _override("/xl/workbook.xml", "sheet.main")
    + _override("/xl/worksheets/sheet1.xml", "worksheet")
    + _override("/xl/sharedStrings.xml", "sharedStrings")
    + _override("/xl/styles.xml", "styles") + "</Types>")
_ROOT_RELS = _relationships(("officeDocument", "xl/workbook.xml"))
_WORKBOOK_RELS = _relationships(("worksheet", "worksheets/sheet1.xml"),
                                ("sharedStrings", "sharedStrings.xml"), ("styles", "styles.xml"))
_STYLES = (
    _XML +
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="1"><font><sz val="11"/><name val="Tahoma"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    "</styleSheet>")
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _sheet_xml(rows: Sequence[Sequence[Cell]], strings: dict[str, int]) -> str:
    lines = []
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(row):
            ref = f"{_column_letter(c)}{r}"
            if value is None or value == "":
                continue
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                cells.append(f'<c r="{ref}"><v>{value!r}</v></c>')
            else:
                number = strings.setdefault(str(value), len(strings))
                cells.append(f'<c r="{ref}" t="s"><v>{number}</v></c>')
        lines.append(f'<row r="{r}">{"".join(cells)}</row>')
    return (f'{_XML}<worksheet {_NS}>'
            '<sheetViews><sheetView rightToLeft="1" workbookViewId="0"/></sheetViews>'
            f'<sheetData>{"".join(lines)}</sheetData></worksheet>')


def xlsx_bytes(rows: Sequence[Sequence[Cell]], sheet_name: str = "Sheet1",
               merge_title: Optional[int] = None) -> bytes:
    """An .xlsx file with one sheet holding `rows` (numbers stay numbers)."""
    strings: dict[str, int] = {}
    sheet = _sheet_xml(rows, strings)
    if merge_title:
        sheet = sheet.replace(
            "</sheetData>", f'</sheetData><mergeCells count="1"><mergeCell '
            f'ref="A1:{_column_letter(merge_title - 1)}1"/></mergeCells>')
    shared = "".join(f'<si><t xml:space="preserve">{escape(text)}</t></si>' for text in strings)
    name = escape(sheet_name, {'"': "&quot;"})
    workbook = (f'{_XML}<workbook {_NS} {_REL_NS}>'
                f'<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", _STYLES)
        archive.writestr("xl/sharedStrings.xml",
                         f'{_XML}<sst {_NS} '
                         f'count="{len(strings)}" uniqueCount="{len(strings)}">{shared}</sst>')
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()

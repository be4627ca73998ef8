"""Reading staff uploads (CSV in any common encoding, XLSX/XLS/ODS) as rows.

Municipal files arrive as UTF-8 with or without BOM, Windows-1256 from old
Excel installs, UTF-16 from "Unicode text" exports, separated by `,` `;`
tab or `|`, sometimes as an HTML page renamed .xls. Every such case ends
as rows or as a file-level error in Persian and English: nothing raised by
a codec, the csv module or the spreadsheet library escapes from here.

CSV is read in 1 MiB blocks decoded at once and split by C code
(io.StringIO + csv.reader), so memory stays flat and the Python work per
line is nil; a block that fails to decode is redone line by line so the
bad lines can be reported and the rest kept.
"""
from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, BinaryIO, Iterator, Optional, Union

from charset_normalizer import from_bytes

from ckanext.shafaf.tables.messages import issue

Source = Union[str, Path, bytes, BinaryIO]


@dataclass
class RowBatch:
    """Consecutive non-empty rows: their cells, start lines, undecodable ones."""

    lines: list[int]
    cells: list[list[str]]
    bad: set[int] = field(default_factory=set)  # positions with undecodable bytes


BATCH = 1024
BLOCK = 1 << 20
SAMPLE = 64 * 1024
SNIFF_LINES = 30
DELIMITERS = ",;\t|"
UTF16_32 = ("utf_16", "utf_16_le", "utf_16_be", "utf_32", "utf_32_le", "utf_32_be")
EXPECTED_ENCODINGS = ("utf_8", "cp1256", "ascii", *UTF16_32)
_BOMS = ((codecs.BOM_UTF32_LE, "utf_32"), (codecs.BOM_UTF32_BE, "utf_32"),
         (codecs.BOM_UTF8, "utf_8_sig"), (codecs.BOM_UTF16_LE, "utf_16"),
         (codecs.BOM_UTF16_BE, "utf_16"))
_MAGIC = ((b"%PDF", "PDF"), (b"\x89PNG", "PNG image"), (b"\xff\xd8\xff", "JPEG image"),
          (b"GIF8", "GIF image"), (b"Rar!", "RAR archive"), (b"\x1f\x8b", "gzip archive"),
          (b"7z\xbc\xaf", "7z archive"))
_SPREADSHEET_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
# Two UTF-8 encoded Arabic-script letters in a row: in a file read as
# Windows-1256 (which decodes every byte) this is a line saved as UTF-8.
_UTF8_ARABIC = re.compile(rb"[\xd8-\xdb][\x80-\xbf][\xd8-\xdb][\x80-\xbf]")


@dataclass
class TableSource:
    """An opened table: how it was read, its rows, and what went wrong.

    `rows` yields batches of non-empty rows. `errors` and `bad_lines` may
    grow while `rows` is consumed (a decode or CSV fault found mid-file).
    """

    format: str
    encoding: Optional[str] = None
    delimiter: Optional[str] = None
    sheet: Optional[str] = None
    rows: Iterator[RowBatch] = field(default_factory=lambda: iter(()))
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    bad_lines: set[int] = field(default_factory=set)
    stream: Optional[BinaryIO] = None  # closed by close() when we opened it

    def close(self) -> None:
        if self.stream is not None:
            self.stream.close()
            self.stream = None


def open_table(source: Source) -> TableSource:
    """Open a path, bytes or binary file object; never raises."""
    stream: Optional[BinaryIO] = None
    try:
        stream = _binary(source)
        origin = stream.tell()
        head = stream.read(SAMPLE)
        stream.seek(origin)
        table = _open_stream(stream, head)
    except Exception as exc:  # last line of defence: report, never crash an upload
        detail = str(exc) or repr(exc)
        table = TableSource("unknown", errors=[issue("file_unreadable", detail=detail)])
    if isinstance(source, (str, Path)) and stream is not None:
        if table.format == "csv" and not table.errors:
            table.stream = stream
        else:
            stream.close()
    return table


def _binary(source: Source) -> BinaryIO:
    if isinstance(source, (str, Path)):
        return open(source, "rb")
    if isinstance(source, (bytes, bytearray)):
        return io.BytesIO(bytes(source))
    return seekable(source)


def seekable(stream: BinaryIO) -> BinaryIO:
    """`stream` itself if it can seek, else its content spooled to a temporary file.

    Sniffing needs to look at the start twice, and validate_file reads a
    file twice; an upload stream that cannot seek is copied once (in memory
    up to 8 MiB, on disk beyond).
    """
    if getattr(stream, "seekable", lambda: False)():
        return stream
    spool = tempfile.SpooledTemporaryFile(max_size=8 << 20)
    while chunk := stream.read(1 << 20):
        spool.write(chunk)
    spool.seek(0)
    return spool  # type: ignore[return-value]


def _open_stream(stream: BinaryIO, head: bytes) -> TableSource:
    if not head.strip(b" \t\r\n" + codecs.BOM_UTF8):
        return TableSource("unknown", errors=[issue("file_empty")])
    if head.startswith(_SPREADSHEET_MAGIC):
        return _open_spreadsheet(stream)
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return TableSource("unknown", errors=[issue("not_a_table", detail=kind)])
    encoding = detect_encoding(head)
    if encoding is None:
        return TableSource("csv", errors=[issue("encoding_unknown")])
    text = head.decode(encoding, errors="replace")
    lowered = text.lstrip("\ufeff \t\r\n")[:2048].lower()
    if lowered.startswith("<") and any(tag in lowered for tag in ("<html", "<table", "<!doctype")):
        return TableSource("html", encoding=encoding, errors=[issue("html_table")])
    if not text.strip("\ufeff \t\r\n"):
        return TableSource("csv", encoding=encoding, errors=[issue("file_empty")])
    return _open_csv(stream, encoding, text)


def detect_encoding(head: bytes) -> Optional[str]:
    """BOM, UTF-16/32 by their NULs, UTF-8, then charset-normalizer.

    Only the sample is examined; a later line in another encoding is found
    while reading and reported against its line. Persian in UTF-16 without
    a BOM is mostly bytes below 0x80 and would pass for UTF-8 full of NULs,
    hence the NUL test first.
    """
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    if head.count(b"\x00") * 10 > len(head):
        best = from_bytes(head, cp_isolation=list(UTF16_32)).best()
        return best.encoding if best is not None else None
    try:
        codecs.getincrementaldecoder("utf_8")().decode(head, final=len(head) < SAMPLE)
        return "utf_8"
    except UnicodeDecodeError:
        pass
    if _mostly_utf8(head):
        return "utf_8"  # a few pasted lines in another encoding: reported per line
    best = from_bytes(head).best()
    return best.encoding if best is not None else None


def _mostly_utf8(head: bytes) -> bool:
    """Most of the sample's non-ASCII lines are valid UTF-8."""
    lines = head.split(b"\n")
    if len(head) >= SAMPLE:
        lines = lines[:-1]  # may be cut inside a character
    wide = [line for line in lines if not line.isascii()]
    good = sum(1 for line in wide if _is_utf8(line))
    return bool(wide) and good * 2 > len(wide)


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf_8")
        return True
    except UnicodeDecodeError:
        return False


def _open_csv(stream: BinaryIO, encoding: str, sample: str) -> TableSource:
    table = TableSource("csv", encoding=encoding, delimiter=sniff_delimiter(sample))
    if encoding not in EXPECTED_ENCODINGS and encoding != "utf_8_sig":
        table.warnings.append(issue("encoding_unusual", encoding=encoding))
    if encoding == "utf_8_sig":
        stream.seek(stream.tell() + len(codecs.BOM_UTF8))
        encoding = "utf_8"
    blocks = (_wide_blocks if encoding in UTF16_32 else _byte_blocks)(stream, encoding, table)
    table.rows = _csv_rows(itertools.chain.from_iterable(blocks), table)
    return table


def sniff_delimiter(sample: str) -> str:
    """The delimiter of the sample: csv.Sniffer, checked against the header.

    Sniffer is confused by commas inside quoted Persian text, so its answer
    is kept only if it splits the first line into more than one column;
    otherwise the candidate that splits the most lines consistently wins.
    """
    lines = [line for line in sample.splitlines()[:SNIFF_LINES + 1] if line.strip()]
    if len(lines) > 1 and not sample.endswith(("\n", "\r")):
        lines = lines[:-1]  # the sample may end inside a line
    lines = lines[:SNIFF_LINES]
    if not lines:
        return ","
    try:
        found = csv.Sniffer().sniff("\n".join(lines), delimiters=DELIMITERS).delimiter
    except csv.Error:
        found = None
    if found and len(next(csv.reader([lines[0]], delimiter=found))) > 1:
        return found

    def score(delim: str) -> tuple[int, int]:
        counts = [len(cells) for cells in csv.reader(lines, delimiter=delim)]
        return sum(c == counts[0] for c in counts) * (counts[0] > 1), counts[0]
    return max(DELIMITERS, key=score)


def _byte_blocks(stream: BinaryIO, encoding: str, table: TableSource) -> Iterator[IO[str]]:
    """Decoded blocks, cut at line ends, for ASCII-compatible encodings."""
    carry, lines_before = b"", 0
    while True:
        block = stream.read(BLOCK)
        data = carry + block
        cut = len(data) if not block else data.rfind(b"\n") + 1
        piece, carry = data[:cut], data[cut:]
        if piece:
            yield io.StringIO(_decode_piece(piece, encoding, lines_before, table), newline="")
            lines_before += piece.count(b"\n")
        if not block:
            return


def _decode_piece(piece: bytes, encoding: str, lines_before: int, table: TableSource) -> str:
    """A block of whole lines as text; lines that do not decode are noted."""
    try:
        text = piece.decode(encoding)
        if encoding != "cp1256" or not _UTF8_ARABIC.search(piece):
            return text
    except UnicodeDecodeError:
        pass
    out = []
    for number, line in enumerate(piece.split(b"\n"), start=lines_before + 1):
        if not _line_decodes(line, encoding):
            table.bad_lines.add(number)
        out.append(line.decode(encoding, errors="replace"))
    return "\n".join(out)


def _line_decodes(line: bytes, encoding: str) -> bool:
    try:
        line.decode(encoding)
    except UnicodeDecodeError:
        return False
    if encoding == "cp1256" and _UTF8_ARABIC.search(line):
        # Windows-1256 decodes any byte: a UTF-8 line pasted into the file
        # would pass as gibberish, so a line that is valid UTF-8 is bad here.
        try:
            line.decode("utf_8")
            return False
        except UnicodeDecodeError:
            return True
    return True


def _wide_blocks(stream: BinaryIO, encoding: str, table: TableSource) -> Iterator[IO[str]]:
    """Decoded blocks for UTF-16/32, where a line end is not one byte."""
    decoder = codecs.getincrementaldecoder(encoding)()
    carry, lines_before = "", 0
    while True:
        block = stream.read(BLOCK)
        try:
            text = carry + decoder.decode(block, final=not block)
        except UnicodeDecodeError:
            table.errors.append(issue("decode_failed", line=lines_before + carry.count("\n") + 1,
                                      encoding=encoding))
            return
        cut = len(text) if not block else text.rfind("\n") + 1
        carry = text[cut:]
        if cut:
            yield io.StringIO(text[:cut], newline="")
            lines_before += text.count("\n", 0, cut)
        if not block:
            return


def _csv_rows(lines: Iterator[str], table: TableSource) -> Iterator[RowBatch]:
    """Batches of non-empty CSV records with the line each starts on.

    Records are pulled BATCH at a time by C code (islice over csv.reader);
    when a batch spans exactly as many lines as it has records (no quoted
    line breaks) its line numbers are a range, else they are counted.
    """
    reader = csv.reader(lines, delimiter=table.delimiter or ",")
    previous = 0
    try:
        while rows := list(itertools.islice(reader, BATCH)):
            first, previous = previous + 1, reader.line_num
            starts = (list(range(first, previous + 1)) if previous - first + 1 == len(rows)
                      else _start_lines(rows, first))
            batch = _batch(rows, starts, previous, table.bad_lines)
            if batch.cells:
                yield batch
    except csv.Error as exc:
        table.errors.append(issue("csv_malformed", line=reader.line_num, detail=str(exc)))


def _start_lines(rows: list[list[str]], first: int) -> list[int]:
    """The line each record starts on, counting line breaks inside quoted cells."""
    starts, line = [], first
    for cells in rows:
        starts.append(line)
        line += 1 + sum(c.count("\n") + c.count("\r") - c.count("\r\n")
                        for c in cells if "\n" in c or "\r" in c)
    return starts


def _batch(rows: list[list[str]], starts: list[int], last: int, bad_lines: set[int]) -> RowBatch:
    """Drop blank records; mark those touching an undecodable line."""
    bad: set[int] = set()
    if bad_lines and any(starts[0] <= n <= last for n in bad_lines):
        ends = starts[1:] + [last + 1]
        bad = {i for i, (a, b) in enumerate(zip(starts, ends))
               if any(a <= n < max(b, a + 1) for n in bad_lines)}
    if all(map(any, rows)):
        return RowBatch(starts, rows, bad)
    keep = [i for i, cells in enumerate(rows) if any(cells)]
    position = {old: new for new, old in enumerate(keep)}
    return RowBatch([starts[i] for i in keep], [rows[i] for i in keep],
                    {position[i] for i in bad if i in position})


def _open_spreadsheet(stream: BinaryIO) -> TableSource:
    """First visible, non-empty sheet of an XLSX/XLS/ODS workbook."""
    try:
        from python_calamine import CalamineError, CalamineWorkbook, SheetVisibleEnum
    except ImportError:  # pinned in requirements.txt; keep the report bilingual anyway
        detail = "python-calamine is not installed"
        return TableSource("xlsx", errors=[issue("xlsx_unreadable", detail=detail)])
    try:
        book = CalamineWorkbook.from_filelike(stream)
        order = sorted(range(len(book.sheet_names)),
                       key=lambda i: book.sheets_metadata[i].visible != SheetVisibleEnum.Visible)
        for position in order:
            sheet = book.get_sheet_by_index(position)
            if sheet.start is not None:
                return TableSource("xlsx", sheet=sheet.name, rows=_sheet_rows(sheet.iter_rows()))
    except (CalamineError, ValueError, OSError) as exc:
        detail = str(exc) or type(exc).__name__
        return TableSource("xlsx", errors=[issue("xlsx_unreadable", detail=detail)])
    return TableSource("xlsx", errors=[issue("file_empty")])


def _sheet_rows(rows: Iterator[list[Any]]) -> Iterator[RowBatch]:
    """Batches of non-empty sheet rows as text; calamine starts at sheet row 1."""
    batch = RowBatch([], [])
    for number, values in enumerate(rows, start=1):
        cells = [_cell_text(value) for value in values]
        if any(cells):
            batch.cells.append(cells)
            batch.lines.append(number)
            if len(batch.cells) == BATCH:
                yield batch
                batch = RowBatch([], [])
    if batch.cells:
        yield batch


def _cell_text(value: Any) -> str:
    """A spreadsheet value as the text a CSV of the same sheet would hold."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)

"""Rows of a table on an HTML page (Arak's "Ayan" portal publishes contracts so).

lxml parses the page; the table is picked by a simple CSS selector (tag,
.class, #id and descendant steps: the cssselect package is not a
dependency) or by its position. Headers come from <thead> (or a first row
of <th>), cells are td/th text with the surrounding spaces stripped and
nothing else touched. The page is held in memory: it is bounded by the
download's max_bytes.
"""
from __future__ import annotations

import re
from typing import Iterator, Optional, Protocol

import lxml.etree
import lxml.html

from ckanext.shafaf.tables.reader import UTF16_32, detect_encoding

_STEP = re.compile(r"^([A-Za-z][\w-]*|\*)?((?:[.#][\w-]+)*)$")
_PART = re.compile(r"([.#])([\w-]+)")
_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([\w-]+)", re.I)


class TableChoice(Protocol):
    """Which table: profiles.HtmlSpec (not imported: profiles imports this module)."""

    @property
    def table(self) -> Optional[str]: ...

    @property
    def index(self) -> int: ...


def css_xpath(selector: str) -> str:
    """XPath of a simple CSS selector ("table.contracts", "#main table"); ValueError otherwise."""
    steps = []
    for part in selector.split():
        match = _STEP.match(part)
        if not match or not (match[1] or match[2]):
            raise ValueError(f"unsupported CSS selector step {part!r} "
                             "(use tag, .class, #id and spaces)")
        tests = []
        for kind, value in _PART.findall(match[2] or ""):
            if kind == ".":
                tests.append(f"contains(concat(' ', normalize-space(@class), ' '), ' {value} ')")
            else:
                tests.append(f"@id='{value}'")
        steps.append((match[1] or "*").lower() + "".join(f"[{test}]" for test in tests))
    if not steps:
        raise ValueError("empty CSS selector")
    return "//" + "//".join(steps)


def html_rows(data: bytes, choice: Optional[TableChoice], url: str) -> Iterator[dict[str, str]]:
    """Records {header: cell text} of the chosen table; SourceFault when there is none."""
    from ckanext.shafaf.harvesters.portal_fetch import SourceFault

    try:
        page = lxml.html.document_fromstring(_decode(data))
    except (lxml.etree.ParserError, ValueError) as exc:
        raise SourceFault("not_a_table", url, detail=f"HTML: {exc}") from None
    table = _pick(page, choice)
    if table is None:
        raise SourceFault("not_a_table", url, detail="no matching <table> on the page")
    rows = table.xpath("./tr|./thead/tr|./tbody/tr")
    header_row = next(iter(table.xpath("./thead/tr[./th or ./td]")), None)
    if header_row is None:
        header_row = next((row for row in rows if row.xpath("./th")), rows[0] if rows else None)
    if header_row is None:
        raise SourceFault("not_a_table", url, detail="the table has no rows")
    header = unique_names(_cells(header_row))
    for row in rows:
        if row is header_row or row.getparent().tag == "thead":
            continue
        cells = _cells(row)
        if any(cells):
            cells += [""] * (len(header) - len(cells))
            yield dict(zip(header, cells))


def _decode(data: bytes) -> str:
    """The page as text: its <meta charset> if that decodes it, else as text_of decides."""
    declared = _CHARSET.search(data[:4096])
    if declared:
        try:
            return data.decode(declared[1].decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass  # broken portals claim UTF-8 and send Windows-1256
    return text_of(data)


def text_of(data: bytes) -> str:
    """Bytes from a portal as text: UTF-8 (BOM or not), UTF-16/32 by BOM, else Windows-1256.

    Generic charset detection guesses Cyrillic code pages for short Persian
    cp1256 text; Iranian systems that are not UTF-8 are Windows-1256.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    found = detect_encoding(data[:4])
    if found in UTF16_32:
        return data.decode(found, errors="replace")
    return data.decode("cp1256", errors="replace")


def _pick(page: lxml.html.HtmlElement, choice: Optional[TableChoice]
          ) -> Optional[lxml.html.HtmlElement]:
    selector = choice.table if choice else None
    index = choice.index if choice else 0
    tables = page.xpath(css_xpath(selector) if selector else "//table")
    tables = [t for t in tables if t.tag == "table"] or [
        found for t in tables for found in t.iter("table")]
    return tables[index] if index < len(tables) else None


def _cells(row: lxml.html.HtmlElement) -> list[str]:
    return [cell.text_content().strip() for cell in row.xpath("./th|./td")]


def unique_names(cells: list[str]) -> list[str]:
    """Header cells as dict keys: blanks and repeats get their position."""
    seen: set[str] = set()
    out = []
    for position, cell in enumerate(cells, start=1):
        name = cell.strip() or f"column {position}"
        if name in seen:
            name = f"{name} ({position})"
        seen.add(name)
        out.append(name)
    return out

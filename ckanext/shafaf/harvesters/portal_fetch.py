"""Fetching portal exports: streaming downloads, JSON paging, HTML tables (no CKAN).

Municipal portals time out, answer 500 during their nightly backup, cut a
download half-way, serve an HTML error page with status 200 on an API
path, or page forever when they ignore the page parameter. Each of these
ends here as one SourceFault with a machine code and a Persian and English
sentence the harvest report shows; nothing from requests, json or lxml
escapes. Bodies go to disk in chunks, so a 200 MB export costs a 64 KiB
buffer; CSV and XLSX are then read by the upload reader (tables/reader.py),
which already knows Windows-1256, BOMs, delimiters and title rows.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Optional
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import requests
from urllib3.exceptions import ReadTimeoutError

from ckanext.shafaf.harvesters.portal_html import html_rows, text_of, unique_names
from ckanext.shafaf.harvesters.portal_mapping import ProfileIndex
from ckanext.shafaf.harvesters.profiles import JsonSpec, Profile
from ckanext.shafaf.tables.headers import pick_header
from ckanext.shafaf.tables.reader import open_table

CHUNK = 64 * 1024
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_BYTES = 512 << 20
USER_AGENT = "ckanext-shafaf harvester (+https://github.com/ckan/ckan)"

# code -> (Persian, English); {status} and {detail} are filled in.
FAULTS: Mapping[str, tuple[str, str]] = {
    "timeout": ("منبع در زمان مقرر پاسخ نداد.", "The source did not answer in time."),
    "http_error": ("منبع با خطای HTTP {status} پاسخ داد.", "The source answered HTTP {status}."),
    "truncated": ("دریافت فایل نیمه‌کاره قطع شد ({detail}).",
                  "The download was cut off before the end ({detail})."),
    "empty": ("منبع پاسخ خالی فرستاد.", "The source sent an empty response."),
    "gone": ("نشانی منبع دیگر وجود ندارد (HTTP {status}).",
             "The source address no longer exists (HTTP {status})."),
    "not_json": ("پاسخ منبع JSON معتبر نیست ({detail}).",
                 "The source's answer is not valid JSON ({detail})."),
    "not_a_table": ("پاسخ منبع جدول خواندنی نیست ({detail}).",
                    "The source's answer is not a readable table ({detail})."),
    "too_large": ("پاسخ منبع از سقف مجاز بزرگ‌تر است ({detail}).",
                  "The source's answer is larger than allowed ({detail})."),
    "unreachable": ("به منبع وصل نشدیم ({detail}).", "The source could not be reached ({detail})."),
    "paging_loop": ("صفحه‌بندی منبع تکراری است یا پایان ندارد ({detail}).",
                    "The source's pages repeat or never end ({detail})."),
}
CODES = frozenset(FAULTS)


class SourceFault(Exception):
    """A source that could not be read; ``code`` is one of CODES."""

    def __init__(self, code: str, url: str = "", *, status: Optional[int] = None,
                 detail: str = "", fa: Optional[str] = None, en: Optional[str] = None) -> None:
        fa_text, en_text = FAULTS[code]
        self.code, self.url, self.status, self.detail = code, url, status, detail
        self.fa = fa or fa_text.format(status=status, detail=detail)
        self.en = en or en_text.format(status=status, detail=detail)
        super().__init__(f"[{code}] {self.en} ({url})")

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.code, self.url, self.status, self.detail, self.fa, self.en))


def _rebuild(code: str, url: str, status: Optional[int], detail: str, fa: str, en: str
             ) -> SourceFault:
    return SourceFault(code, url, status=status, detail=detail, fa=fa, en=en)


def download(url: str, dest_dir: Path, *, timeout: float = DEFAULT_TIMEOUT,
             max_bytes: int = DEFAULT_MAX_BYTES, session: Optional[requests.Session] = None,
             params: Optional[Mapping[str, Any]] = None) -> Path:
    """Stream one URL to a new file in dest_dir; the file, or a SourceFault.

    `timeout` is requests' connect and read timeout (seconds between bytes).
    A partial file is removed before the fault is raised.
    """
    http = session or requests
    Path(dest_dir).mkdir(parents=True, exist_ok=True)
    try:
        response = http.get(url, params=params, stream=True, timeout=timeout,
                            headers={"User-Agent": USER_AGENT})
    except requests.Timeout as exc:
        raise SourceFault("timeout", url, detail=str(exc)) from None
    except requests.TooManyRedirects as exc:
        raise SourceFault("http_error", url, detail=str(exc)) from None
    except (requests.RequestException, ValueError) as exc:
        raise SourceFault("unreachable", url, detail=type(exc).__name__) from None
    with response:
        _check_status(response, url)
        path = _new_file(dest_dir, url)
        try:
            _stream(response, path, url, max_bytes)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
    return path


def _check_status(response: requests.Response, url: str) -> None:
    status = response.status_code
    if status in (404, 410):
        raise SourceFault("gone", url, status=status)
    if status == 204:
        raise SourceFault("empty", url, status=status)
    if not 200 <= status < 300:
        raise SourceFault("http_error", url, status=status)
    length = _content_length(response)
    if length == 0:
        raise SourceFault("empty", url, status=status)


def _content_length(response: requests.Response) -> Optional[int]:
    try:
        return int(response.headers["Content-Length"])
    except (KeyError, ValueError):
        return None


def _new_file(dest_dir: Path, url: str) -> Path:
    suffix = Path(urlsplit(url).path).suffix[:8]
    handle, name = tempfile.mkstemp(prefix="portal-", suffix=suffix, dir=dest_dir)
    os.close(handle)
    return Path(name)


def _stream(response: requests.Response, path: Path, url: str, max_bytes: int) -> None:
    """Copy the body in CHUNK pieces, checking size limits and completeness."""
    length = _content_length(response)
    if length is not None and length > max_bytes:
        raise SourceFault("too_large", url, detail=f"{length} > {max_bytes} bytes")
    received = 0
    try:
        with open(path, "wb") as out:
            for chunk in response.iter_content(CHUNK):
                received += len(chunk)
                if received > max_bytes:
                    raise SourceFault("too_large", url, detail=f"> {max_bytes} bytes")
                out.write(chunk)
    except requests.ConnectionError as exc:
        if exc.args and isinstance(exc.args[0], ReadTimeoutError):
            raise SourceFault("timeout", url, detail="read timeout") from None
        raise SourceFault("truncated", url, detail=f"{received} bytes, connection lost") from None
    except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError):
        raise SourceFault("truncated", url, detail=_short(received, length)) from None
    wire = response.raw.tell() if response.headers.get("Content-Encoding") else received
    if length is not None and wire < length:
        raise SourceFault("truncated", url, detail=_short(wire, length))
    if received == 0:
        raise SourceFault("empty", url, status=response.status_code)


def _short(received: int, length: Optional[int]) -> str:
    return f"{received} of {length} bytes" if length is not None else f"{received} bytes"


def iter_rows(url: str, profile: Profile, dest_dir: Path, *, timeout: float = DEFAULT_TIMEOUT,
              max_bytes: int = DEFAULT_MAX_BYTES, session: Optional[requests.Session] = None
              ) -> Iterator[dict[str, str]]:
    """Raw records of one export as {source header or JSON key: cell text}.

    Text is kept as the portal wrote it (Arabic ي/ك, ZWNJ, Persian digits);
    the validator normalises later. Downloaded files are removed once read.
    """
    options = {"timeout": timeout, "max_bytes": max_bytes, "session": session}
    if profile.format == "json":
        return _json_records(url, profile.json or JsonSpec(), Path(dest_dir), **options)
    if profile.format == "html":
        return _html_records(url, profile, Path(dest_dir), **options)
    return _table_records(url, profile, Path(dest_dir), **options)


def _table_records(url: str, profile: Profile, dest_dir: Path, **options: Any
                   ) -> Iterator[dict[str, str]]:
    """CSV/XLSX through open_table; the header row is found among the first rows."""
    path = download(url, dest_dir, **options)
    table = open_table(path)
    try:
        _table_fault(table.errors, url)
        header: Optional[list[str]] = None
        for batch in table.rows:
            rows = batch.cells
            if header is None:
                position = pick_header(ProfileIndex(profile), rows)
                header, rows = unique_names(rows[position]), rows[position + 1:]
            for cells in rows:
                yield dict(zip(header, _fit(cells, len(header))))
        _table_fault(table.errors, url)  # a fault found part-way (malformed CSV)
        if header is None:
            raise SourceFault("empty", url)
    finally:
        table.close()
        path.unlink(missing_ok=True)


def _table_fault(errors: list[dict[str, Any]], url: str) -> None:
    if not errors:
        return
    first = errors[0]
    code = "empty" if first.get("code") == "file_empty" else "not_a_table"
    raise SourceFault(code, url, detail=str(first.get("code")),
                      fa=first.get("message_fa"), en=first.get("message_en"))


def _fit(cells: list[str], width: int) -> list[str]:
    return cells + [""] * (width - len(cells)) if len(cells) < width else cells


def _html_records(url: str, profile: Profile, dest_dir: Path, **options: Any
                  ) -> Iterator[dict[str, str]]:
    path = download(url, dest_dir, **options)
    try:
        yield from html_rows(path.read_bytes(), profile.html, url)
    finally:
        path.unlink(missing_ok=True)


def _json_records(url: str, spec: JsonSpec, dest_dir: Path, **options: Any
                  ) -> Iterator[dict[str, str]]:
    """Records page by page: one page in memory; a page seen before is a fault."""
    fetch = functools.partial(_get_json, dest_dir=dest_dir, options=options)
    if spec.paging is None:
        yield from _page_records(fetch(url), spec, url)
        return
    pages = (_numbered_pages if spec.paging.style == "page_size" else _linked_pages)(
        url, spec, fetch)
    seen: set[bytes] = set()
    for page_url, items in pages:
        if not items:
            continue
        digest = hashlib.sha256(
            json.dumps(items, sort_keys=True, ensure_ascii=False).encode("utf-8")).digest()
        if digest in seen:
            raise SourceFault("paging_loop", page_url, detail="the same page again")
        seen.add(digest)
        yield from items


Fetch = Callable[[str], Any]


def _numbered_pages(url: str, spec: JsonSpec, fetch: Fetch
                    ) -> Iterator[tuple[str, list[dict[str, str]]]]:
    """?page=N&size=S from `start` until an empty page or `total` records."""
    paging = spec.paging
    assert paging is not None
    count = 0
    for page in range(paging.start, paging.start + paging.max_pages):
        page_url = with_params(url, {paging.page_param: page, paging.size_param: paging.size})
        document = fetch(page_url)
        items = _page_records(document, spec, page_url)
        if not items:
            return
        yield page_url, items
        count += len(items)
        total = document.get(paging.total_key) if paging.total_key else None
        if isinstance(total, int) and not isinstance(total, bool) and count >= total:
            return
    raise SourceFault("paging_loop", url, detail=f"more than {paging.max_pages} pages")


def _linked_pages(url: str, spec: JsonSpec, fetch: Fetch
                  ) -> Iterator[tuple[str, list[dict[str, str]]]]:
    """Follow the `next_key` link (absolute or relative) until it is null."""
    paging = spec.paging
    assert paging is not None
    visited: set[bytes] = set()
    page_url = url
    for _ in range(paging.max_pages):
        key = hashlib.sha256(page_url.encode("utf-8")).digest()
        if key in visited:
            raise SourceFault("paging_loop", page_url, detail="a next link back to an earlier page")
        visited.add(key)
        document = fetch(page_url)
        yield page_url, _page_records(document, spec, page_url)
        link = document.get(paging.next_key) if isinstance(document, dict) else None
        if link is None or link == "":
            return
        if not isinstance(link, str):
            raise SourceFault("not_json", page_url, detail=f"'{paging.next_key}' is not a URL")
        page_url = urljoin(page_url, link)
    raise SourceFault("paging_loop", url, detail=f"more than {paging.max_pages} pages")


def with_params(url: str, params: Mapping[str, Any]) -> str:
    """`url` with these query parameters set (others kept, these replaced)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    query += [(k, str(v)) for k, v in params.items()]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _get_json(url: str, *, dest_dir: Path, options: Mapping[str, Any]) -> Any:
    path = download(url, dest_dir, **options)
    try:
        return _json_text(path.read_bytes())
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise SourceFault("not_json", url, detail=str(exc)[:200]) from None
    finally:
        path.unlink(missing_ok=True)


def _json_text(data: bytes) -> Any:
    """JSON is UTF-8 (json.loads also knows UTF-16/32); old stacks send Windows-1256."""
    try:
        return json.loads(data)
    except UnicodeDecodeError:
        return json.loads(text_of(data))


def _page_records(document: Any, spec: JsonSpec, url: str) -> list[dict[str, str]]:
    """The page's records as {key: text}; a page of another shape is not_json."""
    if spec.records is None:
        items = document
    elif isinstance(document, dict):
        items = document.get(spec.records)
    else:
        items = None
    if not isinstance(items, list):
        where = f"'{spec.records}'" if spec.records else "the document"
        raise SourceFault("not_json", url, detail=f"{where} is not a list of records")
    records = []
    for item in items:
        if not isinstance(item, dict):
            raise SourceFault("not_json", url, detail="a record is not an object")
        records.append({str(key): json_text(value) for key, value in item.items()})
    return records


def json_text(value: Any) -> str:
    """A JSON value as the text a CSV export of it would hold."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value, ensure_ascii=False)

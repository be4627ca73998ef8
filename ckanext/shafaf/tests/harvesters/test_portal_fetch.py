"""portal_fetch against a local HTTP server serving realistic portal bytes."""
from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from ckanext.shafaf.harvesters import portal_fetch
from ckanext.shafaf.harvesters.portal_fetch import SourceFault, download, iter_rows
from ckanext.shafaf.harvesters.profiles import load_profile, parse_profile
from ckanext.shafaf.tests.harvesters import samples
from ckanext.shafaf.tests.harvesters.http_fixture import Reply, closed_port, fixed, serve

ZWNJ = "\u200c"


def fault_of(call) -> SourceFault:
    with pytest.raises(SourceFault) as caught:
        call()
    assert caught.value.code in portal_fetch.CODES
    assert caught.value.fa and caught.value.en
    return caught.value


def rows_of(url: str, profile, tmp_path: Path, **options) -> list[dict[str, str]]:
    return list(iter_rows(url, profile, tmp_path / "dl", timeout=options.pop("timeout", 5),
                          max_bytes=options.pop("max_bytes", 1 << 20), **options))


# download


def test_download_streams_to_a_file(tmp_path):
    body = samples.csv_bytes(samples.YAZD_HEADER, samples.YAZD_ROWS * 2000)
    with serve({"/x.csv": fixed(body, "text/csv")}) as (base, _):
        path = download(f"{base}/x.csv", tmp_path / "new", timeout=5, max_bytes=10 << 20)
    assert path.read_bytes() == body and path.suffix == ".csv"


def test_download_without_content_length(tmp_path):
    with serve({"/a": Reply(b"abc", length=False)}) as (base, _):
        assert download(f"{base}/a", tmp_path, timeout=5, max_bytes=100).read_bytes() == b"abc"


@pytest.mark.parametrize("status, code", [
    (404, "gone"), (410, "gone"), (500, "http_error"), (503, "http_error"), (403, "http_error"),
    (204, "empty")])
def test_download_status_faults(tmp_path, status, code):
    with serve({"/a": Reply(b"<html>error</html>", status=status)}) as (base, _):
        fault = fault_of(lambda: download(f"{base}/a", tmp_path, timeout=5, max_bytes=100))
    assert fault.code == code
    assert fault.url == f"{base}/a"
    if status != 204:
        assert fault.status == status and str(status) in fault.en
    assert not list(tmp_path.iterdir())


def test_download_empty_body(tmp_path):
    with serve({"/a": Reply(b""), "/b": Reply(b"", length=False)}) as (base, _):
        for path in ("/a", "/b"):
            fault = fault_of(lambda: download(base + path, tmp_path, timeout=5, max_bytes=100))
            assert fault.code == "empty"
    assert not list(tmp_path.iterdir())


def test_download_truncated(tmp_path):
    with serve({"/a": Reply(b"x" * 200_000, truncate=True)}) as (base, _):
        fault = fault_of(lambda: download(f"{base}/a", tmp_path, timeout=5, max_bytes=1 << 20))
    assert fault.code == "truncated"
    assert not list(tmp_path.iterdir())


def test_download_timeout_before_headers_and_mid_body(tmp_path):
    routes = {"/slow": Reply(b"abc", delay=2), "/stall": Reply(b"x" * 100_000, stall=2)}
    with serve(routes) as (base, _):
        for path in routes:
            fault = fault_of(lambda: download(base + path, tmp_path, timeout=0.5, max_bytes=1 << 20))
            assert fault.code == "timeout", path
    assert not list(tmp_path.iterdir())


def test_download_unreachable(tmp_path):
    url = f"http://127.0.0.1:{closed_port()}/x.csv"
    assert fault_of(lambda: download(url, tmp_path, timeout=2, max_bytes=100)).code == "unreachable"
    assert fault_of(lambda: download("nota://url", tmp_path, timeout=2, max_bytes=100)
                    ).code == "unreachable"


def test_download_too_large(tmp_path):
    with serve({"/a": Reply(b"x" * 5000), "/b": Reply(b"x" * 5000, length=False)}) as (base, _):
        for path in ("/a", "/b"):
            fault = fault_of(lambda: download(base + path, tmp_path, timeout=5, max_bytes=4096))
            assert fault.code == "too_large"
    assert not list(tmp_path.iterdir())


def test_fault_survives_pickling():
    fault = SourceFault("gone", "http://x/y", status=404)
    again = pickle.loads(pickle.dumps(fault))
    assert (again.code, again.url, again.status, again.fa, again.en) == (
        "gone", "http://x/y", 404, fault.fa, fault.en)


# CSV and XLSX through the upload reader


def test_csv_utf8_bom_keeps_text_as_written(tmp_path):
    body = samples.csv_bytes(samples.YAZD_HEADER, samples.YAZD_ROWS)
    with serve({"/yazd/contracts.csv": fixed(body, "text/csv")}) as (base, _):
        rows = rows_of(f"{base}/yazd/contracts.csv", load_profile("yazd-contracts"), tmp_path)
    assert len(rows) == 3
    assert list(rows[0]) == samples.YAZD_HEADER
    assert rows[0]["طرف قرارداد"] == "شركت راه‌سازان يزد"  # Arabic ك/ي and ZWNJ kept
    assert ZWNJ in rows[0]["طرف قرارداد"]
    assert rows[1]["تاریخ انعقاد"] == "۱۴۰۳/۰۲/۱۵"
    assert not list((tmp_path / "dl").iterdir())  # the download is removed once read


def test_csv_windows_1256_semicolons(tmp_path):
    body = samples.csv_bytes(samples.PERMIT_HEADER, samples.cp1256(samples.PERMIT_ROWS),
                             delimiter=";", encoding="cp1256")
    assert "ي".encode("cp1256") in body
    with serve({"/arak/permits.csv": fixed(body, "text/csv")}) as (base, _):
        rows = rows_of(f"{base}/arak/permits.csv", load_profile("arak-permits"), tmp_path)
    assert [r["شماره پروانه"] for r in rows] == ["14020100001", "14030200002"]
    assert rows[0]["مالک / متقاضي"] == "علي كريمي"  # Windows-1256 has no Persian ی


def test_xlsx_with_title_row(tmp_path):
    header = ["سال", "کد", "عنوان", "نوع", "لایحه", "مصوب"]
    data = [header, ["۱۴۰۳", "1-01-01", "عوارض نوسازي", "منابع", 1200, 1300]]
    body = samples.xlsx_bytes(data, title="بودجه شهرداری یزد - سال ۱۴۰۳ (میلیون ریال)")
    with serve({"/yazd/budgets.xlsx": fixed(body)}) as (base, _):
        rows = rows_of(f"{base}/yazd/budgets.xlsx", load_profile("yazd-budgets"), tmp_path)
    assert rows == [{"سال": "۱۴۰۳", "کد": "1-01-01", "عنوان": "عوارض نوسازي", "نوع": "منابع",
                     "لایحه": "1200", "مصوب": "1300"}]


def test_csv_short_rows_padded_and_repeated_headers_kept(tmp_path):
    body = "شماره قرارداد,موضوع,موضوع,\r\nق-1,آسفالت\r\n".encode()
    with serve({"/c.csv": fixed(body)}) as (base, _):
        rows = rows_of(f"{base}/c.csv", load_profile("generic-contracts"), tmp_path)
    assert rows == [{"شماره قرارداد": "ق-1", "موضوع": "آسفالت", "موضوع (3)": "", "column 4": ""}]


@pytest.mark.parametrize("body, code", [
    (b"%PDF-1.4 not a table", "not_a_table"),
    (b"<!DOCTYPE html><html><body>Service unavailable</body></html>", "not_a_table"),
    (b"\xef\xbb\xbf \r\n", "empty"),
    (b"PK\x03\x04 broken zip", "not_a_table"),
])
def test_csv_that_is_not_a_table(tmp_path, body, code):
    with serve({"/c.csv": fixed(body)}) as (base, _):
        fault = fault_of(lambda: rows_of(f"{base}/c.csv", load_profile("yazd-contracts"), tmp_path))
    assert fault.code == code
    assert not list((tmp_path / "dl").iterdir())


# JSON


def page_route(items: list[dict], *, total: bool = True):
    def reply(query: dict[str, str]) -> Reply:
        page, size = int(query.get("page", 1)), int(query.get("size", 10))
        chunk = items[(page - 1) * size: page * size]
        document = {"page": page, "size": size, "items": chunk}
        if total:
            document["total"] = len(items)
        return fixed(samples.json_bytes(document), "application/json")
    return reply


def mashhad(size: int = 7):
    profile = load_profile("mashhad-contracts")
    data = {"name": "m", "title": dict(profile.title), "dataset_type": "contract",
            "table_schema": "contracts", "format": "json", "fiscal_year": {"column": "signed_date"},
            "json": {"records": "items", "page_size": {"size": size}}}
    return data


@pytest.mark.parametrize("total", [True, False])
def test_json_page_size_paging(tmp_path, total):
    items = [samples.mashhad_item(n) for n in range(1, 24)]
    with serve({"/api/contracts": page_route(items, total=total)}) as (base, hits):
        rows = rows_of(f"{base}/api/contracts?lang=fa", parse_profile(mashhad()), tmp_path)
    assert len(rows) == 23
    assert rows[0]["amountToman"] == "1000" and rows[0]["subject"] == "پروژه شماره 1 منطقه‌ی یك"
    assert rows[-1]["contractNo"] == "1403-01-00023"
    assert len(hits) == (4 if total else 5)  # without a total the empty page 5 ends it
    assert all("lang=fa" in hit and "size=7" in hit for hit in hits)


def test_json_page_that_repeats_is_a_fault(tmp_path):
    items = [samples.mashhad_item(n) for n in range(1, 8)]
    stuck = fixed(samples.json_bytes({"items": items}))  # ignores ?page=
    with serve({"/api": stuck}) as (base, hits):
        fault = fault_of(lambda: rows_of(f"{base}/api", parse_profile(mashhad()), tmp_path))
    assert fault.code == "paging_loop" and len(hits) == 2


def test_json_next_links(tmp_path):
    pages = {
        "1": {"results": [{"شماره پروانه": "1", "تاریخ صدور": "۱۴۰۲/۰۱/۰۵"}], "next": None},
        "2": {"results": [{"شماره پروانه": "3", "تاریخ صدور": "1403/01/05"}], "next": None},
    }

    def reply(query: dict[str, str]) -> Reply:
        cursor = query.get("cursor", "0")
        if cursor == "0":
            return fixed(samples.json_bytes({"results": [{"شماره پروانه": "0"}],
                                             "next": f"{state['base']}/api/permits?cursor=1"}))
        document = dict(pages[cursor])
        if cursor == "1":
            document["next"] = "permits?cursor=2"  # relative links are followed too
        return fixed(samples.json_bytes(document))

    state: dict[str, str] = {}
    with serve({"/api/permits": reply}) as (base, hits):
        state["base"] = base
        rows = rows_of(f"{base}/api/permits", load_profile("mashhad-permits"), tmp_path)
    assert [r["شماره پروانه"] for r in rows] == ["0", "1", "3"]
    assert rows[1]["تاریخ صدور"] == "۱۴۰۲/۰۱/۰۵"
    assert len(hits) == 3


def test_json_next_link_back_to_an_earlier_page(tmp_path):
    def reply(query: dict[str, str]) -> Reply:
        n = int(query.get("cursor", 0))
        return fixed(samples.json_bytes({"results": [{"n": n}] if n < 2 else [],
                                         "next": f"/api/p?cursor={(n + 1) % 4}"}))
    with serve({"/api/p": reply}) as (base, hits):
        fault = fault_of(lambda: rows_of(f"{base}/api/p", load_profile("mashhad-permits"), tmp_path))
    assert fault.code == "paging_loop" and len(hits) == 5  # /api/p, cursors 1, 2, 3, 0


@pytest.mark.parametrize("body, code", [
    (b"<html><body>\xd8\xae\xd8\xb7\xd8\xa7\xdb\x8c \xd8\xb3\xd8\xb1\xd9\x88\xd8\xb1</body></html>",
     "not_json"),
    (b'{"items": {"a": 1}}', "not_json"),
    (b'{"records": []}', "not_json"),
    (b'{"items": [1, 2]}', "not_json"),
    (b"", "empty"),
])
def test_json_faults(tmp_path, body, code):
    with serve({"/api": fixed(body, "application/json")}) as (base, _):
        fault = fault_of(lambda: rows_of(f"{base}/api", parse_profile(mashhad()), tmp_path))
    assert fault.code == code
    assert not list((tmp_path / "dl").iterdir())


def test_json_values_as_text():
    assert [portal_fetch.json_text(v) for v in (None, True, 12, 1.0, 2.5, "۱۲", [1, "ی"])] == [
        "", "true", "12", "1", "2.5", "۱۲", '[1, "ی"]']


# HTML


def test_html_table_by_selector(tmp_path):
    body = samples.html_page(samples.ARAK_HEADER, samples.ARAK_ROWS)
    with serve({"/arak/contracts.html": fixed(body, "text/html")}) as (base, _):
        rows = rows_of(f"{base}/arak/contracts.html", load_profile("arak-contracts"), tmp_path)
    assert len(rows) == 2  # the menu table and the tfoot totals row are not records
    assert list(rows[0]) == samples.ARAK_HEADER
    assert rows[0]["پیمانکار"] == "شركت عمران اراك"
    assert rows[1]["تاریخ شروع"] == "۱۴۰۳/۰۱/۲۰"
    assert rows[1]["موضوع"] == "لایروبی کانال‌ها"


def test_html_in_windows_1256_and_by_index(tmp_path):
    rows = samples.cp1256(samples.ARAK_ROWS)
    body = samples.html_page(samples.ARAK_HEADER, rows, charset="windows-1256")
    data = {"name": "h", "title": {"fa_IR": "الف", "en": "a"}, "dataset_type": "contract",
            "table_schema": "contracts", "format": "html", "fiscal_year": {"value": 1403},
            "html": {"index": 1}}
    with serve({"/p.html": fixed(body)}) as (base, _):
        got = rows_of(f"{base}/p.html", parse_profile(data), tmp_path)
    assert got[0]["پيمانکار"] == "شركت عمران اراك"


def test_html_without_the_table(tmp_path):
    with serve({"/p.html": fixed("<html><body><p>نگهداری سامانه</p></body></html>".encode())}) as (
            base, _):
        fault = fault_of(lambda: rows_of(f"{base}/p.html", load_profile("arak-contracts"), tmp_path))
    assert fault.code == "not_a_table"

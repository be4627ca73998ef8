"""HTTP and table helpers for the simulator tests (stdlib client on purpose:
the harvesters' own client must not be what makes these tests pass)."""
from __future__ import annotations

import csv
import io
import json
import urllib.error
import urllib.request
from typing import Any, Iterable, Optional, Sequence

from lxml import html as lxml_html

from ckanext.shafaf.tables import validate_file

HOLD = 0.4  # seconds the timeout fault holds a response in these tests
TIMEOUT = 10

# Mashhad FASH keys -> headers our contracts schema knows (what a profile maps).
MASHHAD_HEADERS = {"contractNo": "شماره قرارداد", "subject": "موضوع قرارداد",
                   "contractor": "طرف قرارداد", "nationalId": "شناسه ملی",
                   "amountToman": "مبلغ قرارداد (تومان)", "signDate": "تاریخ انعقاد",
                   "method": "نحوه انتخاب پیمانکار"}


def fetch(url: str, *, data: Any = None,
          timeout: float = TIMEOUT) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of a GET, or a POST of `data` as JSON; HTTP errors included."""
    body = None if data is None else json.dumps(data).encode("utf-8")
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"}
                                     if body is not None else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def get_json(url: str, **kwargs: Any) -> Any:
    status, _, body = fetch(url, **kwargs)
    assert status == 200, (status, body[:300])
    return json.loads(body.decode("utf-8"))


def csv_from(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(["" if cell is None else cell for cell in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def json_items_csv(items: list[dict[str, Any]], headers: Optional[dict[str, str]] = None) -> bytes:
    """JSON records as a CSV (keys renamed by `headers`), as a harvester profile does."""
    keys = list(headers) if headers else list(items[0])
    names = [headers[k] for k in keys] if headers else keys
    return csv_from(names, ([item.get(key) for key in keys] for item in items))


def html_table_rows(page: bytes, css_class: str = "contracts") -> tuple[list[str], list[list[str]]]:
    """(header, rows) of the page's `<table class=…>`, parsed with lxml."""
    document = lxml_html.fromstring(page)
    table = document.xpath(f'//table[contains(concat(" ", @class, " "), " {css_class} ")]')[0]
    header = [th.text_content().strip() for th in table.xpath("./thead/tr/th")]
    rows = [[td.text_content().strip() for td in tr.xpath("./td")]
            for tr in table.xpath("./tbody/tr")]
    return header, rows


def validate(data: bytes, schema: str) -> Any:
    """The validation report of `data` (the rows are consumed: they must all be valid)."""
    report, rows = validate_file(data, schema)
    list(rows)
    return report


def assert_valid(data: bytes, schema: str, rows: int) -> Any:
    report = validate(data, schema)
    assert report.file_errors == [], report.file_errors
    assert report.error_count == 0, report.row_errors[:5]
    assert report.row_count == rows and report.valid_row_count == rows
    return report


SCHEMAS = {"/yazd/contracts.csv": "contracts", "/yazd/budgets.xlsx": "budget_lines",
           "/mashhad/api/contracts": "contracts", "/mashhad/api/permits": "permits",
           "/arak/contracts.html": "contracts", "/arak/permits.csv": "permits"}


def mashhad_contract_items(base: str, size: int = 50) -> list[dict[str, Any]]:
    """Every item of the FASH API, page by page until an empty page."""
    items: list[dict[str, Any]] = []
    page = 1
    while True:
        data = get_json(f"{base}/mashhad/api/contracts?page={page}&size={size}")
        if not data["items"]:
            return items
        items.extend(data["items"])
        page += 1


def mashhad_permit_results(base: str) -> list[dict[str, Any]]:
    """Every permit, following `next` until it is null."""
    results: list[dict[str, Any]] = []
    url: Optional[str] = f"{base}/mashhad/api/permits"
    while url:
        data = get_json(url)
        results.extend(data["results"])
        url = data["next"]
    return results


def export_table(base: str, path: str) -> bytes:
    """The export at `path` as a file our validator reads (HTML/JSON turned into CSV)."""
    if path == "/mashhad/api/contracts":
        return json_items_csv(mashhad_contract_items(base), MASHHAD_HEADERS)
    if path == "/mashhad/api/permits":
        return json_items_csv(mashhad_permit_results(base))
    status, _, body = fetch(base + path)
    assert status == 200
    if path.endswith(".html"):
        return csv_from(*html_table_rows(body))
    return body

"""WSGI app: the municipal transparency portals of Yazd, Mashhad and Arak.

Serves the exports listed in docs/harvesting.md from records generated on
request (records.py), so harvesters are tested against realistic files and
APIs without the network. Tests flip switches on the instance (sizes,
years, edits, faults); the demo process exposes the same switches as
`POST /_sim/...` (combined.py).
"""
from __future__ import annotations

import base64
import math
import threading
from typing import Any, Callable, Iterable, Optional

from ckanext.shafaf.simulator import layouts
from ckanext.shafaf.simulator.exports import Cell, cp1256_text, csv_bytes, html_table, xlsx_bytes
from ckanext.shafaf.simulator.faults import (
    FaultSet, Request, Response, StartResponse, json_response, send, text_response)
from ckanext.shafaf.simulator.records import GENERATORS, city_info, kind_name, persian_digits

# path -> (city, kind); the exact paths faults are set on.
SOURCES: dict[str, tuple[str, str]] = {
    "/yazd/contracts.csv": ("yazd", "contracts"),
    "/yazd/budgets.xlsx": ("yazd", "budgets"),
    "/mashhad/api/contracts": ("mashhad", "contracts"),
    "/mashhad/api/permits": ("mashhad", "permits"),
    "/arak/contracts.html": ("arak", "contracts"),
    "/arak/permits.csv": ("arak", "permits"),
}
DEFAULT_SIZES = {"contracts": 40, "budgets": 30, "permits": 60}
DEFAULT_YEARS = (1401, 1402, 1403)
SHRINK_SHARE = 0.05
MASHHAD_DEFAULT_SIZE = 50
MASHHAD_MAX_SIZE = 500
PERMITS_PAGE_SIZE = 40
_CSV = "text/csv; charset=utf-8"
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(name: str) -> list[tuple[str, str]]:
    return [("Content-Disposition", f'attachment; filename="{name}"')]


def encode_cursor(offset: int) -> str:
    """An opaque cursor, as the Mashhad permits API hands out."""
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    prefix, _, number = text.partition(":")
    if prefix != "offset" or not number.isdigit():
        raise ValueError(cursor)
    return int(number)


class PortalSimulator:
    """The three cities' portals in one WSGI app, with fault switches.

    Sources are (city, kind) pairs of SOURCES; kind is contracts, budgets
    (alias budget_lines) or permits. Sizes are records per fiscal year.
    """

    def __init__(self, *, hold_seconds: Optional[float] = None) -> None:
        self.faults = FaultSet()
        self._lock = threading.Lock()
        self._sizes: dict[tuple[str, str], int] = {}
        self._years: dict[tuple[str, str], list[int]] = {}
        self._edits: dict[tuple[str, str, int, int], int] = {}
        self.permits_page_size = PERMITS_PAGE_SIZE
        self.reset()
        if hold_seconds is not None:
            self.hold_seconds = hold_seconds
        self._routes: dict[str, Callable[[Request, Optional[str]], Response]] = {
            "/yazd/contracts.csv": self._yazd_contracts, "/yazd/budgets.xlsx": self._yazd_budgets,
            "/mashhad/api/contracts": self._mashhad_contracts,
            "/mashhad/api/permits": self._mashhad_permits,
            "/arak/contracts.html": self._arak_contracts, "/arak/permits.csv": self._arak_permits}

    # -- switches -------------------------------------------------------
    @property
    def hold_seconds(self) -> float:
        return self.faults.hold_seconds

    @hold_seconds.setter
    def hold_seconds(self, seconds: float) -> None:
        self.faults.hold_seconds = float(seconds)

    def set_fault(self, path: str, fault: Optional[str]) -> None:
        """Make `path` (exact, no query string) fail with `fault`; None clears."""
        self.faults.set(path, fault)

    def _source(self, city: str, kind: str) -> tuple[str, str]:
        key = (city, kind_name(kind))
        if key not in SOURCES.values():
            raise ValueError(f"no simulated source for {city}/{kind}")
        return key

    def set_size(self, city: str, kind: str, n_per_year: int) -> None:
        if int(n_per_year) < 0:
            raise ValueError("n_per_year must be >= 0")
        key = self._source(city, kind)
        with self._lock:
            self._sizes[key] = int(n_per_year)

    def set_years(self, city: str, kind: str, years: Iterable[int]) -> None:
        key = self._source(city, kind)
        with self._lock:
            self._years[key] = [int(year) for year in years]

    def edit(self, city: str, kind: str, fiscal_year: int, index: int) -> int:
        """Change one record's amount and subject/title; returns its new revision."""
        city, kind = self._source(city, kind)
        key = (city, kind, int(fiscal_year), int(index))
        with self._lock:
            self._edits[key] = self._edits.get(key, 0) + 1
            return self._edits[key]

    def reset(self) -> None:
        """Default sizes and years, no edits, no faults, hold_seconds 5."""
        with self._lock:
            self._sizes = {key: DEFAULT_SIZES[key[1]] for key in SOURCES.values()}
            self._years = {key: list(DEFAULT_YEARS) for key in SOURCES.values()}
            self._edits = {}
        self.permits_page_size = PERMITS_PAGE_SIZE
        self.faults.clear()

    def state(self) -> dict[str, Any]:
        with self._lock:
            return {
                "sources": {path: {"city": city, "kind": kind,
                                   "n_per_year": self._sizes[(city, kind)],
                                   "years": self._years[(city, kind)]}
                            for path, (city, kind) in SOURCES.items()},
                "edits": [dict(zip(("city", "kind", "fiscal_year", "index", "revision"), (*k, v)))
                          for k, v in self._edits.items()],
                "faults": self.faults.items(), "hold_seconds": self.hold_seconds}

    # -- records --------------------------------------------------------
    def _plan(self, city: str, kind: str, shrink: bool) -> tuple[list[int], int, dict]:
        key = self._source(city, kind)
        with self._lock:
            size, years = self._sizes[key], list(self._years[key])
            edits = {(y, i): r for (c, k, y, i), r in self._edits.items() if (c, k) == key}
        if shrink:
            size = math.ceil(size * SHRINK_SHARE)
        return years, size, edits

    def count(self, city: str, kind: str, shrink: bool = False) -> int:
        """Records the source currently publishes (all years)."""
        years, size, _ = self._plan(city, kind, shrink)
        return len(years) * size

    def records(self, city: str, kind: str, start: int = 0, stop: Optional[int] = None,
                shrink: bool = False) -> list[Any]:
        """Records start..stop of the source, years in order, each at its revision.

        Contract, BudgetLine or Permit objects (records.py), by the source's kind.
        """
        years, size, edits = self._plan(city, kind, shrink)
        make = GENERATORS[kind_name(kind)]
        total = len(years) * size
        stop = total if stop is None else min(stop, total)
        return [make(city, years[n // size], n % size, edits.get((years[n // size], n % size), 0))
                for n in range(max(0, start), stop)]

    # -- WSGI -----------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        route = self._routes.get(request.path)
        if route is None:
            return send(start_response, text_response("404 Not Found", "not found"))
        if request.method not in ("GET", "HEAD"):
            return send(start_response, text_response("405 Method Not Allowed", "GET only"))
        return self.faults.respond(request, start_response, lambda fault: route(request, fault))

    def _yazd_contracts(self, request: Request, fault: Optional[str]) -> Response:
        rows = layouts.yazd_contracts(self.records("yazd", "contracts", shrink=fault == "shrink"))
        if fault == "malformed_rows":
            layouts.malform(rows, date=6, amount=5, missing=2)
        cp1256 = fault == "windows1256"
        body = csv_bytes(layouts.YAZD_CONTRACTS, rows, encoding="cp1256" if cp1256 else "utf-8-sig")
        content_type = "text/csv" if cp1256 else _CSV  # a cp1256 file names no charset
        return Response("200 OK", content_type, body, _attachment("contracts.csv"))

    def _yazd_budgets(self, request: Request, fault: Optional[str]) -> Response:
        years, _, _ = self._plan("yazd", "budgets", False)
        span = (f"{persian_digits(str(min(years)))} تا {persian_digits(str(max(years)))}"
                if years else "")
        title = f"بودجه شهرداری {city_info('yazd')[0]} سال‌های {span} (ارقام به میلیون ریال)"
        rows = layouts.yazd_budgets(self.records("yazd", "budgets", shrink=fault == "shrink"))
        if fault == "malformed_rows":
            layouts.malform(rows, date=0, amount=6, missing=2)
        sheet: list[list[Cell]] = [[title], list(layouts.YAZD_BUDGETS), *rows]
        body = xlsx_bytes(sheet, sheet_name="بودجه", merge_title=len(layouts.YAZD_BUDGETS))
        return Response("200 OK", _XLSX, body, _attachment("budgets.xlsx"))

    def _arak_contracts(self, request: Request, fault: Optional[str]) -> Response:
        rows = layouts.arak_contracts(self.records("arak", "contracts", shrink=fault == "shrink"))
        if fault == "malformed_rows":
            layouts.malform(rows, date=1, amount=5, missing=3)
        body = html_table("قراردادهای شهرداری اراک", layouts.ARAK_CONTRACTS, rows)
        if fault == "windows1256":  # the page still claims UTF-8, as broken portals do
            body = cp1256_text(body.decode("utf-8")).encode("cp1256")
        return Response("200 OK", "text/html; charset=utf-8", body)

    def _arak_permits(self, request: Request, fault: Optional[str]) -> Response:
        rows = layouts.arak_permits(self.records("arak", "permits", shrink=fault == "shrink"))
        if fault == "malformed_rows":
            layouts.malform(rows, date=3, amount=11, missing=1)
        body = csv_bytes(layouts.ARAK_PERMITS, rows, delimiter=";", encoding="cp1256")
        return Response("200 OK", "text/csv", body, _attachment("permits.csv"))

    def _json(self, data: Any, fault: Optional[str]) -> Response:
        response = json_response(data)
        if fault == "windows1256":
            response.body = cp1256_text(response.body.decode("utf-8")).encode("cp1256")
            response.content_type = "application/json"
        return response

    def _mashhad_contracts(self, request: Request, fault: Optional[str]) -> Response:
        try:
            page = int(request.query.get("page", 1))
            size = int(request.query.get("size", MASHHAD_DEFAULT_SIZE))
        except ValueError:
            return json_response({"error": "page and size must be integers"}, "400 Bad Request")
        if page < 1 or size < 1:
            return json_response({"error": "page and size start at 1"}, "400 Bad Request")
        size = min(size, MASHHAD_MAX_SIZE)
        shrink = fault == "shrink"
        total = self.count("mashhad", "contracts", shrink)
        first = (page - 1) * size
        items = layouts.mashhad_contracts(
            self.records("mashhad", "contracts", first, first + size, shrink))
        if fault == "malformed_rows":
            layouts.malform(items, date="signDate", amount="amountToman", missing="subject",
                            offset=first, total=total)
        return self._json({"page": page, "size": size, "total": total, "items": items}, fault)

    def _mashhad_permits(self, request: Request, fault: Optional[str]) -> Response:
        try:
            first = decode_cursor(request.query["cursor"]) if request.query.get("cursor") else 0
        except ValueError:
            return json_response({"error": "invalid cursor"}, "400 Bad Request")
        shrink = fault == "shrink"
        total = self.count("mashhad", "permits", shrink)
        stop = first + self.permits_page_size
        results = layouts.mashhad_permits(self.records("mashhad", "permits", first, stop, shrink))
        if fault == "malformed_rows":
            layouts.malform(results, date="تاریخ صدور", amount="عوارض (ریال)",
                            missing="شماره پروانه", offset=first, total=total)
        following = (f"{request.base_url}/mashhad/api/permits?cursor={encode_cursor(stop)}"
                     if stop < total else None)
        return self._json({"results": results, "next": following}, fault)

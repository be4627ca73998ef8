"""One WSGI app for the portals, the member CKAN catalogues and the switches.

The demo process and harvester tests need every source behind one base
URL: portals at their paths, catalogues at `/ckan/<name>/`, and the
switches as `POST /_sim/...` JSON so a separate process (the demo CKAN, a
shell) can break a source on purpose.
"""
from __future__ import annotations

import html
from typing import Any, Callable, Iterable, Mapping, Optional, Union

from ckanext.shafaf.simulator.ckan_api import CkanCatalogue
from ckanext.shafaf.simulator.faults import Request, Response, StartResponse, json_response, send
from ckanext.shafaf.simulator.portal import SOURCES, PortalSimulator

CatalogueSpec = Union[Iterable[str], Mapping[str, str]]


def parse_catalogues(text: str) -> dict[str, str]:
    """"tabriz,maragheh:stock" → {"tabriz": "shafaf", "maragheh": "stock"}."""
    specs: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _, shape = item.partition(":")
        specs[name] = shape or "shafaf"
    return specs


class Simulator:
    """Portals + catalogues on one root; switches as methods and as /_sim/ JSON."""

    def __init__(self, catalogues: CatalogueSpec = ("tabriz", "maragheh"), ckan_datasets: int = 100,
                 *, hold_seconds: Optional[float] = None) -> None:
        self.portal = PortalSimulator()
        self.catalogues: dict[str, CkanCatalogue] = {}
        shapes = (dict(catalogues) if isinstance(catalogues, Mapping)
                  else {name: "shafaf" for name in catalogues})
        for name, shape in shapes.items():
            self.add_catalogue(name, ckan_datasets, shape=shape)
        if hold_seconds is not None:
            self.hold_seconds = hold_seconds
        self._control: dict[str, Callable[[dict[str, Any]], Any]] = {
            "fault": self._c_fault, "hold": self._c_hold, "size": self._c_size,
            "years": self._c_years, "edit": self._c_edit, "reset": lambda body: self.reset(),
            "ckan/count": self._c_ckan("set_count", "n"),
            "ckan/edit": self._c_ckan("edit", "index"),
            "ckan/touch": self._c_ckan("touch", "index"),
            "ckan/delete": self._c_ckan("delete", "index")}

    def add_catalogue(self, name: str, count: int = 100, shape: str = "shafaf") -> CkanCatalogue:
        catalogue = CkanCatalogue(name, count, shape=shape)
        catalogue.faults.hold_seconds = self.portal.hold_seconds
        self.catalogues[name] = catalogue
        return catalogue

    def catalogue(self, name: str) -> CkanCatalogue:
        return self.catalogues[name]

    # -- switches (delegated) -------------------------------------------
    @property
    def hold_seconds(self) -> float:
        return self.portal.hold_seconds

    @hold_seconds.setter
    def hold_seconds(self, seconds: float) -> None:
        self.portal.hold_seconds = seconds
        for catalogue in self.catalogues.values():
            catalogue.faults.hold_seconds = float(seconds)

    def set_fault(self, path: str, fault: Optional[str]) -> None:
        """A fault on a portal path or on a /ckan/<name>/… path."""
        for catalogue in self.catalogues.values():
            if path.startswith(catalogue.mount + "/"):
                catalogue.set_fault(path, fault)
                return
        self.portal.set_fault(path, fault)

    def set_size(self, city: str, kind: str, n_per_year: int) -> None:
        self.portal.set_size(city, kind, n_per_year)

    def set_years(self, city: str, kind: str, years: Iterable[int]) -> None:
        self.portal.set_years(city, kind, years)

    def edit(self, city: str, kind: str, fiscal_year: int, index: int) -> int:
        return self.portal.edit(city, kind, fiscal_year, index)

    def reset(self) -> None:
        """Portal defaults, catalogues at their first count, no faults anywhere."""
        self.portal.reset()
        for catalogue in self.catalogues.values():
            catalogue.reset()

    def state(self) -> dict[str, Any]:
        return {"portal": self.portal.state(),
                "catalogues": {name: c.state() for name, c in self.catalogues.items()}}

    # -- WSGI -----------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "") or "/"
        if path == "/_sim" or path.startswith("/_sim/"):
            return send(start_response, self._control_response(Request(environ), path[6:]))
        if path == "/":
            return send(start_response, self._index(Request(environ)))
        for name, catalogue in self.catalogues.items():
            if path == catalogue.mount or path.startswith(catalogue.mount + "/"):
                inner = dict(environ, SCRIPT_NAME=environ.get("SCRIPT_NAME", "").rstrip("/")
                             + catalogue.mount, PATH_INFO=path[len(catalogue.mount):] or "/")
                return catalogue(inner, start_response)
        return self.portal(environ, start_response)

    def _control_response(self, request: Request, command: str) -> Response:
        if command == "state" and request.method == "GET":
            return json_response(self.state())
        handler = self._control.get(command)
        if handler is None:
            return json_response({"ok": False, "error": f"unknown switch {command!r}"},
                                 "404 Not Found")
        if request.method != "POST":
            return json_response({"ok": False, "error": "POST a JSON object"},
                                 "405 Method Not Allowed")
        try:
            result = handler(request.params())
        except (KeyError, ValueError, TypeError) as error:
            return json_response({"ok": False, "error": f"{type(error).__name__}: {error}"},
                                 "400 Bad Request")
        return json_response({"ok": True, "result": result})

    def _c_fault(self, body: dict[str, Any]) -> None:
        if "hold_seconds" in body:
            self.hold_seconds = float(body["hold_seconds"])
        self.set_fault(str(body["path"]), body.get("fault"))

    def _c_hold(self, body: dict[str, Any]) -> None:
        self.hold_seconds = float(body["seconds"])

    def _c_size(self, body: dict[str, Any]) -> None:
        self.set_size(body["city"], body["kind"], int(body.get("n_per_year", body.get("n"))))

    def _c_years(self, body: dict[str, Any]) -> None:
        self.set_years(body["city"], body["kind"], [int(y) for y in body["years"]])

    def _c_edit(self, body: dict[str, Any]) -> int:
        return self.edit(body["city"], body["kind"], int(body["fiscal_year"]), int(body["index"]))

    def _c_ckan(self, method: str, argument: str) -> Callable[[dict[str, Any]], None]:
        def run(body: dict[str, Any]) -> None:
            getattr(self.catalogue(body["catalogue"]), method)(int(body[argument]))
        return run

    def _index(self, request: Request) -> Response:
        """A page listing every source, for people trying the demo."""
        base = request.base_url
        links = [f"{base}{path}" for path in SOURCES] + [
            f"{base}{c.mount}/api/3/action/package_search" for c in self.catalogues.values()]
        items = "".join(f'<li><a href="{html.escape(u)}">{html.escape(u)}</a></li>' for u in links)
        page = ('<!DOCTYPE html><html lang="fa" dir="rtl"><head><meta charset="utf-8">'
                "<title>شبیه‌ساز سامانه‌های شفافیت</title></head><body>"
                f"<h1>شبیه‌ساز سامانه‌های شفافیت</h1><ul>{items}</ul>"
                f'<p><a href="{base}/_sim/state">/_sim/state</a></p></body></html>')
        return Response("200 OK", "text/html; charset=utf-8", page.encode("utf-8"))


def combined_app(catalogues: CatalogueSpec = ("tabriz", "maragheh"), ckan_datasets: int = 100,
                 **kwargs: Any) -> Simulator:
    """The combined WSGI app (a Simulator: call its switch methods in tests)."""
    return Simulator(catalogues, ckan_datasets, **kwargs)

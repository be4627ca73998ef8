"""WSGI app: a CKAN-shaped member catalogue (action API and resource files).

Answers the actions a federation harvester calls the way CKAN 2.9–2.11
does (envelope, error types, HTTP 404/409), over datasets generated from
their index (ckan_datasets.py, ckan_index.py). Mounted at
`/ckan/<catalogue>/` by the combined app; usable alone at any root too.
"""
from __future__ import annotations

import math
import re
import threading
import time
from datetime import datetime, timezone
from typing import Any, Callable, Iterable, Optional

from ckanext.shafaf.simulator import ckan_query, layouts
from ckanext.shafaf.simulator.ckan_datasets import DatasetFactory
from ckanext.shafaf.simulator.ckan_index import EPOCH, CatalogueIndex, Filters
from ckanext.shafaf.simulator.exports import csv_bytes
from ckanext.shafaf.simulator.faults import (
    FaultSet, Request, Response, StartResponse, json_response, send, text_response)
from ckanext.shafaf.simulator.portal import SHRINK_SHARE

ROWS_MAX = 1000
SORTS = ("metadata_modified desc", "metadata_modified asc", "id asc", "id desc",
         "name asc", "name desc")
_ACTION = re.compile(r"^/api(?:/3)?/action/([a-z_]+)$")
_DOWNLOAD = re.compile(r"^/dataset/([^/]+)/resource/([^/]+)/download(?:/[^/]*)?$")
_FAST_FIELDS = {"id", "name", "title", "metadata_modified", "metadata_created", "owner_org",
                "type", "state", "private"}


class ActionError(Exception):
    """A CKAN API error: HTTP status, __type and the error body."""

    def __init__(self, status: str, kind: str, **error: Any) -> None:
        super().__init__(kind)
        self.status, self.error = status, {"__type": kind, **error}


def not_found(message: str = "Not found") -> ActionError:
    return ActionError("404 Not Found", "Not Found Error", message=message)


def search_error(message: str) -> ActionError:
    return ActionError("409 Conflict", "Search Query Error",
                       message=f"Search Query is invalid: {message!r}")


def solr_time(text: str, now: int) -> int:
    """µs since the epoch of a Solr date (2025-01-01T08:00:00Z, NOW, *)."""
    if text == "NOW":
        return now
    try:
        moment = datetime.fromisoformat(text.rstrip("Z").replace("z", ""))
    except ValueError:
        raise search_error(f"Invalid Date String:'{text}'") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    delta = moment - EPOCH
    return (delta.days * 86400 + delta.seconds) * 10**6 + delta.microseconds


def _int_param(params: dict[str, Any], key: str, default: int) -> int:
    value = params.get(key, default)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ActionError("409 Conflict", "Validation Error",
                          **{key: ["Invalid integer"]}) from None
    if number < 0:
        raise ActionError("409 Conflict", "Validation Error",
                          **{key: ["Must be a natural number"]})
    return number


class CkanCatalogue:
    """One member catalogue: `count` datasets of `shape` ("shafaf" or "stock")."""

    def __init__(self, name: str, count: int = 100, *, shape: str = "shafaf",
                 organizations: int = 4, ckan_version: str = "2.11.6") -> None:
        self.name, self.initial_count, self.ckan_version = name, int(count), ckan_version
        self.factory = DatasetFactory(name, shape, organizations)
        self.faults = FaultSet()
        self.data = self._fresh_index()
        self._by_id: Optional[tuple[int, dict[str, int]]] = None
        self._lock = threading.Lock()
        self._actions: dict[str, Callable[[Request, dict[str, Any]], Any]] = {
            "status_show": self._status_show, "package_search": self._package_search,
            "package_show": self._package_show, "organization_list": self._organization_list,
            "organization_show": self._organization_show, "package_list": self._package_list}

    def _fresh_index(self) -> CatalogueIndex:
        return CatalogueIndex(self.initial_count, key=self.factory.dataset_id)

    # -- switches -------------------------------------------------------
    @property
    def mount(self) -> str:
        return f"/ckan/{self.name}"

    @property
    def count(self) -> int:
        return self.data.count

    def set_fault(self, path: str, fault: Optional[str]) -> None:
        """Fault on a path of this catalogue (with or without its /ckan/<name> prefix)."""
        path = path.split("?", 1)[0]
        if path.startswith(self.mount + "/"):
            path = path[len(self.mount):]
        self.faults.set(path, fault)

    def set_count(self, n: int) -> None:
        self.data.set_count(int(n))

    def edit(self, index: int) -> None:
        """Change dataset `index`'s content (notes, resource file) and metadata_modified."""
        self.data.change(int(index), content=True)

    def touch(self, index: int) -> None:
        """A new metadata_modified only: the content stays the same."""
        self.data.change(int(index), content=False)

    def delete(self, index: int) -> None:
        self.data.delete(int(index))

    def reset(self) -> None:
        self.data = self._fresh_index()
        self.faults.clear()

    def dataset_id(self, index: int) -> str:
        return self.factory.dataset_id(index)

    def dataset_name(self, index: int) -> str:
        return self.factory.name(index)

    def find(self, id_or_name: str) -> Optional[int]:
        """Index of an existing dataset by id or name, else None."""
        index = self.factory.index_of_name(id_or_name)
        if index is None:
            with self._lock:
                if self._by_id is None or self._by_id[0] != self.data.count:
                    self._by_id = (self.data.count, {self.factory.dataset_id(i): i
                                                     for i in range(self.data.count)})
                index = self._by_id[1].get(id_or_name)
        return index if index is not None and self.data.exists(index) else None

    def state(self) -> dict[str, Any]:
        return {"name": self.name, "count": self.data.count, "shape": self.factory.shape,
                "deleted": sorted(self.data.deleted), "faults": self.faults.items(),
                "changed": {i: c.revision for i, c in self.data.changes.items()}}

    # -- WSGI -----------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        action = _ACTION.match(request.path)
        if action:
            produce = lambda fault: self._action(request, action[1], fault)  # noqa: E731
        elif _DOWNLOAD.match(request.path):
            produce = lambda fault: self._download(request, fault)  # noqa: E731
        elif request.path in ("/", ""):
            produce = lambda fault: text_response("200 OK", f"CKAN {self.name}")  # noqa: E731
        else:
            return send(start_response, text_response("404 Not Found", "Not found"))
        return self.faults.respond(request, start_response, produce)

    def _action(self, request: Request, name: str, fault: Optional[str]) -> Response:
        help_url = f"{request.base_url}/api/3/action/help_show?name={name}"
        handler = self._actions.get(name)
        try:
            if handler is None:
                raise ActionError("400 Bad Request", "Bad request - Action Error",
                                  message=f"Bad request - Action name not known: {name}")
            try:
                params = request.params()
            except ValueError:
                raise ActionError("400 Bad Request", "Bad request - JSON Error",
                                  message="Bad request - JSON Error: could not parse the body")
            if fault == "shrink":
                params["_shrink"] = True
            result = handler(request, params)
        except ActionError as error:
            return json_response({"help": help_url, "success": False, "error": error.error},
                                 error.status)
        return json_response({"help": help_url, "success": True, "result": result})

    def _download(self, request: Request, fault: Optional[str]) -> Response:
        match = _DOWNLOAD.match(request.path)
        assert match is not None
        index = self.find(match[1])
        if index is None or match[2] != self.factory.resource_id(index):
            return text_response("404 Not Found", "Resource not found")
        revision = self.data.revision(index)
        if fault not in ("malformed_rows", "windows1256"):
            return Response("200 OK", "text/csv", self.factory.resource_file(index, revision))
        rows = layouts.ckan_resource_rows(self.factory.contracts(index, revision))
        if fault == "malformed_rows":
            layouts.malform(rows, date=5, amount=4, missing=1)
        encoding = "cp1256" if fault == "windows1256" else "utf-8"
        return Response("200 OK", "text/csv",
                        csv_bytes(layouts.CKAN_RESOURCE_HEADER, rows, encoding=encoding))

    # -- actions --------------------------------------------------------
    def _status_show(self, request: Request, params: dict[str, Any]) -> dict[str, Any]:
        extensions = (["scheming_datasets", "scheming_organizations", "shafaf"]
                      if self.factory.shape == "shafaf" else ["stats", "text_view", "datastore"])
        return {"ckan_version": self.ckan_version, "site_url": request.base_url,
                "site_description": "", "site_title": f"داده‌های باز {self.factory.city_fa}",
                "error_emails_to": None, "locale_default": "fa_IR", "extensions": extensions}

    def _package_show(self, request: Request, params: dict[str, Any]) -> dict[str, Any]:
        index = self.find(str(params.get("id") or params.get("name_or_id") or ""))
        if index is None:
            raise not_found()
        return self.factory.package(index, self.data, request.base_url)

    def _package_list(self, request: Request, params: dict[str, Any]) -> list[str]:
        limit = _int_param(params, "limit", self.data.count)
        offset = _int_param(params, "offset", 0)
        _, page = self.data.search(Filters(), "name asc", offset, limit)
        return [self.factory.name(i) for i in page]

    def _package_search(self, request: Request, params: dict[str, Any]) -> dict[str, Any]:
        rows = min(_int_param(params, "rows", 10), ROWS_MAX)
        start = _int_param(params, "start", 0)
        filters = self._filters(str(params.get("fq") or ""), str(params.get("q") or "*:*"))
        if params.get("_shrink"):
            filters.limit = math.ceil(self.data.count * SHRINK_SHARE)
        sort = _sort(str(params.get("sort") or ""))
        total, page = self.data.search(filters, sort, start, rows)
        fields = params.get("fl")
        if isinstance(fields, str):
            fields = [f for f in re.split(r"[\s,]+", fields) if f]
        return {"count": total, "sort": sort, "facets": {}, "search_facets": {},
                "results": [self._result(i, request, fields) for i in page]}

    def _result(self, index: int, request: Request, fields: Optional[list[str]]) -> dict[str, Any]:
        if fields and set(fields) <= _FAST_FIELDS:
            summary = self.factory.summary(index, self.data)
            return {f: summary[f] for f in fields}
        package = self.factory.package(index, self.data, request.base_url)
        return {f: package.get(f) for f in fields} if fields else package

    def _filters(self, fq: str, q: str) -> Filters:
        """Filters of an fq (metadata_modified ranges, organization, …) and a q."""
        filters = Filters()
        checks: list[Callable[[int], bool]] = []
        orgs: Optional[set[int]] = None
        text = q.strip()
        try:
            clauses = ckan_query.parse(fq)
            if ckan_query.is_fielded(text):
                clauses += ckan_query.parse(text)
            elif text not in ("*:*", ""):
                factory = self.factory
                checks.append(lambda i: text in factory.title(i) or text in factory.name(i))
        except ckan_query.QueryError as error:
            raise search_error(str(error)) from None
        for clause in clauses:
            if clause.field in ("organization", "owner_org"):
                wanted = self._org_numbers(clause)
                orgs = wanted if orgs is None else orgs & wanted
            else:
                checks.extend(self._clause(clause, filters))
        if orgs is not None:
            modulus = len(self.factory.org_names)
            if not orgs:
                filters.until = filters.since - 1  # no such organization: nothing matches
            elif len(orgs) == 1:
                filters.residue = (modulus, next(iter(orgs)))
            else:
                checks.append(lambda i: i % modulus in orgs)  # type: ignore[operator]
        if checks:
            filters.predicate = lambda i: all(check(i) for check in checks)
        return filters

    def _org_numbers(self, clause: ckan_query.Clause) -> set[int]:
        factory = self.factory
        names = factory.org_names if clause.field == "organization" else [
            factory.organization(k)["id"] for k in range(len(factory.org_names))]
        return {names.index(value) for value in clause.values if value in names}

    def _clause(self, clause: ckan_query.Clause, filters: Filters) -> list[Callable[[int], bool]]:
        """Narrow `filters` by one clause, or return the slow checks it needs."""
        field, values, factory = clause.field, set(clause.values), self.factory
        if field == "metadata_modified":
            now = int(time.time() * 10**6)
            low, high = (clause.low, clause.high) if clause.is_range else (clause.values[0],) * 2
            if low is not None:
                filters.since = max(filters.since, solr_time(low, now) + clause.low_exclusive)
            if high is not None:
                filters.until = min(filters.until, solr_time(high, now) - clause.high_exclusive)
            return []
        if clause.is_range:
            raise search_error(f"ranges on {field} are not supported")
        if field in ("dataset_type", "type"):
            if not values & {"*", "contract" if factory.shape == "shafaf" else "dataset"}:
                filters.until = filters.since - 1  # nothing of that type here
            return []
        if field in ("capacity", "state", "site_id", "private"):
            return []  # every simulated dataset is public and active
        if field in ("name", "id"):
            return [lambda i: factory.summary(i, self.data)[field] in values]
        raise search_error(f"undefined field {field}")

    def _organization_list(self, request: Request, params: dict[str, Any]) -> list[Any]:
        if str(params.get("all_fields", "")).lower() not in ("true", "1", "yes"):
            return list(self.factory.org_names)
        return [self._org(k) for k in range(len(self.factory.org_names))]

    def _organization_show(self, request: Request, params: dict[str, Any]) -> dict[str, Any]:
        value = str(params.get("id") or "")
        for k, name in enumerate(self.factory.org_names):
            org = self._org(k)
            if value in (name, org["id"]):
                return {**org, "users": [], "extras": [], "groups": [], "tags": []}
        raise not_found("Organization was not found.")

    def _org(self, number: int) -> dict[str, Any]:
        modulus = len(self.factory.org_names)
        total, _ = self.data.search(Filters(residue=(modulus, number)), "name asc", 0, 0)
        return self.factory.organization(number, package_count=total)


def _sort(text: str) -> str:
    """The first sort key CKAN would honour ("score desc" is dropped)."""
    keys = [" ".join(part.lower().split()) for part in text.split(",") if part.strip()]
    keys = [k for k in keys if not k.startswith("score")]
    if not keys:
        return "metadata_modified desc"
    if keys[0] not in SORTS:
        raise search_error(f"can not sort on {keys[0]}")
    return keys[0]

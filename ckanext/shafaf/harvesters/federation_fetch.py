"""Talking to a member municipality's CKAN: the action API, page by page.

Gather holds one page of datasets at a time (never the whole catalogue:
ckanext-harvest's CKAN harvester keeps every dict of a 63k-dataset source
in memory before creating a single object). Every failure becomes a
`HarvestFault` with a Persian and an English message for the job report.
"""
from __future__ import annotations

import json
from typing import Any, Iterator, Optional

import requests

from ckanext.shafaf.harvesters.base import HarvestFault

PAGE_ROWS = 500


class RemoteCatalogue:
    """One member catalogue's action API (`<url>/api/3/action/...`)."""

    def __init__(self, url: str, *, timeout: float, session: Optional[requests.Session] = None
                 ) -> None:
        self.base = url.rstrip("/") + "/api/3/action/"
        self.timeout = timeout
        self.http = session or requests.Session()

    def action(self, name: str, params: dict[str, Any]) -> Any:
        url = self.base + name
        try:
            response = self.http.get(url, params=params, timeout=self.timeout)
        except requests.Timeout:
            raise HarvestFault("timeout", "پاسخ کاتالوگ عضو در زمان مقرر نرسید.",
                               "The member catalogue did not answer in time.", url)
        except requests.RequestException as error:
            raise HarvestFault("unreachable", "کاتالوگ عضو در دسترس نیست.",
                               f"The member catalogue cannot be reached: {error}", url)
        return _result(response, url)

    def pages(self, fq: str = "", rows: int = PAGE_ROWS) -> Iterator[list[dict[str, Any]]]:
        """package_search pages sorted by id, each page once; stops at the first empty one.

        Sorting by id means a dataset added during paging shifts later pages
        by one: the duplicate it causes is dropped by the caller's GUID set.
        """
        start, previous = 0, None
        while True:
            params = {"q": "*:*", "rows": rows, "start": start, "sort": "id asc",
                      "include_private": "false"}
            if fq:
                params["fq"] = fq
            result = self.action("package_search", params)
            page = result.get("results") if isinstance(result, dict) else None
            if not isinstance(page, list):
                raise HarvestFault("not_ckan", "پاسخ جستجوی کاتالوگ عضو ساختار CKAN ندارد.",
                                   "The member catalogue's search answer is not CKAN's.",
                                   self.base + "package_search")
            if not page:
                return
            ids = [d.get("id") for d in page]
            if ids == previous:
                raise HarvestFault("paging", "صفحه‌بندی کاتالوگ عضو پیش نمی‌رود.",
                                   "The member catalogue returns the same page again.",
                                   self.base + "package_search")
            previous = ids
            yield page
            start += len(page)


def _result(response: requests.Response, url: str) -> Any:
    if response.status_code in (404, 410) and not _is_ckan_error(response):
        raise HarvestFault("gone", "نشانی کاتالوگ عضو دیگر وجود ندارد.",
                           f"The member catalogue is gone (HTTP {response.status_code}).", url)
    if response.status_code >= 500:
        raise HarvestFault("http_error", f"کاتالوگ عضو خطای {response.status_code} داد.",
                           f"The member catalogue answered HTTP {response.status_code}.", url)
    try:
        body = response.json()
    except (ValueError, json.JSONDecodeError):
        raise HarvestFault("not_json", "پاسخ کاتالوگ عضو JSON نیست.",
                           "The member catalogue did not answer with JSON.", url)
    if not isinstance(body, dict) or not body.get("success"):
        error = body.get("error") if isinstance(body, dict) else None
        kind = (error or {}).get("__type", "") if isinstance(error, dict) else ""
        if kind == "Not Found Error" or response.status_code == 404:
            raise HarvestFault("gone", "رکورد در کاتالوگ عضو پیدا نشد.",
                               "Not found on the member catalogue.", url)
        raise HarvestFault("api_error", "کاتالوگ عضو درخواست را نپذیرفت.",
                           f"The member catalogue refused the request: {error}", url)
    return body.get("result")


def _is_ckan_error(response: requests.Response) -> bool:
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and "success" in body

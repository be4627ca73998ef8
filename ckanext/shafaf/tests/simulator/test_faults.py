"""Fault switches: each fault on each kind of path, set by exact path."""
from __future__ import annotations

import http.client
import json
import socket
import time
import urllib.request

import pytest

from ckanext.shafaf.simulator import FAULTS, Simulator
from ckanext.shafaf.tests.simulator.helpers import (
    HOLD, SCHEMAS, assert_valid, export_table, fetch, get_json, validate)

JSON_PATHS = ("/mashhad/api/contracts", "/mashhad/api/permits")


@pytest.mark.parametrize("path", sorted(SCHEMAS))
@pytest.mark.parametrize("fault, status", [("http500", 500), ("http503", 503), ("gone", 404)])
def test_error_statuses(base: str, sim: Simulator, path: str, fault: str, status: int) -> None:
    sim.set_fault(path, fault)
    code, headers, body = fetch(base + path)
    assert code == status and b"<html" in body
    if fault == "http503":
        assert headers["Retry-After"] == "30"


def test_fault_applies_to_the_exact_path_only(base: str, sim: Simulator) -> None:
    sim.set_fault("/mashhad/api/contracts", "http500")
    assert fetch(base + "/mashhad/api/contracts?page=2&size=10")[0] == 500  # query ignored
    assert fetch(base + "/mashhad/api/permits")[0] == 200
    assert fetch(base + "/mashhad/api/contracts/")[0] == 404  # another path (unknown)
    sim.set_fault("/mashhad/api/contracts", None)
    assert fetch(base + "/mashhad/api/contracts")[0] == 200
    with pytest.raises(ValueError):
        sim.set_fault("/mashhad/api/contracts", "meltdown")


@pytest.mark.parametrize("path", sorted(SCHEMAS))
def test_empty_is_200_with_no_body(base: str, sim: Simulator, path: str) -> None:
    sim.set_fault(path, "empty")
    status, headers, body = fetch(base + path)
    assert status == 200 and body == b"" and headers["Content-Length"] == "0"


@pytest.mark.parametrize("path", JSON_PATHS)
def test_not_json_is_an_html_page_with_200(base: str, sim: Simulator, path: str) -> None:
    sim.set_fault(path, "not_json")
    status, headers, body = fetch(base + path)
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    with pytest.raises(json.JSONDecodeError):
        json.loads(body)


@pytest.mark.parametrize("path", sorted(SCHEMAS))
def test_truncated_announces_more_than_it_sends(base: str, sim: Simulator, path: str) -> None:
    full = len(fetch(base + path)[2])
    sim.set_fault(path, "truncated")
    with urllib.request.urlopen(base + path, timeout=10) as response:
        assert int(response.headers["Content-Length"]) == full
        with pytest.raises(http.client.IncompleteRead) as caught:
            response.read()
    assert len(caught.value.partial) == full // 2


def test_timeout_holds_then_answers(base: str, sim: Simulator) -> None:
    normal = fetch(base + "/yazd/contracts.csv")[2]
    sim.set_fault("/yazd/contracts.csv", "timeout")
    began = time.monotonic()
    status, _, body = fetch(base + "/yazd/contracts.csv")
    assert time.monotonic() - began >= HOLD
    assert status == 200 and body == normal


def test_timeout_trips_a_client_timeout_others_still_served(base: str, sim: Simulator) -> None:
    sim.hold_seconds = 3
    sim.set_fault("/mashhad/api/permits", "timeout")
    began = time.monotonic()
    with pytest.raises((socket.timeout, TimeoutError, OSError)):
        urllib.request.urlopen(base + "/mashhad/api/permits", timeout=0.3).read()
    assert get_json(base + "/mashhad/api/contracts")["total"] == 120  # served meanwhile
    assert time.monotonic() - began < 2


def test_windows1256_fault_re_encodes_the_csv(base: str, sim: Simulator) -> None:
    sim.set_fault("/yazd/contracts.csv", "windows1256")
    status, headers, body = fetch(base + "/yazd/contracts.csv")
    assert status == 200 and not body.startswith(b"\xef\xbb\xbf")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    assert body.decode("cp1256").splitlines()[0].startswith("رديف,شماره قرارداد")
    report = assert_valid(body, "contracts", 120)
    assert report.encoding == "cp1256"


@pytest.mark.parametrize("path", JSON_PATHS + ("/arak/contracts.html",))
def test_windows1256_on_text_pages(base: str, sim: Simulator, path: str) -> None:
    sim.set_fault(path, "windows1256")
    body = fetch(base + path)[2]
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    assert body.decode("cp1256")


@pytest.mark.parametrize("path", sorted(SCHEMAS))
def test_shrink_keeps_five_percent(base: str, sim: Simulator, path: str) -> None:
    sim.set_fault(path, "shrink")
    schema = SCHEMAS[path]
    per_year = {"contracts": 2, "budget_lines": 2, "permits": 3}[schema]  # ceil(5 % of 40/30/60)
    assert_valid(export_table(base, path), schema, per_year * 3)


def test_shrink_changes_the_api_total(base: str, sim: Simulator) -> None:
    sim.set_fault("/mashhad/api/contracts", "shrink")
    data = get_json(base + "/mashhad/api/contracts")
    assert data["total"] == 6 and len(data["items"]) == 6


@pytest.mark.parametrize("path", sorted(SCHEMAS))
def test_malformed_rows_fail_validation(base: str, sim: Simulator, path: str) -> None:
    sim.set_fault(path, "malformed_rows")
    report = validate(export_table(base, path), SCHEMAS[path])
    assert report.file_errors == []
    assert report.invalid_row_count == 3 and report.error_count >= 3
    codes = {error["code"] for error in report.row_errors}
    assert any("required" in code or "missing" in code for code in codes), codes


def test_malformed_rows_spans_api_pages(base: str, sim: Simulator) -> None:
    sim.set_fault("/mashhad/api/contracts", "malformed_rows")
    spoiled = 0
    for page in range(1, 13):
        items = get_json(f"{base}/mashhad/api/contracts?page={page}&size=10")["items"]
        spoiled += sum(1 for i in items if "subject" not in i or i["amountToman"] == "نامشخص"
                       or i["signDate"] == "1403/13/40")
    assert spoiled == 3


def test_every_fault_name_is_accepted_and_reset_clears(base: str, sim: Simulator) -> None:
    for fault in FAULTS:
        sim.set_fault("/arak/permits.csv", fault)
    sim.hold_seconds = 9
    sim.reset()
    assert sim.hold_seconds == 5 and sim.portal.faults.items() == {}
    assert fetch(base + "/arak/permits.csv")[0] == 200

"""combined.py, server.py and __main__.py: one root, HTTP switches, the demo process."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from ckanext.shafaf.simulator import (
    PortalSimulator, Simulator, combined_app, parse_catalogues, serve)
from ckanext.shafaf.tests.simulator.helpers import fetch, get_json

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))))


def post(base: str, switch: str, body: dict) -> dict:
    return get_json(f"{base}/_sim/{switch}", data=body)


def test_serve_yields_a_base_url_and_shuts_down() -> None:
    with serve(PortalSimulator()) as base:
        assert base.startswith("http://127.0.0.1:") and not base.endswith("/")
        assert fetch(base + "/arak/permits.csv")[0] == 200
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(base + "/arak/permits.csv", timeout=2)


def test_http_switches(base: str, sim: Simulator) -> None:
    assert post(base, "fault", {"path": "/yazd/contracts.csv", "fault": "http503"})["ok"]
    assert fetch(base + "/yazd/contracts.csv")[0] == 503
    post(base, "fault", {"path": "/yazd/contracts.csv", "fault": None})
    assert fetch(base + "/yazd/contracts.csv")[0] == 200
    post(base, "size", {"city": "mashhad", "kind": "contracts", "n_per_year": 4})
    post(base, "years", {"city": "mashhad", "kind": "contracts", "years": [1403]})
    assert get_json(base + "/mashhad/api/contracts")["total"] == 4
    assert post(base, "edit", {"city": "mashhad", "kind": "contracts", "fiscal_year": 1403,
                               "index": 0})["result"] == 1
    state = get_json(base + "/_sim/state")
    assert state["portal"]["sources"]["/mashhad/api/contracts"]["n_per_year"] == 4
    assert state["portal"]["edits"][0]["revision"] == 1
    post(base, "reset", {})
    assert get_json(base + "/mashhad/api/contracts")["total"] == 120


def test_http_switches_for_catalogues(base: str, sim: Simulator) -> None:
    search = f"{base}/ckan/tabriz/api/3/action/package_search?rows=0"
    post(base, "ckan/count", {"catalogue": "tabriz", "n": 10})
    assert get_json(search)["result"]["count"] == 10
    post(base, "ckan/delete", {"catalogue": "tabriz", "index": 3})
    post(base, "ckan/touch", {"catalogue": "tabriz", "index": 4})
    post(base, "ckan/edit", {"catalogue": "tabriz", "index": 5})
    assert get_json(search)["result"]["count"] == 9
    assert get_json(base + "/_sim/state")["catalogues"]["tabriz"]["changed"] == {"4": 0, "5": 1}
    post(base, "fault", {"path": "/ckan/tabriz/api/3/action/package_search", "fault": "gone",
                         "hold_seconds": 1})
    assert fetch(search)[0] == 404 and sim.catalogue("tabriz").faults.hold_seconds == 1


def test_bad_switch_requests(base: str) -> None:
    assert fetch(base + "/_sim/size", data={"city": "yazd"})[0] == 400
    assert fetch(base + "/_sim/fault", data={"path": "/x", "fault": "meltdown"})[0] == 400
    assert fetch(base + "/_sim/nothing", data={})[0] == 404
    assert fetch(base + "/_sim/reset")[0] == 405


def test_index_page_links_every_source(base: str) -> None:
    status, _, body = fetch(base + "/")
    page = body.decode("utf-8")
    assert status == 200 and f"{base}/yazd/contracts.csv" in page
    assert f"{base}/ckan/maragheh/api/3/action/package_search" in page


def test_catalogue_urls_follow_the_mount(base: str) -> None:
    package = get_json(
        f"{base}/ckan/maragheh/api/3/action/package_show?id=maragheh-contracts-000001")
    url = package["result"]["resources"][0]["url"]
    assert url.startswith(f"{base}/ckan/maragheh/dataset/") and fetch(url)[0] == 200
    assert fetch(f"{base}/ckan/isfahan/api/3/action/status_show")[0] == 404


def test_combined_app_and_catalogue_specs() -> None:
    assert parse_catalogues("tabriz, maragheh:stock") == {"tabriz": "shafaf", "maragheh": "stock"}
    app = combined_app(["ardabil"], ckan_datasets=3, hold_seconds=0.1)
    catalogue = app.catalogue("ardabil")
    assert catalogue.count == 3 and catalogue.faults.hold_seconds == 0.1
    with pytest.raises(ValueError):
        combined_app({"tabriz": "fancy"})


def test_demo_process_prints_its_url_and_serves() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "ckanext.shafaf.simulator", "--port", "0", "--ckan-datasets", "7",
         "--catalogues", "tabriz,maragheh:stock"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        base = process.stdout.readline().strip()
        assert base.startswith("http://127.0.0.1:")
        search = f"{base}/ckan/maragheh/api/3/action/package_search?rows=0"
        assert get_json(search)["result"]["count"] == 7
        assert fetch(base + "/yazd/budgets.xlsx")[0] == 200
    finally:
        os.kill(process.pid, signal.SIGTERM)
        process.wait(timeout=10)

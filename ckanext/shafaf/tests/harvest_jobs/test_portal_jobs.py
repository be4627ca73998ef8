"""Portal harvest jobs against the simulated Yazd, Mashhad and Arak portals."""
from __future__ import annotations

from typing import Any, Iterator

import pytest

import ckan.model as model
from ckan.tests import factories, helpers
from ckanext.activity.model import Activity

from ckanext.shafaf.simulator.portal import PortalSimulator
from ckanext.shafaf.tests.web import PASSWORD, logged_in_client
from ckanext.shafaf.tests.harvest_jobs.conftest import (
    MARKS, datasets_of, make_source, run_job, yazd_portal)

pytestmark = MARKS

SOURCES = [  # (city, kind, path, profile)
    ("yazd", "contracts", "/yazd/contracts.csv", "yazd-contracts"),
    ("yazd", "budgets", "/yazd/budgets.xlsx", "yazd-budgets"),
    ("mashhad", "contracts", "/mashhad/api/contracts", "mashhad-contracts"),
    ("mashhad", "permits", "/mashhad/api/permits", "mashhad-permits"),
    ("arak", "contracts", "/arak/contracts.html", "arak-contracts"),
    ("arak", "permits", "/arak/permits.csv", "arak-permits"),
]


@pytest.fixture
def portal() -> Iterator[PortalSimulator]:
    with yazd_portal([1402, 1403], 30) as sim:
        yield sim


@pytest.fixture
def yazd() -> dict[str, Any]:
    return factories.Organization(name="yazd", title="شهرداری یزد", org_level="municipality",
                                  province="یزد")


def _yazd_source(portal: PortalSimulator, org: dict[str, Any], **config: Any) -> dict[str, Any]:
    return make_source(portal.url + "/yazd/contracts.csv", "shafaf_portal", org["id"],  # type: ignore[attr-defined]
                       {"profile": "yazd-contracts", **config})


def _datastore_rows(resource_id: str) -> int:
    return helpers.call_action("datastore_search", resource_id=resource_id, limit=0)["total"]


def _snapshot(org_id: str) -> dict[str, tuple[str, str]]:
    """name → (metadata_modified, resource file hash as CKAN's uploader stored it)."""
    snap = {}
    for package in datasets_of(org_id):
        dataset = helpers.call_action("package_show", id=package.id)
        snap[package.name] = (dataset["metadata_modified"],
                              dataset["resources"][0].get("last_modified"))
    return snap


@pytest.mark.parametrize("city, kind, path, profile", SOURCES)
def test_each_portal_format_creates_one_valid_dataset_per_year(
        portal: PortalSimulator, city: str, kind: str, path: str, profile: str) -> None:
    org = factories.Organization(name=city, title=f"شهرداری {city}", org_level="municipality")
    source = make_source(portal.url + path, "shafaf_portal", org["id"], {"profile": profile})  # type: ignore[attr-defined]
    result = run_job(source["id"])
    assert result.job["status"] == "Finished"
    assert not result.gather_errors and not result.object_errors, result.report
    names = [p.name for p in datasets_of(org["id"])]
    years = sorted(int(y) for y in {n.rsplit("-", 1)[1] for n in names})
    assert names and years == sorted(portal.state()["sources"][path]["years"])
    assert result.count("added") == len(names)
    for name in names:
        dataset = helpers.call_action("package_show", id=name)
        (resource,) = dataset["resources"]
        assert resource["url_type"] == "upload" and resource["validation_status"] == "valid"
        assert _datastore_rows(resource["id"]) == dataset["row_count"] == \
            portal.state()["sources"][path]["n_per_year"]


def test_rerun_of_unchanged_source_writes_nothing(portal: PortalSimulator,
                                                  yazd: dict[str, Any]) -> None:
    source = _yazd_source(portal, yazd)
    assert run_job(source["id"]).count("added") == 2
    before = _snapshot(yazd["id"])
    activities = model.Session.query(Activity).count()
    again = run_job(source["id"])
    assert again.count("not modified") == 2 and again.count("added") == 0
    assert _snapshot(yazd["id"]) == before
    assert model.Session.query(Activity).count() == activities
    assert len(datasets_of(yazd["id"])) == 2  # no duplicates


def test_an_edited_record_updates_only_its_year(portal: PortalSimulator,
                                                yazd: dict[str, Any]) -> None:
    source = _yazd_source(portal, yazd)
    run_job(source["id"])
    before = _snapshot(yazd["id"])
    portal.edit("yazd", "contracts", 1403, 3)
    result = run_job(source["id"])
    assert result.statuses == {"contract:1402": "not modified", "contract:1403": "updated"}
    after = _snapshot(yazd["id"])
    assert after["yazd-contracts-1402"] == before["yazd-contracts-1402"]
    assert after["yazd-contracts-1403"] != before["yazd-contracts-1403"]
    activity = helpers.call_action("package_activity_list", id="yazd-contracts-1403",
                                   include_hidden_activity=True)
    assert [a["activity_type"] for a in activity].count("changed package") >= 1
    assert activity[-1]["activity_type"] == "new package"  # the old version stays


def test_a_year_gone_from_the_source_is_deleted(portal: PortalSimulator,
                                                yazd: dict[str, Any]) -> None:
    source = _yazd_source(portal, yazd)
    portal.set_years("yazd", "contracts", [1401, 1402, 1403])
    run_job(source["id"])
    portal.set_years("yazd", "contracts", [1402, 1403])
    result = run_job(source["id"])
    assert result.statuses["contract:1401"] == "deleted"
    assert [p.name for p in datasets_of(yazd["id"])] == ["yazd-contracts-1402", "yazd-contracts-1403"]
    portal.set_years("yazd", "contracts", [1401, 1402, 1403])
    back = run_job(source["id"])
    assert back.statuses["contract:1401"] == "added" or back.statuses["contract:1401"] == "updated"
    assert len(datasets_of(yazd["id"])) == 3 and len(datasets_of(yazd["id"], include_deleted=True)) == 3


def test_mass_deletion_guard_keeps_everything(portal: PortalSimulator,
                                              yazd: dict[str, Any]) -> None:
    source = _yazd_source(portal, yazd)
    run_job(source["id"])
    before = _snapshot(yazd["id"])
    portal.set_fault("/yazd/contracts.csv", "shrink")
    result = run_job(source["id"])
    assert result.job["status"] == "Finished"
    (message,) = result.gather_errors
    assert "[deletion_guard]" in message and "حذف نشد" in message and "no dataset was deleted" in message
    assert _snapshot(yazd["id"]) == before


@pytest.mark.parametrize("fault, code", [
    ("timeout", "timeout"), ("http500", "http_error"), ("http503", "http_error"),
    ("truncated", "truncated"), ("empty", "empty"), ("gone", "gone")])
def test_source_faults_are_reported_and_change_nothing(
        portal: PortalSimulator, yazd: dict[str, Any], fault: str, code: str) -> None:
    source = _yazd_source(portal, yazd, timeout=1)
    run_job(source["id"])
    before = _snapshot(yazd["id"])
    rows = {p.name: _datastore_rows(helpers.call_action("package_show", id=p.id)["resources"][0]["id"])
            for p in datasets_of(yazd["id"])}
    portal.set_fault("/yazd/contracts.csv", fault)
    result = run_job(source["id"])
    assert result.job["status"] == "Finished"
    assert any(f"[{code}]" in m for m in result.gather_errors), result.gather_errors
    assert all(any("\u0600" <= c <= "\u06ff" for c in m) for m in result.gather_errors)
    assert _snapshot(yazd["id"]) == before
    assert rows == {p.name: _datastore_rows(
        helpers.call_action("package_show", id=p.id)["resources"][0]["id"])
        for p in datasets_of(yazd["id"])}


def test_not_json_from_an_api_is_reported(portal: PortalSimulator) -> None:
    org = factories.Organization(name="mashhad", org_level="municipality")
    source = make_source(portal.url + "/mashhad/api/contracts", "shafaf_portal", org["id"],  # type: ignore[attr-defined]
                         {"profile": "mashhad-contracts"})
    portal.set_fault("/mashhad/api/contracts", "not_json")
    result = run_job(source["id"])
    assert any("[not_json]" in m for m in result.gather_errors), result.gather_errors
    assert datasets_of(org["id"]) == []


def test_malformed_rows_are_listed_and_the_dataset_kept(portal: PortalSimulator,
                                                        yazd: dict[str, Any]) -> None:
    source = _yazd_source(portal, yazd)
    run_job(source["id"])
    before = _snapshot(yazd["id"])
    portal.set_fault("/yazd/contracts.csv", "malformed_rows")
    result = run_job(source["id"])
    messages = result.gather_errors + result.object_errors
    assert messages, result.report
    assert any("بدون تغییر" in m or "دست‌نخورده" in m or "تغییر نکرد" in m for m in messages)
    assert _snapshot(yazd["id"]) == before


def test_windows_1256_export_reads_like_utf8(portal: PortalSimulator,
                                             yazd: dict[str, Any]) -> None:
    source = _yazd_source(portal, yazd)
    run_job(source["id"])
    portal.set_fault("/yazd/contracts.csv", "windows1256")
    result = run_job(source["id"])
    assert not result.gather_errors and not result.object_errors, result.report
    # cp1256 has no Persian ی/ک of its own, so a changed year is possible; rows are not lost
    assert result.count("not modified") + result.count("updated") == 2
    assert [p.name for p in datasets_of(yazd["id"])] == ["yazd-contracts-1402", "yazd-contracts-1403"]
    dataset = helpers.call_action("package_show", id="yazd-contracts-1403")
    rows = helpers.call_action("datastore_search", resource_id=dataset["resources"][0]["id"],
                               limit=5)["records"]
    assert len(rows) == 5 and all("\u0600" <= c <= "\u06ff" for c in rows[0]["subject"][:1])
    assert _datastore_rows(dataset["resources"][0]["id"]) == 30


def test_the_fault_is_on_the_job_page_of_the_harvest_ui(app: Any, portal: PortalSimulator,
                                                        yazd: dict[str, Any]) -> None:
    source = _yazd_source(portal, yazd)
    portal.set_fault("/yazd/contracts.csv", "http503")
    result = run_job(source["id"])
    client = logged_in_client(app, factories.Sysadmin(password=PASSWORD))
    page = client.get(f"/harvest/{source['name']}/job/{result.job['id']}")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "HTTP 503" in body and "[http_error]" in body and "خطای HTTP 503" in body

"""A province harvests its members' CKAN catalogues (ours-shaped and stock-shaped)."""
from __future__ import annotations

from typing import Any, Iterator
from urllib.parse import urlparse

import pytest
import requests

import ckan.model as model
from ckan.tests import factories, helpers
from ckanext.activity.model import Activity

from ckanext.shafaf.simulator.ckan_api import CkanCatalogue
from ckanext.shafaf.simulator.server import serve
from ckanext.shafaf.tests.harvest_jobs.conftest import MARKS, make_source, run_job
from ckanext.shafaf.uploads import files as upload_files

pytestmark = MARKS
COUNT = 12


@pytest.fixture
def tabriz_catalogue() -> Iterator[CkanCatalogue]:
    catalogue = CkanCatalogue("tabriz", COUNT, organizations=3)
    catalogue.faults.hold_seconds = 4
    with serve(catalogue) as url:
        catalogue.url = url  # type: ignore[attr-defined]
        yield catalogue


@pytest.fixture
def east_azerbaijan() -> dict[str, Any]:
    province = factories.Organization(name="east-azerbaijan", title="استان آذربایجان شرقی",
                                      org_level="province", province="آذربایجان شرقی")
    factories.Organization(name="tabriz", title="شهرداری تبریز", org_level="municipality",
                           groups=[{"name": "east-azerbaijan", "capacity": "parent"}])
    return province


def _source(catalogue: CkanCatalogue, province: dict[str, Any], **config: Any) -> dict[str, Any]:
    return make_source(catalogue.url + "/", "shafaf_ckan",  # type: ignore[attr-defined]
                       province["id"], {"timeout": 1, **config})


def _copies() -> dict[str, model.Package]:
    """Harvested copies by name (the harvest source dataset left out)."""
    packages = (model.Session.query(model.Package)
                .filter(model.Package.type != "harvest")
                .filter(model.Package.state == "active").all())
    return {p.name: p for p in packages}


def _snapshot() -> dict[str, str]:
    return {name: str(p.metadata_modified) for name, p in _copies().items()}


def _remote(catalogue: CkanCatalogue, index: int) -> dict[str, Any]:
    url = f"{catalogue.url}/api/3/action/package_show"  # type: ignore[attr-defined]
    return requests.get(url, params={"id": catalogue.dataset_id(index)}, timeout=5).json()["result"]


def test_first_harvest_copies_datasets_files_and_organisations(
        tabriz_catalogue: CkanCatalogue, east_azerbaijan: dict[str, Any]) -> None:
    result = run_job(_source(tabriz_catalogue, east_azerbaijan)["id"])
    assert result.job["status"] == "Finished"
    assert not result.gather_errors and not result.object_errors, result.report
    assert result.count("added") == COUNT and len(_copies()) == COUNT
    province = model.Group.get("east-azerbaijan")
    for package in _copies().values():
        org = model.Group.get(package.owner_org)
        assert province.id in {g.id for g in org.get_parent_groups(type="organization")}
    remote = _remote(tabriz_catalogue, 0)
    local = helpers.call_action("package_show", id=remote["name"])
    assert local["title"] == remote["title"] and local["type"] == "contract"
    assert local["fiscal_year"] == remote["fiscal_year"]
    (resource,) = local["resources"]
    assert resource["url_type"] == "upload"  # a copy, not a link to the member's server
    path = upload_files.local_path(resource)
    remote_file = requests.get(remote["resources"][0]["url"], timeout=5).content
    assert path and open(path, "rb").read() == remote_file
    assert resource["validation_status"] == "valid"
    assert local["organization"]["name"] == remote["organization"]["name"]


def test_rerun_unchanged_writes_nothing_and_makes_no_version(
        tabriz_catalogue: CkanCatalogue, east_azerbaijan: dict[str, Any]) -> None:
    source = _source(tabriz_catalogue, east_azerbaijan)
    run_job(source["id"])
    before, activities = _snapshot(), model.Session.query(Activity).count()
    tabriz_catalogue.touch(1)  # a new metadata_modified alone is no change
    again = run_job(source["id"])
    assert again.count("not modified") == COUNT, again.statuses
    assert _snapshot() == before
    assert model.Session.query(Activity).count() == activities


def test_an_edit_updates_that_dataset_only_and_keeps_ids(
        tabriz_catalogue: CkanCatalogue, east_azerbaijan: dict[str, Any]) -> None:
    source = _source(tabriz_catalogue, east_azerbaijan)
    run_job(source["id"])
    name = tabriz_catalogue.dataset_name(2)
    old = helpers.call_action("package_show", id=name)
    before = _snapshot()
    tabriz_catalogue.edit(2)
    result = run_job(source["id"])
    assert result.count("updated") == 1 and result.count("not modified") == COUNT - 1
    new = helpers.call_action("package_show", id=name)
    assert new["id"] == old["id"] and new["resources"][0]["id"] == old["resources"][0]["id"]
    assert new["notes"] != old["notes"]
    changed = {n for n, stamp in _snapshot().items() if before[n] != stamp}
    assert changed == {name}
    path = upload_files.local_path(new["resources"][0])
    remote = _remote(tabriz_catalogue, 2)
    assert open(path, "rb").read() == requests.get(remote["resources"][0]["url"], timeout=5).content
    versions = helpers.call_action("package_activity_list", id=name, include_hidden_activity=True)
    assert len(versions) >= 2


def test_remote_deletion_is_propagated(tabriz_catalogue: CkanCatalogue,
                                       east_azerbaijan: dict[str, Any]) -> None:
    source = _source(tabriz_catalogue, east_azerbaijan)
    run_job(source["id"])
    name = tabriz_catalogue.dataset_name(5)
    tabriz_catalogue.delete(5)
    result = run_job(source["id"])
    assert result.count("deleted") == 1
    assert model.Package.get(name).state == "deleted" and len(_copies()) == COUNT - 1


def test_mass_deletion_guard(tabriz_catalogue: CkanCatalogue,
                             east_azerbaijan: dict[str, Any]) -> None:
    source = _source(tabriz_catalogue, east_azerbaijan)
    run_job(source["id"])
    before = _snapshot()
    tabriz_catalogue.set_count(3)
    result = run_job(source["id"])
    assert any("[deletion_guard]" in m and f"3 of the {COUNT}" in m for m in result.gather_errors)
    assert result.count("deleted") == 0 and _snapshot() == before


def test_second_run_creates_no_duplicates(tabriz_catalogue: CkanCatalogue,
                                          east_azerbaijan: dict[str, Any]) -> None:
    source = _source(tabriz_catalogue, east_azerbaijan)
    run_job(source["id"])
    tabriz_catalogue.edit(0)
    tabriz_catalogue.edit(1)
    run_job(source["id"])
    run_job(source["id"])
    assert len(_copies()) == COUNT
    assert model.Session.query(model.Package).filter(model.Package.type != "harvest").count() == COUNT


@pytest.mark.parametrize("path, fault, code", [
    ("/api/3/action/package_search", "http500", "http_error"),
    ("/api/3/action/package_search", "timeout", "timeout"),
    ("/api/3/action/package_search", "not_json", "not_json"),
    ("/api/3/action/package_search", "gone", "gone"),
    ("/api/3/action/package_search", "empty", "not_json")])
def test_catalogue_faults_leave_copies_untouched(
        tabriz_catalogue: CkanCatalogue, east_azerbaijan: dict[str, Any],
        path: str, fault: str, code: str) -> None:
    source = _source(tabriz_catalogue, east_azerbaijan)
    run_job(source["id"])
    before = _snapshot()
    tabriz_catalogue.set_fault(path, fault)
    result = run_job(source["id"])
    assert result.job["status"] == "Finished"
    assert any(f"[{code}]" in m for m in result.gather_errors), result.gather_errors
    assert result.count("deleted") == 0 and _snapshot() == before


def test_a_broken_resource_file_keeps_the_old_copy(
        tabriz_catalogue: CkanCatalogue, east_azerbaijan: dict[str, Any]) -> None:
    source = _source(tabriz_catalogue, east_azerbaijan)
    run_job(source["id"])
    name = tabriz_catalogue.dataset_name(3)
    old = helpers.call_action("package_show", id=name)
    tabriz_catalogue.edit(3)
    file_url = _remote(tabriz_catalogue, 3)["resources"][0]["url"]
    tabriz_catalogue.set_fault(urlparse(file_url).path, "truncated")
    result = run_job(source["id"])
    assert any("[truncated]" in m for m in result.object_errors), result.report
    assert helpers.call_action("package_show", id=name)["metadata_modified"] == old["metadata_modified"]
    tabriz_catalogue.set_fault(urlparse(file_url).path, None)
    assert run_job(source["id"]).count("updated") == 1  # retried next time, not forgotten


def test_a_stock_ckan_catalogue_is_harvested_too(east_azerbaijan: dict[str, Any]) -> None:
    catalogue = CkanCatalogue("tabriz", 4, shape="stock", organizations=1)
    with serve(catalogue) as url:
        catalogue.url = url  # type: ignore[attr-defined]
        result = run_job(_source(catalogue, east_azerbaijan)["id"])
    assert not result.gather_errors and not result.object_errors, result.report
    copies = _copies()
    assert len(copies) == 4 and {p.type for p in copies.values()} == {"dataset"}
    assert {model.Group.get(p.owner_org).name for p in copies.values()} == {"tabriz"}


def test_an_organisation_outside_the_province_is_refused(
        tabriz_catalogue: CkanCatalogue, east_azerbaijan: dict[str, Any]) -> None:
    factories.Organization(name="tabriz-region-1", org_level="municipality")  # no parent
    result = run_job(_source(tabriz_catalogue, east_azerbaijan)["id"])
    refused = [m for m in result.object_errors if "[not_member]" in m]
    assert refused and "عضو" in refused[0]
    assert all(model.Group.get(p.owner_org).name != "tabriz-region-1" for p in _copies().values())

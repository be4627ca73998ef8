"""Acceptance: harvests make versions only when rows change, and the diff shows exactly that row."""
from __future__ import annotations

from typing import Any, Iterator

import pytest

from ckan.tests import factories, helpers

from ckanext.shafaf.search.persian import normalize
from ckanext.shafaf.simulator.ckan_api import CkanCatalogue
from ckanext.shafaf.simulator import records
from ckanext.shafaf.simulator.portal import PortalSimulator
from ckanext.shafaf.simulator.server import serve
from ckanext.shafaf.tests.harvest_jobs.conftest import MARKS, make_source, run_job, yazd_portal

pytestmark = MARKS


@pytest.fixture
def portal() -> Iterator[PortalSimulator]:
    with yazd_portal([1402, 1403], 30) as sim:
        yield sim


def _versions(name: str) -> list[dict[str, Any]]:
    return helpers.call_action("shafaf_version_list", id=name)


def test_an_edited_contract_row_is_exactly_one_new_version_with_that_row(
        portal: PortalSimulator) -> None:
    org = factories.Organization(name="yazd", title="شهرداری یزد", org_level="municipality")
    source = make_source(portal.url + "/yazd/contracts.csv", "shafaf_portal", org["id"],  # type: ignore[attr-defined]
                         {"profile": "yazd-contracts"})
    first = run_job(source["id"])
    assert first.count("added") == 2
    for name in ("yazd-contracts-1402", "yazd-contracts-1403"):
        (v1,) = _versions(name)
        assert v1["actor"] == {"type": "harvest", "harvest_job_id": first.job["id"],
                               "harvest_source_id": source["id"],
                               "harvest_source_title": source["title"]}
        assert v1["files"][0]["stored"]

    again = run_job(source["id"])
    assert again.count("not modified") == 2
    assert [v["number"] for v in _versions("yazd-contracts-1403")] == [1]
    assert [v["number"] for v in _versions("yazd-contracts-1402")] == [1]

    portal.edit("yazd", "contracts", 1403, 3)
    third = run_job(source["id"])
    assert third.statuses == {"contract:1402": "not modified", "contract:1403": "updated"}
    assert [v["number"] for v in _versions("yazd-contracts-1402")] == [1]
    latest, _ = _versions("yazd-contracts-1403")
    assert latest["number"] == 2
    assert latest["actor"]["type"] == "harvest"
    assert latest["actor"]["harvest_job_id"] == third.job["id"]

    result = helpers.call_action("shafaf_version_diff", id="yazd-contracts-1403",
                                 **{"from": 1, "to": 2})
    (res,) = result["resources"]
    before, after = records.contract("yazd", 1403, 3), records.contract("yazd", 1403, 3, 1)
    assert res["counts"] == {"added": 0, "removed": 0, "changed": 1, "old_rows": 30,
                             "new_rows": 30}
    (changed,) = res["changed"]
    assert changed["key"] == {"contract_number": before.contract_number}
    expected = {"subject"} | ({"amount"} if before.amount_irr != after.amount_irr else set())
    assert set(changed["cells"]) == expected
    if "amount" in expected:
        assert changed["cells"]["amount"] == {"old": before.amount_irr, "new": after.amount_irr}
    subject = changed["cells"]["subject"]
    assert normalize(subject["old"]) == normalize(before.subject)
    assert normalize(subject["new"]) == normalize(after.subject)
    assert "الحاقیه" in subject["new"] and "الحاقیه" not in subject["old"]

    # the old version still downloads the old table, whose row has the old subject
    old_file = _versions("yazd-contracts-1403")[1]["files"][0]
    assert old_file["stored"] and old_file["download_url"].endswith(
        f"/versions/1/resource/{old_file['resource_id']}/download")


def test_member_catalogue_copies_are_versioned_by_their_harvest_job() -> None:
    catalogue = CkanCatalogue("tabriz", 3, organizations=1)
    catalogue.faults.hold_seconds = 4
    with serve(catalogue) as url:
        province = factories.Organization(name="east-azerbaijan", title="استان آذربایجان شرقی",
                                          org_level="province")
        factories.Organization(name="tabriz", title="شهرداری تبریز", org_level="municipality",
                               groups=[{"name": "east-azerbaijan", "capacity": "parent"}])
        source = make_source(url + "/", "shafaf_ckan", province["id"], {"timeout": 1})
        first = run_job(source["id"])
        assert first.count("added") == 3
        copies = helpers.call_action("package_search", q="*:*", rows=10)["results"]
        copies = sorted(c["name"] for c in copies if c["type"] != "harvest")
        assert len(copies) == 3
        for name in copies:
            (v1,) = _versions(name)
            assert v1["actor"]["type"] == "harvest"
            assert v1["actor"]["harvest_job_id"] == first.job["id"]
            assert v1["files"][0]["stored"]
        catalogue.touch(1)            # metadata_modified alone: no version
        catalogue.edit(2)             # a new resource file: one version
        second = run_job(source["id"])
        counts = {name: [v["number"] for v in _versions(name)] for name in copies}
        assert sorted(counts.values()) == [[1], [1], [2, 1]], counts
        (edited,) = [name for name, numbers in counts.items() if numbers == [2, 1]]
        assert _versions(edited)[0]["actor"]["harvest_job_id"] == second.job["id"]

"""Harvested member tables reach the province's roll-ups (same check, same refresh)."""
from __future__ import annotations

from typing import Any, Iterator

import pytest

from ckan.tests import helpers

from ckanext.shafaf.federation import rollup
from ckanext.shafaf.simulator.portal import PortalSimulator
from ckanext.shafaf.tests.harvest_jobs.conftest import (  # noqa: F401  (fixtures)
    MARKS, make_source, municipality, province, run_job, yazd_portal)

pytestmark = [*MARKS, pytest.mark.ckan_config("ckanext.shafaf.rollup.in_background", False)]


@pytest.fixture
def portal() -> Iterator[PortalSimulator]:
    with yazd_portal([1401, 1402, 1403], 12) as sim:
        yield sim


def _rollup_rows(province: dict[str, Any], year: int) -> list[dict[str, Any]]:
    dataset = helpers.call_action(
        "package_show", id=rollup.rollup_name(province["name"], "contract", year))
    return helpers.call_action("datastore_search", resource_id=rollup.rollup_resource_id(dataset),
                               limit=1000)["records"]


def test_a_harvest_fills_and_a_remote_deletion_empties_the_rollups(
        portal: PortalSimulator, province: dict[str, Any], municipality: Any) -> None:
    yazd = municipality("yazd", "شهرداری یزد")
    source = make_source(portal.url + "/yazd/contracts.csv", "shafaf_portal",  # type: ignore[attr-defined]
                         yazd["id"], {"profile": "yazd-contracts"})
    assert run_job(source["id"]).job["status"] == "Finished"
    for year in (1401, 1402, 1403):
        member = helpers.call_action("package_show", id=f"yazd-contracts-{year}")
        rows = _rollup_rows(province, year)
        assert len(rows) == member["row_count"] == 12
        assert {r["municipality"] for r in rows} == {"شهرداری یزد"}
        assert {r["source_dataset_id"] for r in rows} == {member["id"]}

    portal.set_years("yazd", "contracts", [1402, 1403])
    assert run_job(source["id"]).statuses["contract:1401"] == "deleted"
    assert _rollup_rows(province, 1401) == []
    assert len(_rollup_rows(province, 1403)) == 12

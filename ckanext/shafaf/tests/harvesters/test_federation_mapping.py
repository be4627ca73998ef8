"""The member-catalogue mapping and the shared bookkeeping, without a harvest job."""
from __future__ import annotations

import copy

import pytest

from ckanext.shafaf.harvesters import base, federation_mapping as mapping, portal_dataset

REMOTE = {
    "id": "r-1", "name": "tabriz-contracts-1403", "type": "contract", "title": "قراردادهای تبریز",
    "fiscal_year": "1403", "metadata_modified": "2026-11-30T10:00:00", "revision_id": "x",
    "num_resources": 1, "organization": {"name": "tabriz", "title": "شهرداری تبریز"},
    "owner_org": "remote-org-id", "row_count": 120, "private": False, "state": "active",
    "tags": [{"name": "قرارداد", "id": "t1"}],
    "extras": [{"key": "harvest_object_id", "value": "h"}, {"key": "source", "value": "portal"}],
    "resources": [{"id": "res-1", "url": "http://127.0.0.1/file.csv", "format": "CSV",
                   "name": "فهرست", "table_schema": "contracts", "datastore_active": True,
                   "position": 0, "validation_status": "valid"}],
}


def test_bookkeeping_fields_do_not_count_as_change() -> None:
    touched = copy.deepcopy(REMOTE)
    touched.update(metadata_modified="2026-12-01T00:00:00", revision_id="y", row_count=5)
    touched["resources"][0]["datastore_active"] = False
    assert base.content_hash(mapping.comparable(touched)) == base.content_hash(
        mapping.comparable(REMOTE))


def test_content_fields_count_as_change() -> None:
    edited = copy.deepcopy(REMOTE)
    edited["title"] = "قراردادهای شهرداری تبریز"
    assert base.content_hash(mapping.comparable(edited)) != base.content_hash(
        mapping.comparable(REMOTE))
    relinked = copy.deepcopy(REMOTE)
    relinked["resources"][0]["url"] = "http://127.0.0.1/file-v2.csv"
    assert base.content_hash(mapping.comparable(relinked)) != base.content_hash(
        mapping.comparable(REMOTE))


def test_hash_ignores_key_order() -> None:
    assert base.content_hash({"a": 1, "b": [1, 2]}) == base.content_hash({"b": [1, 2], "a": 1})


def test_local_package_keeps_metadata_and_sets_local_ids() -> None:
    data = mapping.local_package(
        REMOTE, package_id="local-1", name="tabriz-contracts-1403", owner_org="org-local",
        dataset_types=["contract", "budget", "permit"], resource_ids={"res-1": "local-res-1"})
    assert data["id"] == "local-1" and data["owner_org"] == "org-local"
    assert data["type"] == "contract" and data["fiscal_year"] == "1403"
    assert data["tags"] == [{"name": "قرارداد"}]
    assert data["extras"] == [{"key": "source", "value": "portal"}]
    assert "row_count" not in data and "organization" not in data
    assert data["resources"] == [{"id": "local-res-1", "url": "http://127.0.0.1/file.csv",
                                  "format": "CSV", "name": "فهرست",
                                  "table_schema": "contracts"}]


def test_unknown_remote_type_becomes_a_plain_dataset() -> None:
    remote = dict(REMOTE, type="harvest-like-unknown")
    data = mapping.local_package(remote, package_id="p", name="n", owner_org="o",
                                 dataset_types=["contract"], resource_ids={"res-1": "r"})
    assert data["type"] == "dataset"


def test_file_name_of_a_resource_url() -> None:
    assert mapping.file_name("http://h/dataset/x/resource/y/download/%D9%82.csv", "f") == "ق.csv"
    assert mapping.file_name("http://h/", "fallback.csv") == "fallback.csv"


@pytest.mark.parametrize("previous, seen, refused", [
    (0, 0, False), (100, 100, False), (100, 50, False), (100, 49, True), (2000, 10, True)])
def test_deletion_guard_share(previous: int, seen: int, refused: bool) -> None:
    fault = base.deletion_refused(previous, seen, 0.5)
    assert (fault is not None) is refused
    if fault:
        assert str(seen) in fault.en and str(previous) in fault.en and "حذف" in fault.fa


def test_stable_ids_depend_only_on_their_parts() -> None:
    assert base.stable_id("s", "g") == base.stable_id("s", "g") != base.stable_id("s", "h")


def test_portal_dataset_names_and_titles() -> None:
    data = portal_dataset.dataset_dict(
        dataset_type="contract", fiscal_year=1403, org={"id": "o", "name": "yazd",
                                                        "title": "شهرداری یزد"},
        package_id="p", resource_id="r", table_schema="contracts", source_title="سامانه",
        source_url="http://127.0.0.1/yazd/contracts.csv", rows=12)
    assert data["name"] == "yazd-contracts-1403"
    assert data["title"] == "قراردادهای شهرداری یزد ۱۴۰۳"
    assert data["fiscal_year"] == "1403" and data["resources"][0]["table_schema"] == "contracts"
    assert portal_dataset.year_of_guid(portal_dataset.guid("contract", 1403)) == 1403

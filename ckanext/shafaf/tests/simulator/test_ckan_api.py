"""ckan_api.py: a member catalogue that answers like CKAN 2.9–2.11."""
from __future__ import annotations

import json
import time
import uuid
from urllib.parse import quote

import pytest

from ckanext.shafaf.simulator import CkanCatalogue, Simulator, serve
from ckanext.shafaf.tests.simulator.helpers import assert_valid, fetch, get_json, validate


def action(base: str, name: str, query: str = "", catalogue: str = "tabriz", **kwargs):
    return get_json(f"{base}/ckan/{catalogue}/api/3/action/{name}?{query}", **kwargs)


def search(base: str, query: str, catalogue: str = "tabriz") -> dict:
    data = action(base, "package_search", query, catalogue)
    assert data["success"] is True
    return data["result"]


def all_names(base: str, query: str = "", rows: int = 7, catalogue: str = "tabriz") -> list[str]:
    names, start = [], 0
    while True:
        page = search(base, f"{query}&rows={rows}&start={start}&fl=name", catalogue)["results"]
        if not page:
            return names
        names += [p["name"] for p in page]
        start += rows


def test_status_show(base: str) -> None:
    data = action(base, "status_show")
    assert data["success"] and data["result"]["ckan_version"] == "2.11.6"
    assert data["result"]["site_url"] == f"{base}/ckan/tabriz"
    assert data["help"].startswith(f"{base}/ckan/tabriz/api/3/action/help_show")


def test_package_search_paging_ends(base: str) -> None:
    names = all_names(base, "q=*:*")
    assert len(names) == len(set(names)) == 60
    result = search(base, "rows=1000&start=55")
    assert result["count"] == 60 and len(result["results"]) == 5
    assert search(base, "rows=5000")["results"].__len__() == 60  # rows clamped, not refused
    assert search(base, "rows=10&start=60")["results"] == []


@pytest.mark.parametrize("sort", ["id asc", "id desc", "name asc", "name desc",
                                  "metadata_modified desc", "metadata_modified asc"])
def test_sorts_are_total_orders(base: str, sim: Simulator, sort: str) -> None:
    catalogue = sim.catalogue("tabriz")
    catalogue.touch(5)
    catalogue.edit(40)
    pages = [search(base, f"sort={quote(sort)}&rows=13&start={s}&fl=id,name,metadata_modified")
             for s in range(0, 65, 13)]
    rows = [r for page in pages for r in page["results"]]
    assert len(rows) == 60 and len({r["id"] for r in rows}) == 60
    field, direction = sort.split()
    values = [r[field] for r in rows]
    assert values == sorted(values, reverse=direction == "desc")


def test_default_sort_is_newest_first(base: str, sim: Simulator) -> None:
    sim.catalogue("tabriz").touch(3)
    result = search(base, "rows=2&sort=score+desc,+metadata_modified+desc")
    assert result["results"][0]["name"] == "tabriz-contracts-000003"
    assert search(base, "rows=2")["results"][0]["name"] == "tabriz-contracts-000003"


def test_fl_limits_the_fields(base: str) -> None:
    result = search(base, "rows=3&fl=id,name,metadata_modified")
    assert [sorted(r) for r in result["results"]] == [["id", "metadata_modified", "name"]] * 3
    uuid.UUID(result["results"][0]["id"])
    wide = search(base, "rows=1&fl=id,fiscal_year")["results"][0]
    assert sorted(wide) == ["fiscal_year", "id"] and wide["fiscal_year"] in (1401, 1402, 1403)


def test_fq_metadata_modified_range(base: str, sim: Simulator) -> None:
    catalogue = sim.catalogue("tabriz")
    everything = search(base, "rows=1000&sort=metadata_modified+asc"
                              "&fl=name,metadata_modified")["results"]
    pivot = everything[30]["metadata_modified"]
    since = search(base, f"rows=1000&fq={quote(f'metadata_modified:[{pivot}Z TO *]')}&fl=name")
    assert since["count"] == 30
    exclusive = search(base, f"rows=0&fq={quote(f'metadata_modified:{{{pivot}Z TO *]')}")
    assert exclusive["count"] == 29
    catalogue.touch(0)
    catalogue.edit(1)
    since = search(base, f"rows=1000&fq={quote(f'metadata_modified:[{pivot}Z TO *]')}&fl=name")
    assert since["count"] == 32
    assert {r["name"] for r in since["results"][:2]} == {"tabriz-contracts-000000",
                                                          "tabriz-contracts-000001"}
    until = search(base, f"rows=0&fq={quote(f'metadata_modified:[* TO {pivot}]')}")
    assert until["count"] == 31 - 2  # the two changed ones moved past the pivot
    assert search(base, f"rows=0&fq={quote('metadata_modified:[NOW TO *]')}")["count"] == 0


def test_fq_organization(base: str) -> None:
    orgs = action(base, "organization_list")["result"]
    assert orgs == ["tabriz", "tabriz-region-1", "tabriz-region-2", "tabriz-region-3"]
    counts = {org: search(base, f"rows=1000&fq=organization:{org}")["count"] for org in orgs}
    assert counts == {org: 15 for org in orgs}
    fq = quote("+organization:tabriz-region-2 +dataset_type:contract")
    result = search(base, f"rows=1000&fq={fq}")
    assert {r["organization"]["name"] for r in result["results"]} == {"tabriz-region-2"}
    assert search(base, "rows=0&fq=organization:isfahan")["count"] == 0
    pair = quote('organization:("tabriz-region-1" OR "tabriz-region-3")')
    assert search(base, f"rows=1000&fq={pair}")["count"] == 30
    assert search(base, "rows=0&fq=" + quote("organization:(tabriz OR isfahan)"))["count"] == 15
    both = quote("organization:tabriz metadata_modified:[2025-01-01T08:01:00Z TO *]")
    assert search(base, f"rows=1000&fq={both}")["count"] == 15 - 2  # indices 0 and 4 are older


def test_bad_queries_get_ckan_errors(base: str) -> None:
    status, _, body = fetch(f"{base}/ckan/tabriz/api/3/action/package_search?sort=title+asc")
    error = json.loads(body)
    assert status == 409 and error["success"] is False
    assert error["error"]["__type"] == "Search Query Error"
    status, _, body = fetch(f"{base}/ckan/tabriz/api/3/action/package_search?rows=ten")
    assert status == 409 and json.loads(body)["error"] == {"__type": "Validation Error",
                                                            "rows": ["Invalid integer"]}
    for fq in ("groups:x", "-organization:tabriz", "organization:(a AND b)", "tabriz"):
        status, _, body = fetch(f"{base}/ckan/tabriz/api/3/action/package_search?fq={quote(fq)}")
        assert status == 409, fq
    status, _, body = fetch(f"{base}/ckan/tabriz/api/3/action/no_such_action")
    assert status == 400 and json.loads(body)["success"] is False


def test_package_show_by_id_and_name(base: str, sim: Simulator) -> None:
    catalogue = sim.catalogue("tabriz")
    by_name = action(base, "package_show", "id=tabriz-contracts-000007")["result"]
    by_id = action(base, "package_show", f"id={catalogue.dataset_id(7)}")["result"]
    assert by_name == by_id and by_name["id"] == catalogue.dataset_id(7)
    assert by_name["type"] == "contract" and by_name["municipality"] == "tabriz"
    assert by_name["organization"]["name"] == "tabriz-region-3"
    assert by_name["fiscal_year"] == 1402 and by_name["total_amount_irr"] > 0
    assert by_name["procurement_method"] in (
        "مناقصه عمومی", "مناقصه محدود", "استعلام", "ترک تشریفات")
    resource = by_name["resources"][0]
    assert resource["url"].startswith(f"{base}/ckan/tabriz/dataset/{by_name['id']}/resource/")


def test_ids_are_stable_across_instances() -> None:
    assert CkanCatalogue("tabriz").dataset_id(11) == CkanCatalogue("tabriz", 5).dataset_id(11)
    assert CkanCatalogue("tabriz").dataset_id(11) != CkanCatalogue("maragheh").dataset_id(11)


def test_missing_dataset_is_ckan_404(base: str) -> None:
    status, _, body = fetch(f"{base}/ckan/tabriz/api/3/action/package_show?id=nope")
    data = json.loads(body)
    assert status == 404 and data["success"] is False
    assert data["error"] == {"__type": "Not Found Error", "message": "Not found"}


def test_post_json_like_ckanapi(base: str) -> None:
    data = get_json(f"{base}/ckan/tabriz/api/3/action/package_search",
                    data={"rows": 2, "start": 1, "fl": "name", "sort": "name asc"})
    assert [r["name"] for r in data["result"]["results"]] == [
        "tabriz-contracts-000001", "tabriz-contracts-000002"]


def test_resource_download_validates(base: str) -> None:
    package = action(base, "package_show", "id=tabriz-contracts-000012")["result"]
    status, headers, body = fetch(package["resources"][0]["url"])
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    assert len(body) == package["resources"][0]["size"]
    assert_valid(body, "contracts", 3)
    wrong = package["resources"][0]["url"].replace(package["resources"][0]["id"], str(uuid.uuid4()))
    assert fetch(wrong)[0] == 404


def test_edit_touch_delete(base: str, sim: Simulator) -> None:
    catalogue = sim.catalogue("tabriz")
    before = action(base, "package_show", "id=tabriz-contracts-000002")["result"]
    catalogue.touch(2)
    touched = action(base, "package_show", "id=tabriz-contracts-000002")["result"]
    assert touched["metadata_modified"] > before["metadata_modified"]
    assert touched["notes"] == before["notes"]
    assert touched["resources"][0]["hash"] == before["resources"][0]["hash"]
    catalogue.edit(2)
    edited = action(base, "package_show", "id=tabriz-contracts-000002")["result"]
    assert edited["metadata_modified"] > touched["metadata_modified"]
    assert edited["notes"] != before["notes"]
    assert edited["resources"][0]["hash"] != before["resources"][0]["hash"]
    assert edited["total_amount_irr"] > before["total_amount_irr"]
    assert_valid(fetch(edited["resources"][0]["url"])[2], "contracts", 3)
    catalogue.delete(2)
    show = f"{base}/ckan/tabriz/api/3/action/package_show?id=tabriz-contracts-000002"
    assert fetch(show)[0] == 404
    assert fetch(edited["resources"][0]["url"])[0] == 404
    assert "tabriz-contracts-000002" not in all_names(base)
    assert search(base, "rows=0")["count"] == 59
    assert action(base, "organization_show", "id=tabriz-region-2")["result"]["package_count"] == 14
    with pytest.raises(KeyError):
        catalogue.delete(2)


def test_set_count(base: str, sim: Simulator) -> None:
    catalogue = sim.catalogue("tabriz")
    newest = search(base, "rows=1")["results"][0]["metadata_modified"]
    catalogue.set_count(20)
    assert search(base, "rows=0")["count"] == 20
    catalogue.set_count(25)
    result = search(base, f"rows=100&fq={quote(f'metadata_modified:[{newest} TO *]')}&fl=name")
    assert sorted(r["name"] for r in result["results"]) == [
        f"tabriz-contracts-{i:06d}" for i in range(20, 25)]  # created after the newest of 60


def test_stock_shape_uses_extras(base: str) -> None:
    package = search(base, "rows=1", catalogue="maragheh")["results"][0]
    assert package["type"] == "dataset" and "fiscal_year" not in package
    extras = {e["key"]: e["value"] for e in package["extras"]}
    assert extras["municipality"] == "maragheh"
    assert extras["fiscal_year"] in ("1401", "1402", "1403")
    assert action(base, "status_show", catalogue="maragheh")["result"]["ckan_version"]
    assert search(base, "rows=0&fq=dataset_type:contract", catalogue="maragheh")["count"] == 0


def test_organization_list_all_fields(base: str) -> None:
    orgs = action(base, "organization_list", "all_fields=true")["result"]
    assert [o["name"] for o in orgs][0] == "tabriz" and orgs[0]["title"] == "شهرداری تبریز"
    assert all(o["package_count"] == 15 and o["is_organization"] for o in orgs)
    shown = action(base, "organization_show", f"id={orgs[1]['id']}")["result"]
    assert shown["name"] == "tabriz-region-1"
    assert fetch(f"{base}/ckan/tabriz/api/3/action/organization_show?id=nope")[0] == 404


@pytest.mark.parametrize("fault, status", [("http500", 500), ("gone", 404), ("not_json", 200)])
def test_faults_on_catalogue_paths(base: str, sim: Simulator, fault: str, status: int) -> None:
    sim.set_fault("/ckan/tabriz/api/3/action/package_search", fault)
    code, headers, _ = fetch(f"{base}/ckan/tabriz/api/3/action/package_search?rows=1")
    assert code == status and headers["Content-Type"].startswith("text/html")
    assert fetch(f"{base}/ckan/maragheh/api/3/action/package_search?rows=1")[0] == 200
    show = f"{base}/ckan/tabriz/api/3/action/package_show?id=tabriz-contracts-000001"
    assert fetch(show)[0] == 200


def test_shrink_and_malformed_on_catalogue(base: str, sim: Simulator) -> None:
    sim.set_fault("/ckan/tabriz/api/3/action/package_search", "shrink")
    assert search(base, "rows=0")["count"] == 3
    package = action(base, "package_show", "id=tabriz-contracts-000004")["result"]
    url = package["resources"][0]["url"]
    sim.catalogue("tabriz").set_fault(url.split("/ckan/tabriz", 1)[1], "malformed_rows")
    assert validate(fetch(url)[2], "contracts").invalid_row_count == 3


def test_twenty_thousand_datasets_are_cheap() -> None:
    catalogue = CkanCatalogue("tabriz", 20_000)
    with serve(catalogue) as root:
        began = time.monotonic()
        names, start = 0, 0
        while True:
            page = get_json(f"{root}/api/3/action/package_search?rows=1000&start={start}"
                            "&sort=id+asc&fl=id,name,metadata_modified")["result"]["results"]
            if not page:
                break
            names += len(page)
            start += 1000
        assert names == 20_000
        assert time.monotonic() - began < 30
        assert not catalogue.data.changes and len(catalogue.data.segments) == 1

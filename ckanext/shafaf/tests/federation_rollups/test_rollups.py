"""Provincial roll-ups: merged member tables, refreshed on upload/delete, with figures.

Every expectation is computed here from the rows the members uploaded, not
read back from the code under test.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.shafaf.federation import rollup
from ckanext.shafaf.testing import site_config_marks
from ckanext.shafaf.tests.federation_rollups.conftest import (
    MARAGHEH_ROWS, MARAND_ROWS, TABRIZ_ROWS)
from ckanext.shafaf.tests.tables.helpers import LEGAL_ID, LEGAL_ID_2

pytestmark = [
    *site_config_marks("datastore scheming_datasets scheming_organizations shafaf"),
    pytest.mark.ckan_config("ckanext.shafaf.rollup.in_background", False),
    pytest.mark.usefixtures("with_plugins", "clean_datastore", "with_request_context"),
]
MILLION = 10**6
_FA = str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")


def _amount(cell: str) -> int:
    """The amount column is in میلیون ریال."""
    return int(cell.translate(_FA).replace(",", "")) * MILLION


def _rollup(federation: Any, year: int = 1403) -> dict[str, Any]:
    return helpers.call_action(
        "package_show", id=rollup.rollup_name(federation.province["name"], "contract", year))


def _rows(resource_id: str) -> list[dict[str, Any]]:
    found = helpers.call_action("datastore_search", resource_id=resource_id, limit=1000, sort="_id")
    return found["records"]


def _rollup_rows(federation: Any) -> list[dict[str, Any]]:
    return _rows(rollup.rollup_resource_id(_rollup(federation)))


def test_rollup_holds_every_member_row_with_its_municipality(federation):
    tabriz, tabriz_res = federation.publish("tabriz", TABRIZ_ROWS)
    maragheh, maragheh_res = federation.publish("maragheh", MARAGHEH_ROWS)

    dataset = _rollup(federation)
    assert dataset["type"] == "contract" and dataset["shafaf_rollup"] is True
    assert dataset["owner_org"] == federation.province["id"]
    assert dataset["fiscal_year"] == 1403
    assert "قراردادهای شهرداری‌های استان آذربایجان شرقی — ۱۴۰۳" in dataset["title"]
    assert "Contracts" in dataset["title"]
    assert len(dataset["name"]) <= 100
    rows = _rollup_rows(federation)
    assert len(rows) == len(TABRIZ_ROWS) + len(MARAGHEH_ROWS)
    by_source = defaultdict(list)
    for r in rows:
        by_source[(r["municipality"], r["municipality_name"], r["source_dataset_id"],
                   r["source_resource_id"])].append(r["contract_number"])
    assert by_source == {
        ("شهرداری تبریز", federation.members["tabriz"]["name"], tabriz["id"], tabriz_res["id"]):
            [r[1] for r in TABRIZ_ROWS],
        ("شهرداری مراغه", federation.members["maragheh"]["name"], maragheh["id"],
         maragheh_res["id"]): [r[1] for r in MARAGHEH_ROWS],
    }
    # the member's normalised cells, not the raw text (Arabic letters folded by the check)
    assert {r["contractor_name"] for r in rows if r["contract_number"] == "1403/201"} == \
        {"شرکت راه سازان کیان"}
    # the DataStore's full-text search works on the merged rows
    found = helpers.call_action("datastore_search", resource_id=rows and
                                rollup.rollup_resource_id(dataset), q="آتش‌نشانی")
    assert [r["contract_number"] for r in found["records"]] == ["1403/102"]
    found = helpers.call_action("datastore_search", resource_id=rollup.rollup_resource_id(dataset),
                                q="مراغه")  # the municipality is searchable too
    assert sorted(r["contract_number"] for r in found["records"]) == [r[1] for r in MARAGHEH_ROWS]
    # the roll-up is no input of itself: a second refresh gives the same rows
    helpers.call_action("shafaf_rollup_refresh", id=federation.province["name"])
    assert len(_rollup_rows(federation)) == len(rows)


def test_rollup_follows_a_new_upload_and_deletions(federation):
    tabriz, tabriz_res = federation.publish("tabriz", TABRIZ_ROWS)
    maragheh, _ = federation.publish("maragheh", MARAGHEH_ROWS)
    assert len(_rollup_rows(federation)) == 5

    marand, marand_res = federation.publish("marand", MARAND_ROWS)
    assert len(_rollup_rows(federation)) == 6
    assert {r["municipality"] for r in _rollup_rows(federation)} == \
        {"شهرداری تبریز", "شهرداری مراغه", "شهرداری مرند"}

    helpers.call_action("package_delete", id=maragheh["id"])
    assert sorted(r["contract_number"] for r in _rollup_rows(federation)) == \
        ["1403/101", "1403/102", "1403/301"]

    helpers.call_action("resource_delete", id=marand_res["id"])
    assert sorted(r["contract_number"] for r in _rollup_rows(federation)) == \
        ["1403/101", "1403/102"]
    figures = rollup.figures_of(_rollup(federation))
    assert [s["dataset_id"] for s in figures["sources"]] == [tabriz["id"]]


def _write_sql(sql: str) -> None:
    from ckanext.datastore.backend.postgres import get_write_engine
    with get_write_engine().begin() as conn:
        conn.exec_driver_sql(sql)


def test_broken_member_table_is_skipped_reported_and_its_rows_kept(federation):
    _, tabriz_res = federation.publish("tabriz", TABRIZ_ROWS)
    _, maragheh_res = federation.publish("maragheh", MARAGHEH_ROWS)
    _write_sql(f'ALTER TABLE "{tabriz_res["id"]}" DROP COLUMN subject')

    federation.publish("marand", MARAND_ROWS)  # the refresh this upload starts

    rows = _rollup_rows(federation)
    assert sorted(r["contract_number"] for r in rows) == sorted(
        r[1] for r in TABRIZ_ROWS + MARAGHEH_ROWS + MARAND_ROWS)  # Tabriz's last good rows kept
    figures = rollup.figures_of(_rollup(federation))
    assert [(s["resource_id"], s["code"], s["columns"], s["kept_rows"])
            for s in figures["skipped"]] == [(tabriz_res["id"], "columns_mismatch", ["subject"], 2)]
    assert figures["skipped"][0]["message_fa"] and figures["skipped"][0]["message_en"]
    assert figures["last_error"] is None

    _write_sql(f'DROP TABLE "{maragheh_res["id"]}"')
    helpers.call_action("shafaf_rollup_refresh", id=federation.province["id"], type="contract",
                        fiscal_year="۱۴۰۳")
    figures = rollup.figures_of(_rollup(federation))
    assert {s["resource_id"]: (s["code"], s["kept_rows"]) for s in figures["skipped"]} == {
        tabriz_res["id"]: ("columns_mismatch", 2), maragheh_res["id"]: ("table_missing", 3)}
    assert len(_rollup_rows(federation)) == 6
    summary = helpers.call_action("shafaf_rollup_summary", id=federation.province["name"])
    assert {s["resource_id"] for s in summary["skipped"]} == {tabriz_res["id"], maragheh_res["id"]}


def _expected_figures(rows_by_town: dict[str, list[list[str]]]) -> dict[str, Any]:
    per_town, contractors, methods = {}, defaultdict(lambda: [0, 0]), defaultdict(int)
    for town, rows in rows_by_town.items():
        per_town[town] = (len(rows), sum(_amount(r[5]) for r in rows))
        for r in rows:
            cid = r[4].translate(_FA)
            contractors[cid][0] += _amount(r[5])
            contractors[cid][1] += 1
            methods[r[10]] += 1
    return {"towns": per_town, "contractors": dict(contractors), "methods": dict(methods)}


def test_figures_are_exact(federation):
    federation.publish("tabriz", TABRIZ_ROWS)
    federation.publish("maragheh", MARAGHEH_ROWS)
    federation.publish("marand", MARAND_ROWS)
    expected = _expected_figures({"شهرداری تبریز": TABRIZ_ROWS, "شهرداری مراغه": MARAGHEH_ROWS,
                                  "شهرداری مرند": MARAND_ROWS})

    summary = helpers.call_action("shafaf_rollup_summary", id=federation.province["name"],
                                  type="contract")
    assert summary["fiscal_year"] == 1403 and summary["row_count"] == 6
    assert {r["municipality"]: (r["count"], r["amount"]) for r in summary["by_municipality"]} == \
        expected["towns"]
    assert [r["amount"] for r in summary["by_municipality"]] == sorted(
        (a for _, a in expected["towns"].values()), reverse=True)
    top = {r["contractor_id"]: [r["amount"], r["count"]] for r in summary["top_contractors"]}
    assert top == expected["contractors"]
    assert summary["top_contractors"][0]["contractor_id"] == LEGAL_ID  # 7,000 million
    assert summary["top_contractors"][0]["municipalities"] == 3
    assert {r["selection_method"]: r["count"] for r in summary["by_method"]} == expected["methods"]
    assert [a["fiscal_year"] for a in summary["available"]] == [1403]


def test_refresh_is_for_the_province_admins(federation):
    federation.publish("tabriz", TABRIZ_ROWS)
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("shafaf_rollup_refresh", {"user": federation.editor["name"],
                                                      "ignore_auth": False},
                            id=federation.province["id"])
    done = helpers.call_action("shafaf_rollup_refresh", {"user": federation.province_admin["name"],
                                                         "ignore_auth": False},
                               id=federation.province["id"])
    assert [(d["type"], d["fiscal_year"], d["row_count"]) for d in done] == [("contract", 1403, 2)]
    with pytest.raises(tk.ValidationError):
        helpers.call_action("shafaf_rollup_refresh", id=federation.members["tabriz"]["id"])


def test_a_county_rollup_is_no_input_of_the_province(federation):
    county = factories.Organization(
        title="شهرستان مراغه", org_level="county",
        groups=[{"name": federation.province["name"], "capacity": "parent"}])
    town = factories.Organization(
        title="شهرداری خراجو", org_level="municipality",
        groups=[{"name": county["name"], "capacity": "parent"}],
        users=[{"name": federation.editor["name"], "capacity": "editor"}])
    federation.members["kharajoo"] = town
    federation.publish("kharajoo", TABRIZ_ROWS)

    county_rollup = helpers.call_action(
        "package_show", id=rollup.rollup_name(county["name"], "contract", 1403))
    assert len(_rows(rollup.rollup_resource_id(county_rollup))) == 2
    assert len(_rollup_rows(federation)) == 2  # the county's copy is not counted again


def test_a_failed_refresh_keeps_the_previous_rows_and_says_why(federation, app):
    federation.publish("tabriz", TABRIZ_ROWS)
    before = sorted(r["contract_number"] for r in _rollup_rows(federation))
    rollup_id = rollup.rollup_resource_id(_rollup(federation))
    # a constraint the next member's rows break: the INSERT fails half-way
    _write_sql(f'ALTER TABLE "{rollup_id}" ADD CONSTRAINT small CHECK (amount < 3000000000)')

    federation.publish("marand", MARAND_ROWS)  # 4,000 million Rials

    assert sorted(r["contract_number"] for r in _rollup_rows(federation)) == before
    figures = rollup.figures_of(_rollup(federation))
    assert "CheckViolation" in figures["last_error"]["detail"]
    assert figures["last_error"]["message_fa"] and figures["last_error"]["message_en"]
    assert [s["dataset_id"] for s in figures["sources"]] != []  # the last good sources stay
    page = app.get(f"/organization/{federation.province['name']}")
    assert "ردیف‌های پیشین نگه داشته شد" in page.body


def test_the_province_page_lists_skipped_sources(federation, app):
    _, tabriz_res = federation.publish("tabriz", TABRIZ_ROWS)
    _write_sql(f'DROP TABLE "{tabriz_res["id"]}"')
    federation.publish("maragheh", MARAGHEH_ROWS)
    body = app.get(f"/organization/{federation.province['name']}").body
    assert "منابع کنار گذاشته‌شده / Sources skipped" in body
    assert "جدول این منبع در DataStore نیست." in body


def test_a_taken_name_or_a_long_province_name_still_gets_a_rollup(federation):
    squatter = factories.Organization(org_level="municipality")
    taken = rollup.rollup_name(federation.province["name"], "contract", 1403)
    helpers.call_action("package_create", type="contract", name=taken, owner_org=squatter["id"],
                        title="نام گرفته‌شده", fiscal_year="1403")
    federation.publish("tabriz", TABRIZ_ROWS)
    ours = rollup.rollups_of(federation.province["id"])
    assert len(ours) == 1 and ours[0]["name"] != taken
    assert ours[0]["name"].endswith("-contracts-1403-rollup")
    assert federation.province["id"][:8] in ours[0]["name"]
    assert helpers.call_action("package_show", id=taken)["owner_org"] == squatter["id"]

    assert len(rollup.rollup_name("x" * 100, "permit", 1403)) == 100
    assert rollup.rollup_name("x" * 100, "permit", 1403).endswith("x-permits-1403-rollup")

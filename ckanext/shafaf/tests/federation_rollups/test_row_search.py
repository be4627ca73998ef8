"""Every contract of one contractor across the province: action, web page, permissions."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.shafaf.federation import rollup
from ckanext.shafaf.federation.rollup_merge import key_sql, match_key
from ckanext.shafaf.testing import site_config_marks
from ckanext.shafaf.tests.federation_rollups.conftest import (
    MARAGHEH_ROWS, MARAND_ROWS, TABRIZ_ROWS)
from ckanext.shafaf.tests.tables.helpers import BAD_LEGAL_ID, LEGAL_ID, LEGAL_ID_2, fa

pytestmark = [
    *site_config_marks("datastore scheming_datasets scheming_organizations shafaf"),
    pytest.mark.ckan_config("ckanext.shafaf.rollup.in_background", False),
    pytest.mark.usefixtures("with_plugins", "clean_datastore", "with_request_context"),
]
KIAN = {"1403/101", "1403/201"}  # شرکت راه‌سازان کیان in Tabriz (ZWNJ) and Maragheh (space)


def _search(federation, context=None, **params):
    context = {"ignore_auth": False, "user": "", **(context or {})}
    return helpers.call_action("shafaf_contract_search", context,
                               province=federation.province["name"], **params)


@pytest.fixture
def published(federation):
    federation.publish("tabriz", TABRIZ_ROWS)
    federation.publish("maragheh", MARAGHEH_ROWS)
    return federation


@pytest.mark.parametrize("name", [
    "راه‌سازان کیان",          # ZWNJ, as Tabriz wrote it
    "راه سازان کیان",          # a space, as Maragheh wrote it
    "راهسازان کیان",           # joined
    "شركت راه سازان كيان",     # Arabic ي/ك
    "راه\u200cسازان\u200c كیان",
])
def test_name_variants_find_the_contracts_in_both_municipalities(published, name):
    found = _search(published, contractor=name)
    assert {r["contract_number"] for r in found["results"]} == KIAN
    assert found["count"] == 2
    assert {r["municipality"] for r in found["results"]} == {"شهرداری تبریز", "شهرداری مراغه"}
    for r in found["results"]:
        assert r["dataset"]["name"].split("-")[0] in ("tabriz", "maragheh")
        assert r["resource_id"] in r["resource_url"]
        assert r["fiscal_year"] == 1403


@pytest.mark.parametrize("code", [LEGAL_ID, fa(LEGAL_ID), "103-8028-4790"])
def test_national_id_finds_the_contracts_in_both_municipalities(published, code):
    found = _search(published, contractor_id=code)
    assert {r["contract_number"] for r in found["results"]} == KIAN
    found = _search(published, contractor_id=LEGAL_ID_2, contractor="پارس")
    assert {(r["municipality"], r["contract_number"]) for r in found["results"]} == {
        ("شهرداری تبریز", "1403/102"), ("شهرداری مراغه", "1403/203")}


def test_paging_keeps_the_total(published):
    first = _search(published, contractor="شرکت", limit=2)
    rest = _search(published, contractor="شرکت", limit=2, offset=2)
    past = _search(published, contractor="شرکت", limit=2, offset=10)
    assert first["count"] == rest["count"] == past["count"] == 5
    assert len(first["results"]) == 2 and len(rest["results"]) == 2 and past["results"] == []
    numbers = {r["contract_number"] for r in first["results"] + rest["results"]}
    assert len(numbers) == 4


def test_invalid_national_id_is_a_409_in_persian_and_english(app, published):
    response = app.get("/api/3/action/shafaf_contract_search", query_string={
        "province": published.province["name"], "contractor_id": BAD_LEGAL_ID}, status=409)
    error = response.json["error"]
    assert error["__type"] == "Validation Error"
    message = error["contractor_id"][0]
    assert "شناسه ملی نامعتبر است" in message and "wrong check digit" in message
    response = app.get("/api/3/action/shafaf_contract_search", query_string={
        "province": published.province["name"]}, status=409)
    assert "پیمانکار" in response.json["error"]["contractor"][0]


def test_private_member_rows_only_for_who_may_read_them(app, published):
    marand, marand_res = published.publish("marand", MARAND_ROWS, private=True)
    anonymous = _search(published, contractor_id=LEGAL_ID)
    assert {r["contract_number"] for r in anonymous["results"]} == KIAN
    editor = _search(published, {"user": published.editor["name"]}, contractor_id=LEGAL_ID)
    assert {r["contract_number"] for r in editor["results"]} == KIAN | {"1403/301"}
    stranger = factories.User()
    assert _search(published, {"user": stranger["name"]}, contractor_id=LEGAL_ID)["count"] == 2

    # the roll-up resource itself: datastore_search leaves the private rows out too
    rollup_id = rollup.rollup_resource_id(helpers.call_action(
        "package_show", id=rollup.rollup_name(published.province["name"], "contract", 1403)))
    response = app.get("/api/3/action/datastore_search",
                       query_string={"resource_id": rollup_id, "limit": 100})
    assert response.json["result"]["total"] == 5
    assert "1403/301" not in {r["contract_number"] for r in response.json["result"]["records"]}
    sysadmin = factories.Sysadmin()
    everything = helpers.call_action("datastore_search", {"user": sysadmin["name"]},
                                     resource_id=rollup_id, limit=100)
    assert everything["total"] == 6

    # the figures too: anonymous counts public rows, the editor counts Marand's row as well
    public = helpers.call_action("shafaf_rollup_summary", {"user": "", "ignore_auth": False},
                                 id=published.province["name"])
    assert public["row_count"] == 5
    assert "شهرداری مرند" not in {r["municipality"] for r in public["by_municipality"]}
    assert marand_res["id"] not in {s["resource_id"] for s in public["sources"]}
    mine = helpers.call_action("shafaf_rollup_summary",
                               {"user": published.editor["name"], "ignore_auth": False},
                               id=published.province["name"])
    assert mine["row_count"] == 6
    assert {r["municipality"]: r["count"] for r in mine["by_municipality"]}["شهرداری مرند"] == 1
    assert {s["resource_id"]: s["municipality"] for s in mine["sources"]}[marand_res["id"]] == \
        "شهرداری مرند"

    # the roll-up dataset (public) names no private source and counts none of its rows
    shown = app.get("/api/3/action/package_show", query_string={
        "id": rollup.rollup_name(published.province["name"], "contract", 1403)}).json["result"]
    stored = shown["shafaf_rollup_figures"]
    assert marand_res["id"] in stored  # its id, so its readers can be told apart
    assert "شهرداری مرند" not in stored and marand["name"] not in stored


def test_sql_key_equals_the_python_key():
    """The folded name stored in the roll-up is the one the search computes."""
    from ckanext.datastore.backend.postgres import get_write_engine
    names = ["شرکت راه‌سازان کیان", "شركت راه سازان كيان", "مؤسسه آبادگران ۱۴۰۳",
             "شرکت  إعمار\u200f ـة", "ACME Co.", "شرکتِ نوآوران"]
    with get_write_engine().connect() as conn:
        for name in names:
            got = conn.exec_driver_sql(f"SELECT {key_sql('%(n)s')}", {"n": name}).scalar()
            assert got == match_key(name), name


def test_the_search_page_lists_the_rows_and_explains_errors(app, published):
    url = f"/organization/{published.province['name']}/contracts-search"
    page = app.get(url, query_string={"contractor": "شركت راه سازان"})
    assert 'id="shafaf-contracts-search"' in page.body
    assert "۲ قرارداد یافت شد" in page.body
    assert "شهرداری تبریز" in page.body and "شهرداری مراغه" in page.body
    assert "۱٬۰۰۰٬۰۰۰٬۰۰۰ ریال" in page.body
    page = app.get(url, query_string={"contractor_id": BAD_LEGAL_ID})
    assert "شناسه ملی نامعتبر است" in page.body and "wrong check digit" in page.body
    app.get("/organization/no-such-org/contracts-search", status=404)


def test_the_province_page_shows_the_table_and_a_chart(app, published):
    page = app.get(f"/organization/{published.province['name']}")
    body = page.body
    assert 'class="module shafaf-rollup"' in body
    assert "<svg" in body and "<rect" in body
    assert "جمع قراردادهای هر شهرداری" in body
    assert "شهرداری تبریز" in body and "شهرداری مراغه" in body
    # Maragheh: 2,000 + 300 + 700 million Rials, in Persian digits
    assert "۳٬۰۰۰٬۰۰۰٬۰۰۰ ریال" in body
    assert "پیمانکاران با بیشترین مبلغ" in body and "مناقصه عمومی" in body
    assert f"/organization/{published.province['name']}/contracts-search" in body
    member = app.get(f"/organization/{published.members['tabriz']['name']}")
    assert "shafaf-rollup" not in member.body

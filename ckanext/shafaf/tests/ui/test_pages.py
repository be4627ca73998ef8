"""The Persian UI's server side, page by page (the browser tests walk the same pages)."""
from __future__ import annotations

from typing import Any

import lxml.html
import pytest

from ckan.tests import factories, helpers

from ckanext.shafaf.domain import jalali
from ckanext.shafaf.testing import site_config_marks
from ckanext.shafaf.tests.web import PASSWORD, logged_in_client

pytestmark = [
    *site_config_marks("scheming_datasets scheming_organizations shafaf"),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]
FA = pytest.mark.ckan_config("ckan.locale_default", "fa_IR")


@pytest.fixture
def tabriz() -> dict[str, Any]:
    editor = factories.User(name="tabriz-editor", password=PASSWORD)
    province = factories.Organization(name="east-azerbaijan", title="استان آذربایجان شرقی",
                                      org_level="province")
    city = factories.Organization(
        name="tabriz", title="شهرداری تبریز", org_level="municipality",
        groups=[{"name": province["name"], "capacity": "parent"}],
        users=[{"name": editor["name"], "capacity": "editor"}])
    dataset = helpers.call_action(
        "package_create", type="contract", name="tabriz-contracts-1403",
        title="قراردادهای شهرداری تبریز ۱۴۰۳", owner_org=city["id"], fiscal_year="1403",
        procurement_method="مناقصه عمومی")
    return {"editor": editor, "province": province, "city": city, "dataset": dataset}


@FA
def test_persian_dataset_page_is_rtl_with_jalali_dates(app, tabriz):
    page = app.get("/dataset/tabriz-contracts-1403").body
    assert 'dir="rtl"' in page and 'lang="fa-IR"' in page
    assert "main-rtl" in page and "shafaf" in page  # CKAN's RTL theme, then our stylesheet
    created = jalali.to_jalali(jalali.parse_date(tabriz["dataset"]["metadata_created"][:10]))
    assert f">{created}</time>" in page


def _text(page: str, xpath: str) -> str:
    return " ".join(e.text_content() for e in lxml.html.fromstring(page).xpath(xpath))


def test_english_pages_keep_ckan_dates(app, tabriz):
    page = app.get("/dataset/tabriz-contracts-1403").body
    html = lxml.html.fromstring(page)
    assert html.get("lang") == "en" and html.get("dir") is None
    dates = _text(page, "//p[contains(@class, 'shafaf-dataset-dates')]")
    # CKAN's own format ('December 2, 2026'), not ۱۴۰۵/۰۹/۱۱.
    assert tabriz["dataset"]["metadata_created"][:4] in dates
    assert not any("\u06f0" <= ch <= "\u06f9" for ch in dates)


@FA
def test_new_dataset_asks_for_the_type_and_keeps_the_organisation(app, tabriz):
    client = logged_in_client(app, tabriz["editor"])
    page = client.get(f"/dataset/new?owner_org={tabriz['city']['id']}").body
    assert "نوع مجموعه داده تازه را برگزینید" in page
    for type_ in ("contract", "budget", "permit"):
        assert f'href="/{type_}/new?owner_org={tabriz["city"]["id"]}"' in page
    # The typed forms are CKAN's own, with the Persian type name.
    form = client.get(f"/contract/new?owner_org={tabriz['city']['id']}").body
    assert 'id="dataset-edit"' in form and "ایجاد قرارداد" in form
    assert 'data-module="shafaf-jalali-date"' in form


def test_province_is_indexed_from_the_top_of_the_tree(tabriz):
    own = helpers.call_action(
        "package_create", type="budget", name="province-budget-1403", title="بودجه استان",
        owner_org=tabriz["province"]["id"], fiscal_year="1403")
    found = helpers.call_action("package_search", q="*:*",
                                **{"facet.field": '["province", "dataset_type"]'})
    provinces = {item["name"]: item["count"] for item in found["search_facets"]["province"]["items"]}
    assert provinces == {"استان آذربایجان شرقی": 2}
    names = {item["name"]: item["display_name"] for item in found["search_facets"]["dataset_type"]["items"]}
    assert names == {"contract": "Contract", "budget": "Budget"}
    only = helpers.call_action("package_search", fq='province:"استان آذربایجان شرقی" dataset_type:budget')
    assert [d["name"] for d in only["results"]] == [own["name"]]


@FA
def test_search_page_facets_have_persian_titles_and_labels(app, tabriz):
    page = app.get("/dataset/").body
    for title in ("استان", "شهرداری", "نوع مجموعه داده", "سال مالی", "نحوه انتخاب پیمانکار"):
        assert f"{title}" in page
    assert "استان آذربایجان شرقی" in _text(page, "//a[contains(@href, 'province=')]")
    assert "قرارداد" in _text(page, "//a[contains(@href, 'dataset_type=contract')]")
    assert "۱۴۰۳" in _text(page, "//a[contains(@href, 'fiscal_year=1403')]")
    assert "۱" in _text(page, "//a[contains(@href, 'province=')]//*[contains(@class, 'item-count')]")
    # The count of results, in Persian digits ('۱ مجموعه داده یافت شد').
    assert "۱" in _text(page, "//*[contains(@class, 'search-form')]//h1 | //*[contains(@class, 'search-form')]//h2")


def test_search_page_facets_in_english(app, tabriz):
    page = app.get("/dataset/").body
    for title in ("Province", "Municipality", "Dataset type", "Fiscal year", "Procurement method"):
        assert title in page
    assert "Contract" in _text(page, "//a[contains(@href, 'dataset_type=contract')]")
    assert "1 dataset found" in page


def test_province_follows_a_move_and_a_rename(tabriz):
    other = factories.Organization(name="west-azerbaijan", title="استان آذربایجان غربی",
                                   org_level="province")
    helpers.call_action("organization_patch", id=tabriz["city"]["id"],
                        groups=[{"name": other["name"], "capacity": "parent"}])
    found = helpers.call_action("package_search", fq=f'province:"{other["title"]}"')
    assert [d["name"] for d in found["results"]] == ["tabriz-contracts-1403"]
    helpers.call_action("organization_patch", id=other["id"], title="آذربایجان غربی")
    found = helpers.call_action("package_search", fq='province:"آذربایجان غربی"')
    assert [d["name"] for d in found["results"]] == ["tabriz-contracts-1403"]

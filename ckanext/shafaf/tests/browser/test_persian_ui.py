"""The Persian UI as users see it, in headless Chromium against a real CKAN.

Three scenarios of issue 7: a Tabriz editor makes a contract dataset and
fixes a bad file; an anonymous researcher finds it whatever the spelling of
'قرارداد'; a province admin sees the province's roll-up chart (the roll-up branch,
merged). Each test
saves screenshots to var/artifacts/screenshots/.
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from persiantools.jdatetime import JalaliDate

from ckan.tests import factories, helpers
from ckanext.datastore.tests.conftest import clean_datastore  # noqa: F401  (fixture)

from ckanext.shafaf.domain import jalali
from ckanext.shafaf.testing import site_config_marks
from ckanext.shafaf.tests.tables.helpers import (
    CONTRACT_HEADER, CONTRACT_ROWS, arabic, csv_bytes, write)
from ckanext.shafaf.tests.browser.pages import (
    assert_persian_rtl, click, find, find_all, login, wait)
from ckanext.shafaf.tests.web import PASSWORD

pytestmark = [
    *site_config_marks(
        "datastore datatables_view scheming_datasets scheming_organizations shafaf"),
    pytest.mark.ckan_config("ckan.locale_default", "fa_IR"),
    pytest.mark.ckan_config("ckan.locales_offered", "fa_IR en"),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_datastore"),
]

GOOD_ROWS = CONTRACT_ROWS[:2]
# The second row broken three ways: no such date (1404 has no 30 Esfand),
# a legal ID with a wrong check digit, an amount that is not a number.
BAD_ROWS = [GOOD_ROWS[0],
            ["2", "1403/124", "خرید خودرو", "شرکت پارس خودرو", "10380284791", "۵۰۰x",
             "1404/12/30", "", "", "", "مناقصه عمومی", "هزینه‌ای", ""]]
PERSIAN_DIGIT = "[۰-۹]"
ZWNJ = "\u200c"


@pytest.fixture
def tabriz() -> dict[str, Any]:
    """East Azerbaijan with Tabriz as its member; Tabriz's editor and the province admin."""
    editor = factories.User(name="tabriz-editor", fullname="ویراستار تبریز", password=PASSWORD)
    province_admin = factories.User(name="province-admin", password=PASSWORD)
    province = factories.Organization(
        name="east-azerbaijan", title="استان آذربایجان شرقی", org_level="province",
        users=[{"name": province_admin["name"], "capacity": "admin"}])
    city = factories.Organization(
        name="tabriz", title="شهرداری تبریز", org_level="municipality",
        groups=[{"name": province["name"], "capacity": "parent"}],
        users=[{"name": editor["name"], "capacity": "editor"}])
    return {"editor": editor, "province_admin": province_admin,
            "province": province, "city": city}


def test_tabriz_editor_creates_a_contract_dataset_and_fixes_its_file(
        live_site, browser, screenshot, tabriz, tmp_path):
    site = live_site
    login(browser, site, tabriz["editor"])

    # "Add dataset" starts with the choice of type.
    browser.get(f"{site}/dataset/new?owner_org={tabriz['city']['id']}")
    assert_persian_rtl(browser)
    choices = [a.text for a in find_all(browser, ".shafaf-type-choice a")]
    assert choices == ["قرارداد", "بودجه", "مجوز"]
    assert "قراردادهای منعقدشده" in find(browser, ".shafaf-choose-type").text
    screenshot("01-editor-choose-type")
    find(browser, ".shafaf-type-choice[data-type=contract] a").click()
    wait(browser, "#field-title")
    assert "/contract/new" in browser.current_url and "owner_org=" in browser.current_url

    # The contract form speaks Persian: labels and help.
    form_text = find(browser, "form#dataset-edit").text
    for label in ("عنوان", "سال مالی", "نحوه انتخاب پیمانکار", "آغاز دوره"):
        assert label in form_text
    assert "سال هجری شمسی" in form_text
    find(browser, "#field-title").send_keys("قراردادهای شهرداری تبریز ۱۴۰۴")
    slug_edit = find_all(browser, ".slug-preview button")
    if slug_edit:
        slug_edit[0].click()
    name = find(browser, "#field-name")
    name.clear()
    name.send_keys("tabriz-contracts-1404")
    find(browser, "#field-fiscal_year").send_keys("۱۴۰۴")

    # The offline Jalali date picker writes a Persian Jalali date into the field.
    find(browser, "#field-coverage_start").click()
    picker = wait(browser, ".shafaf-datepicker")
    today = JalaliDate(date.today())
    month = ["فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان",
             "آذر", "دی", "بهمن", "اسفند"][today.month - 1]
    assert find(browser, ".shafaf-datepicker-title").text == f"{month} {jalali.to_jalali(date.today())[:4]}"
    screenshot("02-editor-date-picker")
    picker.find_element("css selector", "button[data-date$='/۰۱']").click()
    start = find(browser, "#field-coverage_start").get_attribute("value")
    assert start == jalali.to_jalali(JalaliDate(today.year, today.month, 1).to_gregorian())
    assert not find_all(browser, ".shafaf-datepicker")
    screenshot("03-editor-contract-form")
    click(browser, find(browser, "button[name=save]"))

    # Stage 2: upload a file with three faults in its second row.
    upload = wait(browser, "#field-resource-upload")
    bad = write(tmp_path, "contracts-1404.csv", csv_bytes([CONTRACT_HEADER, *BAD_ROWS]))
    upload.send_keys(str(bad))
    click(browser, find(browser, "button[name=save][value=go-metadata]"))

    # The dataset page shows the report in place: the rows to fix.
    report = wait(browser, "#shafaf-validation[data-status=invalid]")
    assert_persian_rtl(browser)
    assert "پرونده نامعتبر است" in report.text
    error_rows = report.find_elements("css selector", ".shafaf-row-errors tbody tr")
    assert len(error_rows) >= 3
    assert {row.find_elements("css selector", "td")[0].text for row in error_rows} == {"3"}
    codes = {row.get_attribute("data-code") for row in error_rows}
    assert len(codes) >= 3
    screenshot("04-editor-bad-file-report")

    # Replace the file with the fixed one (the resource's edit form).
    dataset = helpers.call_action("package_show", id="tabriz-contracts-1404")
    assert jalali.parse_date(dataset["coverage_start"]).isoformat() == dataset["coverage_start"]
    resource = dataset["resources"][0]
    browser.get(f"{site}/dataset/{dataset['name']}/resource/{resource['id']}/edit")
    good = write(tmp_path, "contracts-1404-fixed.csv", csv_bytes([CONTRACT_HEADER, *GOOD_ROWS]))
    wait(browser, "#field-resource-upload").send_keys(str(good))
    click(browser, find(browser, "button[name=save]"))
    wait(browser, "#shafaf-validation[data-status=valid]")
    screenshot("05-editor-fixed-file")

    # The dataset page: no report left, summary figures, first rows, Jalali dates.
    browser.get(f"{site}/dataset/{dataset['name']}")
    wait(browser, "#shafaf-table-preview")
    assert_persian_rtl(browser)
    assert not find_all(browser, "#shafaf-validation")
    summary = find(browser, "#shafaf-table-summary").text
    assert "تعداد ردیف‌ها" in summary and "۲" in summary
    preview = find_all(browser, ".shafaf-preview-table tbody tr")
    assert len(preview) == 2
    assert "۱۴۰۳/۱۲۳" in preview[0].text or "۱۴۰۳" in preview[0].text
    page = find(browser, "body").text
    assert jalali.to_jalali(date.today()) in page  # created / modified, in Jalali
    assert re.search(f"۱۴۰[۰-۹]/{PERSIAN_DIGIT}{{2}}/{PERSIAN_DIGIT}{{2}}", page)
    screenshot("06-editor-dataset-page")


def test_researcher_finds_contracts_with_arabic_letters_and_zwnj(
        live_site, browser, screenshot, tabriz):
    site = live_site
    title = "قراردادهای پیمانکاری شهرداری تبریز ۱۴۰۴"
    helpers.call_action(
        "package_create", {"user": tabriz["editor"]["name"]}, type="contract",
        name="tabriz-contracts-1404", title=title, owner_org=tabriz["city"]["id"],
        fiscal_year="1404", procurement_method="مناقصه عمومی")
    helpers.call_action(
        "package_create", {"user": tabriz["editor"]["name"]}, type="budget",
        name="tabriz-budget-1404", title="بودجه شهرداری تبریز ۱۴۰۴",
        owner_org=tabriz["city"]["id"], fiscal_year="1404")

    queries = {
        "plain": "قرارداد",
        "arabic": arabic("قراردادهای پیمانکاری"),  # Arabic ي and ك
        "zwnj": f"قرارداد{ZWNJ}های",
    }
    assert "ي" in queries["arabic"] and "ك" in queries["arabic"]
    for label, query in queries.items():
        browser.get(f"{site}/dataset/?q={query}")
        wait(browser, ".dataset-list, .dataset-item, .search-form")
        assert_persian_rtl(browser)
        found = [a.text for a in find_all(browser, ".dataset-heading a")]
        assert found == [title], (label, found)
        screenshot(f"10-researcher-search-{label}")

    # Facets: province, municipality, type, fiscal year, procurement method, in Persian.
    browser.get(f"{site}/dataset/")
    wait(browser, ".dataset-heading")
    facets = " ".join(h.text for h in find_all(browser, "section.module-narrow h2, .module-narrow .module-heading"))
    for title_fa in ("استان", "شهرداری", "نوع مجموعه داده", "سال مالی", "نحوه انتخاب پیمانکار"):
        assert title_fa in facets, facets
    sidebar = find(browser, "aside.secondary, .secondary").text
    assert "استان آذربایجان شرقی" in sidebar and "قرارداد" in sidebar and "۱۴۰۴" in sidebar
    # The province facet filters.
    find(browser, "a[href*='province=']").click()
    wait(browser, ".dataset-heading")
    assert len(find_all(browser, ".dataset-heading a")) == 2
    browser.get(f"{site}/dataset/?dataset_type=contract")
    wait(browser, ".dataset-heading")
    assert [a.text for a in find_all(browser, ".dataset-heading a")] == [title]
    screenshot("11-researcher-facets")


def test_date_picker_calendar_matches_the_server_calendar(live_site, browser, tabriz):
    """The picker's Jalali↔Gregorian arithmetic agrees with persiantools day by day."""
    login(browser, live_site, tabriz["editor"])
    browser.get(f"{live_site}/contract/new")
    wait(browser, "#field-coverage_start")
    first, days = date(2015, 3, 1), 365 * 16
    got = browser.execute_script(
        "var out = [], d = new Date(Date.UTC(arguments[0], arguments[1] - 1, arguments[2]));"
        "for (var i = 0; i < arguments[3]; i++) {"
        "  var j = shafafJalali.toJalali(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());"
        "  var g = shafafJalali.toGregorian(j[0], j[1], j[2]);"
        "  out.push([j, g, shafafJalali.monthLength(j[0], j[1])]);"
        "  d.setUTCDate(d.getUTCDate() + 1); }"
        "return out;", first.year, first.month, first.day, days)
    for offset, (j, g, length) in enumerate(got):
        day = first + timedelta(days=offset)
        expected = JalaliDate(day)
        assert tuple(j) == (expected.year, expected.month, expected.day), day
        assert date(*g) == day
        assert length == JalaliDate.days_in_month(expected.month, expected.year)
    assert browser.execute_script("return shafafJalali.monthLength(1403, 12)") == 30
    assert browser.execute_script("return shafafJalali.monthLength(1404, 12)") == 29
    assert browser.execute_script("return shafafJalali.parse('۱۴۰۴/۱۲/۳۰')") is None


@pytest.mark.ckan_config("ckanext.shafaf.rollup.in_background", False)  # refreshed in the upload
def test_province_admin_sees_the_rollup_chart(live_site, browser, screenshot, tabriz,
                                             create_with_upload):
    maragheh = factories.Organization(
        name="maragheh", title="شهرداری مراغه", org_level="municipality",
        groups=[{"name": tabriz["province"]["name"], "capacity": "parent"}],
        users=[{"name": tabriz["editor"]["name"], "capacity": "editor"}])
    for number, org in enumerate([tabriz["city"], maragheh]):
        dataset = helpers.call_action(
            "package_create", {"user": tabriz["editor"]["name"]}, type="contract",
            name=f"contracts-{number}", title=f"قراردادهای {org['title']} ۱۴۰۳",
            owner_org=org["id"], fiscal_year="1403")
        create_with_upload(csv_bytes([CONTRACT_HEADER, *GOOD_ROWS]), "contracts.csv",
                           context={"user": tabriz["editor"]["name"]},
                           package_id=dataset["id"], table_schema="contracts")
    login(browser, live_site, tabriz["province_admin"])
    browser.get(f"{live_site}/organization/{tabriz['province']['name']}")
    wait(browser, ".page-heading, h1")
    assert_persian_rtl(browser)
    screenshot("20-province-admin-province-page")
    chart = wait(browser, ".shafaf-rollup svg, [class*=rollup] svg", timeout=3)
    assert chart.is_displayed()

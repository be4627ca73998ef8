"""Jalali dates on pages whose templates are not ours: harvest jobs and activity streams.

ckanext-harvest's job page and CKAN's activity stream print dates through
h.render_datetime / h.time_ago_from_timestamp (chained in ui/dates.py), and
CKAN's script then rewrites `.automatic-local-datetime` in the browser; on
Persian pages our script writes the Jalali date of that moment instead.
"""
from __future__ import annotations

import re
from datetime import date

import pytest

from ckan.tests import factories, helpers
import ckan.plugins.toolkit as tk
from ckanext.datastore.tests.conftest import clean_datastore  # noqa: F401  (fixture)

from ckanext.shafaf.domain import jalali
from ckanext.shafaf.testing import site_config_marks
from ckanext.shafaf.tests.browser.pages import assert_persian_rtl, login, wait
from ckanext.shafaf.tests.harvest_jobs.conftest import make_source
from ckanext.shafaf.tests.web import PASSWORD

pytestmark = [
    *site_config_marks("activity datastore scheming_datasets scheming_organizations harvest "
                       "shafaf shafaf_portal_harvester"),
    pytest.mark.ckan_config("ckan.locale_default", "fa_IR"),
    pytest.mark.ckan_config("ckan.locales_offered", "fa_IR en"),
    pytest.mark.ckan_config("ckan.harvest.mq.type", "redis"),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_datastore"),
]
JALALI_TODAY = jalali.to_jalali(date.today())


def test_harvest_job_and_activity_pages_show_jalali_dates(live_site, browser, screenshot):
    sysadmin = factories.Sysadmin(name="shafaf-admin", password=PASSWORD)
    org = factories.Organization(name="yazd", title="شهرداری یزد", org_level="municipality")
    source = make_source("http://127.0.0.1:9/yazd/contracts.csv", "shafaf_portal", org["id"],
                         {"profile": "yazd-contracts"})
    job = tk.get_action("harvest_job_create")(
        {"ignore_auth": True, "user": sysadmin["name"]}, {"source_id": source["id"], "run": False})
    helpers.call_action("package_create", {"user": sysadmin["name"]}, type="contract",
                        name="yazd-contracts-1403", title="قراردادهای شهرداری یزد ۱۴۰۳",
                        owner_org=org["id"], fiscal_year="1403")
    login(browser, live_site, sysadmin)

    browser.get(f"{live_site}/harvest/{source['name']}/job/{job['id']}")
    created = wait(browser, ".automatic-local-datetime[data-calendar=jalali]")
    assert_persian_rtl(browser)
    # The browser's local time of the job, in Jalali with Persian digits.
    assert re.fullmatch(r"[۰-۹]{4}/[۰-۹]{2}/[۰-۹]{2}، [۰-۹]{2}:[۰-۹]{2} \(UTC[+-][۰-۹]{2}:[۰-۹]{2}\)",
                        created.text), created.text
    assert created.text.startswith(JALALI_TODAY[:5])
    screenshot("30-harvest-job-jalali")

    browser.get(f"{live_site}/dataset/activity/yazd-contracts-1403")
    stamp = wait(browser, ".activity .date, ul.activity span.date")
    assert stamp.get_attribute("title").startswith(JALALI_TODAY)
    assert not re.search(r"[0-9]", stamp.text), stamp.text  # 'همین الان' / '۲ دقیقه پیش'
    screenshot("31-activity-stream-jalali")

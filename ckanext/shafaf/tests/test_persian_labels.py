"""Schema labels follow the page language: Persian on a fa_IR site, English on en.

CKAN's Persian locale is fa_IR and ckanext-scheming matches label keys to
it exactly, so the schemas key their Persian text fa_IR (a key `fa` would
silently fall back to English on every Persian page).
"""
from __future__ import annotations

import pytest

from ckan.tests import factories

from ckanext.shafaf.testing import site_config_marks
from ckanext.shafaf.tests.web import PASSWORD, logged_in_client

pytestmark = [
    *site_config_marks("scheming_datasets scheming_organizations shafaf"),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]


@pytest.mark.parametrize("locale, shown, hidden", [
    ("fa_IR", ["سال مالی", "نحوه انتخاب پیمانکار", "مناقصه عمومی", "شناسه ملی یا کد ملی پیمانکار"],
     ["Fiscal year", "Procurement method"]),
    ("en", ["Fiscal year", "Procurement method"], ["سال مالی", "نحوه انتخاب پیمانکار"]),
])
def test_contract_form_labels_follow_the_locale(app, ckan_config, monkeypatch, locale, shown,
                                                hidden):
    monkeypatch.setitem(ckan_config, "ckan.locale_default", locale)
    user = factories.User(password=PASSWORD)
    factories.Organization(org_level="municipality",
                           users=[{"name": user["name"], "capacity": "editor"}])
    body = logged_in_client(app, user).get("/contract/new").body
    for text in shown:
        assert text in body
    for text in hidden:
        assert f">{text}" not in body

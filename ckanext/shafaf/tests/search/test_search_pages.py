# -*- coding: utf-8 -*-
"""CKAN's web pages and group/organisation actions that search behind the scenes."""
from __future__ import annotations

import re

import pytest

from ckan.tests import factories, helpers

_LISTED = re.compile(r'class="dataset-heading">.*?<a href="/dataset/([^"/?]+)"', re.S)


def listed(resp):
    """Dataset names in the result list of a rendered search page, in order."""
    return _LISTED.findall(resp.body)


def web_headers(user):
    token = factories.APIToken(user=user["name"])
    return {"Authorization": token["token"]}


# -- /dataset/ -----------------------------------------------------------------


@pytest.mark.usefixtures("clean_db", "clean_index")
class TestDatasetSearchPage:

    def test_english_query_lists_matches(self, app):
        factories.Dataset(name="rain-gauges", title="Rain gauges of Tabriz")
        factories.Dataset(name="rain-totals", title="Rain totals")
        factories.Dataset(name="bus-lines", title="Bus lines")
        resp = app.get("/dataset/", query_string={"q": "rain", "sort": "name asc"},
                       status=200)
        assert listed(resp) == ["rain-gauges", "rain-totals"]
        assert "2 datasets found" in resp.body

    def test_arabic_yeh_and_kaf_find_persian_title(self, app):
        # Persian ی (U+06CC) and ک (U+06A9) in the title ...
        factories.Dataset(name="water-quality", title="گزارش کیفیت آب شهری")
        factories.Dataset(name="city-budget", title="بودجه شهرداری")
        # ... Arabic ي (U+064A) and ك (U+0643) in the query
        query = "\u0643\u064a\u0641\u064a\u062a"  # كيفيت
        resp = app.get("/dataset/", query_string={"q": query}, status=200)
        assert listed(resp) == ["water-quality"]
        assert "1 dataset found" in resp.body

    def test_persian_query_finds_arabic_spelled_title(self, app):
        factories.Dataset(name="libraries", title="كتابخانه\u200cهاي عمومي")
        factories.Dataset(name="parks", title="پارک‌های شهری")
        resp = app.get("/dataset/", query_string={"q": "کتابخانه"}, status=200)
        assert listed(resp) == ["libraries"]

    def test_no_match_lists_nothing(self, app):
        factories.Dataset(name="bus-lines", title="Bus lines")
        resp = app.get("/dataset/", query_string={"q": "submarine"}, status=200)
        assert listed(resp) == []
        assert "No datasets found" in resp.body

    def test_tag_facet_filter_in_url(self, app):
        factories.Dataset(name="with-tag", tags=[{"name": "budget"}])
        factories.Dataset(name="without-tag", tags=[{"name": "other"}])
        resp = app.get("/dataset/", query_string={"tags": "budget"}, status=200)
        assert listed(resp) == ["with-tag"]

    @pytest.mark.ckan_config("ckan.search.show_all_types", "false")
    def test_page_only_lists_its_own_dataset_type(self, app):
        """The view adds `+dataset_type:dataset` to fq."""
        factories.Dataset(name="plain")
        factories.Dataset(name="tender", type="procurement")
        resp = app.get("/dataset/", status=200)
        assert listed(resp) == ["plain"]

    def test_sort_parameter_orders_the_list(self, app):
        for i in range(3):
            factories.Dataset(name=f"paged-{i}")
        resp = app.get("/dataset/", query_string={"sort": "name desc"}, status=200)
        assert listed(resp) == ["paged-2", "paged-1", "paged-0"]
        resp = app.get("/dataset/", query_string={"sort": "name asc"}, status=200)
        assert listed(resp) == ["paged-0", "paged-1", "paged-2"]

    @pytest.mark.ckan_config("ckan.datasets_per_page", 2)
    def test_second_page(self, app):
        for i in range(3):
            factories.Dataset(name=f"paged-{i}")
        page1 = app.get("/dataset/", query_string={"sort": "name asc"}, status=200)
        page2 = app.get("/dataset/", query_string={"sort": "name asc", "page": 2},
                        status=200)
        assert listed(page1) == ["paged-0", "paged-1"]
        assert listed(page2) == ["paged-2"]


# -- organisations and groups --------------------------------------------------


@pytest.fixture
def orgs(clean_db, clean_index):
    member = factories.User()
    org_a = factories.Organization(
        name="org-alpha", users=[{"name": member["name"], "capacity": "member"}])
    org_b = factories.Organization(name="org-beta")
    grp_x = factories.Group(name="grp-x")
    grp_y = factories.Group(name="grp-y")
    factories.Group(name="grp-empty")
    factories.Dataset(name="a-one", owner_org=org_a["id"],
                      groups=[{"name": "grp-x"}])
    factories.Dataset(name="a-two", owner_org=org_a["id"],
                      groups=[{"name": "grp-x"}, {"name": "grp-y"}])
    factories.Dataset(name="a-private", owner_org=org_a["id"], private=True)
    factories.Dataset(name="a-draft", owner_org=org_a["id"], state="draft")
    factories.Dataset(name="a-deleted", owner_org=org_a["id"])
    helpers.call_action("package_delete", id="a-deleted")
    factories.Dataset(name="b-one", owner_org=org_b["id"],
                      groups=[{"name": "grp-y"}])
    return {"member": member, "org_a": org_a, "org_b": org_b,
            "grp_x": grp_x, "grp_y": grp_y}


def test_organization_page_lists_its_public_datasets(app, orgs):
    resp = app.get("/organization/org-alpha", query_string={"sort": "name asc"},
                   status=200)
    assert listed(resp) == ["a-one", "a-two"]
    assert "2 datasets found" in resp.body
    resp = app.get("/organization/org-beta", status=200)
    assert listed(resp) == ["b-one"]


def test_organization_page_member_sees_private(app, orgs):
    resp = app.get("/organization/org-alpha", query_string={"sort": "name asc"},
                   headers=web_headers(orgs["member"]), status=200)
    assert listed(resp) == ["a-one", "a-private", "a-two"]


def test_organization_page_search_within(app, orgs):
    resp = app.get("/organization/org-alpha", query_string={"q": "name:a-two"},
                   status=200)
    assert listed(resp) == ["a-two"]


def test_organization_show_package_count(orgs):
    assert helpers.call_action("organization_show", id="org-alpha")["package_count"] == 2
    assert helpers.call_action("organization_show", id="org-beta")["package_count"] == 1
    as_member = helpers.call_action(
        "organization_show", context={"user": orgs["member"]["name"]}, id="org-alpha")
    assert as_member["package_count"] == 3


def test_organization_show_include_datasets(orgs):
    shown = helpers.call_action("organization_show", id="org-alpha",
                                include_datasets=True)
    assert sorted(d["name"] for d in shown["packages"]) == ["a-one", "a-two"]


def test_organization_list_all_fields_counts(orgs):
    """organization_list(all_fields) shows each organisation as the caller
    may see it: public datasets for an outsider, private ones too for a member."""
    counts = {o["name"]: o["package_count"] for o in
              helpers.call_action("organization_list", all_fields=True)}
    assert counts == {"org-alpha": 2, "org-beta": 1}
    as_member = helpers.call_action(
        "organization_list", context={"user": orgs["member"]["name"]},
        all_fields=True)
    assert {o["name"]: o["package_count"] for o in as_member} == {
        "org-alpha": 3, "org-beta": 1}


def test_organization_list_for_user_dataset_count(orgs):
    """CKAN's get_group_dataset_counts: one owner_org facet (facet.limit -1)
    over every active dataset, private ones included, drafts/deleted not."""
    got = helpers.call_action(
        "organization_list_for_user", context={"user": orgs["member"]["name"]},
        id=orgs["member"]["id"], include_dataset_count=True)
    assert {o["name"]: o["package_count"] for o in got} == {"org-alpha": 3}


def test_group_page_lists_its_datasets(app, orgs):
    resp = app.get("/group/grp-y", query_string={"sort": "name asc"}, status=200)
    assert listed(resp) == ["a-two", "b-one"]
    resp = app.get("/group/grp-x", query_string={"sort": "name desc"}, status=200)
    assert listed(resp) == ["a-two", "a-one"]


def test_group_show_and_list_counts(orgs):
    assert helpers.call_action("group_show", id="grp-x")["package_count"] == 2
    assert helpers.call_action("group_show", id="grp-y")["package_count"] == 2
    assert helpers.call_action("group_show", id="grp-empty")["package_count"] == 0
    groups = helpers.call_action("group_list", all_fields=True)
    assert {g["name"]: g["package_count"] for g in groups} == {
        "grp-x": 2, "grp-y": 2, "grp-empty": 0}


def test_counts_follow_changes(orgs):
    helpers.call_action("package_patch", id="b-one", owner_org=orgs["org_a"]["id"])
    counts = {o["name"]: o["package_count"] for o in
              helpers.call_action("organization_list", all_fields=True)}
    assert counts == {"org-alpha": 3, "org-beta": 0}
    helpers.call_action("package_delete", id="a-one")
    groups = {g["name"]: g["package_count"] for g in
              helpers.call_action("group_list", all_fields=True)}
    assert groups == {"grp-x": 1, "grp-y": 2, "grp-empty": 0}

"""The organisation tree: parent in the form and the API, kept, checked, shown."""
from __future__ import annotations

from typing import Any

import lxml.html
import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.shafaf.federation import tree
from ckanext.shafaf.testing import site_config_marks
from ckanext.shafaf.tests.federation.conftest import Federation, member_org
from ckanext.shafaf.tests.web import logged_in_client

pytestmark = [
    *site_config_marks("scheming_datasets scheming_organizations shafaf"),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]


def _org_form(page: Any, url: str) -> tuple[str, dict[str, Any]]:
    """The organisation form (scheming's has no id): the one with the parent field."""
    form = next(f for f in lxml.html.fromstring(page.body).forms
                if "groups__0__name" in f.fields)
    return form.get("action") or url, dict(form.form_values())


def _parent_name(org: dict[str, Any]) -> str | None:
    parent = tree.parent(org["id"])
    return parent.name if parent is not None else None


class TestTreeApi:
    def test_tree_action_nests_province_county_city(self) -> None:
        province = factories.Organization(name="fars", title="استان فارس", org_level="province")
        county = member_org("shiraz-county", province, title="شهرستان شیراز", org_level="county")
        member_org("shiraz", county, title="شهرداری شیراز")
        member_org("sadra", county, title="شهرداری صدرا")
        factories.Organization(name="alone", org_level="municipality")

        forest = helpers.call_action("shafaf_organization_tree")
        roots = {node["name"]: node for node in forest}
        assert set(roots) == {"fars", "alone"}
        (county_node,) = roots["fars"]["children"]
        assert county_node["name"] == "shiraz-county"
        assert county_node["org_level"] == "county"
        assert sorted(c["name"] for c in county_node["children"]) == ["sadra", "shiraz"]
        branch = helpers.call_action("shafaf_organization_tree", id="shiraz-county")
        assert [n["name"] for n in branch] == ["shiraz-county"]
        with pytest.raises(tk.ObjectNotFound):
            helpers.call_action("shafaf_organization_tree", id="no-such-org")

    def test_top_is_the_highest_active_organisation_above(self) -> None:
        province = factories.Organization(name="fars", title="استان فارس", org_level="province")
        county = member_org("shiraz-county", province, title="شهرستان شیراز", org_level="county")
        city = member_org("shiraz", county, title="شهرداری شیراز")
        alone = factories.Organization(name="alone", title="شهرداری تنها",
                                       org_level="municipality")
        assert tree.top(city["id"]) == ("fars", "استان فارس")
        assert tree.top("shiraz") == ("fars", "استان فارس")
        assert tree.top(province["id"]) == ("fars", "استان فارس")
        assert tree.top(alone["id"]) == ("alone", "شهرداری تنها")
        assert tree.top("no-such-org") is None
        helpers.call_action("organization_delete", id=province["id"])
        assert tree.top(city["id"]) == ("shiraz-county", "شهرستان شیراز")
        helpers.call_action("organization_delete", id=city["id"])
        assert tree.top(city["id"]) is None

    def test_update_without_groups_keeps_the_parent(self, federation: Federation) -> None:
        helpers.call_action("organization_patch", id="tabriz", description="تغییر توضیح")
        assert _parent_name(federation.tabriz) == "east-azerbaijan"
        org = helpers.call_action("organization_show", id="tabriz")
        helpers.call_action("organization_update", **{
            k: v for k, v in org.items() if k not in ("groups",)})
        assert _parent_name(federation.tabriz) == "east-azerbaijan"

    def test_empty_parent_name_removes_the_parent(self, federation: Federation) -> None:
        helpers.call_action("organization_patch", id="maragheh", groups=[{"name": ""}])
        assert _parent_name(federation.maragheh) is None

    def test_loop_and_unknown_parent_are_refused_in_both_languages(
            self, federation: Federation) -> None:
        with pytest.raises(tk.ValidationError) as info:
            helpers.call_action("organization_patch", id="east-azerbaijan",
                                groups=[{"name": "tabriz"}])
        message = info.value.error_dict["groups"][0]["name"][0]
        assert "زیرمجموعه" in message and "cannot be its parent" in message
        with pytest.raises(tk.ValidationError) as info:
            helpers.call_action("organization_patch", id="tabriz", groups=[{"name": "no-such"}])
        assert "does not exist" in info.value.error_dict["groups"][0]["name"][0]
        assert _parent_name(federation.tabriz) == "east-azerbaijan"

    def test_only_an_admin_of_the_new_parent_may_place_an_org_under_it(
            self, federation: Federation) -> None:
        city_admin = federation.users["outsider"]   # admin of yazd, nothing in the province
        context = {"user": city_admin["name"], "ignore_auth": False}
        with pytest.raises(tk.ValidationError) as info:
            helpers.call_action("organization_patch", context=context, id="yazd",
                                groups=[{"name": "east-azerbaijan"}])
        assert "Only an admin of" in info.value.error_dict["groups"][0]["name"][0]
        assert _parent_name(federation.outside) is None
        # The city admin may still edit the city itself.
        helpers.call_action("organization_patch", context=context, id="yazd", description="x")
        # An admin of both sides may join them.
        helpers.call_action("member_create", id="east-azerbaijan", object=city_admin["name"],
                            object_type="user", capacity="admin")
        helpers.call_action("organization_patch", context=context, id="yazd",
                            groups=[{"name": "east-azerbaijan"}])
        assert _parent_name(federation.outside) == "east-azerbaijan"


class TestOrganizationPages:
    def test_form_sets_changes_and_removes_the_parent(self, app: Any,
                                                      federation: Federation) -> None:
        client = logged_in_client(app, federation.users["sysadmin"])
        page = client.get("/organization/edit/maragheh")
        doc = lxml.html.fromstring(page.body)
        select = doc.get_element_by_id("field-parent")
        assert select.get("name") == "groups__0__name"
        assert select.value == "east-azerbaijan"
        # Itself and what is below it are not offered.
        options = [o.get("value") for o in select.findall("option")]
        assert "maragheh" not in options and "yazd" in options

        action, fields = _org_form(page, "/organization/edit/maragheh")
        fields.update({"groups__0__name": "yazd", "save": "save"})
        response = client.post(action, data=fields, follow_redirects=True)
        assert response.status_code == 200
        assert _parent_name(federation.maragheh) == "yazd"

        action, fields = _org_form(client.get("/organization/edit/maragheh"),
                                   "/organization/edit/maragheh")
        fields.update({"groups__0__name": "", "save": "save"})
        client.post(action, data=fields, follow_redirects=True)
        assert _parent_name(federation.maragheh) is None

    def test_form_shows_the_loop_error(self, app: Any, federation: Federation) -> None:
        client = logged_in_client(app, federation.users["sysadmin"])
        page = client.get("/organization/edit/east-azerbaijan")
        action, fields = _org_form(page, "/organization/edit/east-azerbaijan")
        # Not offered in the select, but a forged form must still be refused.
        fields.update({"groups__0__name": "tabriz", "save": "save"})
        response = client.post(action, data=fields)
        assert "cannot be its parent" in response.body
        assert _parent_name(federation.province) is None

    def test_new_org_form_places_it_under_the_province(self, app: Any,
                                                       federation: Federation) -> None:
        client = logged_in_client(app, federation.users["sysadmin"])
        page = client.get("/organization/new")
        action, fields = _org_form(page, "/organization/new")
        fields.update({"title": "شهرداری مرند", "name": "marand", "org_level": "municipality",
                       "groups__0__name": "east-azerbaijan", "save": "save"})
        client.post(action, data=fields, follow_redirects=True)
        assert _parent_name(helpers.call_action("organization_show", id="marand")) \
            == "east-azerbaijan"

    def test_tree_on_the_organisation_list_and_place_on_the_org_page(
            self, app: Any, federation: Federation) -> None:
        doc = lxml.html.fromstring(app.get("/organization/").body)
        province_node = doc.xpath('//ul[@class="shafaf-org-tree"]/li[@data-org="east-azerbaijan"]')
        assert province_node
        members = province_node[0].xpath('./ul/li/@data-org')
        assert sorted(members) == ["maragheh", "tabriz"]

        city_page = app.get("/organization/tabriz").body
        assert "بالادست / Part of" in city_page and "استان آذربایجان شرقی" in city_page
        province_page = lxml.html.fromstring(app.get("/organization/east-azerbaijan").body)
        assert sorted(province_page.xpath(
            '//section[contains(@class,"shafaf-org-place")]//li/@data-org')) \
            == ["maragheh", "tabriz"]

"""One search over a province and its members: API parameter, province page, facet."""
from __future__ import annotations

from typing import Any

import lxml.html
import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.shafaf.testing import site_config_marks
from ckanext.shafaf.tests.federation.conftest import Federation, contract
from ckanext.shafaf.tests.web import logged_in_client

pytestmark = [
    *site_config_marks("scheming_datasets scheming_organizations shafaf"),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]


@pytest.fixture
def datasets(federation: Federation) -> Federation:
    contract(federation.province, "province-own")
    contract(federation.tabriz, "tabriz-1403")
    contract(federation.tabriz, "tabriz-1402", fiscal_year="1402")
    contract(federation.maragheh, "maragheh-1403")
    contract(federation.maragheh, "maragheh-secret", private=True)
    contract(federation.outside, "yazd-1403")
    return federation


def _names(result: dict[str, Any]) -> list[str]:
    return sorted(d["name"] for d in result["results"])


class TestApi:
    def test_without_the_parameter_only_the_province_itself(self, datasets: Federation) -> None:
        result = helpers.call_action("package_search", fq=f'owner_org:"{datasets.province["id"]}"')
        assert _names(result) == ["province-own"]

    @pytest.mark.parametrize("fq", ['owner_org:"{id}"', "owner_org:{id}",
                                    "organization:east-azerbaijan"])
    def test_include_children_widens_the_org_filter(self, datasets: Federation, fq: str) -> None:
        result = helpers.call_action(
            "package_search", fq=fq.format(id=datasets.province["id"]), include_children=True,
            **{"facet.field": ["organization"]})
        assert _names(result) == ["maragheh-1403", "province-own", "tabriz-1402", "tabriz-1403"]
        assert result["facets"]["organization"] == {
            "east-azerbaijan": 1, "tabriz": 2, "maragheh": 1}

    def test_other_filters_still_apply_and_a_city_has_no_children(
            self, datasets: Federation) -> None:
        result = helpers.call_action(
            "package_search", fq='organization:east-azerbaijan +fiscal_year:1402',
            include_children="true")
        assert _names(result) == ["tabriz-1402"]
        city = helpers.call_action("package_search", fq="organization:tabriz",
                                   include_children=True)
        assert _names(city) == ["tabriz-1402", "tabriz-1403"]

    def test_private_member_datasets_only_for_who_may_read_them(
            self, datasets: Federation) -> None:
        def names(user: str) -> list[str]:
            return _names(helpers.call_action(
                "package_search", {"user": user, "ignore_auth": False},
                fq="organization:east-azerbaijan", include_children=True, include_private=True))
        assert "maragheh-secret" in names(datasets.users["province_admin"]["name"])
        assert "maragheh-secret" not in names(datasets.users["admin"]["name"])   # tabriz admin
        assert "maragheh-secret" not in names("")

    def test_bad_value_is_a_clear_409(self, app: Any, datasets: Federation) -> None:
        response = app.get("/api/3/action/package_search",
                           query_string={"fq": "organization:east-azerbaijan",
                                         "include_children": "perhaps"}, status=409)
        message = response.json["error"]["include_children"][0]
        assert "true یا false" in message and "must be true or false" in message
        with pytest.raises(tk.ValidationError):
            helpers.call_action("package_search", include_children="perhaps")


class TestProvincePage:
    def _listed(self, body: str) -> list[str]:
        doc = lxml.html.fromstring(body)
        return sorted(a.get("href").rsplit("/", 1)[-1]
                      for a in doc.xpath('//li[contains(@class,"dataset-item")]//h2[contains(@class,"dataset-heading")]//a'))

    def test_province_page_lists_members_and_can_show_only_its_own(
            self, app: Any, datasets: Federation) -> None:
        body = app.get("/organization/east-azerbaijan").body
        assert self._listed(body) == ["maragheh-1403", "province-own", "tabriz-1402",
                                      "tabriz-1403"]
        assert "شهرداری / Municipality" in body
        own = app.get("/organization/east-azerbaijan?ext_include_children=0").body
        assert self._listed(own) == ["province-own"]
        # A facet link keeps working on top of the member view.
        filtered = app.get("/organization/east-azerbaijan?organization=tabriz").body
        assert self._listed(filtered) == ["tabriz-1402", "tabriz-1403"]

    def test_province_admin_sees_private_member_datasets_on_the_page(
            self, app: Any, datasets: Federation) -> None:
        assert "maragheh-secret" not in self._listed(app.get("/organization/east-azerbaijan").body)
        client = logged_in_client(app, datasets.users["province_admin"])
        assert "maragheh-secret" in self._listed(client.get("/organization/east-azerbaijan").body)

    def test_city_page_is_unchanged(self, app: Any, datasets: Federation) -> None:
        body = app.get("/organization/tabriz").body
        assert self._listed(body) == ["tabriz-1402", "tabriz-1403"]
        assert "shafaf-include-children" not in body

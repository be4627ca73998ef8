"""Who may do what in a province and its member cities: the whole matrix.

Every cell is a real action call (or ckanext-harvest's own auth function
for managing a source) by that user; the expected table is written out in
full, so one unauthorised success or one refused right fails the test.
Province admins read their members' private datasets through our
permission labels only: CKAN's cascade of the admin role is off (test.ini,
as in the deploy template).
"""
from __future__ import annotations

import json
from typing import Any, Callable

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.shafaf.testing import site_config_marks
from ckanext.shafaf.tests.federation.conftest import Federation, contract

pytestmark = [
    *site_config_marks("scheming_datasets scheming_organizations harvest shafaf "
                       "shafaf_portal_harvester"),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "with_request_context"),
]

ORGS = ("tabriz", "maragheh", "province", "outside")
OPS = ("create", "update", "delete", "read_private", "search_private", "manage_harvest")
ALL = {op: set(ORGS) for op in OPS}
NOTHING: dict[str, set[str]] = {op: set() for op in OPS}
EXPECTED: dict[str, dict[str, set[str]]] = {
    "anonymous": NOTHING,
    "member": {**NOTHING, "read_private": {"tabriz"}, "search_private": {"tabriz"}},
    "editor": {"create": {"tabriz"}, "update": {"tabriz"}, "delete": {"tabriz"},
               "read_private": {"tabriz"}, "search_private": {"tabriz"},
               "manage_harvest": {"tabriz"}},
    "admin": {"create": {"tabriz"}, "update": {"tabriz"}, "delete": {"tabriz"},
              "read_private": {"tabriz"}, "search_private": {"tabriz"},
              "manage_harvest": {"tabriz"}},
    "province_admin": {"create": {"province"}, "update": {"province"}, "delete": {"province"},
                       "read_private": {"province", "tabriz", "maragheh"},
                       "search_private": {"province", "tabriz", "maragheh"},
                       "manage_harvest": {"province"}},
    "outsider": {"create": {"outside"}, "update": {"outside"}, "delete": {"outside"},
                 "read_private": {"outside"}, "search_private": {"outside"},
                 "manage_harvest": {"outside"}},
    "sysadmin": ALL,
}


def _orgs(fed: Federation) -> dict[str, dict[str, Any]]:
    return {"tabriz": fed.tabriz, "maragheh": fed.maragheh, "province": fed.province,
            "outside": fed.outside}


def _source(org: dict[str, Any], key: str) -> dict[str, Any]:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    return helpers.call_action(
        "harvest_source_create", {"user": site_user}, name=f"source-{key}",
        title=f"سامانه شفافیت {org['title']}", url=f"http://127.0.0.1:9/{key}/contracts.csv",
        source_type="shafaf_portal", owner_org=org["id"], frequency="MANUAL",
        config=json.dumps({"profile": "yazd-contracts"}))


def _allowed(call: Callable[[], Any]) -> bool:
    try:
        call()
    except tk.NotAuthorized:
        return False
    return True


def _matrix(fed: Federation, actor: str) -> dict[str, set[str]]:
    user = "" if actor == "anonymous" else fed.users[actor]["name"]

    def ctx() -> dict[str, Any]:
        return {"user": user, "ignore_auth": False}

    done: dict[str, set[str]] = {op: set() for op in OPS}
    for key, org in _orgs(fed).items():
        kept = contract(org, f"{key}-private", private=True)
        doomed = contract(org, f"{key}-doomed", private=True)
        source = _source(org, key)
        checks = {
            "create": lambda: helpers.call_action(
                "package_create", ctx(), type="contract", name=f"{key}-new",
                title="قرارداد تازه", owner_org=org["id"], fiscal_year="1403"),
            "update": lambda: helpers.call_action(
                "package_patch", ctx(), id=kept["id"], title="عنوان دیگر"),
            "delete": lambda: helpers.call_action("package_delete", ctx(), id=doomed["id"]),
            "read_private": lambda: helpers.call_action("package_show", ctx(), id=kept["id"]),
            "manage_harvest": lambda: (
                tk.check_access("harvest_source_update", ctx(), {"id": source["id"]}),
                helpers.call_action("harvest_job_create", ctx(), source_id=source["id"],
                                    run=False)),
        }
        for op, call in checks.items():
            if _allowed(call):
                done[op].add(key)
        found = helpers.call_action(
            "package_search", ctx(), fq=f'owner_org:"{org["id"]}" +name:{key}-private',
            include_private=True)["count"]
        if found:
            done["search_private"].add(key)
    return done


@pytest.mark.parametrize("actor", list(EXPECTED))
def test_role_matrix(federation: Federation, actor: str) -> None:
    assert _matrix(federation, actor) == EXPECTED[actor]


def test_refused_writes_leave_the_dataset_as_it_was(federation: Federation) -> None:
    dataset = contract(federation.tabriz, "tabriz-register", private=True)
    province_admin = {"user": federation.users["province_admin"]["name"], "ignore_auth": False}
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("package_patch", province_admin, id=dataset["id"], title="x")
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("package_delete", province_admin, id=dataset["id"])
    after = helpers.call_action("package_show", id=dataset["id"])
    assert after["title"] == dataset["title"] and after["state"] == "active"


def test_moving_a_city_out_of_the_province_takes_its_private_data_with_it(
        federation: Federation) -> None:
    dataset = contract(federation.maragheh, "maragheh-private", private=True)
    province_admin = {"user": federation.users["province_admin"]["name"], "ignore_auth": False}

    def seen() -> int:
        return helpers.call_action("package_search", dict(province_admin),
                                   fq="name:maragheh-private", include_private=True)["count"]

    assert seen() == 1
    helpers.call_action("organization_patch", id="maragheh", groups=[{"name": ""}])
    assert seen() == 0   # the index was rebuilt with the new labels
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("package_show", dict(province_admin), id=dataset["id"])
    helpers.call_action("organization_patch", id="maragheh",
                        groups=[{"name": "east-azerbaijan"}])
    assert seen() == 1


@pytest.mark.ckan_config("ckanext.shafaf.federation.reading_roles", "")
def test_reading_roles_can_be_switched_off(federation: Federation) -> None:
    contract(federation.tabriz, "tabriz-secret", private=True)
    province_admin = {"user": federation.users["province_admin"]["name"], "ignore_auth": False}
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("package_show", province_admin, id="tabriz-secret")

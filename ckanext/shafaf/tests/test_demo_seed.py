"""`ckan shafaf seed`: the demo federation, and that re-seeding is a no-op."""
from __future__ import annotations

import ckanapi
import pytest

import ckan.model as model
from ckan.lib.plugins import get_permission_labels
from ckan.cli.cli import ckan as ckan_cli
from ckan.tests.helpers import call_action
from ckanext.activity.model import Activity

from ckanext.shafaf import demo
from ckanext.shafaf.federation import labels

# The production stack minus datastore/harvest, which the seed does not use.
PLUGINS = "activity scheming_organizations shafaf"
pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db"),
]

ORG_NAMES = sorted(org.name for org in demo.ORGANIZATIONS)
USER_NAMES = sorted(user.name for user in demo.USERS)


def _parent(name: str) -> list[str]:
    group = model.Group.get(name)
    assert group is not None
    return [g.name for g in group.get_parent_groups(type="organization")]


def _roles(user: str) -> dict[str, str]:
    orgs = call_action("organization_list_for_user", id=user,
                       permission="read", include_dataset_count=False)
    return {org["name"]: org["capacity"] for org in orgs}


def test_seed_builds_the_federation() -> None:
    summary = demo.seed_demo_federation()

    assert sorted(summary["organizations"]["created"]) == ORG_NAMES
    assert sorted(summary["users"]["created"]) == USER_NAMES
    assert sorted(call_action("organization_list")) == ORG_NAMES
    levels = {org["name"]: org["org_level"] for org in call_action(
        "organization_list", all_fields=True, include_extras=True)}
    assert levels == {org.name: org.org_level for org in demo.ORGANIZATIONS}
    shown = call_action("organization_show", id="tabriz")
    assert shown["title"] == "شهرداری تبریز"
    assert shown["province"] == "آذربایجان شرقی"

    for member in ("tabriz", "maragheh", "marand"):
        assert _parent(member) == ["east-azerbaijan"]
    assert _parent("yazd") == ["yazd-province"]
    for independent in ("east-azerbaijan", "yazd-province", "mashhad", "arak", "urmia"):
        assert _parent(independent) == []


def test_seed_gives_users_their_roles() -> None:
    demo.seed_demo_federation()
    password = demo.demo_password()

    for name in USER_NAMES:
        user = model.User.get(name)
        assert user.validate_password(password)
        assert user.email == f"{name}@example.ir"
    assert model.User.get("shafaf-admin").sysadmin
    assert not model.User.get("ea-admin").sysadmin

    ea_roles = _roles("ea-admin")
    assert ea_roles["east-azerbaijan"] == "admin"
    # No role cascades to the members (test.ini, as the deploy template):
    # the province admin reads their private datasets through permission labels.
    assert ea_roles == {"east-azerbaijan": "admin"}
    ea_admin = model.User.get("ea-admin")
    assert labels.province_label(model.Group.get("east-azerbaijan").id) in \
        get_permission_labels().get_user_dataset_labels(ea_admin)
    assert _roles("tabriz-editor") == {"tabriz": "editor"}


def test_second_seed_changes_nothing() -> None:
    demo.seed_demo_federation()
    before = call_action("organization_show", id="tabriz")
    activities = model.Session.query(Activity).count()

    again = demo.seed_demo_federation()

    for kind, outcomes in again.items():
        assert outcomes["created"] == [], kind
        assert outcomes["updated"] == [], kind
    assert sorted(again["organizations"]["unchanged"]) == ORG_NAMES
    assert sorted(again["users"]["unchanged"]) == USER_NAMES
    assert call_action("organization_show", id="tabriz") == before
    assert model.Session.query(Activity).count() == activities


def test_seed_converges_edited_data() -> None:
    demo.seed_demo_federation()
    ckanapi.LocalCKAN().action.organization_patch(
        id="tabriz", groups=[], title="edited")

    summary = demo.seed_demo_federation()

    assert summary["organizations"]["updated"] == ["tabriz"]
    assert call_action("organization_show", id="tabriz")["title"] == "شهرداری تبریز"
    assert _parent("tabriz") == ["east-azerbaijan"]


@pytest.mark.ckan_config("ckanext.shafaf.demo.password", "another-password-1404")
def test_seed_uses_the_configured_password() -> None:
    demo.seed_demo_federation()
    assert model.User.get("ea-admin").validate_password("another-password-1404")


@pytest.mark.usefixtures("with_extended_cli")
def test_seed_command_prints_the_logins(cli) -> None:
    result = cli.invoke(ckan_cli, ["shafaf", "seed"])
    assert result.exit_code == 0, result.output
    assert "organizations created" in result.output
    for name in USER_NAMES:
        assert name in result.output

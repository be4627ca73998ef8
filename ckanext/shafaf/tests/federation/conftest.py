"""A small federation: a province with two member cities, and a city outside it."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from ckan.tests import factories, helpers

from ckanext.shafaf.tests.web import PASSWORD


@dataclass
class Federation:
    province: dict[str, Any]
    tabriz: dict[str, Any]
    maragheh: dict[str, Any]
    outside: dict[str, Any]          # a city of another province
    users: dict[str, dict[str, Any]]


def member_org(name: str, parent: dict[str, Any] | None, **kwargs: Any) -> dict[str, Any]:
    groups = [{"name": parent["name"], "capacity": "parent"}] if parent else []
    return factories.Organization(name=name, org_level=kwargs.pop("org_level", "municipality"),
                                  groups=groups, **kwargs)


def contract(org: dict[str, Any], name: str, private: bool = False,
             **fields: Any) -> dict[str, Any]:
    data = {"type": "contract", "name": name, "title": f"قراردادهای {org['title']}",
            "owner_org": org["id"], "private": private, "fiscal_year": "1403",
            "procurement_method": "مناقصه عمومی"}
    data.update(fields)
    return helpers.call_action("package_create", **data)


@pytest.fixture
def federation() -> Federation:
    users = {role: factories.User(name=f"user-{role}", password=PASSWORD)
             for role in ("member", "editor", "admin", "province_admin", "outsider")}
    users["sysadmin"] = factories.Sysadmin(name="user-sysadmin", password=PASSWORD)
    province = factories.Organization(
        name="east-azerbaijan", title="استان آذربایجان شرقی", org_level="province",
        users=[{"name": users["province_admin"]["name"], "capacity": "admin"}])
    tabriz = member_org("tabriz", province, title="شهرداری تبریز", users=[
        {"name": users["member"]["name"], "capacity": "member"},
        {"name": users["editor"]["name"], "capacity": "editor"},
        {"name": users["admin"]["name"], "capacity": "admin"}])
    maragheh = member_org("maragheh", province, title="شهرداری مراغه")
    outside = member_org("yazd", None, title="شهرداری یزد", users=[
        {"name": users["outsider"]["name"], "capacity": "admin"}])
    return Federation(province, tabriz, maragheh, outside, users)

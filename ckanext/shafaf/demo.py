"""The demo federation that `ckan shafaf seed` puts on a site.

Two provinces with member municipalities, three independent municipalities and
three users, so a fresh `make serve` shows the federation at work. Seeding
converges the site to this data and writes only what differs: a second run
changes nothing (no new activity, no new revisions).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ckanapi

import ckan.model as model
import ckan.plugins.toolkit as tk

PASSWORD_KEY = "ckanext.shafaf.demo.password"
PARENT_CAPACITY = "parent"  # the capacity ckanext-hierarchy also uses


@dataclass(frozen=True)
class DemoOrg:
    name: str
    title: str
    org_level: str
    province: str
    description: str
    parent: str = ""
    official_site: str = ""

    def fields(self) -> dict[str, str]:
        """Scheming fields we own (compared with the site on every run)."""
        return {
            "title": self.title,
            "org_level": self.org_level,
            "province": self.province,
            "description": self.description,
            "official_site": self.official_site,
        }

    def groups(self) -> list[dict[str, str]]:
        """CKAN core hierarchy: the member lists its parent in `groups`."""
        if not self.parent:
            return []
        return [{"name": self.parent, "capacity": PARENT_CAPACITY}]


@dataclass(frozen=True)
class DemoUser:
    name: str
    fullname: str
    sysadmin: bool = False
    organization: str = ""
    role: str = ""
    does: str = ""

    @property
    def email(self) -> str:
        return f"{self.name}@example.ir"


ORGANIZATIONS: tuple[DemoOrg, ...] = (
    DemoOrg("east-azerbaijan", "استان آذربایجان شرقی", "province",
            "آذربایجان شرقی",
            "استانداری آذربایجان شرقی داده‌های شهرداری‌های عضو استان را تجمیع می‌کند."),
    DemoOrg("tabriz", "شهرداری تبریز", "municipality", "آذربایجان شرقی",
            "قراردادها، بودجه و پروانه‌های ساختمانی شهرداری کلان‌شهر تبریز.",
            parent="east-azerbaijan", official_site="https://www.tabriz.ir"),
    DemoOrg("maragheh", "شهرداری مراغه", "municipality", "آذربایجان شرقی",
            "داده‌های شفافیت شهرداری مراغه، عضو استان آذربایجان شرقی.",
            parent="east-azerbaijan"),
    DemoOrg("marand", "شهرداری مرند", "municipality", "آذربایجان شرقی",
            "داده‌های شفافیت شهرداری مرند، عضو استان آذربایجان شرقی.",
            parent="east-azerbaijan"),
    DemoOrg("yazd-province", "استان یزد", "province", "یزد",
            "استانداری یزد داده‌های شهرداری‌های عضو استان را تجمیع می‌کند."),
    DemoOrg("yazd", "شهرداری یزد", "municipality", "یزد",
            "قراردادهای شهرداری یزد از سال ۱۳۹۶، بودجه و طرح تفصیلی شهر.",
            parent="yazd-province", official_site="https://www.yazd.ir"),
    DemoOrg("mashhad", "شهرداری مشهد", "municipality", "خراسان رضوی",
            "قراردادها، دستورالعمل‌ها، بودجه و آمار سامانه شفافیت شهرداری مشهد.",
            official_site="https://www.mashhad.ir"),
    DemoOrg("arak", "شهرداری اراک", "municipality", "مرکزی",
            "قراردادها، مدیران و بودجه شهرداری اراک از سامانه «عیان».",
            official_site="https://www.arak.ir"),
    DemoOrg("urmia", "شهرداری ارومیه", "municipality", "آذربایجان غربی",
            "داده‌های شفافیت شهرداری ارومیه، مرکز استان آذربایجان غربی.",
            official_site="https://www.urmia.ir"),
)

USERS: tuple[DemoUser, ...] = (
    DemoUser("shafaf-admin", "مدیر سامانه شفافیت", sysadmin=True,
             does="sysadmin"),
    DemoUser("ea-admin", "مدیر داده استان آذربایجان شرقی",
             organization="east-azerbaijan", role="admin",
             does="admin of east-azerbaijan"),
    DemoUser("tabriz-editor", "کارشناس داده شهرداری تبریز",
             organization="tabriz", role="editor", does="editor of tabriz"),
)


def demo_password() -> str:
    """The demo users' password: configurable, so a public demo can change it."""
    return tk.config.get(PASSWORD_KEY)


def seed_demo_federation() -> dict[str, dict[str, list[str]]]:
    """Create or update the demo organisations, users and memberships.

    Returns, per kind, the names that were created, updated or left unchanged.
    """
    ckan = ckanapi.LocalCKAN()
    summary: dict[str, dict[str, list[str]]] = {
        kind: {"created": [], "updated": [], "unchanged": []}
        for kind in ("organizations", "users", "memberships")
    }
    for org in ORGANIZATIONS:  # parents come before their members
        summary["organizations"][_ensure_org(ckan, org)].append(org.name)
    password = demo_password()
    for user in USERS:
        summary["users"][_ensure_user(ckan, user, password)].append(user.name)
        if user.organization:
            outcome = _ensure_membership(ckan, user)
            summary["memberships"][outcome].append(
                f"{user.name}:{user.role}@{user.organization}")
    return summary


def _ensure_org(ckan: ckanapi.LocalCKAN, org: DemoOrg) -> str:
    try:
        current = ckan.action.organization_show(id=org.name)
    except ckanapi.NotFound:
        ckan.action.organization_create(
            name=org.name, groups=org.groups(), **org.fields())
        return "created"
    changes: dict[str, Any] = {
        key: value for key, value in org.fields().items()
        if (current.get(key) or "") != value
    }
    if _parents(current) != {g["name"] for g in org.groups()}:
        changes["groups"] = org.groups()
    if current.get("state") != "active":
        changes["state"] = "active"
    if not changes:
        return "unchanged"
    ckan.action.organization_patch(id=org.name, **changes)
    return "updated"


def _parents(org_dict: dict[str, Any]) -> set[str]:
    return {group["name"] for group in org_dict.get("groups") or []}


def _ensure_user(ckan: ckanapi.LocalCKAN, user: DemoUser, password: str) -> str:
    wanted = {"fullname": user.fullname, "email": user.email,
              "sysadmin": user.sysadmin}
    try:
        current = ckan.action.user_show(id=user.name)
    except ckanapi.NotFound:
        # `sysadmin` in the user schema: 2.11's API way (the site user is a
        # sysadmin); `ckan sysadmin add` sets the same model column.
        ckan.action.user_create(name=user.name, password=password, **wanted)
        return "created"
    changes: dict[str, Any] = {
        key: value for key, value in wanted.items() if current.get(key) != value
    }
    if current.get("state") != "active":
        changes["state"] = "active"
    user_obj = model.User.get(user.name)
    if user_obj is None or not user_obj.validate_password(password):
        changes["password"] = password
    if not changes:
        return "unchanged"
    ckan.action.user_patch(id=user.name, **changes)
    return "updated"


def _ensure_membership(ckan: ckanapi.LocalCKAN, user: DemoUser) -> str:
    user_id = ckan.action.user_show(id=user.name)["id"]
    members = ckan.action.member_list(id=user.organization, object_type="user")
    roles = {member_id: capacity.lower() for member_id, _type, capacity in members}
    if roles.get(user_id) == user.role:
        return "unchanged"
    ckan.action.organization_member_create(
        id=user.organization, username=user.name, role=user.role)
    return "created" if user_id not in roles else "updated"

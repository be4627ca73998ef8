"""Which local member organisation a member catalogue's dataset belongs to.

A province harvests its municipalities' catalogues: each remote
organisation lands in a local organisation that is a member (child, in
CKAN core's group hierarchy) of the province that owns the harvest source.
"""
from __future__ import annotations

from typing import Any, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.shafaf.harvesters.base import HarvestFault

PARENT_CAPACITY = "parent"


def is_member(org: model.Group, province: model.Group) -> bool:
    return org.id == province.id or any(
        parent.id == province.id for parent in org.get_parent_groups(type="organization"))


def local_organization(remote_org: dict[str, Any], *, province_id: str,
                       mapping: dict[str, str], create: bool, user: str) -> str:
    """The id of the local member organisation, created under the province if allowed."""
    province = model.Group.get(province_id)
    if province is None:
        raise HarvestFault("no_owner", "منبع برداشت سازمان مالک ندارد.",
                           "The harvest source has no owner organization.")
    remote_name = remote_org.get("name") or ""
    if not remote_name:
        return province.id
    local_name = mapping.get(remote_name, remote_name)
    org = model.Group.get(local_name)
    if org is not None and org.is_organization:
        if not is_member(org, province):
            raise HarvestFault(
                "not_member",
                f"سازمان «{org.name}» عضو «{province.name}» نیست؛ داده‌اش برداشت نشد.",
                f"Organization '{org.name}' is not a member of '{province.name}'; "
                "its dataset was not harvested.")
        return org.id
    if not create:
        raise HarvestFault(
            "unknown_org",
            f"سازمان «{local_name}» در این سامانه نیست و ساختن آن در پیکربندی منبع خاموش است.",
            f"Organization '{local_name}' does not exist here and the source may not create it.")
    return _create_member(remote_org, local_name, province, user)


def _create_member(remote_org: dict[str, Any], name: str, province: model.Group,
                   user: str) -> str:
    province_dict = tk.get_action("organization_show")(
        {"ignore_auth": True}, {"id": province.id, "include_datasets": False})
    data = {
        "name": name,
        "title": remote_org.get("title") or name,
        "description": remote_org.get("description") or "",
        "org_level": "municipality",
        "province": province_dict.get("province") or "",
        "groups": [{"name": province.name, "capacity": PARENT_CAPACITY}],
    }
    created = tk.get_action("organization_create")({"user": user, "ignore_auth": True}, data)
    return created["id"]


def remote_organization(remote: dict[str, Any]) -> dict[str, Any]:
    """The remote dataset's organisation as package_show embeds it."""
    org: Optional[dict[str, Any]] = remote.get("organization")
    return org if isinstance(org, dict) else {}

"""Who may read a member organisation's private datasets: permission labels.

CKAN decides "may read this private dataset" (package_show, package_search,
the search index) by matching a dataset's labels against a user's labels.
A private dataset of a municipality also carries one label per ancestor
organisation, and an admin of a province (by default; see
``ckanext.shafaf.federation.reading_roles``) holds that province's label,
so the governor's office reads every member's private datasets without
any write right in them.
"""
from __future__ import annotations

from typing import Optional

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultPermissionLabels

from ckanext.shafaf.federation import tree

ROLES_KEY = "ckanext.shafaf.federation.reading_roles"


def province_label(org_id: str) -> str:
    return f"shafaf-province-{org_id}"


class FederationPermissionLabels(DefaultPermissionLabels):
    """CKAN's labels plus one per ancestor organisation of the dataset's owner."""

    def get_dataset_labels(self, dataset_obj: model.Package) -> list[str]:
        labels = super().get_dataset_labels(dataset_obj)
        if labels == ["public"] or not dataset_obj.owner_org:
            return labels
        return labels + [province_label(g.id) for g in tree.ancestors(dataset_obj.owner_org)]

    def get_user_dataset_labels(self, user_obj: Optional[model.User]) -> list[str]:
        labels = super().get_user_dataset_labels(user_obj)
        if not user_obj or user_obj.is_anonymous:
            return labels
        return labels + [province_label(org_id) for org_id in reading_org_ids(user_obj.id)]


def reading_org_ids(user_id: str) -> list[str]:
    """Organisations (with members) in which the user holds a reading role."""
    roles = tk.config.get(ROLES_KEY)
    if not roles:
        return []
    rows = (model.Session.query(model.Member.group_id)
            .join(model.Group, model.Group.id == model.Member.group_id)
            .filter(model.Member.table_name == "user", model.Member.table_id == user_id,
                    model.Member.state == "active", model.Member.capacity.in_(roles),
                    model.Group.is_organization.is_(True), model.Group.state == "active"))
    return [row[0] for row in rows]


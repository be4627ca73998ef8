"""What the organisation pages show of the tree (template helpers)."""
from __future__ import annotations

from typing import Any, Optional

import ckan.model as model

from ckanext.shafaf.federation import children_search, tree


def parent_choices(org_id: Optional[str]) -> list[dict[str, str]]:
    """Organisations that may be this one's parent: not itself, nothing below it."""
    group = tree.get_org(org_id) if org_id else None
    if group is not None:
        candidates = group.groups_allowed_to_be_its_parent(type=tree.ORG)
    else:
        candidates = model.Session.query(model.Group).filter_by(
            type=tree.ORG, state="active").order_by(model.Group.title).all()
    return [{"value": g.name, "text": g.title or g.name} for g in candidates
            if g.state == "active"]


def parent_name(data: dict[str, Any]) -> str:
    """The parent to preselect: what the form sent back, else the stored one."""
    groups = data.get("groups")
    if isinstance(groups, list) and groups and isinstance(groups[0], dict) \
            and groups[0].get("capacity", tree.PARENT_CAPACITY) == tree.PARENT_CAPACITY:
        return groups[0].get("name") or ""
    current = tree.parent(data["id"]) if data.get("id") else None
    return current.name if current is not None else ""


def lineage(org_id: str) -> list[dict[str, str]]:
    """Ancestors of the organisation, top first, for the page's trail."""
    return [{"name": g.name, "title": g.title or g.name} for g in tree.ancestors(org_id)]


def children(org_id: str) -> list[dict[str, str]]:
    group = tree.get_org(org_id)
    if group is None:
        return []
    return [{"name": g.name, "title": g.title or g.name}
            for g in sorted(group.get_children_groups(type=tree.ORG),
                            key=lambda g: g.title or g.name)]


def subtree(org_id: Optional[str] = None) -> list[dict[str, Any]]:
    """The forest, or the branch under one organisation."""
    roots = tree.forest()
    if not org_id:
        return roots
    stack = list(roots)
    while stack:
        node = stack.pop()
        if node["id"] == org_id or node["name"] == org_id:
            return [node]
        stack.extend(node["children"])
    return []


def includes_children(org_id: str) -> bool:
    return children_search.page_includes_children(org_id)

"""The organisation tree (province → county → municipality) on CKAN core's group hierarchy.

CKAN stores a parent as a ``Member`` row (table_name ``group``) of the
child; these functions are the one place the rest of the extension asks
the tree, so the hierarchy rules (organisations only, active only) live here.
"""
from __future__ import annotations

from typing import Any, Optional

import sqlalchemy as sa

import ckan.model as model
from ckan.model.group import MAX_RECURSES

ORG = "organization"
PARENT_CAPACITY = "parent"


def get_org(id_or_name: str) -> Optional[model.Group]:
    group = model.Group.get(id_or_name)
    if group is None or not group.is_organization or group.state != "active":
        return None
    return group


def parent(org_id: str) -> Optional[model.Group]:
    """The organisation's parent, if any (an organisation has at most one)."""
    group = get_org(org_id)
    if group is None:
        return None
    parents = group.get_parent_groups(type=ORG)
    return parents[0] if parents else None


def ancestors(org_id: str) -> list[model.Group]:
    """Parent, grandparent, …: top-level organisation first (CKAN's order)."""
    group = get_org(org_id)
    return group.get_parent_group_hierarchy(type=ORG) if group is not None else []


# The walk of CKAN's HIERARCHY_UPWARDS_CTE (a parent is the member row's
# table_id), starting from the organisation itself, in one statement.
_TOP_SQL = sa.text(f"""
WITH RECURSIVE up(depth, gid) AS (
    SELECT 0, g.id FROM public.group g
    WHERE (g.id = :org OR g.name = :org) AND g.is_organization AND g.state = 'active'
    UNION
    SELECT up.depth + 1, m.table_id FROM up JOIN public.member m ON m.group_id = up.gid
    WHERE m.table_name = 'group' AND m.state = 'active' AND up.depth < {MAX_RECURSES}
)
SELECT g.name, g.title FROM up JOIN public.group g ON g.id = up.gid
WHERE g.type = '{ORG}' AND g.state = 'active' ORDER BY up.depth DESC LIMIT 1""")


def top(org_id: str) -> Optional[tuple[str, str]]:
    """(name, title) of the top organisation above ``org_id`` (itself when it
    has no parent). One query: it runs for every dataset indexed, where
    get_org + ancestors took three."""
    row = model.Session.execute(_TOP_SQL, {"org": org_id}).first()
    return (row[0], row[1]) if row is not None else None


def descendant_ids(org_id: str) -> list[str]:
    """Ids of every organisation below ``org_id``, parents before their children."""
    group = get_org(org_id)
    if group is None:
        return []
    return [row[0] for row in group.get_children_group_hierarchy(type=ORG)]


def subtree_ids(org_id: str) -> list[str]:
    """``org_id`` itself and every organisation below it."""
    group = get_org(org_id)
    return [group.id, *descendant_ids(group.id)] if group is not None else []


def has_children(org_id: str) -> bool:
    group = get_org(org_id)
    return bool(group is not None and group.get_children_groups(type=ORG))


def forest() -> list[dict[str, Any]]:
    """Every active organisation as nested ``{id, name, title, org_level, children}``."""
    groups = model.Session.query(model.Group).filter_by(
        type=ORG, state="active").order_by(model.Group.title).all()
    links = dict(
        model.Session.query(model.Member.group_id, model.Member.table_id)
        .join(model.Group, model.Group.id == model.Member.table_id)
        .filter(model.Member.table_name == "group", model.Member.state == "active",
                model.Group.type == ORG, model.Group.state == "active").all())
    nodes = {g.id: {"id": g.id, "name": g.name, "title": g.title or g.name,
                    "org_level": g.extras.get("org_level", ""), "children": []}
             for g in groups}
    roots = []
    for group in groups:
        parent_id = links.get(group.id)
        if parent_id in nodes and parent_id != group.id:
            nodes[parent_id]["children"].append(nodes[group.id])
        else:
            roots.append(nodes[group.id])
    return roots

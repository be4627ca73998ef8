"""The parent field of the organisation form, checked before CKAN saves it.

The parent travels in CKAN core's own ``groups`` list (capacity
``parent``), the same as ckanext-hierarchy and our federation harvester
use. CKAN drops the parent of an organisation updated without ``groups``;
here an update that does not mention ``groups`` keeps the current parent
(an API call changing a description must not move a city out of its
province), and an empty name (the form's «none» choice) removes it.
"""
from __future__ import annotations

from typing import Any, Optional

import ckan.authz as authz
import ckan.plugins.toolkit as tk
from ckan.types import Context, FlattenDataDict, FlattenErrorDict, FlattenKey

from ckanext.shafaf.federation import tree

_NOT_ORG = ("سازمان بالادست «{}» در این سامانه نیست.",
            "Parent organisation '{}' does not exist here.")
_ONE_PARENT = ("هر سازمان فقط یک سازمان بالادست دارد.",
               "An organisation has only one parent organisation.")
_LOOP = ("«{}» زیرمجموعه همین سازمان است و نمی‌تواند بالادست آن باشد.",
         "'{}' is below this organisation and cannot be its parent.")
_NOT_ADMIN = ("فقط مدیر «{}» یا مدیر سامانه می‌تواند سازمانی را زیرمجموعه آن کند.",
              "Only an admin of '{}' or a sysadmin may place an organisation under it.")


def _msg(pair: tuple[str, str], *args: Any) -> str:
    return " / ".join(part.format(*args) for part in pair)


def org_parent(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict,
               context: Context) -> None:
    """Schema-level validator (``before_validators`` of the organisation schema)."""
    this = _this_org(data)
    indexes = sorted({k[1] for k in data if len(k) == 3 and k[0] == "groups"})
    if not indexes:
        current = tree.parent(this) if this else None
        if current is not None:  # not mentioned: keep it
            data[("groups", 0, "name")] = current.name
            data[("groups", 0, "capacity")] = tree.PARENT_CAPACITY
        return
    names = []
    for index in indexes:
        name = data.get(("groups", index, "name"))
        if not name or name is tk.missing:
            continue  # removed by org_parent_cleanup once CKAN's checks ran
        data[("groups", index, "capacity")] = tree.PARENT_CAPACITY
        names.append(name)
    if len(names) > 1:
        errors.setdefault(("groups", indexes[0], "name"), []).append(_msg(_ONE_PARENT))
        return
    problem = _problem(names[0], this, context) if names else None
    if problem:  # on the entry: CKAN reports list fields per item
        index = next(i for i in indexes if data.get(("groups", i, "name")) == names[0])
        errors.setdefault(("groups", index, "name"), []).append(problem)


def org_parent_cleanup(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict,
                       context: Context) -> None:
    """``after_validators``: an empty parent (the form's «none») means no parent.

    CKAN checks every ``groups`` entry it was given before a validator
    could drop one, so the empty entry and its "Missing value" go here.
    """
    for index in sorted({k[1] for k in data if len(k) == 3 and k[0] == "groups"}):
        name = data.get(("groups", index, "name"))
        if name and name is not tk.missing:
            continue
        for k in [k for k in data if len(k) == 3 and k[:2] == ("groups", index)]:
            del data[k]
        for k in [k for k in errors if len(k) == 3 and k[:2] == ("groups", index)]:
            errors[k] = []
        # An explicit empty list: organization_patch keeps what is not sent.
        if not any(len(k) == 3 and k[0] == "groups" for k in data):
            data[("groups",)] = []


def _problem(name: str, this: Optional[str], context: Context) -> Optional[str]:
    parent = tree.get_org(name)
    if parent is None:
        return _msg(_NOT_ORG, name)
    if this and parent.id in tree.subtree_ids(this):
        return _msg(_LOOP, parent.title or parent.name)
    current = tree.parent(this) if this else None
    if current is not None and current.id == parent.id:
        return None
    if context.get("ignore_auth"):
        return None
    user = context.get("user")
    if authz.is_sysadmin(user) or authz.users_role_for_group_or_org(parent.id, user) == "admin":
        return None
    return _msg(_NOT_ADMIN, parent.title or parent.name)


def _this_org(data: FlattenDataDict) -> Optional[str]:
    for field in (("id",), ("name",)):
        value = data.get(field)
        if value and value is not tk.missing:
            org = tree.get_org(value)
            if org is not None:
                return org.id
    return None

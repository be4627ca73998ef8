"""What the plugin's hooks do for the federation (tree, labels, roll-ups); kept out of plugin.py."""
from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Any

import ckan.lib.search as search
import ckan.model as model
from ckan.types import Context

from ckanext.shafaf.federation import rollup, row_search, tree

log = logging.getLogger(__name__)
MUNICIPALITY_FACET = "شهرداری / Municipality"


def organization_changed(entity: Any) -> None:
    """Re-index the datasets of the organisation's subtree: they follow its place.

    A private dataset's read labels name its ancestors (labels.py), and every
    dataset's ``province`` search field is its top ancestor's title
    (ui/search_page.py), so a move or a rename touches the whole subtree.
    """
    # IPackageController's create/edit share these names: packages come here too.
    if not isinstance(entity, model.Group) or not entity.is_organization:
        return
    model.Session.flush()  # CKAN's session does not autoflush: the new parent row first
    org_ids = tree.subtree_ids(entity.id) or [entity.id]
    ids = [row[0] for row in model.Session.query(model.Package.id).filter(
        model.Package.owner_org.in_(org_ids), model.Package.state != "deleted")]
    if ids:
        log.info("organisation %s changed: re-indexing %d datasets", entity.name, len(ids))
        search.rebuild(package_ids=ids, quiet=True)
        search.commit()  # rebuild(package_ids=…) defers its commit


def organization_facets(facets: "OrderedDict[str, Any]") -> "OrderedDict[str, Any]":
    """On an organisation page the organisation facet is the member municipality."""
    if "organization" in facets:
        facets["organization"] = MUNICIPALITY_FACET
    return facets


def table_loaded(resource: dict[str, Any]) -> None:
    """A member table was (re)loaded into the DataStore: its provinces' roll-ups follow."""
    rollup.dataset_changed(resource["package_id"])


def resources_deleted(context: Context) -> None:
    """A resource went: the roll-ups must lose its rows (uploads/hooks remembered the dataset)."""
    package_id = context.get("shafaf_deleting_from")  # type: ignore[misc]
    if package_id:
        rollup.dataset_changed(package_id)


def dataset_deleted(context: Context, data_dict: dict[str, Any]) -> None:
    if data_dict.get("id"):
        rollup.dataset_changed(data_dict["id"])


def datastore_search(context: Context, data_dict: dict[str, Any], fields_types: dict[str, str],
                     query_dict: dict[str, Any]) -> dict[str, Any]:
    return row_search.datastore_filter(context, data_dict, fields_types, query_dict)

"""What the plugin's organisation and search hooks do for the federation."""
from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Any

import ckan.lib.search as search
import ckan.model as model

from ckanext.shafaf.federation import labels, tree

log = logging.getLogger(__name__)
MUNICIPALITY_FACET = "شهرداری / Municipality"


def organization_changed(entity: Any) -> None:
    """Re-index the private datasets whose read labels follow the organisation's place.

    Public datasets carry only the label ``public``, so a move in the tree
    touches the private datasets of the moved subtree and nothing else.
    """
    # IPackageController's create/edit share these names: packages come here too.
    if not isinstance(entity, model.Group) or not entity.is_organization:
        return
    model.Session.flush()  # CKAN's session does not autoflush: the new parent row first
    ids = labels.private_dataset_ids(tree.subtree_ids(entity.id) or [entity.id])
    if ids:
        log.info("organisation %s changed: re-indexing %d private datasets", entity.name, len(ids))
        search.rebuild(package_ids=ids, quiet=True)
        search.commit()  # rebuild(package_ids=…) defers its commit


def organization_facets(facets: "OrderedDict[str, Any]") -> "OrderedDict[str, Any]":
    """On an organisation page the organisation facet is the member municipality."""
    if "organization" in facets:
        facets["organization"] = MUNICIPALITY_FACET
    return facets

"""ckanext-shafaf: the plugin only registers; the work lives in modules."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.common import CKANConfig
from ckan.config.declaration import Declaration, Key
from ckan.lib.plugins import DefaultTranslation
from ckan.types import Context

from ckanext.datastore.interfaces import IDatastore

from ckanext.shafaf.federation import children_search, hooks as federation_hooks
from ckanext.shafaf.federation.labels import FederationPermissionLabels
from ckanext.shafaf.search import backend as search_backend
from ckanext.shafaf.ui import search_page
from ckanext.shafaf.uploads import hooks as upload_hooks
from ckanext.shafaf.versions import capture as versions

_DECLARATION = Path(__file__).with_name("config_declaration.yaml")


@tk.blanket.actions
@tk.blanket.auth_functions
@tk.blanket.blueprints
@tk.blanket.cli
@tk.blanket.helpers
@tk.blanket.validators
class ShafafPlugin(FederationPermissionLabels, DefaultTranslation, p.SingletonPlugin):
    p.implements(p.IConfigurer)
    # Our strings' fa_IR catalogue (ckanext/shafaf/i18n), merged with CKAN's.
    p.implements(p.ITranslation)
    p.implements(p.IConfigDeclaration)
    p.implements(p.IResourceController, inherit=True)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IOrganizationController, inherit=True)
    p.implements(p.IFacets, inherit=True)
    # Province admins read their members' private datasets (federation/labels.py).
    p.implements(p.IPermissionLabels)
    p.implements(IDatastore, inherit=True)

    # IConfigDeclaration

    def declare_config_options(self, declaration: Declaration, key: Key) -> None:
        declaration.load_dict(yaml.safe_load(_DECLARATION.read_text("utf-8")))
        search_backend.declare_solr_optional(declaration, key)

    # IConfigurer

    def update_config(self, config_: CKANConfig) -> None:
        tk.add_template_directory(config_, "templates")
        tk.add_resource("assets", "shafaf")
        # Runs before CKAN's start-up Solr check, so the check is skipped
        # when our backend answers searches.
        search_backend.configure(config_)

    # IResourceController: check uploaded tables (ckanext/shafaf/uploads),
    # keep a version of the dataset's files (ckanext/shafaf/versions)

    def after_resource_create(self, context: Context, resource: dict[str, Any]) -> None:
        upload_hooks.resource_changed(context, resource)
        versions.resource_changed(context, resource)

    def after_resource_update(self, context: Context, resource: dict[str, Any]) -> None:
        upload_hooks.resource_changed(context, resource)
        versions.resource_changed(context, resource)

    def before_resource_update(self, context: Context, current: dict[str, Any],
                               resource: dict[str, Any]) -> None:
        upload_hooks.keep_check_fields(current, resource)

    def before_resource_delete(self, context: Context, resource: dict[str, Any],
                               resources: list[dict[str, Any]]) -> None:
        upload_hooks.resource_deleting(context, resources)

    def after_resource_delete(self, context: Context, resources: list[dict[str, Any]]) -> None:
        upload_hooks.resources_deleted(context, resources)
        versions.resources_deleted(context, resources)
        federation_hooks.resources_deleted(context)

    # IPackageController: a deleted member dataset leaves its provinces' roll-ups

    def after_dataset_delete(self, context: Context, pkg_dict: dict[str, Any]) -> None:
        federation_hooks.dataset_deleted(context, pkg_dict)

    # IDatastore: a roll-up's rows of private member datasets only for their readers

    def datastore_search(self, context: Context, data_dict: dict[str, Any],
                         fields_types: dict[str, str], query_dict: dict[str, Any]) -> dict[str, Any]:
        return federation_hooks.datastore_search(context, data_dict, fields_types, query_dict)

    # IPackageController: one search over a province and its members

    def before_dataset_search(self, search_params: dict[str, Any]) -> dict[str, Any]:
        return children_search.widen(search_params)

    # IPackageController: the province facet (ckanext/shafaf/ui/search_page.py)

    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        return search_page.add_province(pkg_dict)

    def after_dataset_search(self, search_results: dict[str, Any],
                             search_params: dict[str, Any]) -> dict[str, Any]:
        return search_page.label_facet_items(search_results)

    # IOrganizationController: a move in the tree changes who reads what

    def create(self, entity: Any) -> None:
        federation_hooks.organization_changed(entity)

    def edit(self, entity: Any) -> None:
        federation_hooks.organization_changed(entity)

    # IFacets

    def dataset_facets(self, facets_dict: Any, package_type: str) -> Any:
        return search_page.dataset_facets(facets_dict)

    def organization_facets(self, facets_dict: Any, organization_type: str,
                            package_type: Any) -> Any:
        return federation_hooks.organization_facets(facets_dict)

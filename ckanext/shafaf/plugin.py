"""ckanext-shafaf: the plugin only registers; the work lives in modules."""
from __future__ import annotations

from pathlib import Path

import yaml

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.common import CKANConfig
from ckan.config.declaration import Declaration, Key

from ckanext.shafaf.search import backend as search_backend

_DECLARATION = Path(__file__).with_name("config_declaration.yaml")


@tk.blanket.cli
@tk.blanket.helpers
@tk.blanket.validators
class ShafafPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.IConfigDeclaration)

    # IConfigDeclaration

    def declare_config_options(self, declaration: Declaration, key: Key) -> None:
        declaration.load_dict(yaml.safe_load(_DECLARATION.read_text("utf-8")))
        search_backend.declare_solr_optional(declaration, key)

    # IConfigurer

    def update_config(self, config_: CKANConfig) -> None:
        tk.add_template_directory(config_, "templates")
        # Runs before CKAN's start-up Solr check, so the check is skipped
        # when our backend answers searches.
        search_backend.configure(config_)

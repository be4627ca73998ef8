"""ckanext-shafaf: the plugin only registers; the work lives in modules."""
from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.common import CKANConfig

from ckanext.shafaf.search import backend as search_backend


@tk.blanket.config_declarations
@tk.blanket.cli
class ShafafPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)

    # IConfigurer

    def update_config(self, config_: CKANConfig) -> None:
        tk.add_template_directory(config_, "templates")
        tk.add_public_directory(config_, "public")
        # Runs before CKAN's start-up Solr check, so the check is skipped
        # when our backend answers searches.
        search_backend.configure(config_)

"""Blueprints of ckanext-shafaf, one module each (``tk.blanket.blueprints`` reads ``__all__``)."""
from __future__ import annotations

from ckanext.shafaf.federation.views import shafaf_federation
from ckanext.shafaf.versions.views import shafaf_versions
from ckanext.shafaf.views.ocds import shafaf_ocds

__all__: list[str] = ["shafaf_ocds", "shafaf_versions", "shafaf_federation"]

"""Simulated municipal sources for harvester tests and the demo (no CKAN import).

- ``PortalSimulator`` (portal.py): the Yazd, Mashhad and Arak portals.
- ``CkanCatalogue`` (ckan_api.py): one CKAN-shaped member catalogue.
- ``Simulator`` / ``combined_app()`` (combined.py): both behind one root,
  catalogues at ``/ckan/<name>/``, switches at ``POST /_sim/...``.
- ``serve(app)`` (server.py): a threaded local server yielding its base URL.

The URL, format and switch contract is docs/harvesting.md.
"""
from __future__ import annotations

from ckanext.shafaf.simulator.ckan_api import CkanCatalogue
from ckanext.shafaf.simulator.combined import Simulator, combined_app, parse_catalogues
from ckanext.shafaf.simulator.faults import FAULTS
from ckanext.shafaf.simulator.portal import SOURCES, PortalSimulator
from ckanext.shafaf.simulator.server import serve

__all__ = ["FAULTS", "SOURCES", "CkanCatalogue", "PortalSimulator", "Simulator", "combined_app",
           "parse_catalogues", "serve"]

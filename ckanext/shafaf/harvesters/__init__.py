"""Harvesters: municipal transparency portals and member CKAN catalogues.

The pure parts (profiles.py, portal_fetch.py, portal_mapping.py) import no
CKAN so they can be tested against the simulator alone; see docs/harvesting.md.
"""

"""Tests of the harvesters: profiles, portal fetching and mapping, member catalogues."""

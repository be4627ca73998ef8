"""Test support shared by our suite and the run of CKAN's own tests.

CKAN's `reset_db` drops every table it can reflect (ours too) and rebuilds
only core's; the search index table has to come back through our migration.
Once core's tables exist it only empties those it knows, so ours are
emptied here (search index, dataset versions).
"""
from __future__ import annotations

import glob
import importlib.util
import os
from types import ModuleType
from typing import Callable

import pytest
import sqlalchemy as sa

import ckan.model as model
from ckan.tests import helpers

import ckanext.shafaf
from ckanext.shafaf.search import cache

MIGRATIONS_INI = os.path.join(
    os.path.dirname(ckanext.shafaf.__file__), "migration", "shafaf", "alembic.ini")
MIGRATION_VERSIONS = os.path.join(os.path.dirname(MIGRATIONS_INI), "versions")


def migration_module(suffix: str) -> ModuleType:
    """The migration `<revision>_<suffix>.py`, loaded as a module: its file
    name starts with a digit, so it cannot be imported by name."""
    path, = glob.glob(os.path.join(MIGRATION_VERSIONS, f"*_{suffix}.py"))
    spec = importlib.util.spec_from_file_location(f"_shafaf_migration_{suffix}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def upgrade_shafaf_db() -> None:
    """Apply our alembic migrations, whatever plugins the test has loaded."""
    original = model.repo._alembic_ini
    model.repo._alembic_ini = MIGRATIONS_INI
    try:
        model.repo.upgrade_db("head")
    finally:
        model.repo._alembic_ini = original


def reset_db_with_search_index() -> None:
    from ckan.cli.db import _get_pending_plugins, _run_migrations
    helpers.reset_db()
    for plugin in _get_pending_plugins():
        _run_migrations(plugin)
    upgrade_shafaf_db()
    with model.meta.engine.begin() as conn:
        conn.execute(sa.text(
            "TRUNCATE shafaf_search_doc, shafaf_search_facet_count, "
            "shafaf_dataset_version, shafaf_version_file CASCADE"))
    cache.bump_generation()


def make_reset_db() -> Callable[[], None]:
    from ckan.tests import factories
    def reset() -> None:
        factories.fake.unique.clear()
        reset_db_with_search_index()
    return reset


def site_config_marks(plugins: str) -> list[pytest.MarkDecorator]:
    """The `ckan_config` marks of a site with our dataset types, as in README.

    One list for every test module that needs the schemas, so a new schema
    file or preset is added in one place.
    """
    return [
        pytest.mark.ckan_config("ckan.plugins", plugins),
        pytest.mark.ckan_config("scheming.dataset_schemas", " ".join(
            f"ckanext.shafaf:schemas/{name}.yaml" for name in ("contract", "budget", "permit"))),
        pytest.mark.ckan_config(
            "scheming.presets",
            "ckanext.scheming:presets.json ckanext.shafaf:schemas/presets.yaml"),
        pytest.mark.ckan_config(
            "scheming.organization_schemas", "ckanext.shafaf:schemas/organization.yaml"),
    ]

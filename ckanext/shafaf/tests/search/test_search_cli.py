# -*- coding: utf-8 -*-
"""`ckan search-index ...` against our PostgreSQL index, as CKAN tests its CLI."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

import ckan.model as model
from ckan.cli.cli import ckan
from ckan.lib.search.common import SearchError
from ckan.tests import factories, helpers


def search_names(**kwargs):
    result = helpers.call_action("package_search", sort="name asc", rows=100,
                                 **kwargs)
    return [r["name"] for r in result["results"]]


def invoke(cli, *args):
    result = cli.invoke(ckan, ["search-index", *args])
    assert result.exit_code == 0, result.output
    return result.output


def drop_index_row(dataset_id):
    """Remove one dataset from our index behind CKAN's back."""
    with model.meta.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM shafaf_search_doc WHERE id = :id"),
                     {"id": dataset_id})


def set_title_in_db_only(dataset_id, title):
    model.Session.query(model.Package).filter_by(id=dataset_id).update(
        {"title": title})
    model.Session.commit()


@pytest.fixture
def three(clean_db, clean_index):
    return [factories.Dataset(name=name, title=title) for name, title in (
        ("first-ds", "First package"), ("second-ds", "Second package"),
        ("third-ds", "Third package"))]


ALL = ["first-ds", "second-ds", "third-ds"]


def test_clear_empties_the_index_and_rebuild_restores_it(cli, three):
    assert search_names() == ALL
    invoke(cli, "clear")
    assert search_names() == []
    assert helpers.call_action("package_search")["count"] == 0
    invoke(cli, "rebuild")
    assert search_names() == ALL
    assert search_names(q="package") == ALL


def test_rebuild_picks_up_database_changes(cli, three):
    set_title_in_db_only(three[0]["id"], "Renamed in the database")
    assert search_names(q="renamed") == []
    invoke(cli, "rebuild")
    assert search_names(q="renamed") == ["first-ds"]
    assert search_names(q="title:first") == []


def test_rebuild_one_dataset(cli, three):
    set_title_in_db_only(three[0]["id"], "Renamed first")
    set_title_in_db_only(three[1]["id"], "Renamed second")
    invoke(cli, "rebuild", three[0]["id"])
    assert search_names(q="renamed") == ["first-ds"]


def test_rebuild_with_clear_flag(cli, three):
    invoke(cli, "rebuild", "-c", "-e")
    assert search_names() == ALL


def test_rebuild_unknown_dataset_fails(cli, three):
    result = cli.invoke(ckan, ["search-index", "rebuild", "no-such-dataset"])
    assert result.exit_code != 0
    assert "Couldn't find" in result.output


def test_rebuild_drops_deleted_datasets(cli, three):
    helpers.call_action("package_delete", id="second-ds")
    invoke(cli, "rebuild")
    assert search_names() == ["first-ds", "third-ds"]
    assert search_names(include_deleted=True) == ["first-ds", "third-ds"]


def test_clear_one_dataset(cli, three):
    invoke(cli, "clear", three[1]["id"])
    assert search_names() == ["first-ds", "third-ds"]


def test_show_prints_the_indexed_document(cli, three):
    output = invoke(cli, "show", "second-ds")
    assert three[1]["id"] in output
    assert "'name': 'second-ds'" in output
    assert "Second package" in output
    assert "'site_id': 'test.ckan.net'" in output
    assert "validated_data_dict" in output
    assert "First package" not in output
    # by id too
    assert "'name': 'second-ds'" in invoke(cli, "show", three[1]["id"])


def test_show_of_unindexed_dataset_fails(cli, three):
    drop_index_row(three[1]["id"])
    result = cli.invoke(ckan, ["search-index", "show", "second-ds"])
    assert result.exit_code != 0
    assert isinstance(result.exception, SearchError)
    assert "Dataset not found in the search index: second-ds" in str(result.exception)


def test_check_reports_missing_dataset(cli, three):
    output = invoke(cli, "check")
    assert "Packages not indexed = 0 out of 3" in output
    drop_index_row(three[1]["id"])
    output = invoke(cli, "check")
    assert "Packages not indexed = 1 out of 3" in output
    assert "second-ds" in output
    assert "first-ds" not in output


def test_rebuild_only_missing(cli, three):
    drop_index_row(three[1]["id"])
    # changed in the database, but still indexed: `-o` must leave it alone
    set_title_in_db_only(three[0]["id"], "Renamed in the database")
    assert search_names() == ["first-ds", "third-ds"]
    invoke(cli, "rebuild", "-o")
    assert search_names() == ALL
    assert search_names(q="renamed") == []
    assert search_names(q="title:first") == ["first-ds"]
    assert "Packages not indexed = 0 out of 3" in invoke(cli, "check")


def test_list_unindexed_and_orphans(cli, three):
    drop_index_row(three[2]["id"])
    output = invoke(cli, "list-unindexed")
    assert three[2]["id"] in output
    assert "Found 1 unindexed package(s)." in output
    # a dataset purged from the database but left in the index is an orphan
    ghost = factories.Dataset(name="ghost-ds")
    model.Session.execute(sa.text("DELETE FROM package_extra WHERE package_id = :id"),
                          {"id": ghost["id"]})
    model.Session.execute(sa.text("DELETE FROM package WHERE id = :id"),
                          {"id": ghost["id"]})
    model.Session.commit()
    output = invoke(cli, "list-orphans")
    assert ghost["id"] in output
    assert "Found 1 orphaned package(s)." in output
    invoke(cli, "clear-orphans")
    assert "Found 0 orphaned package(s)." in invoke(cli, "list-orphans")

"""ckan_query.py: the Solr fq syntax federation harvesters send."""
from __future__ import annotations

import pytest

from ckanext.shafaf.simulator.ckan_query import Clause, QueryError, is_fielded, parse


def test_clauses() -> None:
    assert parse('+organization:("a" OR "b") AND dataset_type:contract') == [
        Clause("organization", ("a", "b")), Clause("dataset_type", ("contract",))]
    assert parse("metadata_modified:{2025-01-01T00:00:00Z TO *]") == [
        Clause("metadata_modified", low="2025-01-01T00:00:00Z", low_exclusive=True, is_range=True)]
    assert parse('name:"x-1"') == [Clause("name", ("x-1",))]
    assert parse("") == []


@pytest.mark.parametrize("text", ["-organization:a", "organization:(a AND b)", "just words",
                                  "organization:()", "metadata_modified:[NOW]"])
def test_refused(text: str) -> None:
    with pytest.raises(QueryError):
        parse(text)


def test_fielded_q() -> None:
    assert is_fielded("name:abc") and not is_fielded("*:*") and not is_fielded("قرارداد")

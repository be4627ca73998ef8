# -*- coding: utf-8 -*-
"""The faster query paths give exactly the answers of the general ones.

`title:…` is matched on the weight-A part of the catch-all vector instead of
the title's own vector; string-field conditions read a scalar directly and
expand only lists; facets count by hashing, without de-duplication when one
site is asked for. Each test compares with the slow form or with Solr's
answer.
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from ckan.common import config
from ckan.tests import factories, helpers

from ckanext.shafaf.search.connection import PostgresConnection, engine
from ckanext.shafaf.search.persian import text_query
from ckanext.shafaf.testing import migration_module


def package_search(**kwargs):
    return helpers.call_action("package_search", **kwargs)


def name_set(result):
    return {r["name"] for r in result["results"]}


@pytest.fixture
def titled(clean_db, clean_index):
    """Words in the title, in the notes only, and across the two."""
    org = factories.Organization(name="org-t")
    rows = [
        ("bus-title", "خرید اتوبوس شهری", "گزارش سالانه",
         [{"url": "http://e.com/1.csv", "format": "CSV"},
          {"url": "http://e.com/2.csv", "format": "CSV"}], "1399"),
        ("bus-notes", "گزارش سالانه", "خرید اتوبوس برای خطوط",
         [{"url": "http://e.com/3.pdf", "format": "PDF"}], "1402"),
        ("across", "نوسازی ناوگان اتوبوس", "شهری جدید",
         [], "سال ۱۴۰۰"),
        ("zwnj-title", "فهرست به‌روز می‌شود", "بدون توضیح",
         [{"url": "http://e.com/4.xls", "format": "XLS"}], "1401"),
    ]
    for name, title, notes, resources, year in rows:
        factories.Dataset(name=name, title=title, notes=notes, owner_org=org["id"],
                          resources=resources,
                          extras=[{"key": "fiscal_year", "value": year}])


@pytest.mark.parametrize("q, expected", [
    ("title:اتوبوس", {"bus-title", "across"}),
    ('title:"اتوبوس شهری"', {"bus-title"}),
    # adjacent only across the title and the notes: not a title phrase
    ('title:"اتوبوس شهری" AND name:across', set()),
    ("title:اتوب*", {"bus-title", "across"}),
    ("title:اتو?وس", {"bus-title", "across"}),
    ("title:میشود", {"zwnj-title"}),
    ("title:سالانه", {"bus-notes"}),
    ("-title:اتوبوس", {"bus-notes", "zwnj-title"}),
    ("notes:اتوبوس", {"bus-notes"}),
])
def test_title_queries(titled, q, expected):
    assert name_set(package_search(q=q)) == expected


@pytest.mark.parametrize("text, phrase, prefix", [
    ("اتوبوس", False, False), ("اتوبوس شهری", True, False),
    ("اتوب", False, True), ("می شود", True, False), ("گزارش", False, False),
])
def test_title_weight_part_equals_the_title_vector(titled, text, phrase, prefix):
    query = text_query(text, phrase=phrase, prefix=prefix)
    sql = ("SELECT d.name FROM shafaf_search_doc d JOIN shafaf_search_stored s "
           "USING (id, site_id) WHERE {} @@ CAST(:q AS tsquery)")
    with engine().connect() as conn:
        own = {r.name for r in conn.execute(sa.text(sql.format(
            "CAST(s.ftsv ->> 'title' AS tsvector)")), {"q": query})}
        weighted = {r.name for r in conn.execute(sa.text(sql.format(
            "ts_filter(d.tsv, '{a}')")), {"q": query})}
    assert own == weighted and own


@pytest.mark.parametrize("fq, expected", [
    # a list-valued string field (one value per resource)
    ("res_format:[C TO D]", {"bus-title"}),
    ("res_format:[A TO Z]", {"bus-title", "bus-notes", "zwnj-title"}),
    ("-res_format:[C TO D]", {"bus-notes", "across", "zwnj-title"}),
    # numeric bounds on a scalar string field; a non-number never matches
    ("fiscal_year:[1399 TO 1401]", {"bus-title", "zwnj-title"}),
    ("fiscal_year:{1399 TO *]", {"bus-notes", "zwnj-title"}),
    ("fiscal_year:[* TO 1401}", {"bus-title"}),
    ("fiscal_year:[1401 TO 1401]", {"zwnj-title"}),
    ("fiscal_year:{1401 TO 1401]", set()),
    ("fiscal_year:[1403 TO 1399]", set()),
    ("-fiscal_year:[1403 TO 1399]", {"bus-title", "bus-notes", "across", "zwnj-title"}),
    ("fiscal_year:[1.399e3 TO 1399.0]", {"bus-title"}),
    ("num_resources:[2 TO 2]", {"bus-title"}),
    ("num_resources:[0 TO 0.5]", {"across"}),
    ("fiscal_year:*", {"bus-title", "bus-notes", "across", "zwnj-title"}),
    ("res_format:*", {"bus-title", "bus-notes", "zwnj-title"}),
    ("res_format:X*", {"zwnj-title"}),
])
def test_string_field_conditions(titled, fq, expected):
    assert name_set(package_search(fq=fq)) == expected


def _facets(fq: list[str]) -> dict:
    results = PostgresConnection().search(
        q="*:*", fq=fq, rows=0, facet="true",
        **{"facet.field": ["res_format", "fiscal_year"], "facet.limit": -1})
    return {k: dict(zip(v[::2], v[1::2]))
            for k, v in results.facets["facet_fields"].items()}


def test_facets_with_and_without_a_site_filter(titled):
    """bus-title has two CSVs: counted once, on either facet path."""
    site = _facets([f'+site_id:"{config.get("ckan.site_id")}"'])
    general = _facets(["+state:active"])
    assert site == general == {
        "res_format": {"CSV": 1, "PDF": 1, "XLS": 1},
        "fiscal_year": {"1399": 1, "1402": 1, "سال ۱۴۰۰": 1, "1401": 1}}


@pytest.fixture
def sortable(clean_db, clean_index):
    """Twelve datasets, some with the word in the title, some in the notes
    only, with titles out of creation order and two equal titles."""
    org = factories.Organization(name="org-s")
    for i in range(12):
        title = (f"قرارداد پروژه {(i * 5) % 12:02d}" if i % 3 else
                 f"گزارش سالانه {(i * 7) % 12:02d}")
        if i in (4, 8):
            title = "قرارداد تکراری"
        factories.Dataset(name=f"sorted-{i:02d}", title=title, owner_org=org["id"],
                          notes="متن قرارداد" if i % 2 else "متن دیگر")


@pytest.mark.ckan_config("ckanext.shafaf.search.cache_seconds", 0)
@pytest.mark.parametrize("sort", [
    "metadata_modified desc", "metadata_modified asc", "title_string asc",
    "title_string desc", "name asc", "name desc, score desc",
    "metadata_modified desc, title_string asc"])
@pytest.mark.parametrize("q, start", [("قرارداد", 0), ("قرارداد", 3),
                                       ("*:*", 0), ("*:*", 7)])
def test_index_order_pages_equal_the_materialised_path(sortable, monkeypatch,
                                                        sort, q, start):
    """Read in index order (count and page apart, the score computed for the
    page only) or from materialised hits: the same count, page and scores."""
    from ckanext.shafaf.search import executor

    def page():
        result = package_search(q=q, sort=sort, rows=4, start=start,
                                fl="name,score")
        return result["count"], [(r["name"], round(r["score"], 6))
                                 for r in result["results"]]

    fast = page()
    monkeypatch.setattr(executor, "INDEXED_SORTS", frozenset())
    slow = page()
    assert fast == slow
    assert fast[0] == (12 if q == "*:*" else 10) and len(fast[1]) == 4
    if q != "*:*":
        assert any(score > 0 for _, score in fast[1])


@pytest.mark.parametrize("params, expected", [
    ({"q": "قرارداد", "sort": "metadata_modified desc"}, True),
    ({"q": "قرارداد", "sort": "title_string asc, score desc"}, False),
    ({"q": "*:*", "sort": "score desc, metadata_modified desc"}, True),
    ({"q": "قرارداد", "sort": "score desc, metadata_modified desc"}, False),
    ({"q": "قرارداد", "sort": "fiscal_year asc"}, False),
    ({"q": "*:*", "sort": "name asc", "facet": "true", "facet.field": ["tags"]}, False),
])
def test_which_requests_are_read_in_index_order(params, expected):
    from ckanext.shafaf.search import executor
    request = executor.SearchRequest.from_solr_params(None, params)
    compiler = executor.Compiler()
    executor._where(request, compiler)
    assert executor._read_in_index_order(
        request, executor._rank(compiler)) is expected


def test_list_values_are_indexed_once():
    from ckanext.shafaf.search.documents import distinct_values
    assert distinct_values(["CSV", "PDF", "CSV", 1, "1", None, None, True, "true",
                            {"a": 1}, {"a": 1}]) == ["CSV", "PDF", 1, None, True, {"a": 1}]


@pytest.mark.ckan_config("ckanext.shafaf.search.cache_seconds", 0)
def test_rows_indexed_with_repeated_list_values_are_rewritten(titled):
    """A row written before list values were kept once counts its dataset
    three times for CSV; migration 6071829304a5 makes that once again,
    without touching other rows or the maintained facet counts."""
    site = [f'+site_id:"{config.get("ckan.site_id")}"']
    counts = ("SELECT value, n FROM shafaf_search_facet_count "
              "WHERE field = 'res_format' ORDER BY value, n")
    other_rows = ("SELECT name, doc FROM shafaf_search_doc WHERE name <> 'bus-title' "
                  "ORDER BY name")
    with engine().begin() as conn:
        conn.execute(sa.text(
            "UPDATE shafaf_search_doc SET doc = jsonb_set(doc, '{res_format}', "
            "'[\"CSV\", \"CSV\", \"PDF\", null, \"CSV\", null]') WHERE name = 'bus-title'"))
        before = conn.execute(sa.text(counts)).all()
        others = conn.execute(sa.text(other_rows)).all()
    assert _facets(site)["res_format"]["CSV"] == 3      # the stale row
    with engine().begin() as conn:
        conn.execute(sa.text(
            migration_module("search_distinct_list_values").DISTINCT_LISTS))
        doc = conn.execute(sa.text(
            "SELECT doc FROM shafaf_search_doc WHERE name = 'bus-title'")).scalar()
        assert conn.execute(sa.text(counts)).all() == before
        assert conn.execute(sa.text(other_rows)).all() == others
    assert doc["res_format"] == ["CSV", "PDF", None]
    assert _facets(site)["res_format"] == {"CSV": 1, "PDF": 2, "XLS": 1}
    assert name_set(package_search(fq="res_format:PDF")) == {"bus-title", "bus-notes"}

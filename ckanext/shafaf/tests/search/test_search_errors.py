# -*- coding: utf-8 -*-
"""Bad search input through CKAN's HTTP API: a clean client error, never a 500.

With Solr, CKAN answers a query Solr cannot parse with HTTP 409 and
`{"success": false, "error": {"__type": "Search Error", ...}}`: pysolr raises
SolrError and `PackageSearchQuery.run` turns it into a SearchError, which
`ckan/views/api.py` maps to 409. Our backend must give the same answer, with
its own bilingual (Persian / English) explanation in the message.
"""
from __future__ import annotations

import pytest

from ckan.lib.search.common import SearchError
from ckan.tests import factories, helpers

API = "/api/3/action/package_search"


@pytest.fixture
def one_dataset(clean_db, clean_index):
    return factories.Dataset(name="water-quality", title="Water quality")


def api_error(app, status, **params):
    resp = app.get(API, query_string=params, status=status)
    body = resp.json
    assert body["success"] is False
    assert "result" not in body
    return body["error"]


# -- query syntax the backend rejects --------------------------------------

SYNTAX_ERRORS = [
    # (params, Persian words, English words)
    ({"q": "title:(water"}, "پرانتز بسته نشده", "unbalanced parenthesis"),
    ({"q": "title:water)"}, "پرانتز بسته اضافه", "unbalanced parenthesis"),
    ({"fq": "tags:(water OR air"}, "پرانتز بسته نشده", "unbalanced parenthesis"),
    ({"q": 'title:"water'}, "گیومه بسته نشده", "unbalanced quotation mark"),
    ({"fq": 'name:"water-quality'}, "گیومه بسته نشده", "unbalanced quotation mark"),
    ({"q": "title:water AND"}, "عملگر بدون عبارت", "operator without operand"),
    ({"q": "AND title:water"}, "عملگر بدون عبارت", "operator without operand"),
    ({"q": "title:water OR"}, "عملگر بدون عبارت", "operator without operand"),
    ({"q": "title:"}, "مقدار فیلد خالی است", "empty value for field 'title'"),
    ({"fq": "tags: "}, "مقدار فیلد خالی است", "empty value for field 'tags'"),
    ({"fq": "num_resources:[1 TO"}, "بازه نامعتبر", "invalid range"),
    ({"fq": "num_resources:[1 2]"}, "بازه نامعتبر", "invalid range"),
    ({"fq": "metadata_modified:[NOW TO]"}, "بازه نامعتبر", "invalid range"),
    ({"fq": "metadata_modified:[yesterday TO NOW]"}, "تاریخ نامعتبر",
     "invalid date 'yesterday'"),
]


@pytest.mark.usefixtures("one_dataset")
@pytest.mark.parametrize("params, fa, en", SYNTAX_ERRORS)
def test_syntax_error_is_a_409_search_error(app, params, fa, en):
    error = api_error(app, 409, **params)
    assert error["__type"] == "Search Error"
    assert fa in error["message"]
    assert en in error["message"]
    assert "Invalid search query" in error["message"]


@pytest.mark.usefixtures("one_dataset")
@pytest.mark.parametrize("params, fa, en", SYNTAX_ERRORS)
def test_syntax_error_raises_search_error_in_action(params, fa, en):
    with pytest.raises(SearchError) as info:
        helpers.call_action("package_search", **params)
    assert fa in str(info.value)
    assert en in str(info.value)


@pytest.mark.usefixtures("one_dataset")
@pytest.mark.parametrize("sort", ["name", "metadata_modified", "name up",
                                  "score desc, name"])
def test_sort_without_direction(app, sort):
    """Solr: "Can't determine a Sort Order"; CKAN turns that into a
    SearchQueryError('Invalid "sort" parameter'), which the API answers with
    400 "Search Query Error" (not 409). Our backend keeps that contract."""
    error = api_error(app, 400, sort=sort)
    assert error["__type"] == "Search Query Error"
    assert 'Invalid "sort" parameter' in error["message"]
    assert "لازم است" in error["message"] or "نامعتبر" in error["message"]


@pytest.mark.usefixtures("one_dataset")
@pytest.mark.parametrize("params, field, message", [
    ({"rows": "abc"}, "rows", "Invalid integer"),
    ({"rows": "1.5"}, "rows", "Invalid integer"),
    ({"rows": "-1"}, "rows", "Must be a natural number"),
    ({"start": "x"}, "start", "Invalid integer"),
    ({"facet.limit": "lots"}, "facet.limit", "Invalid integer"),
])
def test_non_integer_paging_is_a_409_validation_error(app, params, field, message):
    error = api_error(app, 409, **params)
    assert error["__type"] == "Validation Error"
    assert message in error[field]


@pytest.mark.usefixtures("one_dataset")
@pytest.mark.parametrize("params, message", [
    ({"q": '{!child of="content_type:parentDoc"}'},
     "Local parameters are not supported in param 'q'."),
    ({"q": ' {!child of="content_type:parentDoc"}water'},
     "Local parameters are not supported in param 'q'."),
    ({"fq": '{!child of="content_type:parentDoc"}'},
     # CKAN prefixes fq with "+capacity:public "
     "Local parameters must be defined at the beginning of param 'fq'."),
])
def test_local_params_are_rejected(app, params, message):
    error = api_error(app, 409, **params)
    assert error["__type"] == "Search Error"
    assert message in error["message"]


@pytest.mark.usefixtures("one_dataset")
@pytest.mark.ckan_config("ckan.search.solr_allowed_query_parsers", "child")
def test_local_params_allowed_by_ckan_are_refused_by_the_backend(app):
    """CKAN lets the `child` parser through; without Solr we cannot run it and
    must say so as a search error, not crash or silently search something."""
    error = api_error(app, 409, q='{!child of="content_type:parentDoc"}title:water')
    assert error["__type"] == "Search Error"
    assert "پارامترهای محلی" in error["message"]
    assert "local parameters are not supported" in error["message"]


ODD_INPUT = [
    {"q": "title:\\"}, {"q": '"'}, {"q": "(("}, {"q": "))"}, {"q": "a:b:c"},
    {"q": "title:(a OR)"}, {"fq": "name:[a TO b TO c]"}, {"q": "{!"},
    {"q": "*:*:*"}, {"q": "title:water^"}, {"q": "title:water~"},
    {"fq": "title:[* TO *]"}, {"q": "title:wat?r"}, {"q": "name:*"},
    {"fq": "metadata_modified:[NOW-1BOGUS TO NOW]"}, {"fq": "+-name:x"},
    {"q": "name:(\"a\" \"b\""}, {"q": "!"}, {"q": "title:water AND AND tags:x"},
    {"fq": "metadata_modified:NOW/DAY"}, {"sort": "score"}, {"sort": ","},
    {"sort": "name asc,"}, {"sort": "nam!e asc"}, {"facet.field": '["na me"]'},
    {"facet.field": "not json"}, {"q": "\u0000"}, {"fq": "name:\u0000"},
]


@pytest.mark.usefixtures("one_dataset")
@pytest.mark.parametrize("params", ODD_INPUT)
def test_odd_input_never_gives_500(app, params):
    resp = app.get(API, query_string=params)
    assert resp.status_code in (200, 400, 409), resp.body
    body = resp.json
    if resp.status_code == 200:
        assert body["success"] is True
        assert isinstance(body["result"]["count"], int)
    else:
        assert body["success"] is False
        assert body["error"]["__type"] in (
            "Search Error", "Search Query Error", "Validation Error")


@pytest.mark.usefixtures("one_dataset")
def test_dataset_page_shows_search_error_like_solr(app):
    """With Solr the dataset page renders with its "error while searching"
    notice (the view catches SearchError); it must not 400 or 500."""
    resp = app.get("/dataset/", query_string={"q": "title:(water"}, status=200)
    assert "There was an error while searching" in resp.body


@pytest.mark.usefixtures("one_dataset")
def test_good_query_after_bad_one_still_works(app):
    api_error(app, 409, q="title:(water")
    resp = app.get(API, query_string={"q": "title:water"}, status=200)
    assert [r["name"] for r in resp.json["result"]["results"]] == ["water-quality"]

"""Parser tests: the Solr syntax CKAN callers send must mean what Solr means."""
from __future__ import annotations

from typing import Iterator

import pytest

from ckan.lib.search.common import SearchError, SearchQueryError
from ckanext.shafaf.search.lucene import (
    ParameterError,
    Bool, MatchAll, QuerySyntaxError, Range, Term, parse, parse_mm, parse_sort)

ZWNJ = "\u200c"


@pytest.fixture(autouse=True)
def shafaf_plugin_loaded() -> Iterator[None]:
    """Pure parser tests: skip the root conftest's per-test plugin loading."""
    yield


def w(text: str, field: str | None = None) -> Term:
    return Term(field, text, "word")


# -- terms ---------------------------------------------------------------------

@pytest.mark.parametrize("q", ["", "   ", "\t\n", "*:*", "*", " *:* "])
def test_match_all(q: str) -> None:
    assert parse(q) == MatchAll()


@pytest.mark.parametrize("q, expected", [
    ("water", w("water")),
    ("title:water", w("water", "title")),
    ("res_format:CSV", w("CSV", "res_format")),
    ("extras_foo:bar", w("bar", "extras_foo")),
    ("vocab_x:y", w("y", "vocab_x")),
    ("metadata.x-y:z", w("z", "metadata.x-y")),
    ('title:"water quality"', Term("title", "water quality", "phrase")),
    ('"a \\"b\\" c"', Term(None, 'a "b" c', "phrase")),
    ("title:wat*", Term("title", "wat", "prefix")),
    ("title:*", Term("title", "", "exists")),
    ("title:w?t*r", Term("title", "w?t*r", "wildcard")),
    ("*ater", Term(None, "*ater", "wildcard")),
    ("ab*c*", Term(None, "ab*c*", "wildcard")),
    ("a\\*", w("a*")),
    ("a\\*b*", Term(None, "a*b", "prefix")),
    ("a\\*b?", Term(None, "a\\*b?", "wildcard")),
    ("url:http\\://x.org/a", w("http://x.org/a", "url")),
    ("tags:economy\\ and\\ finance", w("economy and finance", "tags")),
    ("a\\(b\\)", w("a(b)")),
    ("data-set", w("data-set")),
    ("c++", w("c++")),
    ("a&&b", w("a&&b")),
    ("and", w("and")),
    ("or", w("or")),
    ("title : water", w("water", "title")),
])
def test_terms(q: str, expected: Term) -> None:
    assert parse(q) == expected


def test_persian_and_zwnj() -> None:
    word = "کتاب" + ZWNJ + "ها"
    assert parse(word) == w(word)
    assert parse("title:" + word) == w(word, "title")
    assert parse(f'notes:"می{ZWNJ}شود خوب"') == Term("notes", f"می{ZWNJ}شود خوب", "phrase")
    assert parse("عنوان آب") == Bool(must=(w("عنوان"), w("آب")))
    assert parse("سال:۱۴۰۲") == w("۱۴۰۲", "سال")


def test_boost_and_fuzzy_are_ignored() -> None:
    assert parse("water^2") == w("water")
    assert parse("water^0.5 roads~") == Bool(must=(w("water"), w("roads")))
    assert parse("roam~0.8") == w("roam")
    assert parse('title:"a b"^3') == Term("title", "a b", "phrase")
    assert parse('"a b"~0') == Term(None, "a b", "phrase")
    # a sloppy phrase only needs its words near each other: all words
    assert parse('"a b"~3') == w("a b")
    assert parse("(a b)^2") == Bool(must=(w("a"), w("b")))


# -- ranges ----------------------------------------------------------------------

@pytest.mark.parametrize("q, expected", [
    ("num:[1 TO 5]", Range("num", "1", "5", True, True)),
    ("num:{1 TO 5}", Range("num", "1", "5", False, False)),
    ("num:[1 TO 5}", Range("num", "1", "5", True, False)),
    ("num:{1 TO 5]", Range("num", "1", "5", False, True)),
    ("num:[* TO 5]", Range("num", None, "5", True, True)),
    ("num:[1 TO *]", Range("num", "1", None, True, True)),
    ('name:["a b" TO "c"]', Range("name", "a b", "c", True, True)),
    ('name:["*" TO z]', Range("name", "*", "z", True, True)),
    ("metadata_modified:[NOW-1DAY TO NOW]",
     Range("metadata_modified", "NOW-1DAY", "NOW", True, True)),
    ("metadata_modified:[NOW/DAY+1MONTH TO *]",
     Range("metadata_modified", "NOW/DAY+1MONTH", None, True, True)),
    ("metadata_created:[2020-01-01T00:00:00Z TO 2021-01-01T00:00:00Z]",
     Range("metadata_created", "2020-01-01T00:00:00Z", "2021-01-01T00:00:00Z")),
    ("[a TO b]", Range(None, "a", "b")),
    ("x:[  1   TO   2  ]", Range("x", "1", "2")),
])
def test_ranges(q: str, expected: Range) -> None:
    assert parse(q) == expected


# -- boolean structure -------------------------------------------------------------

def test_default_operator_and() -> None:
    assert parse("a b") == Bool(must=(w("a"), w("b")))
    assert parse("a b", "OR") == Bool(should=(w("a"), w("b")))
    assert parse("a b", "or") == Bool(should=(w("a"), w("b")))


@pytest.mark.parametrize("q, op, expected", [
    ("a OR b", "AND", Bool(should=(w("a"), w("b")))),
    ("a || b", "AND", Bool(should=(w("a"), w("b")))),
    ("a AND b", "OR", Bool(must=(w("a"), w("b")))),
    ("a && b", "OR", Bool(must=(w("a"), w("b")))),
    # Lucene's classic quirk: OR turns its neighbours optional
    ("a OR b c", "AND", Bool(must=(w("c"),), should=(w("a"), w("b")))),
    ("a b OR c", "AND", Bool(must=(w("a"),), should=(w("b"), w("c")))),
    ("a AND b OR c", "OR", Bool(must=(w("a"), w("b")), should=(w("c"),))),
    ("a OR b AND c", "OR", Bool(must=(w("b"), w("c")), should=(w("a"),))),
    ("+a OR b", "AND", Bool(should=(w("a"), w("b")))),
    ("+a b", "OR", Bool(must=(w("a"),), should=(w("b"),))),
    ("a -b", "AND", Bool(must=(w("a"),), must_not=(w("b"),))),
    ("a -b", "OR", Bool(should=(w("a"),), must_not=(w("b"),))),
    ("a NOT b", "AND", Bool(must=(w("a"),), must_not=(w("b"),))),
    ("a AND NOT b", "AND", Bool(must=(w("a"),), must_not=(w("b"),))),
    ("a OR NOT b", "AND", Bool(should=(w("a"),), must_not=(w("b"),))),
    ("a !b", "AND", Bool(must=(w("a"),), must_not=(w("b"),))),
    ("-a OR b", "AND", Bool(should=(w("b"),), must_not=(w("a"),))),
])
def test_precedence(q: str, op: str, expected: Bool) -> None:
    assert parse(q, op) == expected


def test_pure_negative_kept_as_is() -> None:
    assert parse("-a") == Bool(must_not=(w("a"),))
    assert parse("NOT a") == Bool(must_not=(w("a"),))
    assert parse("-a -b") == Bool(must_not=(w("a"), w("b")))
    assert parse("-title:*") == Bool(must_not=(Term("title", "", "exists"),))


def test_single_required_clause_unwraps() -> None:
    assert parse("+a") == w("a")
    assert parse("(a)") == w("a")
    assert parse("((a))") == w("a")


def test_field_applies_to_group() -> None:
    assert parse("tags:(a OR b)") == Bool(should=(w("a", "tags"), w("b", "tags")))
    assert parse('permission_labels:("public" OR "creator-1")') == Bool(should=(
        Term("permission_labels", "public", "phrase"),
        Term("permission_labels", "creator-1", "phrase")))
    assert parse("tags:(a title:b)") == Bool(must=(w("a", "tags"), w("b", "title")))
    assert parse("tags:(a (b OR c*))") == Bool(must=(
        w("a", "tags"), Bool(should=(w("b", "tags"), Term("tags", "c", "prefix")))))


def test_nesting_and_ckan_filters() -> None:
    assert parse("+capacity:public +state:(active OR draft)") == Bool(must=(
        w("public", "capacity"),
        Bool(should=(w("active", "state"), w("draft", "state")))))
    assert parse("(a OR b) AND -(c d)") == Bool(
        must=(Bool(should=(w("a"), w("b"))),),
        must_not=(Bool(must=(w("c"), w("d"))),))
    assert parse("*:* -tags:x") == Bool(must=(MatchAll(),), must_not=(w("x", "tags"),))
    assert parse("+site_id:\"test.ckan.net\" +dataset_type:dataset") == Bool(must=(
        Term("site_id", "test.ckan.net", "phrase"), w("dataset", "dataset_type")))


# -- errors -------------------------------------------------------------------------

@pytest.mark.parametrize("q, english", [
    ("(a OR b", "unbalanced parenthesis at position 0"),
    ("a (b", "unbalanced parenthesis at position 2"),
    ("a OR b)", "unbalanced parenthesis at position 6"),
    ('title:"water', "unbalanced quotation mark at position 6"),
    ("a AND", "operator without operand"),
    ("a OR", "operator without operand"),
    ("AND a", "operator without operand"),
    ("a OR OR b", "operator without operand"),
    ("a -", "operator without operand"),
    ("NOT", "operator without operand"),
    ("title:", "empty value for field 'title'"),
    ("title: AND b", "empty value for field 'title'"),
    ("[a TO]", "invalid range"),
    ("x:[a TO b", "invalid range"),
    ("x:[a b]", "invalid range"),
    ("x:[a TO b TO c]", "invalid range"),
    ("x:a]", "invalid range"),
    ("{!dismax qf=title}water", "local parameters are not supported"),
    ("  {!lucene}a", "local parameters are not supported"),
    ("a {!func}b", "local parameters are not supported"),
    ("()", "empty group"),
    ("a^", "invalid boost"),
    ("a\\", "dangling escape"),
    ("a:b:c", "unexpected ':'"),
    ("*:water", "invalid field name"),
])
def test_syntax_errors(q: str, english: str) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        parse(q)
    message = str(info.value)
    assert "Invalid search query: " + english in message
    assert message.startswith("عبارت جستجو نامعتبر است: ")


def test_syntax_error_is_ckan_search_error_with_position() -> None:
    """A SearchError (409 in the API, as Solr's syntax errors), not the 400
    SearchQueryError CKAN keeps for bad parameters."""
    with pytest.raises(SearchError) as info:
        parse("tags:(a OR b")
    assert info.value.position == 5
    assert "(position 5)" in str(info.value)
    assert "پرانتز بسته نشده" in str(info.value)
    assert not isinstance(info.value, SearchQueryError)


def test_bad_default_operator() -> None:
    with pytest.raises(ParameterError):
        parse("a", "XOR")


# -- sort and mm --------------------------------------------------------------------

@pytest.mark.parametrize("sort, expected", [
    ("score desc, metadata_modified desc",
     [("score", "desc"), ("metadata_modified", "desc")]),
    ("title_string asc", [("title_string", "asc")]),
    ("  name   DESC ", [("name", "desc")]),
    ("", []),
    (None, []),
    ("extras_x.y-z asc,views_recent desc", [("extras_x.y-z", "asc"), ("views_recent", "desc")]),
])
def test_parse_sort(sort: str, expected: list) -> None:
    assert parse_sort(sort) == expected


@pytest.mark.parametrize("sort", [
    "name", "name sideways", "name asc,", ", name asc", "name asc desc", "geodist() asc",
    "عنوان asc",
])
def test_parse_sort_errors(sort: str) -> None:
    with pytest.raises(ParameterError) as info:
        parse_sort(sort)
    assert 'Invalid "sort" parameter' in str(info.value)
    assert 'پارامتر "sort" نامعتبر است' in str(info.value)


@pytest.mark.parametrize("n, expected", [
    (0, 0), (1, 1), (2, 2), (3, 2), (4, 3), (5, 4), (6, 4), (7, 5), (10, 8), (11, 8),
])
def test_parse_mm_ckan_default(n: int, expected: int) -> None:
    assert parse_mm("2<-1 5<80%", n) == expected


@pytest.mark.parametrize("spec, n, expected", [
    ("1", 4, 1), ("3", 2, 2), ("-1", 4, 3), ("-5", 3, 0), ("75%", 4, 3),
    ("75%", 3, 2), ("-25%", 4, 3), ("-25%", 3, 3), ("100%", 5, 5), ("0%", 5, 0),
    ("3<90%", 3, 3), ("3<90%", 10, 9), ("2 < -25% 9 < -3", 8, 6),
    ("2<-25% 9<-3", 12, 9), ("", 4, 4),
])
def test_parse_mm_specs(spec: str, n: int, expected: int) -> None:
    assert parse_mm(spec, n) == expected


@pytest.mark.parametrize("spec", ["abc", "2<", "x<1", "50%%", "1.5"])
def test_parse_mm_errors(spec: str) -> None:
    with pytest.raises(ParameterError) as info:
        parse_mm(spec, 4)
    assert 'Invalid "mm" parameter' in str(info.value)

# -*- coding: utf-8 -*-
"""package_search through CKAN's action layer, answered by our PostgreSQL backend.

Every expectation here is what CKAN gives with its Solr schema: the exact
datasets (by name) and counts, not just "something came back".
"""
from __future__ import annotations

import datetime

import pytest

import ckan.lib.search as search
import ckan.model as model
from ckan.tests import factories, helpers

PUBLIC_TENDER = "مناقصه عمومی"
LIMITED_TENDER = "مناقصه محدود"


def package_search(context=None, **kwargs):
    return helpers.call_action("package_search", context=context, **kwargs)


def names(result):
    return [r["name"] for r in result["results"]]


def name_set(result):
    return set(names(result))


def extras(**kw):
    return [{"key": k, "value": v} for k, v in kw.items()]


@pytest.fixture
def corpus(clean_db, clean_index):
    """Four datasets in two organisations; each test relies on their content.

    annual-rainfall  org-a  tags water, climate     1 CSV           1403 public tender, tabriz
    rainfall-totals  org-b  tags water              CSV, CSV, PDF   1402 limited tender, urmia
    city-budget      org-a  tags economy            no resources    1403 public tender, tabriz
    road-accidents   org-b  tags transport, economy 1 XLS           1401 (no other extras)

    Created in this order, so metadata_modified grows in this order.
    """
    org_a = factories.Organization(name="org-a", title="Organisation A")
    org_b = factories.Organization(name="org-b", title="Organisation B")
    group = factories.Group(name="grp-weather")
    d1 = factories.Dataset(
        name="annual-rainfall", title="Annual rainfall report",
        notes="Measured across Tabriz stations",
        tags=[{"name": "water"}, {"name": "climate"}], owner_org=org_a["id"],
        groups=[{"name": group["name"]}],
        resources=[{"url": "http://example.com/a.csv", "format": "CSV"}],
        extras=extras(fiscal_year="1403", procurement_method=PUBLIC_TENDER,
                      municipality="tabriz"))
    d2 = factories.Dataset(
        name="rainfall-totals", title="Rainfall totals, annual",
        notes="Urmia stations", tags=[{"name": "water"}], owner_org=org_b["id"],
        groups=[{"name": group["name"]}],
        resources=[{"url": "http://example.com/b1.csv", "format": "CSV"},
                   {"url": "http://example.com/b2.csv", "format": "CSV"},
                   {"url": "http://example.com/b.pdf", "format": "PDF"}],
        extras=extras(fiscal_year="1402", procurement_method=LIMITED_TENDER,
                      municipality="urmia"))
    d3 = factories.Dataset(
        name="city-budget", title="City budget",
        notes="Spending of the municipality", tags=[{"name": "economy"}],
        owner_org=org_a["id"],
        extras=extras(fiscal_year="1403", procurement_method=PUBLIC_TENDER,
                      municipality="tabriz"))
    d4 = factories.Dataset(
        name="road-accidents", title="Road accidents",
        notes="Traffic data for Tabriz",
        tags=[{"name": "transport"}, {"name": "economy"}], owner_org=org_b["id"],
        resources=[{"url": "http://example.com/d.xls", "format": "XLS"}],
        extras=extras(fiscal_year="1401"))
    return {"org_a": org_a, "org_b": org_b, "group": group,
            "d1": d1, "d2": d2, "d3": d3, "d4": d4}


ALL = {"annual-rainfall", "rainfall-totals", "city-budget", "road-accidents"}


# -- q: free text (dismax) --------------------------------------------------


@pytest.mark.parametrize("q, expected", [
    ("rainfall", {"annual-rainfall", "rainfall-totals"}),
    ("RAINFALL", {"annual-rainfall", "rainfall-totals"}),
    # two words: both required (mm 2<-1)
    ("rainfall tabriz", {"annual-rainfall"}),
    # three words: any two of them (mm 2<-1 -> all but one)
    ("annual rainfall tabriz", {"annual-rainfall", "rainfall-totals"}),
    # extras are copied into the catch-all text field, as in CKAN's schema
    ("tabriz", {"annual-rainfall", "city-budget", "road-accidents"}),
    ("urmia", {"rainfall-totals"}),
    # tags and organisation names are searchable text
    ("economy", {"city-budget", "road-accidents"}),
    ("nothing-like-this", set()),
])
def test_q_words(corpus, q, expected):
    result = package_search(q=q)
    assert name_set(result) == expected
    assert result["count"] == len(expected)


def test_q_phrase_needs_adjacent_words_in_order(corpus):
    result = package_search(q='"annual rainfall"')
    assert names(result) == ["annual-rainfall"]
    assert result["count"] == 1
    # the same words unquoted also match "Rainfall totals, annual"
    assert name_set(package_search(q="annual rainfall")) == {
        "annual-rainfall", "rainfall-totals"}


def test_q_dismax_plus_and_minus(corpus):
    assert names(package_search(q="rainfall -urmia")) == ["annual-rainfall"]
    assert name_set(package_search(q="+tabriz -rainfall")) == {
        "city-budget", "road-accidents"}


@pytest.mark.parametrize("q, expected", [
    ("title:rainfall", {"annual-rainfall", "rainfall-totals"}),
    ("name:city-budget", {"city-budget"}),
    ('name:"road-accidents"', {"road-accidents"}),
    ("tags:economy", {"city-budget", "road-accidents"}),
    ("organization:org-b", {"rainfall-totals", "road-accidents"}),
    ("res_format:PDF", {"rainfall-totals"}),
    ("notes:stations", {"annual-rainfall", "rainfall-totals"}),
    ("municipality:tabriz", {"annual-rainfall", "city-budget"}),
    ("fiscal_year:1403", {"annual-rainfall", "city-budget"}),
    # `tags` is an exact string field: no partial match
    ("tags:econ", set()),
])
def test_q_field_value(corpus, q, expected):
    result = package_search(q=q)
    assert name_set(result) == expected
    assert result["count"] == len(expected)


@pytest.mark.parametrize("q, expected", [
    ("tags:economy AND title:road", {"road-accidents"}),
    ("title:budget OR title:road", {"city-budget", "road-accidents"}),
    ("tags:water NOT organization:org-a", {"rainfall-totals"}),
    ("tags:water AND NOT tags:climate", {"rainfall-totals"}),
    ("(tags:climate OR tags:transport) AND organization:org-b", {"road-accidents"}),
    # q.op is AND: two clauses without an operator are both required
    ("tags:economy organization:org-a", {"city-budget"}),
    ("+tags:water -tags:climate", {"rainfall-totals"}),
    ("+organization:org-a +tags:economy", {"city-budget"}),
    # a purely negative query matches everything else
    ("-tags:water", {"city-budget", "road-accidents"}),
])
def test_q_boolean_operators(corpus, q, expected):
    result = package_search(q=q)
    assert name_set(result) == expected
    assert result["count"] == len(expected)


@pytest.mark.parametrize("q, expected", [
    ("title:rain*", {"annual-rainfall", "rainfall-totals"}),
    ("name:road*", {"road-accidents"}),
    ("name:*budget", {"city-budget"}),
    ("tags:eco*", {"city-budget", "road-accidents"}),
    ("title:zzz*", set()),
])
def test_q_prefix_and_wildcard(corpus, q, expected):
    result = package_search(q=q)
    assert name_set(result) == expected
    assert result["count"] == len(expected)


# -- fq / fq_list -------------------------------------------------------------


@pytest.mark.parametrize("fq, expected", [
    ("+organization:org-a", {"annual-rainfall", "city-budget"}),
    ('+organization:"org-b"', {"rainfall-totals", "road-accidents"}),
    ('tags:("climate" OR "transport")', {"annual-rainfall", "road-accidents"}),
    ('+res_format:("PDF" OR "XLS")', {"rainfall-totals", "road-accidents"}),
    ("-tags:water", {"city-budget", "road-accidents"}),
    ("-organization:org-a", {"rainfall-totals", "road-accidents"}),
    ("+groups:grp-weather", {"annual-rainfall", "rainfall-totals"}),
    (f'procurement_method:"{PUBLIC_TENDER}"', {"annual-rainfall", "city-budget"}),
    (f'+procurement_method:"{LIMITED_TENDER}"', {"rainfall-totals"}),
    # exact string: one word of the value is not the value
    ('procurement_method:"مناقصه"', set()),
])
def test_fq_filters(corpus, fq, expected):
    result = package_search(fq=fq)
    assert name_set(result) == expected
    assert result["count"] == len(expected)


def test_fq_combines_with_q(corpus):
    result = package_search(q="rainfall", fq="+organization:org-a")
    assert names(result) == ["annual-rainfall"]


def test_fq_list_every_filter_applies(corpus):
    result = package_search(fq_list=["+organization:org-a", "+tags:economy"])
    assert names(result) == ["city-budget"]
    assert result["count"] == 1
    result = package_search(fq="+tags:water", fq_list=["-organization:org-a"])
    assert names(result) == ["rainfall-totals"]


@pytest.mark.parametrize("fq, expected", [
    ("num_resources:[1 TO 3]", {"annual-rainfall", "rainfall-totals", "road-accidents"}),
    ("num_resources:[2 TO *]", {"rainfall-totals"}),
    ("num_resources:{0 TO 3}", {"annual-rainfall", "road-accidents"}),
    ("num_resources:[* TO 0]", {"city-budget"}),
    ("num_tags:[2 TO 2]", {"annual-rainfall", "road-accidents"}),
    ("fiscal_year:[1402 TO 1403]", {"annual-rainfall", "rainfall-totals", "city-budget"}),
    ("fiscal_year:[1401 TO 1403}", {"rainfall-totals", "road-accidents"}),
    ("fiscal_year:{1401 TO 1403]", {"annual-rainfall", "rainfall-totals", "city-budget"}),
    ("-num_resources:[1 TO *]", {"city-budget"}),
])
def test_fq_ranges(corpus, fq, expected):
    result = package_search(fq=fq)
    assert name_set(result) == expected
    assert result["count"] == len(expected)


def _set_modified(dataset_id, when):
    model.Session.query(model.Package).filter_by(id=dataset_id).update(
        {"metadata_modified": when})
    model.Session.commit()
    search.rebuild(dataset_id)


@pytest.mark.parametrize("fq, expected", [
    ("metadata_modified:[NOW-1DAY TO NOW]",
     {"annual-rainfall", "rainfall-totals", "city-budget"}),
    ("metadata_modified:[NOW/DAY-1DAY TO *]",
     {"annual-rainfall", "rainfall-totals", "city-budget"}),
    ("metadata_modified:[* TO NOW-1DAY]", {"road-accidents"}),
    ("metadata_modified:[2019-12-31T00:00:00Z TO 2020-01-02T00:00:00Z]",
     {"road-accidents"}),
    ("metadata_modified:[2020-01-01T12:00:00Z TO NOW]",
     {"annual-rainfall", "rainfall-totals", "city-budget"}),
    ("-metadata_modified:[NOW-1DAY TO *]", {"road-accidents"}),
])
def test_fq_metadata_modified_ranges(corpus, fq, expected):
    _set_modified(corpus["d4"]["id"], datetime.datetime(2020, 1, 1, 6, 30))
    result = package_search(fq=fq)
    assert name_set(result) == expected
    assert result["count"] == len(expected)


# -- facets ---------------------------------------------------------------


def test_facet_counts(corpus):
    result = package_search(**{"facet.field": ["tags", "organization", "groups"]})
    assert result["facets"]["tags"] == {
        "water": 2, "economy": 2, "climate": 1, "transport": 1}
    assert result["facets"]["organization"] == {"org-a": 2, "org-b": 2}
    assert result["facets"]["groups"] == {"grp-weather": 2}
    items = {i["name"]: (i["count"], i["display_name"])
             for i in result["search_facets"]["organization"]["items"]}
    assert items == {"org-a": (2, "Organisation A"), "org-b": (2, "Organisation B")}


def test_facet_counts_follow_q_and_fq(corpus):
    result = package_search(q="rainfall", fq="+organization:org-b",
                            **{"facet.field": '["tags", "res_format"]'})
    assert names(result) == ["rainfall-totals"]
    assert result["facets"]["tags"] == {"water": 1}
    assert result["facets"]["res_format"] == {"CSV": 1, "PDF": 1}


def test_facet_counts_datasets_not_values(corpus):
    """rainfall-totals has two CSV resources: Solr counts it once for CSV."""
    result = package_search(**{"facet.field": ["res_format"]})
    assert result["facets"]["res_format"] == {"CSV": 2, "PDF": 1, "XLS": 1}


def test_facet_on_field_some_datasets_lack(corpus):
    """road-accidents has no procurement_method and city-budget no resources:
    Solr leaves them out of those facets (no `None` bucket, which would also
    break the display-name sort in package_search)."""
    result = package_search(**{"facet.field": ["procurement_method"]})
    assert result["facets"]["procurement_method"] == {
        PUBLIC_TENDER: 2, LIMITED_TENDER: 1}
    result = package_search(q="name:city-budget", **{"facet.field": ["res_format"]})
    assert result["facets"]["res_format"] == {}
    assert result["search_facets"]["res_format"]["items"] == []


def test_default_dataset_page_facets_with_resourceless_dataset(corpus):
    """The facets CKAN's /dataset page asks for, over a corpus where one
    dataset has no resources and none has a license."""
    result = package_search(**{"facet.field": [
        "organization", "groups", "tags", "res_format", "license_id"]})
    assert set(result["facets"]["res_format"]) == {"CSV", "PDF", "XLS"}
    assert result["facets"]["license_id"] == {}
    assert result["facets"]["groups"] == {"grp-weather": 2}


def test_facet_limit(corpus):
    one = package_search(**{"facet.field": ["tags"], "facet.limit": 1})
    # ties are broken by index (code point) order, as Solr does
    assert one["facets"]["tags"] == {"economy": 2}
    two = package_search(**{"facet.field": ["tags"], "facet.limit": 2})
    assert two["facets"]["tags"] == {"economy": 2, "water": 2}
    everything = package_search(**{"facet.field": ["tags"], "facet.limit": -1})
    assert everything["facets"]["tags"] == {
        "economy": 2, "water": 2, "climate": 1, "transport": 1}
    # facet order is count desc, then value
    assert list(everything["facets"]["tags"]) == [
        "economy", "water", "climate", "transport"]


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_facet_ties_use_code_point_order_like_solr():
    """Solr breaks count ties by index order (code points): "Zeta" < "alpha"."""
    factories.Dataset(name="ds-one", tags=[{"name": "alpha"}, {"name": "Zeta"}])
    result = package_search(**{"facet.field": ["tags"], "facet.limit": 1})
    assert result["facets"]["tags"] == {"Zeta": 1}


@pytest.mark.ckan_config("search.facets.limit", 3)
def test_facet_limit_defaults_to_config(corpus):
    result = package_search(**{"facet.field": ["tags"]})
    assert result["facets"]["tags"] == {"economy": 2, "water": 2, "climate": 1}
    result = package_search(**{"facet.field": ["tags"], "facet.limit": -1})
    assert len(result["facets"]["tags"]) == 4


def test_facet_mincount(corpus):
    result = package_search(**{"facet.field": ["tags", "res_format"],
                               "facet.mincount": 2})
    assert result["facets"]["tags"] == {"economy": 2, "water": 2}
    assert result["facets"]["res_format"] == {"CSV": 2}


def test_facets_on_custom_extras_without_schema_edit(corpus):
    result = package_search(**{"facet.field": [
        "fiscal_year", "procurement_method", "municipality"]})
    assert result["facets"]["fiscal_year"] == {"1403": 2, "1402": 1, "1401": 1}
    assert result["facets"]["procurement_method"] == {
        PUBLIC_TENDER: 2, LIMITED_TENDER: 1}
    assert result["facets"]["municipality"] == {"tabriz": 2, "urmia": 1}
    items = result["search_facets"]["procurement_method"]["items"]
    assert {(i["name"], i["display_name"], i["count"]) for i in items} == {
        (PUBLIC_TENDER, PUBLIC_TENDER, 2), (LIMITED_TENDER, LIMITED_TENDER, 1)}


def test_filter_and_facet_on_persian_extra(corpus):
    result = package_search(
        fq=f'procurement_method:"{PUBLIC_TENDER}"',
        **{"facet.field": ["municipality", "fiscal_year"]})
    assert name_set(result) == {"annual-rainfall", "city-budget"}
    assert result["count"] == 2
    assert result["facets"]["municipality"] == {"tabriz": 2}
    assert result["facets"]["fiscal_year"] == {"1403": 2}
    # the extras come back on the dataset dicts
    for ds in result["results"]:
        got = {e["key"]: e["value"] for e in ds["extras"]}
        assert got["procurement_method"] == PUBLIC_TENDER


# -- sort ------------------------------------------------------------------


def test_default_sort_is_score_then_newest(corpus):
    newest = factories.Dataset(name="notes-only", title="Unrelated title",
                               notes="mentions rainfall once")
    result = package_search(q="rainfall")
    assert result["sort"] == "score desc, metadata_modified desc"
    got = names(result)
    # title matches outrank a notes-only match even though it is the newest
    assert set(got[:2]) == {"annual-rainfall", "rainfall-totals"}
    assert got[2] == newest["name"]
    # everything scores alike for *:*: newest first
    assert names(package_search()) == [
        "notes-only", "road-accidents", "city-budget", "rainfall-totals",
        "annual-rainfall"]
    explicit = package_search(sort="score desc, metadata_modified desc")
    assert names(explicit) == names(package_search())


def test_sort_metadata_modified(corpus):
    assert names(package_search(sort="metadata_modified desc")) == [
        "road-accidents", "city-budget", "rainfall-totals", "annual-rainfall"]
    assert names(package_search(sort="metadata_modified asc")) == [
        "annual-rainfall", "rainfall-totals", "city-budget", "road-accidents"]
    # an update moves a dataset to the top
    helpers.call_action("package_patch", id="annual-rainfall", notes="revised")
    assert names(package_search(sort="metadata_modified desc"))[0] == "annual-rainfall"


def test_sort_title_string(corpus):
    assert names(package_search(sort="title_string asc")) == [
        "annual-rainfall", "city-budget", "rainfall-totals", "road-accidents"]
    assert names(package_search(sort="title_string desc")) == [
        "road-accidents", "rainfall-totals", "city-budget", "annual-rainfall"]


def test_sort_title_string_is_code_point_order(clean_db, clean_index):
    """title_string is a Solr `string`: upper case sorts before lower case."""
    factories.Dataset(name="t-lower", title="apple orchards")
    factories.Dataset(name="t-upper-z", title="Zebra crossings")
    factories.Dataset(name="t-upper-b", title="Bus routes")
    assert names(package_search(sort="title_string asc")) == [
        "t-upper-b", "t-upper-z", "t-lower"]


def test_sort_name(corpus):
    assert names(package_search(sort="name desc")) == [
        "road-accidents", "rainfall-totals", "city-budget", "annual-rainfall"]
    assert names(package_search(sort="name asc")) == [
        "annual-rainfall", "city-budget", "rainfall-totals", "road-accidents"]


def test_sort_by_custom_extra_field(corpus):
    factories.Dataset(name="no-year", title="No fiscal year")
    # datasets without the field come last in both directions (sortMissingLast)
    assert names(package_search(sort="fiscal_year desc, name asc")) == [
        "annual-rainfall", "city-budget", "rainfall-totals", "road-accidents",
        "no-year"]
    assert names(package_search(sort="fiscal_year asc, name desc")) == [
        "road-accidents", "rainfall-totals", "city-budget", "annual-rainfall",
        "no-year"]


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_sort_by_custom_field_is_code_point_order():
    """An extra is a Solr `string`: upper case sorts before lower case."""
    factories.Dataset(name="ds-lower", extras=extras(municipality="ardabil"))
    factories.Dataset(name="ds-upper", extras=extras(municipality="Zanjan"))
    factories.Dataset(name="ds-persian", extras=extras(municipality="تبریز"))
    assert names(package_search(sort="municipality asc")) == [
        "ds-upper", "ds-lower", "ds-persian"]


# -- rows / start ------------------------------------------------------------


@pytest.mark.parametrize("sort", [
    "name asc", "metadata_modified desc", "score desc, metadata_modified desc",
    "title_string asc"])
def test_paging_has_no_overlap_and_keeps_order(corpus, sort):
    factories.Dataset(name="fifth-dataset", title="Fifth")
    everything = names(package_search(sort=sort, rows=10))
    assert len(everything) == 5
    pages = []
    for start in (0, 2, 4):
        result = package_search(sort=sort, rows=2, start=start)
        assert result["count"] == 5
        pages.append(names(result))
    assert [len(p) for p in pages] == [2, 2, 1]
    assert pages[0] + pages[1] + pages[2] == everything
    # the same page twice is the same
    assert names(package_search(sort=sort, rows=2, start=2)) == pages[1]


def test_rows_zero_and_start_past_the_end(corpus):
    result = package_search(rows=0)
    assert result["results"] == []
    assert result["count"] == 4
    result = package_search(rows=10, start=10)
    assert result["results"] == []
    assert result["count"] == 4
    assert len(package_search(rows=3)["results"]) == 3


# -- fl ----------------------------------------------------------------------


def test_fl_id_and_name(corpus):
    result = package_search(fl="id,name", sort="name asc")
    expected = [{"id": corpus[k]["id"], "name": corpus[k]["name"]}
                for k in ("d1", "d3", "d2", "d4")]
    assert result["results"] == expected
    assert result["count"] == 4
    # a list of fields gives the same
    assert package_search(fl=["id", "name"], sort="name asc")["results"] == expected


def test_fl_name_only(corpus):
    """CKAN turns a lone `id`/`name` into plain values, then back into dicts."""
    result = package_search(fl="name", sort="name desc", rows=2)
    assert result["results"] == [{"name": "road-accidents"},
                                 {"name": "rainfall-totals"}]
    result = package_search(fl="id", q="name:city-budget")
    assert result["results"] == [{"id": corpus["d3"]["id"]}]


def test_fl_extras_fields(corpus):
    result = package_search(fl="name,extras_fiscal_year", sort="name asc", rows=2)
    assert result["results"] == [
        {"name": "annual-rainfall", "fiscal_year": "1403"},
        {"name": "city-budget", "fiscal_year": "1403"}]


# -- permissions ---------------------------------------------------------------


@pytest.fixture
def private_setup(clean_db, clean_index):
    member = factories.User()
    outsider = factories.User()
    sysadmin = factories.Sysadmin()
    org_a = factories.Organization(users=[{"name": member["name"], "capacity": "member"}])
    org_b = factories.Organization()
    factories.Dataset(name="a-public", owner_org=org_a["id"])
    factories.Dataset(name="a-private", owner_org=org_a["id"], private=True)
    factories.Dataset(name="b-private", owner_org=org_b["id"], private=True)
    return {"member": member, "outsider": outsider, "sysadmin": sysadmin}


def _as(user_name):
    return {"user": user_name, "ignore_auth": False}


def test_include_private_member_sees_own_org(private_setup):
    result = package_search(_as(private_setup["member"]["name"]), include_private=True)
    assert name_set(result) == {"a-public", "a-private"}
    assert result["count"] == 2


def test_include_private_non_member_and_anonymous(private_setup):
    result = package_search(_as(private_setup["outsider"]["name"]), include_private=True)
    assert names(result) == ["a-public"]
    assert result["count"] == 1
    result = package_search(_as(""), include_private=True)
    assert names(result) == ["a-public"]
    assert result["count"] == 1


def test_include_private_sysadmin_sees_all(private_setup):
    result = package_search(_as(private_setup["sysadmin"]["name"]), include_private=True)
    assert name_set(result) == {"a-public", "a-private", "b-private"}
    assert result["count"] == 3


def test_private_hidden_without_include_private(private_setup):
    for user in ("member", "sysadmin"):
        result = package_search(_as(private_setup[user]["name"]))
        assert names(result) == ["a-public"]


def test_private_datasets_stay_out_of_facets(private_setup):
    result = package_search(_as(private_setup["outsider"]["name"]),
                            include_private=True, **{"facet.field": ["name"]})
    assert result["facets"]["name"] == {"a-public": 1}


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_include_drafts_creator_sees_own_draft():
    creator = factories.User()
    other = factories.User()
    sysadmin = factories.Sysadmin()
    factories.Dataset(name="published", user=creator)
    factories.Dataset(name="my-draft", user=creator, state="draft")

    result = package_search(_as(creator["name"]), include_drafts=True)
    assert name_set(result) == {"published", "my-draft"}
    assert result["count"] == 2
    # without include_drafts: no drafts, even for their creator
    assert names(package_search(_as(creator["name"]))) == ["published"]
    # someone else never sees it
    assert names(package_search(_as(other["name"]), include_drafts=True)) == ["published"]
    assert names(package_search(_as(""), include_drafts=True)) == ["published"]
    # a sysadmin does
    result = package_search(_as(sysadmin["name"]), include_drafts=True)
    assert name_set(result) == {"published", "my-draft"}


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_deleted_datasets_leave_the_results():
    factories.Dataset(name="kept")
    factories.Dataset(name="gone")
    helpers.call_action("package_delete", id="gone")
    assert names(package_search()) == ["kept"]


# -- dataset types -------------------------------------------------------------


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_dataset_type_filters():
    factories.Dataset(name="plain-one")
    factories.Dataset(name="plain-two")
    factories.Dataset(name="tender-one", type="procurement")
    assert name_set(package_search()) == {"plain-one", "plain-two", "tender-one"}
    assert names(package_search(fq="dataset_type:procurement")) == ["tender-one"]
    assert names(package_search(fq="+type:procurement")) == ["tender-one"]
    assert name_set(package_search(fq="+dataset_type:dataset")) == {
        "plain-one", "plain-two"}
    assert name_set(package_search(fq="-dataset_type:procurement")) == {
        "plain-one", "plain-two"}
    result = package_search(**{"facet.field": ["dataset_type"]})
    assert result["facets"]["dataset_type"] == {"dataset": 2, "procurement": 1}

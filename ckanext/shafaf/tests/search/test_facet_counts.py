"""Maintained counts answer the public catalogue exactly as a scan would."""
import json

import pytest

from ckan.tests import factories, helpers

from ckanext.shafaf.search import facet_counts
from ckanext.shafaf.search.executor import SearchRequest

FACETS = ["organization", "tags", "res_format", "fiscal_year", "license_id"]


def _anonymous(**kw):
    return helpers.call_action(
        "package_search", context={"user": "", "ignore_auth": False},
        **{"facet.field": json.dumps(FACETS), "include_private": True, **kw})


def _request(q="*:*", fq=None):
    return SearchRequest.from_solr_params(q, {
        "fq": fq if fq is not None else [
            " +state:(active)", '+site_id:"test.ckan.net"',
            '+permission_labels:("public")'],
        "facet": "true", "facet.field": FACETS})


def test_detects_only_the_whole_public_catalogue():
    assert facet_counts.public_catalogue(_request())
    assert facet_counts.public_catalogue(_request(fq=[
        "+capacity:public +state:(active)", '+site_id:"test.ckan.net"',
        '+permission_labels:("public")']))["fc_capacity"] == "public"
    assert facet_counts.public_catalogue(_request(q="بودجه")) is None
    assert facet_counts.public_catalogue(_request(fq=[
        " +state:(active OR draft)", '+site_id:"test.ckan.net"',
        '+permission_labels:("public")'])) is None
    assert facet_counts.public_catalogue(_request(fq=[
        "tags:x +state:(active)", '+site_id:"test.ckan.net"',
        '+permission_labels:("public")'])) is None
    assert facet_counts.public_catalogue(_request(fq=[
        " +state:(active)", '+site_id:"test.ckan.net"',
        '+permission_labels:("public" OR "member-1")'])) is None
    assert facet_counts.public_catalogue(_request(fq=[
        " +state:(active)", '+site_id:"other"', '+permission_labels:("public")'])) is None


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_counts_follow_creates_updates_and_deletes():
    org_a = factories.Organization(name="tabriz")
    org_b = factories.Organization(name="yazd")
    csv2 = [{"url": "http://127.0.0.1/a.csv", "format": "CSV"},
            {"url": "http://127.0.0.1/b.csv", "format": "CSV"}]
    one = factories.Dataset(owner_org=org_a["id"], tags=[{"name": "بودجه"}],
                            resources=csv2, extras=[{"key": "fiscal_year", "value": "1403"}])
    two = factories.Dataset(owner_org=org_b["id"], tags=[{"name": "بودجه"}, {"name": "قرارداد"}],
                            extras=[{"key": "fiscal_year", "value": "1402"}])
    factories.Dataset(owner_org=org_a["id"], private=True, tags=[{"name": "بودجه"}])
    gone = factories.Dataset(owner_org=org_b["id"], tags=[{"name": "قرارداد"}])
    helpers.call_action("package_delete", id=gone["id"])
    result = _anonymous()
    assert result["count"] == 2
    assert result["facets"]["organization"] == {"tabriz": 1, "yazd": 1}
    assert result["facets"]["tags"] == {"بودجه": 2, "قرارداد": 1}
    assert result["facets"]["res_format"] == {"CSV": 1}
    assert result["facets"]["fiscal_year"] == {"1403": 1, "1402": 1}
    assert {r["name"] for r in result["results"]} == {one["name"], two["name"]}

    helpers.call_action("package_patch", id=two["id"], private=True)
    helpers.call_action("package_patch", id=one["id"],
                        extras=[{"key": "fiscal_year", "value": "1404"}])
    result = _anonymous()
    assert result["count"] == 1
    assert result["facets"]["fiscal_year"] == {"1404": 1}
    assert result["facets"]["tags"] == {"بودجه": 1}


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_counted_answer_equals_the_scanned_answer():
    org = factories.Organization()
    for i in range(6):
        factories.Dataset(owner_org=org["id"], private=i % 3 == 0,
                          tags=[{"name": f"t{i % 2}"}],
                          extras=[{"key": "fiscal_year", "value": str(1400 + i % 3)}])
    counted = _anonymous()
    # a filter on every dataset's organisation: same set, but not "the whole
    # catalogue" to the detector, so this one is counted by scanning
    scanned = _anonymous(fq=f"owner_org:{org['id']}")
    assert counted["count"] == scanned["count"] == 4
    assert counted["facets"] == scanned["facets"]
    assert [r["id"] for r in counted["results"]] == [r["id"] for r in scanned["results"]]

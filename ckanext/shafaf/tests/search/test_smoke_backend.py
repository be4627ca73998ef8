import pytest

from ckan.tests import factories, helpers


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_org_and_dataset_searchable():
    org = factories.Organization(title="شهرداری تبریز")
    ds = factories.Dataset(owner_org=org["id"], title="قراردادهای شهرداري تبريز ۱۴۰۳",
                           notes="فهرست قراردادها می‌شود")
    res = helpers.call_action("package_search", q="تبریز")
    assert [r["id"] for r in res["results"]] == [ds["id"]]
    res = helpers.call_action("package_search", q="1403", **{"facet.field": '["organization"]'})
    assert res["count"] == 1
    assert res["facets"]["organization"] == {org["name"]: 1}
    shown = helpers.call_action("organization_show", id=org["id"])
    assert shown["package_count"] == 1

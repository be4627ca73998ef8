"""The Redis result cache never serves an answer older than the index."""
import pytest

from ckan.lib.redis import connect_to_redis
from ckan.tests import factories, helpers


def _cached_keys():
    return [k for k in connect_to_redis().keys("shafaf:search:*")
            if not k.endswith(b":generation")]


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_result_is_cached_and_a_write_invalidates_it():
    factories.Dataset(title="بودجه شهرداری یزد")
    connect_to_redis().delete(*(_cached_keys() or ["none"]))
    first = helpers.call_action("package_search", q="بودجه")
    assert first["count"] == 1
    assert _cached_keys(), "the answer should have been stored"
    factories.Dataset(title="بودجه شهرداری اراک")
    second = helpers.call_action("package_search", q="بودجه")
    assert second["count"] == 2


@pytest.mark.usefixtures("clean_db", "clean_index")
@pytest.mark.ckan_config("ckanext.shafaf.search.cache_seconds", 0)
def test_cache_can_be_switched_off():
    factories.Dataset(title="مجوزهای ساختمانی")
    connect_to_redis().delete(*(_cached_keys() or ["none"]))
    assert helpers.call_action("package_search", q="مجوز")["count"] == 1
    assert _cached_keys() == []


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_deleting_a_dataset_invalidates_the_cache():
    dataset = factories.Dataset(title="قرارداد آسفالت")
    assert helpers.call_action("package_search", q="آسفالت")["count"] == 1
    helpers.call_action("package_delete", id=dataset["id"])
    assert helpers.call_action("package_search", q="آسفالت")["count"] == 0

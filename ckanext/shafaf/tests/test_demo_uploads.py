"""The demo's uploaded registers go through the real upload check."""
from __future__ import annotations

import pytest

from ckan.tests.helpers import call_action
from ckanext.datastore.tests.conftest import clean_datastore  # noqa: F401  (fixture)

from ckanext.shafaf import demo, demo_uploads
from ckanext.shafaf.testing import site_config_marks

pytestmark = [
    *site_config_marks("datastore scheming_datasets scheming_organizations shafaf"),
    pytest.mark.usefixtures("with_plugins", "clean_datastore", "with_request_context"),
]


def test_demo_uploads_are_checked_and_reseeding_writes_nothing(ckan_config, monkeypatch,
                                                               tmp_path):
    monkeypatch.setitem(ckan_config, "ckan.storage_path", str(tmp_path))
    demo.seed_demo_federation()
    first = demo_uploads.seed_demo_uploads()
    assert first["created"] == ["tabriz-contracts-1403", "maragheh-contracts-1403"]

    tabriz = call_action("package_show", id="tabriz-contracts-1403")
    assert tabriz["row_count"] == 120 and tabriz["distinct_contractors"] == 4
    assert tabriz["resources"][0]["validation_status"] == "valid"
    rows = call_action("datastore_search", resource_id=tabriz["resources"][0]["id"], limit=1)
    assert rows["total"] == 120
    maragheh = call_action("package_show", id="maragheh-contracts-1403")
    check = call_action("shafaf_resource_validation_show", id=maragheh["resources"][0]["id"])
    assert check["status"] == "invalid" and check["report"]["invalid_row_count"] == 3

    modified = tabriz["metadata_modified"]
    again = demo_uploads.seed_demo_uploads()
    assert again["created"] == [] and len(again["unchanged"]) == 2
    assert call_action("package_show", id="tabriz-contracts-1403")["metadata_modified"] == modified

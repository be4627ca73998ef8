"""Upload tests: CKAN with scheming, the DataStore and our plugin, real databases."""
from __future__ import annotations

import uuid
from typing import Any, Callable

import pytest

from ckan.tests import factories, helpers
from ckanext.datastore.tests.conftest import clean_datastore  # noqa: F401  (fixture)

from ckanext.shafaf.tests.tables.helpers import CONTRACT_HEADER, CONTRACT_ROWS


# Two companies (the third row of the tables tests is a person, whose ID is withheld).
GOOD_ROWS = CONTRACT_ROWS[:2]
# Second row broken three ways: a date that does not exist, a bad checksum, a bad amount.
BAD_ROWS = [
    GOOD_ROWS[0],
    ["2", "1403/124", "خرید خودرو", "شرکت پارس خودرو", "10380284791", "۵۰۰x", "1404/12/30",
     "", "", "", "مناقصه عمومی", "هزینه‌ای", ""],
]
HEADER = CONTRACT_HEADER


@pytest.fixture
def contract(ckan_config: Any) -> Callable[..., dict[str, Any]]:
    """A contract dataset of a municipality, created by its editor."""
    def make(**fields: Any) -> dict[str, Any]:
        user = factories.User()
        org = factories.Organization(
            org_level="municipality",
            users=[{"name": user["name"], "capacity": "editor"}])
        data = {"type": "contract", "name": f"contracts-{uuid.uuid4().hex[:12]}", "title": "قراردادهای شهرداری تبریز ۱۴۰۳",
                "owner_org": org["id"], "fiscal_year": "۱۴۰۳", **fields}
        dataset = helpers.call_action("package_create", {"user": user["name"]}, **data)
        dataset["_user"] = user
        return dataset
    return make

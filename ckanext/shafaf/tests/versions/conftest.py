"""Version tests: real CKAN (resource actions with files), DataStore, our plugin, real databases."""
from __future__ import annotations

import uuid
from typing import Any, Callable

import pytest

from ckan.tests import factories, helpers
from ckanext.datastore.tests.conftest import clean_datastore  # noqa: F401  (fixture)

from ckanext.shafaf.testing import site_config_marks
from ckanext.shafaf.tests.tables.helpers import CONTRACT_HEADER, csv_bytes, fa

MARKS = [
    *site_config_marks("activity datastore scheming_datasets scheming_organizations shafaf"),
    pytest.mark.usefixtures("with_plugins", "clean_datastore", "with_request_context"),
]

HEADER = CONTRACT_HEADER
LEGAL_ID = "10380284790"


def row(number: str, subject: str, amount: str, contractor: str = "شرکت مهندسی کیان") -> list[str]:
    """A contracts row as staff type it (Persian digits in the amount, Jalali dates)."""
    return ["1", number, subject, contractor, LEGAL_ID, fa(amount), "۱۴۰۳/۰۱/۰۵", "1403-1-5",
            "1403/12/30", "12", "مناقصه عمومی", "هزینه‌ای", "منطقه ۲"]


ROWS = [row("1403/101", "نگهداری فضای سبز", "1,250"),
        row("1403/102", "خرید خودروی آتش‌نشانی", "500", "شرکت پارس خودرو"),
        row("1403/103", "مشاوره حقوقی", "12")]


def table(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    return csv_bytes([HEADER, *rows], encoding=encoding)


@pytest.fixture
def contract() -> Callable[..., dict[str, Any]]:
    """A contract dataset of a municipality, created by its editor (``_user``)."""
    def make(**fields: Any) -> dict[str, Any]:
        user = factories.User()
        org = factories.Organization(org_level="municipality",
                                     users=[{"name": user["name"], "capacity": "editor"}])
        data = {"type": "contract", "name": f"contracts-{uuid.uuid4().hex[:12]}",
                "title": "قراردادهای شهرداری تبریز ۱۴۰۳", "owner_org": org["id"],
                "fiscal_year": "۱۴۰۳", **fields}
        dataset = helpers.call_action("package_create", {"user": user["name"]}, **data)
        dataset["_user"] = user
        return dataset
    return make


@pytest.fixture
def upload(create_with_upload: Any) -> Callable[..., dict[str, Any]]:
    """Upload ``data`` as a new resource of ``dataset``, or over ``resource_id`` (resource_update)."""
    def send(dataset: dict[str, Any], data: bytes, filename: str = "contracts.csv",
             resource_id: str | None = None, **fields: Any) -> dict[str, Any]:
        context = {"user": dataset["_user"]["name"]}
        if resource_id:
            return create_with_upload(data, filename, context=context, action="resource_update",
                                      id=resource_id, name="فهرست قراردادها", url="",
                                      table_schema="contracts", **fields)
        return create_with_upload(data, filename, context=context, package_id=dataset["id"],
                                  name="فهرست قراردادها", url="", **fields)
    return send


def versions(dataset_id: str, **context: Any) -> list[dict[str, Any]]:
    return helpers.call_action("shafaf_version_list", context or None, id=dataset_id)

"""A province with member municipalities whose contract tables are uploaded and loaded.

Real CKAN (organisations with a parent, resource_create with a file), the
real DataStore and our search backend; rows as municipal staff send them.
"""
from __future__ import annotations

import uuid
from typing import Any, Callable

import pytest
import sqlalchemy.orm as orm

import ckanext.datastore.tests.helpers as datastore_helpers
from ckan.tests import factories, helpers

from ckanext.shafaf.tests.tables.helpers import (
    CONTRACT_HEADER, LEGAL_ID, LEGAL_ID_2, arabic, csv_bytes, fa)

LEGAL_ID_3 = "10860456787"  # passes the شناسه ملی checksum
HEADER = CONTRACT_HEADER  # amounts in میلیون ریال


def row(number: str, contractor: str, contractor_id: str, amount: str, method: str,
        subject: str = "لکه‌گیری و روکش آسفالت معابر") -> list[str]:
    return ["1", number, subject, contractor, contractor_id, amount, "1403/02/10", "1403/02/15",
            "1403/08/15", "6", method, "هزینه‌ای", "منطقه ۱"]


# Tabriz writes the contractor with ZWNJ, Maragheh with a space and Arabic ي/ك.
TABRIZ_ROWS = [
    row("1403/101", "شرکت راه‌سازان کیان", LEGAL_ID, "1,000", "مناقصه عمومی"),
    row("1403/102", "شرکت پارس خودرو", LEGAL_ID_2, "500", "استعلام",
        subject="خرید ۲ دستگاه خودروی آتش‌نشانی"),
]
MARAGHEH_ROWS = [
    row("1403/201", arabic("شرکت راه سازان کیان"), fa(LEGAL_ID), "۲,۰۰۰", "مناقصه عمومی"),
    row("1403/202", "شرکت مشاور نوین", LEGAL_ID_3, "300", "ترک تشریفات", subject="مشاوره حقوقی"),
    row("1403/203", "شرکت پارس خودرو", LEGAL_ID_2, "700", "استعلام"),
]
MARAND_ROWS = [
    row("1403/301", "شرکت راه‌سازان کیان", LEGAL_ID, "4,000", "مناقصه محدود"),
]


@pytest.fixture
def clean_datastore(clean_db: None, clean_index: None) -> None:
    """Drop the DataStore's tables (as test_ocds_export.py: keeps our search tables)."""
    engine = datastore_helpers.db.get_write_engine()
    datastore_helpers.clear_db(orm.scoped_session(orm.sessionmaker(bind=engine)))


class Federation:
    """The province, its members and helpers to publish their tables."""

    def __init__(self, create_with_upload: Callable[..., Any]) -> None:
        self._upload = create_with_upload
        self.province_admin = factories.User()
        self.province = factories.Organization(
            name=f"azarbayjan-sharghi-{uuid.uuid4().hex[:6]}", title="آذربایجان شرقی",
            org_level="province",
            users=[{"name": self.province_admin["name"], "capacity": "admin"}])
        self.editor = factories.User()
        self.members = {name: self.member(name, title) for name, title in (
            ("tabriz", "شهرداری تبریز"), ("maragheh", "شهرداری مراغه"), ("marand", "شهرداری مرند"))}

    def member(self, name: str, title: str) -> dict[str, Any]:
        return factories.Organization(
            name=f"{name}-{uuid.uuid4().hex[:6]}", title=title, org_level="municipality",
            groups=[{"name": self.province["name"], "capacity": "parent"}],
            users=[{"name": self.editor["name"], "capacity": "editor"}])

    def publish(self, member: str, rows: list[list[str]], *, private: bool = False,
                year: str = "۱۴۰۳", dataset_type: str = "contract",
                header: list[str] = HEADER) -> tuple[dict[str, Any], dict[str, Any]]:
        """A dataset of the member with its table uploaded (so checked and loaded)."""
        org = self.members[member]
        dataset = helpers.call_action(
            "package_create", {"user": self.editor["name"]}, type=dataset_type,
            name=f"{member}-{dataset_type}s-{uuid.uuid4().hex[:8]}",
            title=f"{dataset_type} {org['title']}",
            owner_org=org["id"], fiscal_year=year, private=private)
        resource = self._upload(csv_bytes([header, *rows]), f"{dataset_type}s.csv",
                                context={"user": self.editor["name"]}, package_id=dataset["id"],
                                name="فهرست قراردادها", url="")
        return dataset, resource


@pytest.fixture
def federation(create_with_upload: Callable[..., Any]) -> Federation:
    return Federation(create_with_upload)

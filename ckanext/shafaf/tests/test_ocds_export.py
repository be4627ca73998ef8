"""OCDS export of a contracts dataset: the action and the download, real CKAN.

The rows are put in the DataStore the way the upload check leaves them
(normalised columns of the contracts table schema); the export must read
them all, in order, with the dataset's permissions, and give researchers a
file whose Persian text (ZWNJ included) is exactly what staff typed.
"""
from __future__ import annotations

import json
from typing import Any

import pytest
import sqlalchemy.orm as orm

import ckan.plugins.toolkit as tk
import ckanext.datastore.tests.helpers as datastore_helpers
from ckan.tests import factories, helpers

from ckanext.shafaf.tables import datastore_fields
from ckanext.shafaf.testing import site_config_marks

pytestmark = [
    *site_config_marks("datastore scheming_datasets shafaf"),  # datastore first: shafaf is an IDatastore plugin
    pytest.mark.usefixtures("with_plugins", "clean_datastore"),
]

LEGAL_ID = "10380284790"
ZWNJ_SUBJECT = "لکه‌گیری و روکش آسفالت معابر"  # U+200C between لکه and گیری


@pytest.fixture
def clean_datastore(clean_db: None, clean_index: None) -> None:
    """Drop the DataStore's tables (CKAN's fixture of that name, without its
    rebuild of the CKAN database, which would also drop our search tables)."""
    engine = datastore_helpers.db.get_write_engine()
    datastore_helpers.clear_db(orm.scoped_session(orm.sessionmaker(bind=engine)))


def _row(number: str, **fields: Any) -> dict[str, Any]:
    row = {
        "contract_number": number, "subject": ZWNJ_SUBJECT,
        "contractor_name": "شرکت راه‌سازان تبریز", "contractor_id": LEGAL_ID,
        "economic_code": None, "amount": 1_200_000_000, "amount_unit": "میلیون ریال",
        "signed_date": "2024-04-01", "start_date": "2024-04-10", "end_date": "2024-10-06",
        "duration_months": 6, "selection_method": "مناقصه عمومی", "selection_reason": None,
        "contract_type": "هزینه‌ای", "supervisor": None, "region": "2", "notes": None,
    }
    row.update(fields)
    return row


ROWS = [
    _row("1403/001"),
    _row("1403/002", contractor_name="علی رضایی", contractor_id=None,
         selection_method="ترک تشریفات", selection_reason="فوریت پس از سیل",
         amount=50_000_000, amount_unit="تومان"),
    _row("1403/003", selection_method="مزایده", start_date=None, end_date=None),
]


def _org(**kwargs: Any) -> dict[str, Any]:
    return factories.Organization(title="شهرداری تبریز", **kwargs)


def _contract(org: dict[str, Any], name: str = "tabriz-contracts-1403", **fields: Any) -> dict[str, Any]:
    data = {
        "type": "contract", "name": name, "title": "قراردادهای شهرداری تبریز ۱۴۰۳",
        "owner_org": org["id"], "fiscal_year": "۱۴۰۳",
        "resources": [{"url": "http://example.com/contracts.csv",
                       "name": "فهرست قراردادها", "format": "CSV"}],
    }
    data.update(fields)
    return helpers.call_action("package_create", **data)


def _load(resource_id: str, rows: list[dict[str, Any]]) -> None:
    """What the upload check does with a valid file: the normalised rows in the DataStore."""
    helpers.call_action("datastore_create", resource_id=resource_id, force=True,
                        fields=datastore_fields("contracts"), records=rows)


def _loaded_contract(org: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
    dataset = _contract(org or _org(), **fields)
    _load(dataset["resources"][0]["id"], ROWS)
    return helpers.call_action("package_show", id=dataset["id"])


def _anonymous() -> dict[str, Any]:
    return {"user": "", "ignore_auth": False}


class TestAction:
    def test_loaded_rows_become_releases(self) -> None:
        dataset = _loaded_contract()
        assert dataset["resources"][0]["datastore_active"] is True
        package = helpers.call_action("shafaf_ocds_export", id=dataset["name"])
        assert package["version"] == "1.1"
        assert package["publisher"] == {"name": "شهرداری تبریز"}
        assert package["uri"].endswith(f"/dataset/{dataset['name']}/ocds.json")
        releases = package["releases"]
        assert [r["ocid"] for r in releases] == [
            f"ocds-shafaf-{dataset['id']}-1403/00{n}" for n in (1, 2, 3)]
        first, second, third = releases
        assert first["buyer"] == {"id": dataset["owner_org"], "name": "شهرداری تبریز"}
        assert first["tender"]["procurementMethod"] == "open"
        assert first["parties"][1]["identifier"] == {
            "scheme": "IR-NID", "id": LEGAL_ID, "legalName": "شرکت راه‌سازان تبریز"}
        assert first["contracts"][0]["value"] == {"amount": 1_200_000_000, "currency": "IRR"}
        assert first["contracts"][0]["dateSigned"] == "2024-04-01T00:00:00Z"
        assert first["contracts"][0]["period"]["durationInDays"] == 179
        assert first["contracts"][0]["title"] == ZWNJ_SUBJECT
        assert second["tender"] == {
            "id": "1403/002", "title": ZWNJ_SUBJECT, "procurementMethod": "direct",
            "procurementMethodDetails": "ترک تشریفات",
            "procurementMethodRationale": "فوریت پس از سیل"}
        assert "identifier" not in second["parties"][1]
        assert second["contracts"][0]["value"]["amount"] == 50_000_000
        assert "procurementMethod" not in third["tender"]
        assert third["tender"]["procurementMethodDetails"] == "مزایده"
        assert "period" not in third["contracts"][0]

    def test_ocid_prefix_is_configurable(self, ckan_config: Any, monkeypatch: Any) -> None:
        monkeypatch.setitem(ckan_config, "ckanext.shafaf.ocds.ocid_prefix", "ocds-abc123")
        dataset = _loaded_contract()
        package = helpers.call_action("shafaf_ocds_export", id=dataset["id"])
        assert package["releases"][0]["ocid"] == f"ocds-abc123-{dataset['id']}-1403/001"

    def test_all_rows_are_read_across_pages_in_load_order(self) -> None:
        dataset = _contract(_org())
        rows = [_row(f"C-{n:04d}", amount=n) for n in range(2_345)]
        _load(dataset["resources"][0]["id"], rows)
        releases = helpers.call_action("shafaf_ocds_export", id=dataset["id"])["releases"]
        assert [r["contracts"][0]["value"]["amount"] for r in releases] == list(range(2_345))
        assert len({r["id"] for r in releases}) == 2_345

    def test_the_given_resource_is_exported(self) -> None:
        dataset = _loaded_contract()
        second = helpers.call_action(
            "resource_create", package_id=dataset["id"], url="http://example.com/1404.csv",
            name="قراردادهای ۱۴۰۴")
        _load(second["id"], [_row("1404/900")])
        default = helpers.call_action("shafaf_ocds_export", id=dataset["id"])
        chosen = helpers.call_action("shafaf_ocds_export", id=dataset["id"],
                                     resource_id=second["id"])
        assert len(default["releases"]) == 3
        assert [r["contracts"][0]["id"] for r in chosen["releases"]] == ["1404/900"]

    def test_not_a_contract_dataset(self) -> None:
        budget = helpers.call_action(
            "package_create", type="budget", name="tabriz-budget-1403",
            owner_org=_org()["id"], fiscal_year="۱۴۰۳", budget_phase="مصوب",
            resources=[{"url": "http://example.com/budget.csv"}])
        with pytest.raises(tk.ValidationError) as info:
            helpers.call_action("shafaf_ocds_export", id=budget["name"])
        (message,) = info.value.error_dict["id"]
        assert "قرارداد" in message and "only for contract datasets" in message

    def test_no_loaded_contracts_table(self) -> None:
        dataset = _contract(_org())
        with pytest.raises(tk.ObjectNotFound) as info:
            helpers.call_action("shafaf_ocds_export", id=dataset["id"])
        assert "DataStore" in str(info.value) and "جدول قرارداد" in str(info.value)

    def test_missing_dataset(self) -> None:
        with pytest.raises(tk.ObjectNotFound):
            helpers.call_action("shafaf_ocds_export", id="no-such-dataset")

    def test_private_dataset_needs_a_member(self) -> None:
        user = factories.User()
        org = _org(users=[{"name": user["name"], "capacity": "member"}])
        dataset = _loaded_contract(org, private=True)
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("shafaf_ocds_export", _anonymous(), id=dataset["id"])
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("shafaf_ocds_export", {"user": factories.User()["name"],
                                                       "ignore_auth": False}, id=dataset["id"])
        member = helpers.call_action("shafaf_ocds_export",
                                     {"user": user["name"], "ignore_auth": False},
                                     id=dataset["id"])
        assert len(member["releases"]) == 3

    def test_auth_follows_package_show(self) -> None:
        user = factories.User()
        org = _org(users=[{"name": user["name"], "capacity": "member"}])
        private = _contract(org, private=True)
        public = _contract(org, name="public-contracts")
        anonymous = {"user": ""}
        with pytest.raises(tk.NotAuthorized):
            helpers.call_auth("shafaf_ocds_export", dict(anonymous), id=private["id"])
        assert helpers.call_auth("shafaf_ocds_export", {"user": user["name"]}, id=private["id"])
        assert helpers.call_auth("shafaf_ocds_export", dict(anonymous), id=public["id"])

    def test_public_dataset_is_open_to_anonymous_users(self) -> None:
        dataset = _loaded_contract()
        package = helpers.call_action("shafaf_ocds_export", _anonymous(), id=dataset["id"])
        assert len(package["releases"]) == 3


class TestDownload:
    def test_download_is_an_attachment_in_utf8(self, app: Any) -> None:
        dataset = _loaded_contract()
        response = app.get(f"/dataset/{dataset['name']}/ocds.json", status=200)
        assert response.headers["Content-Type"] == "application/json; charset=utf-8"
        assert response.headers["Content-Disposition"] == (
            f'attachment; filename="{dataset["name"]}-ocds.json"')
        raw = response.get_data()
        assert ZWNJ_SUBJECT.encode("utf-8") in raw  # written as UTF-8, not \\u escapes
        assert b"\\u" not in raw
        package = json.loads(raw.decode("utf-8"))
        assert package["releases"][0]["contracts"][0]["title"] == ZWNJ_SUBJECT
        assert package == {**helpers.call_action("shafaf_ocds_export", id=dataset["id"]),
                           "publishedDate": package["publishedDate"]}

    def test_by_id_too(self, app: Any) -> None:
        dataset = _loaded_contract()
        response = app.get(f"/dataset/{dataset['id']}/ocds.json", status=200)
        assert f'filename="{dataset["name"]}-ocds.json"' in response.headers["Content-Disposition"]

    def test_private_dataset(self, app: Any) -> None:
        user = factories.UserWithToken()
        org = _org(users=[{"name": user["name"], "capacity": "member"}])
        dataset = _loaded_contract(org, private=True)
        url = f"/dataset/{dataset['name']}/ocds.json"
        app.get(url, status=403)
        response = app.get(url, headers={"Authorization": user["token"]}, status=200)
        assert len(response.json["releases"]) == 3

    def test_not_found(self, app: Any) -> None:
        app.get("/dataset/no-such-dataset/ocds.json", status=404)
        not_loaded = _contract(_org())
        app.get(f"/dataset/{not_loaded['name']}/ocds.json", status=404)
        budget = helpers.call_action(
            "package_create", type="budget", name="tabriz-budget-1403",
            owner_org=not_loaded["owner_org"], fiscal_year="۱۴۰۳", budget_phase="مصوب")
        app.get(f"/dataset/{budget['name']}/ocds.json", status=404)


class TestDatasetPage:
    def test_contract_page_links_the_download(self, app: Any) -> None:
        dataset = _loaded_contract()
        body = app.get(f"/contract/{dataset['name']}", status=200).body
        assert f'href="/dataset/{dataset["name"]}/ocds.json"' in body
        assert "دریافت OCDS (JSON)" in body and "Download OCDS (JSON)" in body

    def test_other_types_have_no_link(self, app: Any) -> None:
        budget = helpers.call_action(
            "package_create", type="budget", name="tabriz-budget-1403",
            owner_org=_org()["id"], fiscal_year="۱۴۰۳", budget_phase="مصوب")
        body = app.get(f"/budget/{budget['name']}", status=200).body
        assert "ocds.json" not in body and "OCDS" not in body

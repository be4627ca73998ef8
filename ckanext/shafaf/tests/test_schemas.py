"""The contract, budget and permit schemas: API and web form, real CKAN.

Values typed the Iranian way (Persian digits, Jalali dates, Toman or million
Rial) must come back normalised (ISO dates, integer IRR with the unit
recorded, ASCII IDs), and bad ones must be refused on the right field with
the bilingual message, through the API and through the staff's web form.
"""
from __future__ import annotations

from typing import Any

import lxml.html
import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.shafaf.testing import site_config_marks
from ckanext.shafaf.tests.web import PASSWORD, form_of, logged_in_client

pytestmark = [
    *site_config_marks("scheming_datasets scheming_organizations shafaf"),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]



def _org(**kwargs: Any) -> dict[str, Any]:
    return factories.Organization(org_level="municipality", **kwargs)


def _contract(org: dict[str, Any], **fields: Any) -> dict[str, Any]:
    data = {
        "type": "contract", "name": "tabriz-contracts-1403",
        "title": "قراردادهای شهرداری تبریز ۱۴۰۳", "owner_org": org["id"],
        "fiscal_year": "۱۴۰۳", "coverage_start": "۱۴۰۳/۰۱/۰۱",
        "coverage_end": "۱۴۰۳/۱۲/۳۰", "procurement_method": "مناقصه عمومی",
        "contract_type": "هزینه‌ای", "contractor_name": "شرکت عمران شهر",
        "contractor_id": "۱۰۳۸۰۲۸۴۷۹۰", "total_amount_irr": "۱۲۰",
        "total_amount_irr_unit": "میلیون ریال", "signed_date": "1403/1/5",
        "resources": [{"url": "http://example.com/contracts.csv",
                       "name": "فهرست قراردادها", "format": "CSV"}],
    }
    data.update(fields)
    return helpers.call_action("package_create", **data)


def _errors(org: dict[str, Any], **fields: Any) -> dict[str, Any]:
    with pytest.raises(tk.ValidationError) as info:
        _contract(org, **fields)
    return info.value.error_dict


class TestContractApi:
    def test_persian_input_comes_back_normalised(self) -> None:
        created = _contract(_org())
        shown = helpers.call_action("package_show", id=created["id"])
        for dataset in (created, shown):
            assert dataset["fiscal_year"] == 1403
            assert dataset["coverage_start"] == "2024-03-20"
            assert dataset["coverage_end"] == "2025-03-20"
            assert dataset["signed_date"] == "2024-03-24"
            assert dataset["contractor_id"] == "10380284790"
            assert dataset["total_amount_irr"] == 120_000_000
            assert dataset["total_amount_irr_unit"] == "میلیون ریال"
            assert dataset["procurement_method"] == "مناقصه عمومی"
            assert dataset["resources"][0]["table_schema"] == "contracts"

    def test_show_then_update_keeps_the_amount(self) -> None:
        created = _contract(_org())
        helpers.call_action("package_update", **helpers.call_action(
            "package_show", id=created["id"]))
        shown = helpers.call_action("package_show", id=created["id"])
        assert shown["total_amount_irr"] == 120_000_000
        assert shown["total_amount_irr_unit"] == "میلیون ریال"

    def test_a_number_is_already_irr_and_text_is_read_in_the_unit(self) -> None:
        created = _contract(_org())
        patched = helpers.call_action(
            "package_patch", id=created["id"], total_amount_irr=987_654_321)
        assert patched["total_amount_irr"] == 987_654_321
        assert patched["total_amount_irr_unit"] == "میلیون ریال"
        patched = helpers.call_action(
            "package_patch", id=created["id"], total_amount_irr="۲",
            total_amount_irr_unit="تومان")
        assert (patched["total_amount_irr"], patched["total_amount_irr_unit"]) == (20, "تومان")

    def test_unit_written_in_the_value_wins(self) -> None:
        created = _contract(_org(), total_amount_irr="۱٬۵۰۰ میلیون تومان",
                            total_amount_irr_unit="ریال")
        assert created["total_amount_irr"] == 15_000_000_000
        assert created["total_amount_irr_unit"] == "میلیون تومان"

    def test_amount_without_unit_is_rials_and_no_amount_no_unit(self) -> None:
        org = _org()
        created = _contract(org, total_amount_irr="1,200,000", total_amount_irr_unit="")
        assert (created["total_amount_irr"], created["total_amount_irr_unit"]) == (1_200_000, "ریال")
        empty = _contract(org, name="no-amount", total_amount_irr="",
                          total_amount_irr_unit="ریال")
        assert "total_amount_irr" not in empty
        assert "total_amount_irr_unit" not in empty

    def test_bad_contractor_id_checksum(self) -> None:
        errors = _errors(_org(), contractor_id="10380284791")
        (message,) = errors["contractor_id"]
        assert "رقم کنترل" in message and "wrong check digit" in message
        assert set(errors) == {"contractor_id"}

    def test_bad_national_code_of_a_person(self) -> None:
        errors = _errors(_org(), contractor_id="۰۴۹۹۳۷۰۸۹۸")
        assert "کد ملی نامعتبر" in errors["contractor_id"][0]

    def test_esfand_30_of_a_common_year(self) -> None:
        errors = _errors(_org(), coverage_end="۱۴۰۴/۱۲/۳۰")
        (message,) = errors["coverage_end"]
        assert "تاریخ" in message and "Invalid date" in message
        assert set(errors) == {"coverage_end"}

    @pytest.mark.parametrize("year", ["1500", "۱۲۹۹", "سال", "2025"])
    def test_bad_fiscal_year(self, year: str) -> None:
        errors = _errors(_org(), fiscal_year=year)
        assert "سال مالی" in errors["fiscal_year"][0]
        assert "Fiscal year" in errors["fiscal_year"][0] \
            or "fiscal year" in errors["fiscal_year"][0]

    def test_fiscal_year_is_required(self) -> None:
        assert "fiscal_year" in _errors(_org(), fiscal_year="")

    def test_bad_amounts_and_units(self) -> None:
        org = _org()
        assert "منفی" in _errors(org, total_amount_irr="-5")["total_amount_irr"][0]
        assert "Unknown currency unit" in _errors(
            org, total_amount_irr="5", total_amount_irr_unit="دلار")["total_amount_irr"][0]

    def test_choices_are_the_persian_terms(self) -> None:
        errors = _errors(_org(), procurement_method="open")
        assert "procurement_method" in errors


class TestBudgetAndPermitApi:
    def test_budget(self) -> None:
        budget = helpers.call_action(
            "package_create", type="budget", name="tabriz-budget-1403",
            owner_org=_org()["id"], fiscal_year="سال ۱۴۰۳", budget_phase="مصوب",
            total_revenue_irr="۱٬۵۰۰", total_revenue_irr_unit="تومان",
            total_expenditure_irr="۱٫۵", total_expenditure_irr_unit="میلیون ریال",
            resources=[{"url": "http://example.com/budget.xlsx"}])
        assert budget["fiscal_year"] == 1403
        assert (budget["total_revenue_irr"], budget["total_revenue_irr_unit"]) == (15_000, "تومان")
        assert budget["total_expenditure_irr"] == 1_500_000
        assert budget["total_expenditure_irr_unit"] == "میلیون ریال"
        assert budget["resources"][0]["table_schema"] == "budget_lines"
        bad = pytest.raises(tk.ValidationError, helpers.call_action, "package_patch",
                            id=budget["id"], budget_phase="پیشنهادی")
        assert "budget_phase" in bad.value.error_dict

    def test_permit(self) -> None:
        permit = helpers.call_action(
            "package_create", type="permit", name="tabriz-permits-1403",
            owner_org=_org()["id"], fiscal_year=1403, permit_type="تغییر کاربری",
            region="منطقه ۳", coverage_start="2024-03-20",
            resources=[{"url": "http://example.com/permits.csv"}])
        assert permit["permit_type"] == "تغییر کاربری"
        assert permit["coverage_start"] == "2024-03-20"
        assert permit["resources"][0]["table_schema"] == "permits"

    def test_derived_figures_are_stored_and_indexed(self) -> None:
        created = _contract(_org())
        patched = helpers.call_action(
            "package_patch", id=created["id"], row_count=250,
            date_min="2024-03-20", date_max="۱۴۰۳/۱۲/۳۰", distinct_contractors=31)
        assert patched["row_count"] == 250 and patched["distinct_contractors"] == 31
        assert (patched["date_min"], patched["date_max"]) == ("2024-03-20", "2025-03-20")
        found = helpers.call_action(
            "package_search", fq="row_count:250 AND fiscal_year:1403")
        assert [d["name"] for d in found["results"]] == [created["name"]]


class TestWebForm:
    @pytest.fixture
    def editor_client(self, app: Any) -> tuple[Any, dict[str, Any]]:
        user = factories.User(password=PASSWORD)
        org = _org(users=[{"name": user["name"], "capacity": "editor"}])
        return logged_in_client(app, user), org

    def test_new_contract_form_creates_a_normalised_dataset(self, editor_client) -> None:
        client, org = editor_client
        page = client.get("/contract/new")
        assert 'name="row_count"' not in page.body
        assert 'name="total_amount_irr_unit"' in page.body
        action, fields = form_of(page, "/contract/new", "dataset-edit")
        assert fields.get("_csrf_token")
        fields.update({
            "title": "قراردادهای ۱۴۰۳", "name": "web-contracts-1403",
            "owner_org": org["id"], "fiscal_year": "۱۴۰۳",
            "coverage_end": "۱۴۰۳/۱۲/۳۰", "contractor_id": "۱۰۳۸۰۲۸۴۷۹۰",
            "total_amount_irr": "۱۲۰", "total_amount_irr_unit": "میلیون ریال",
            "procurement_method": "ترک تشریفات", "save": "continue"})
        response = client.post(action, data=fields, follow_redirects=True)
        assert response.status_code == 200
        resource_url = "/contract/web-contracts-1403/resource/new"
        assert response.request.path == resource_url
        _, resource_fields = form_of(response, resource_url, "resource-edit")
        assert resource_fields["table_schema"] == "contracts"
        resource_fields.update(url="http://example.com/c.csv", save="go-metadata")
        client.post(resource_url, data=resource_fields, follow_redirects=True)
        dataset = helpers.call_action("package_show", id="web-contracts-1403")
        assert dataset["state"] == "active"
        assert dataset["fiscal_year"] == 1403
        assert dataset["coverage_end"] == "2025-03-20"
        assert dataset["contractor_id"] == "10380284790"
        assert dataset["total_amount_irr"] == 120_000_000
        assert dataset["total_amount_irr_unit"] == "میلیون ریال"
        assert dataset["procurement_method"] == "ترک تشریفات"
        assert dataset["resources"][0]["table_schema"] == "contracts"

        read = client.get("/contract/web-contracts-1403").body
        assert "۱۴۰۳/۱۲/۳۰" in read and "۱۲۰٬۰۰۰٬۰۰۰ ریال" in read
        edit = lxml.html.fromstring(client.get("/contract/edit/web-contracts-1403").body)
        assert edit.get_element_by_id("field-total_amount_irr").value == "120"
        assert edit.get_element_by_id("field-total_amount_irr_unit").value == "میلیون ریال"
        assert edit.get_element_by_id("field-coverage_end").value == "۱۴۰۳/۱۲/۳۰"

    def test_bad_value_rerenders_the_form_with_the_persian_error(self, editor_client) -> None:
        client, org = editor_client
        action, fields = form_of(client.get("/contract/new"), "/contract/new", "dataset-edit")
        fields.update({"title": "بد", "name": "bad-contracts", "owner_org": org["id"],
                       "fiscal_year": "۱۴۰۳", "coverage_end": "۱۴۰۴/۱۲/۳۰",
                       "save": "continue"})
        response = client.post(action, data=fields)
        assert response.status_code == 200
        assert "تاریخ «۱۴۰۴/۱۲/۳۰» نامعتبر است" in response.body
        form = lxml.html.fromstring(response.body).get_element_by_id("dataset-edit")
        assert form.inputs["coverage_end"].value == "۱۴۰۴/۱۲/۳۰"
        with pytest.raises(tk.ObjectNotFound):
            helpers.call_action("package_show", id="bad-contracts")

"""Staff uploads are checked on resource create/update: report, DataStore, figures.

Real CKAN (resource_create/resource_update with a multipart file), the real
DataStore database and our search backend; the files are built here with
the Persian text, Arabic ي/ك, Persian digits and encodings staff send.
"""
from __future__ import annotations

import os
from typing import Any

import lxml.html
import pytest

import ckan.plugins.toolkit as tk
from ckan.lib import uploader
from ckan.tests import factories, helpers

from ckanext.shafaf.tests.tables.helpers import LEGAL_ID, LEGAL_ID_2, arabic, csv_bytes, xlsx_bytes
from ckanext.shafaf.testing import site_config_marks
from ckanext.shafaf.tests.uploads.conftest import BAD_ROWS, GOOD_ROWS, HEADER

pytestmark = [
    *site_config_marks(
        "datastore datatables_view scheming_datasets scheming_organizations shafaf"),
    pytest.mark.usefixtures("with_plugins", "clean_datastore", "with_request_context"),
]


def _upload(create_with_upload, dataset, data: bytes, filename: str = "contracts.csv",
            **kwargs: Any) -> dict[str, Any]:
    user = dataset["_user"]["name"]
    return create_with_upload(data, filename, context={"user": user}, package_id=dataset["id"],
                              name="فهرست قراردادها", url="", **kwargs)


def _ascii_digits(text: str) -> str:
    """Windows-1256 has no Persian digits: files from it carry ASCII ones."""
    return text.translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789"))


def _check(resource_id: str) -> dict[str, Any]:
    return helpers.call_action("shafaf_resource_validation_show", id=resource_id)


def _rows(resource_id: str) -> list[dict[str, Any]]:
    result = helpers.call_action("datastore_search", resource_id=resource_id, sort="_id")
    return [{k: v for k, v in r.items() if k != "_id"} for r in result["records"]]


def test_good_csv_is_loaded_normalised_and_sums_up_the_dataset(contract, create_with_upload):
    dataset = contract()
    resource = _upload(create_with_upload, dataset, csv_bytes([HEADER, *GOOD_ROWS]))

    check = _check(resource["id"])
    assert (check["status"], check["datastore_status"], check["loaded_rows"]) == \
        ("valid", "loaded", 2)
    rows = _rows(resource["id"])
    assert [r["contractor_name"] for r in rows] == ["شرکت مهندسی کیان", "شرکت پارس خودرو"]
    assert [r["contract_number"] for r in rows] == ["1403/123", "1403/124"]
    assert [r["contractor_id"] for r in rows] == [LEGAL_ID, LEGAL_ID_2]
    assert [r["amount"] for r in rows] == [1_250_000_000, 500_000_000]
    assert rows[0]["signed_date"].startswith("2024-03-24")
    assert rows[0]["end_date"].startswith("2025-03-20")  # 1403/12/30, a leap day
    assert rows[1]["selection_method"] == "استعلام"
    # full-text search of the DataStore works on the swapped-in rows (its trigger ran)
    found = helpers.call_action("datastore_search", resource_id=resource["id"], q="خودروی")
    assert [r["contract_number"] for r in found["records"]] == ["1403/124"]

    shown = helpers.call_action("package_show", id=dataset["id"])
    assert (shown["row_count"], shown["total_amount_irr"], shown["distinct_contractors"]) == \
        (2, 1_750_000_000, 2)
    assert (shown["date_min"], shown["date_max"]) == ("2024-03-24", "2024-05-01")
    assert shown["total_amount_irr_unit"] == "ریال"
    assert shown["resources"][0]["validation_status"] == "valid"
    assert shown["resources"][0]["datastore_active"] is True


def test_figures_are_searchable_and_facetable(contract, create_with_upload, monkeypatch,
                                             ckan_config):
    import ckan.model as model
    # as deploy/ckan.ini.tmpl sets it; CKAN reads it once per process
    monkeypatch.setitem(ckan_config, "ckan.extra_resource_fields",
                        ["table_schema", "validation_status"])
    monkeypatch.setattr(model.Resource, "extra_columns", None)
    dataset = contract()
    _upload(create_with_upload, dataset, csv_bytes([HEADER, *GOOD_ROWS]))
    other = contract(name="maragheh-contracts-1403")

    found = helpers.call_action("package_search", fq="distinct_contractors:2",
                                **{"facet.field": '["row_count", "distinct_contractors"]'})
    assert [d["name"] for d in found["results"]] == [dataset["name"]]
    assert found["facets"]["row_count"] == {"2": 1}
    assert found["facets"]["distinct_contractors"] == {"2": 1}
    checked = helpers.call_action("package_search", fq="res_extras_validation_status:valid")
    assert [d["name"] for d in checked["results"]] == [dataset["name"]]
    ranged = helpers.call_action("package_search", fq="total_amount_irr:[1000000000 TO *]")
    assert [d["name"] for d in ranged["results"]] == [dataset["name"]]
    assert other["name"] not in [d["name"] for d in ranged["results"]]


def test_bad_file_is_kept_and_reported_row_by_row(contract, create_with_upload):
    dataset = contract()
    resource = _upload(create_with_upload, dataset, csv_bytes([HEADER, *BAD_ROWS]))

    check = _check(resource["id"])
    assert (check["status"], check["datastore_status"]) == ("invalid", "not_loaded")
    errors = {(e["line"], e["column"], e["value"], e["code"])
              for e in check["report"]["row_errors"]}
    assert errors == {
        (3, "شناسه ملی/کد ملی", "10380284791", "legal_id_checksum"),
        (3, "مبلغ قرارداد (میلیون ریال)", "۵۰۰x", "unit_unknown"),
        (3, "تاریخ انعقاد", "1404/12/30", "date_invalid"),
    }
    assert all(e["message_fa"] and e["message_en"] for e in check["report"]["row_errors"])
    # the file itself is kept, byte for byte
    path = uploader.get_resource_uploader(resource).get_path(resource["id"])
    assert open(path, "rb").read() == csv_bytes([HEADER, *BAD_ROWS])
    with pytest.raises(tk.ObjectNotFound):
        helpers.call_action("datastore_search", resource_id=resource["id"])
    shown = helpers.call_action("package_show", id=dataset["id"])
    assert shown["resources"][0]["validation_status"] == "invalid"
    assert shown.get("row_count") is None


def test_bad_replacement_keeps_the_last_good_rows_and_figures(contract, create_with_upload):
    dataset = contract()
    resource = _upload(create_with_upload, dataset, csv_bytes([HEADER, *GOOD_ROWS]))
    _upload(create_with_upload, dataset, csv_bytes([HEADER, *BAD_ROWS]),
            action="resource_update", id=resource["id"])

    check = _check(resource["id"])
    assert (check["status"], check["datastore_status"], check["loaded_rows"]) == \
        ("invalid", "kept_previous", 2)
    assert [r["contract_number"] for r in _rows(resource["id"])] == ["1403/123", "1403/124"]
    shown = helpers.call_action("package_show", id=dataset["id"])
    assert (shown["row_count"], shown["total_amount_irr"]) == (2, 1_750_000_000)
    assert shown["resources"][0]["validation_status"] == "invalid"


def test_good_replacement_replaces_rows_and_figures(contract, create_with_upload):
    dataset = contract()
    resource = _upload(create_with_upload, dataset, csv_bytes([HEADER, *GOOD_ROWS]))
    _upload(create_with_upload, dataset, csv_bytes([HEADER, GOOD_ROWS[1]]),
            action="resource_update", id=resource["id"])

    assert [r["contract_number"] for r in _rows(resource["id"])] == ["1403/124"]
    shown = helpers.call_action("package_show", id=dataset["id"])
    assert (shown["row_count"], shown["total_amount_irr"], shown["date_min"]) == \
        (1, 500_000_000, "2024-05-01")


def test_windows_1256_and_xlsx_files_are_read(contract, create_with_upload):
    dataset = contract()
    cp1256 = _upload(create_with_upload, dataset,
                     csv_bytes([[_ascii_digits(arabic(c)) for c in row] for row in [HEADER, *GOOD_ROWS]],
                               encoding="cp1256"), "qarardad-ha.csv")
    book = _upload(create_with_upload, dataset, xlsx_bytes([HEADER, *GOOD_ROWS]),
                   "contracts.xlsx")
    for resource in (cp1256, book):
        check = _check(resource["id"])
        assert check["status"] == "valid", check["report"]
        assert [r["contractor_name"] for r in _rows(resource["id"])] == \
            ["شرکت مهندسی کیان", "شرکت پارس خودرو"]
    assert _check(cp1256["id"])["report"]["encoding"] == "cp1256"


def test_wrong_columns_are_a_file_error(contract, create_with_upload):
    dataset = contract()
    permits = csv_bytes([["شماره پروانه", "نوع پروانه", "تاریخ صدور"], ["1", "احداث", "1403/1/1"]])
    resource = _upload(create_with_upload, dataset, permits, "permits.csv")
    check = _check(resource["id"])
    assert check["status"] == "invalid"
    codes = [e["code"] for e in check["report"]["file_errors"]]
    assert "missing_column" in codes


def test_editing_the_description_does_not_check_again(contract, create_with_upload):
    dataset = contract()
    resource = _upload(create_with_upload, dataset, csv_bytes([HEADER, *GOOD_ROWS]))
    first = _check(resource["id"])["validated_at"]
    helpers.call_action("resource_patch", {"user": dataset["_user"]["name"]},
                        id=resource["id"], description="به‌روز شده")
    assert _check(resource["id"])["validated_at"] == first
    shown = helpers.call_action("resource_show", id=resource["id"])
    assert shown["validation_status"] == "valid"
    forced = helpers.call_action("shafaf_resource_validate", {"user": dataset["_user"]["name"]},
                                 id=resource["id"], force=True)
    assert forced["validated_at"] > first


def test_a_pdf_is_published_as_it_is(contract, create_with_upload):
    dataset = contract()
    resource = _upload(create_with_upload, dataset, b"%PDF-1.4\n%...", "budget-law.pdf",
                       format="PDF")
    with pytest.raises(tk.ObjectNotFound) as info:
        _check(resource["id"])
    assert "بررسی نمی‌شود" in str(info.value) and "not checked" in str(info.value)
    assert "validation_status" not in helpers.call_action("resource_show", id=resource["id"])


def test_who_may_see_and_rerun_the_check(contract, create_with_upload):
    dataset = contract(private=True)
    resource = _upload(create_with_upload, dataset, csv_bytes([HEADER, *GOOD_ROWS]))
    stranger = factories.User()
    for user in (None, stranger["name"]):
        context = {"user": user, "ignore_auth": False}
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("shafaf_resource_validation_show", context, id=resource["id"])
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("shafaf_resource_validate", context, id=resource["id"])
    editor = {"user": dataset["_user"]["name"], "ignore_auth": False}
    assert helpers.call_action("shafaf_resource_validation_show", editor,
                               id=resource["id"])["status"] == "valid"


def test_deleting_the_resource_forgets_its_check(contract, create_with_upload):
    dataset = contract()
    resource = _upload(create_with_upload, dataset, csv_bytes([HEADER, *GOOD_ROWS]))
    helpers.call_action("resource_delete", id=resource["id"])
    with pytest.raises(tk.ObjectNotFound):
        _check(resource["id"])


def test_loaded_rows_get_a_table_preview(contract, create_with_upload, ckan_config,
                                        monkeypatch):
    monkeypatch.setitem(ckan_config, "ckan.views.default_views", ["datatables_view"])
    dataset = contract()
    resource = _upload(create_with_upload, dataset, csv_bytes([HEADER, *GOOD_ROWS]))
    views = helpers.call_action("resource_view_list", id=resource["id"])
    assert [v["view_type"] for v in views] == ["datatables_view"]
    # a second load (new file) adds no second view
    _upload(create_with_upload, dataset, csv_bytes([HEADER, GOOD_ROWS[1]]),
            action="resource_update", id=resource["id"])
    assert len(helpers.call_action("resource_view_list", id=resource["id"])) == 1


def test_resource_page_shows_the_rows_to_fix(contract, create_with_upload, app):
    dataset = contract()
    resource = _upload(create_with_upload, dataset, csv_bytes([HEADER, *BAD_ROWS]))
    page = app.get(f"/dataset/{dataset['name']}/resource/{resource['id']}")
    tree = lxml.html.fromstring(page.body)
    section = tree.get_element_by_id("shafaf-validation")
    assert section.get("data-status") == "invalid"
    cells = [[td.text_content().strip() for td in tr.findall("td")]
             for tr in section.xpath(".//table[contains(@class, 'shafaf-row-errors')]/tbody/tr")]
    assert len(cells) == 3
    assert {c[2] for c in cells} == {"10380284791", "۵۰۰x", "1404/12/30"}
    assert all(c[0] == "3" for c in cells)
    assert "نامعتبر" in section.text_content() and "invalid" in section.text_content()


def test_budget_totals_follow_the_dataset_phase(create_with_upload, ckan_config):
    from ckanext.shafaf.tests.tables.helpers import BUDGET_HEADER, BUDGET_ROWS
    user = factories.User()
    org = factories.Organization(org_level="municipality", users=[{"name": user["name"], "capacity": "editor"}])
    dataset = helpers.call_action(
        "package_create", {"user": user["name"]}, type="budget", name="tabriz-budget-1403",
        title="بودجه ۱۴۰۳", owner_org=org["id"], fiscal_year="1403", budget_phase="مصوب")
    resource = create_with_upload(csv_bytes([BUDGET_HEADER, *BUDGET_ROWS]), "budget.csv",
                                  context={"user": user["name"]}, package_id=dataset["id"],
                                  url="", table_schema="budget_lines")
    check = _check(resource["id"])
    assert check["status"] == "valid", check["report"]
    totals = check["report"]["figures"]["totals"]
    shown = helpers.call_action("package_show", id=dataset["id"])
    assert shown["total_revenue_irr"] == totals["revenue"]["approved"] > 0
    assert shown["total_expenditure_irr"] == totals["expenditure"]["approved"] > 0
    assert shown["row_count"] == len(BUDGET_ROWS)


def test_staff_upload_through_the_web_form(app, create_with_upload, ckan_config, monkeypatch,
                                           tmp_path):
    """The editor's browser path: resource form, multipart file, the report in place."""
    import io
    from ckanext.shafaf.tests.web import PASSWORD, form_of, logged_in_client
    monkeypatch.setitem(ckan_config, "ckan.storage_path", str(tmp_path))
    user = factories.User(password=PASSWORD)
    org = factories.Organization(org_level="municipality",
                                 users=[{"name": user["name"], "capacity": "editor"}])
    helpers.call_action("package_create", {"user": user["name"]}, type="contract",
                        name="web-upload-1403", title="قراردادها", owner_org=org["id"],
                        fiscal_year="1403")
    client = logged_in_client(app, user)
    url = "/contract/web-upload-1403/resource/new"
    action, fields = form_of(client.get(url), url, "resource-edit")
    fields.update(name="فهرست قراردادها", save="go-metadata", url="",
                  upload=(io.BytesIO(csv_bytes([HEADER, *BAD_ROWS])), "qarardad.csv"))
    response = client.post(action, data=fields, follow_redirects=True)
    assert response.status_code == 200
    dataset = helpers.call_action("package_show", id="web-upload-1403")
    resource = dataset["resources"][0]
    assert (resource["url_type"], resource["validation_status"]) == ("upload", "invalid")
    page = client.get(f"/contract/web-upload-1403/resource/{resource['id']}").body
    assert 'id="shafaf-validation"' in page and "1404/12/30" in page


def test_changing_the_table_schema_replaces_the_columns(contract, create_with_upload):
    from ckanext.shafaf.tests.tables.helpers import PERMIT_HEADER, PERMIT_ROWS
    dataset = contract()
    resource = _upload(create_with_upload, dataset, csv_bytes([HEADER, *GOOD_ROWS]))
    _upload(create_with_upload, dataset, csv_bytes([PERMIT_HEADER, *PERMIT_ROWS]),
            "permits.csv", action="resource_update", id=resource["id"], table_schema="permits")
    check = _check(resource["id"])
    assert (check["status"], check["table_schema"], check["loaded_rows"]) == \
        ("valid", "permits", 2)
    info = helpers.call_action("datastore_info", id=resource["id"])
    columns = {f["id"] for f in info["fields"]}
    assert "permit_number" in columns and "contract_number" not in columns
    # not the dataset's main table any more: the contract figures stay those of before
    shown = helpers.call_action("package_show", id=dataset["id"])
    assert (shown["total_amount_irr"], shown["date_max"]) == (1_750_000_000, "2024-05-01")


@pytest.mark.ckan_config("ckanext.shafaf.uploads.sync_max_mb", 0)
@pytest.mark.usefixtures("clean_queues", "with_test_worker")
def test_large_files_are_checked_by_a_background_job(contract, create_with_upload):
    from ckan.lib import jobs
    dataset = contract()
    resource = _upload(create_with_upload, dataset, csv_bytes([HEADER, *GOOD_ROWS]))

    pending = _check(resource["id"])
    assert (pending["status"], pending["datastore_status"]) == ("pending", "not_loaded")
    assert helpers.call_action("resource_show", id=resource["id"])["validation_status"] == \
        "pending"
    assert len(helpers.call_action("job_list")) == 1

    jobs.Worker().work(burst=True)
    done = _check(resource["id"])
    assert (done["status"], done["datastore_status"], done["loaded_rows"]) == \
        ("valid", "loaded", 2)
    shown = helpers.call_action("package_show", id=dataset["id"])
    assert shown["resources"][0]["validation_status"] == "valid"
    assert shown["row_count"] == 2


def test_an_uploaded_register_is_exported_as_ocds(contract, create_with_upload, app):
    dataset = contract()
    _upload(create_with_upload, dataset, csv_bytes([HEADER, *GOOD_ROWS]))
    package = helpers.call_action("shafaf_ocds_export", id=dataset["name"])
    contracts = [r["contracts"][0] for r in package["releases"]]
    assert [c["value"] for c in contracts] == [
        {"amount": 1_250_000_000, "currency": "IRR"}, {"amount": 500_000_000, "currency": "IRR"}]
    assert [r["tender"].get("procurementMethod") for r in package["releases"]] == \
        ["open", "limited"]
    download = app.get(f"/dataset/{dataset['name']}/ocds.json")
    assert download.status_code == 200 and "نگهداری فضای سبز" in download.body


def test_awkward_text_survives_the_copy_into_the_datastore(contract, create_with_upload):
    """Quotes, commas, a line break and a literal \\N reach the DataStore as typed."""
    awkward = 'خرید «ویژه» "دو", سه\nچهار \\N'
    row = list(GOOD_ROWS[0])
    row[2] = awkward
    dataset = contract()
    resource = _upload(create_with_upload, dataset, csv_bytes([HEADER, row, GOOD_ROWS[1]]))
    rows = _rows(resource["id"])
    assert rows[0]["subject"] == awkward
    assert rows[0]["supervisor"] is None and rows[0]["economic_code"] is None

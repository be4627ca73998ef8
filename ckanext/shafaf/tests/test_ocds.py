"""OCDS mapping of contract rows (pure, no CKAN).

A researcher's OCDS tool must read our contracts as the law and the portals
mean them: the selection method as the OCDS code with the Persian term kept,
amounts in IRR, ISO dates, the contractor's شناسه ملی and never a person's
کد ملی.
"""
from __future__ import annotations

import json
from typing import Any

import pytest

from ckanext.shafaf import ocds
from ckanext.shafaf.tables import load_schema

DATASET = {
    "id": "5b1e-contracts", "name": "tabriz-contracts-1403", "type": "contract",
    "metadata_modified": "2025-04-02T08:15:30.123456",
    "organization": {"id": "org-uuid-tabriz", "name": "tabriz", "title": "شهرداری تبریز"},
}
LEGAL_ID = "10380284790"


def _row(**fields: Any) -> dict[str, Any]:
    row = {
        "_id": 7, "contract_number": "1403/125", "subject": "لکه‌گیری آسفالت معابر منطقه ۲",
        "contractor_name": "شرکت راه‌سازان تبریز", "contractor_id": LEGAL_ID,
        "economic_code": "411111111111", "amount": 1_200_000_000, "amount_unit": "میلیون ریال",
        "signed_date": "2024-04-01", "start_date": "2024-04-10", "end_date": "2024-10-06",
        "duration_months": 6, "selection_method": "مناقصه عمومی", "selection_reason": None,
        "contract_type": "هزینه‌ای", "supervisor": None, "region": "2", "notes": None,
    }
    row.update(fields)
    return row


def _release(**fields: Any) -> dict[str, Any]:
    (release,) = ocds.iter_releases(DATASET, [_row(**fields)], ocid_prefix="ocds-test")
    return release


class TestProcurementMethod:
    @pytest.mark.parametrize(("persian", "code"), [
        ("مناقصه عمومی", "open"), ("مناقصه محدود", "selective"),
        ("استعلام", "limited"), ("ترک تشریفات", "direct")])
    def test_mapped_methods_get_the_ocds_code_and_keep_the_persian_term(
            self, persian: str, code: str) -> None:
        tender = _release(selection_method=persian)["tender"]
        assert tender["procurementMethod"] == code
        assert tender["procurementMethodDetails"] == persian

    def test_codes_come_from_the_table_schema(self) -> None:
        assert ocds.method_codes() == dict(
            load_schema("contracts").field("selection_method").enum_codes)
        assert ocds.method_codes()["ترک تشریفات"] == "direct"

    def test_unmapped_method_keeps_the_text_and_has_no_code(self) -> None:
        tender = _release(selection_method="مزایده")["tender"]
        assert "procurementMethod" not in tender
        assert tender["procurementMethodDetails"] == "مزایده"

    def test_no_method_no_method_fields(self) -> None:
        tender = _release(selection_method=None)["tender"]
        assert tender == {"id": "1403/125", "title": "لکه‌گیری آسفالت معابر منطقه ۲"}

    def test_reason_of_a_direct_award_is_the_rationale(self) -> None:
        tender = _release(selection_method="ترک تشریفات",
                          selection_reason="فوریت کار پس از سیل")["tender"]
        assert tender["procurementMethodRationale"] == "فوریت کار پس از سیل"


class TestSupplier:
    def test_legal_id_is_the_identifier(self) -> None:
        release = _release()
        buyer, supplier = release["parties"]
        assert supplier["roles"] == ["supplier"]
        assert supplier["id"] == f"IR-NID-{LEGAL_ID}"
        assert supplier["identifier"] == {"scheme": "IR-NID", "id": LEGAL_ID,
                                          "legalName": "شرکت راه‌سازان تبریز"}
        assert release["awards"][0]["suppliers"] == [
            {"id": f"IR-NID-{LEGAL_ID}", "name": "شرکت راه‌سازان تبریز"}]

    def test_redacted_person_has_no_identifier(self) -> None:
        release = _release(contractor_id=None, contractor_name="علی رضایی")
        supplier = release["parties"][1]
        assert "identifier" not in supplier
        assert supplier["name"] == "علی رضایی"
        assert supplier["id"].startswith("shafaf-name-")
        assert release["awards"][0]["suppliers"] == [
            {"id": supplier["id"], "name": "علی رضایی"}]

    def test_a_national_code_that_slipped_through_is_never_published(self) -> None:
        text = json.dumps(_release(contractor_id="0499370899"), ensure_ascii=False)
        assert "0499370899" not in text

    def test_same_name_same_party_id(self) -> None:
        first = _release(contractor_id=None, contract_number="1")["parties"][1]["id"]
        second = _release(contractor_id=None, contract_number="2")["parties"][1]["id"]
        other = _release(contractor_id=None, contractor_name="شرکت دیگر")["parties"][1]["id"]
        assert first == second != other


class TestRelease:
    def test_envelope(self) -> None:
        release = _release()
        assert release["ocid"] == "ocds-test-5b1e-contracts-1403/125"
        assert release["id"] == "ocds-test-5b1e-contracts-1403/125-7"
        assert release["tag"] == ["contract"]
        assert release["initiationType"] == "tender"
        assert release["date"] == "2025-04-02T08:15:30Z"
        assert release["language"] == "fa"

    def test_buyer_is_the_publishing_organisation(self) -> None:
        release = _release()
        assert release["buyer"] == {"id": "org-uuid-tabriz", "name": "شهرداری تبریز"}
        assert release["parties"][0] == {"id": "org-uuid-tabriz", "name": "شهرداری تبریز",
                                         "roles": ["buyer"]}

    def test_amount_is_integer_irr_whatever_the_source_unit(self) -> None:
        release = _release(amount=15_000_000_000, amount_unit="تومان")
        expected = {"amount": 15_000_000_000, "currency": "IRR"}
        assert release["contracts"][0]["value"] == expected
        assert release["awards"][0]["value"] == expected
        assert isinstance(release["contracts"][0]["value"]["amount"], int)

    def test_contract_and_award(self) -> None:
        release = _release(notes="الحاقیه ۱: افزایش ۲۵٪")
        (award,), (contract,) = release["awards"], release["contracts"]
        assert award["id"] == contract["id"] == contract["awardID"] == "1403/125"
        assert contract["title"] == award["title"] == "لکه‌گیری آسفالت معابر منطقه ۲"
        assert contract["description"] == "الحاقیه ۱: افزایش ۲۵٪"
        assert contract["dateSigned"] == award["date"] == "2024-04-01T00:00:00Z"

    def test_period_and_duration(self) -> None:
        period = _release()["contracts"][0]["period"]
        assert period == {"startDate": "2024-04-10T00:00:00Z",
                          "endDate": "2024-10-06T00:00:00Z", "durationInDays": 179}

    def test_datastore_timestamps_are_read_as_dates(self) -> None:
        contract = _release(signed_date="2025-03-20T00:00:00", start_date="2025-03-20T00:00:00",
                            end_date="2025-03-21T00:00:00")["contracts"][0]
        assert contract["dateSigned"] == "2025-03-20T00:00:00Z"
        assert contract["period"]["durationInDays"] == 1

    def test_duration_only_when_both_dates_are_known(self) -> None:
        contract = _release(end_date=None)["contracts"][0]
        assert contract["period"] == {"startDate": "2024-04-10T00:00:00Z"}
        contract = _release(start_date=None, end_date=None)["contracts"][0]
        assert "period" not in contract

    def test_missing_values_are_omitted_not_null(self) -> None:
        release = _release(amount=None, signed_date=None, start_date=None, end_date=None)
        contract = release["contracts"][0]
        assert set(contract) == {"id", "awardID", "title"}
        assert None not in json.loads(json.dumps(release)).values()

    def test_releases_are_lazy(self) -> None:
        consumed: list[int] = []

        def rows() -> Any:
            for n in range(3):
                consumed.append(n)
                yield _row(_id=n + 1, contract_number=str(n))

        releases = ocds.iter_releases(DATASET, rows(), codes={})
        assert consumed == []
        next(releases)
        assert consumed == [0]


class TestPackage:
    def test_release_package(self) -> None:
        rows = [_row(_id=1, contract_number="A"), _row(_id=2, contract_number="B")]
        package = ocds.release_package(
            DATASET, iter(rows), uri="http://example.org/dataset/x/ocds.json",
            published_date="2025-05-01T00:00:00Z")
        assert package["version"] == "1.1"
        assert package["uri"] == "http://example.org/dataset/x/ocds.json"
        assert package["publishedDate"] == "2025-05-01T00:00:00Z"
        assert package["publisher"] == {"name": "شهرداری تبریز"}
        assert [r["ocid"] for r in package["releases"]] == [
            "ocds-shafaf-5b1e-contracts-A", "ocds-shafaf-5b1e-contracts-B"]

    def test_published_date_defaults_to_now_in_utc(self) -> None:
        package = ocds.release_package(DATASET, [], uri="u")
        assert package["publishedDate"].endswith("Z") and package["releases"] == []

    def test_amendments_share_the_ocid_with_distinct_release_ids(self) -> None:
        rows = [_row(_id=1), _row(_id=2, amount=1_500_000_000)]
        first, second = ocds.iter_releases(DATASET, rows)
        assert first["ocid"] == second["ocid"]
        assert first["id"] != second["id"]

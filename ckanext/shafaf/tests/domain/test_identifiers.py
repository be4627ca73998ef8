"""کد ملی, شناسه ملی, Sheba and postal code: good, bad and edge values."""
from __future__ import annotations

import pytest

from ckanext.shafaf.domain.errors import DomainError
from ckanext.shafaf.domain.identifiers import (
    legal_id, national_code, national_id_or_legal_id, postal_code, sheba)


@pytest.fixture(autouse=True)
def shafaf_plugin_loaded():
    """Pure functions: skip the root conftest's plugin loading."""
    yield


def _code(func, value) -> str:
    with pytest.raises(DomainError) as info:
        func(value)
    return info.value.code


class TestNationalCode:
    @pytest.mark.parametrize("value", ["0499370899", "۰۴۹۹۳۷۰۸۹۹", "٠٤٩٩٣٧٠٨٩٩",
                                       "049-937089-9", " 0499370899 "])
    def test_valid_in_any_digits_and_separators(self, value: str) -> None:
        assert national_code(value) == "0499370899"

    def test_check_digit_equals_remainder_when_below_two(self) -> None:
        assert national_code("1234567891") == "1234567891"   # r = 1
        assert national_code("9876543210") == "9876543210"   # r = 0
        assert _code(national_code, "1234567890") == "national_code_checksum"

    @pytest.mark.parametrize("value", ["12345679", "012345679", "۱۲۳۴۵۶۷۹"])
    def test_eight_and_nine_digits_are_left_padded(self, value: str) -> None:
        assert national_code(value) == "0012345679"

    def test_checksum_failure(self) -> None:
        assert _code(national_code, "0499370898") == "national_code_checksum"

    @pytest.mark.parametrize("value", ["1111111111", "0000000000", "00000000"])
    def test_all_same_digits_rejected(self, value: str) -> None:
        assert _code(national_code, value) == "national_code_repeated"

    @pytest.mark.parametrize("value", ["1234567", "04993708991", "04993708a9", "", None])
    def test_wrong_length_or_characters(self, value) -> None:
        assert _code(national_code, value) == "national_code_length"

    def test_messages_are_bilingual_and_differ_by_cause(self) -> None:
        with pytest.raises(DomainError) as length:
            national_code("123")
        with pytest.raises(DomainError) as checksum:
            national_code("0499370898")
        assert "۱۰ رقم" in length.value.fa and "10 digits" in length.value.en
        assert "رقم کنترل" in checksum.value.fa and "check digit" in checksum.value.en
        assert str(checksum.value) == f"{checksum.value.fa} / {checksum.value.en}"
        assert isinstance(checksum.value, ValueError)


class TestLegalId:
    @pytest.mark.parametrize("value", ["10380284790", "۱۰۳۸۰۲۸۴۷۹۰", "1038-0284-790"])
    def test_reference_example_validates(self, value: str) -> None:
        assert legal_id(value) == "10380284790"

    @pytest.mark.parametrize("value", ["10380284791", "10380284780", "20380284790",
                                       "10380284750"])
    def test_one_digit_change_is_refused(self, value: str) -> None:
        assert _code(legal_id, value) == "legal_id_checksum"

    @pytest.mark.parametrize("value", ["1038028479", "103802847900", "1038028479x"])
    def test_wrong_length(self, value: str) -> None:
        assert _code(legal_id, value) == "legal_id_length"

    def test_placeholder_refused(self) -> None:
        assert _code(legal_id, "00000000000") == "legal_id_placeholder"


class TestNationalOrLegalId:
    def test_classifies_by_length(self) -> None:
        assert national_id_or_legal_id("۱۰۳۸۰۲۸۴۷۹۰") == ("legal", "10380284790")
        assert national_id_or_legal_id("0499370899") == ("person", "0499370899")
        assert national_id_or_legal_id("12345679") == ("person", "0012345679")

    def test_bad_checksums_keep_their_own_code(self) -> None:
        assert _code(national_id_or_legal_id, "10380284791") == "legal_id_checksum"
        assert _code(national_id_or_legal_id, "0499370898") == "national_code_checksum"

    @pytest.mark.parametrize("value", ["1234567", "123456789012", "abc"])
    def test_other_lengths(self, value: str) -> None:
        assert _code(national_id_or_legal_id, value) == "national_or_legal_id_length"


class TestSheba:
    @pytest.mark.parametrize("value", [
        "IR062960000000100324200001",
        "ir06 2960 0000 0010 0324 2000 01",
        "IR۰۶۲۹۶۰۰۰۰۰۰۰۱۰۰۳۲۴۲۰۰۰۰۱",
        "062960000000100324200001",
    ])
    def test_valid(self, value: str) -> None:
        assert sheba(value) == "IR062960000000100324200001"

    def test_another_valid(self) -> None:
        assert sheba("IR58 0540 1051 8002 1273 1130 07") == "IR580540105180021273113007"

    @pytest.mark.parametrize("value", ["IR062960000000100324200002",
                                       "IR072960000000100324200001"])
    def test_checksum_failure(self, value: str) -> None:
        assert _code(sheba, value) == "sheba_checksum"

    @pytest.mark.parametrize("value", ["IR0629600000001003242000", "DE062960000000100324200001",
                                       "IR06296000000010032420000X", ""])
    def test_format(self, value: str) -> None:
        assert _code(sheba, value) == "sheba_format"


class TestPostalCode:
    def test_valid(self) -> None:
        assert postal_code("۱۳۱۸۷-۵۳۹۴۱") == "1318753941"

    @pytest.mark.parametrize("value", ["131875394", "13187539411", "13187x3941"])
    def test_wrong_length(self, value: str) -> None:
        assert _code(postal_code, value) == "postal_code_length"

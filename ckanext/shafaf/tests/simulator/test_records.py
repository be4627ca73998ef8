"""records.py: deterministic, valid, and as messy as real exports."""
from __future__ import annotations

import pytest

from ckanext.shafaf.domain.identifiers import legal_id
from ckanext.shafaf.domain.jalali import fiscal_year_bounds
from ckanext.shafaf.simulator import records
from ckanext.shafaf.simulator.exports import cp1256_text
from ckanext.shafaf.simulator.records import (
    add_months, budget_line, contract, legal_id_check_digit, make_legal_id, permit, rng_for)

METHODS = {"مناقصه عمومی", "مناقصه محدود", "استعلام", "ترک تشریفات"}


def test_check_digit_of_the_design_example() -> None:
    assert legal_id_check_digit("1038028479") == 0


def test_generated_legal_ids_pass_our_validator() -> None:
    for seed in range(2000):
        code = make_legal_id(rng_for("test", seed))
        assert len(code) == 11 and legal_id(code) == code, code


def test_records_are_deterministic() -> None:
    assert contract("yazd", 1403, 7) == contract("yazd", 1403, 7)
    assert budget_line("yazd", 1402, 3) == budget_line("yazd", 1402, 3)
    assert permit("arak", 1401, 11) == permit("arak", 1401, 11)
    assert contract("yazd", 1403, 7) != contract("yazd", 1403, 8)
    assert contract("yazd", 1403, 7) != contract("arak", 1403, 7)


def test_contract_dates_fit_the_fiscal_year() -> None:
    for year, index in ((y, i) for y in (1401, 1402, 1403) for i in range(200)):
        first, last = fiscal_year_bounds(year)
        c = contract("mashhad", year, index)
        assert first <= c.signed.to_gregorian() <= last
        assert first <= c.start.to_gregorian() <= last
        assert c.signed <= c.start < c.end
        assert c.end == add_months(c.start, c.duration_months)
        assert c.selection_method in METHODS
        assert c.amount_irr > 0 and c.amount_irr % records.MILLION == 0
        assert legal_id(c.contractor_id) == c.contractor_id


def test_leap_year_end_of_esfand() -> None:
    from persiantools.jdatetime import JalaliDate
    assert add_months(JalaliDate(1403, 11, 30), 1) == JalaliDate(1403, 12, 29)
    assert add_months(JalaliDate(1403, 12, 1), 1) == JalaliDate(1403, 12, 30)
    assert add_months(JalaliDate(1402, 12, 1), 1) == JalaliDate(1402, 12, 29)


def test_a_revision_changes_amount_and_subject_only() -> None:
    before, after = contract("yazd", 1402, 5), contract("yazd", 1402, 5, revision=1)
    assert after.amount_irr > before.amount_irr
    assert after.subject != before.subject and "الحاقیه" in after.subject
    assert (after.contract_number, after.contractor_id, after.signed) == (
        before.contract_number, before.contractor_id, before.signed)
    assert budget_line("yazd", 1402, 5, 1).approved != budget_line("yazd", 1402, 5).approved
    assert permit("arak", 1402, 5, 1).floor_area_m2 > permit("arak", 1402, 5).floor_area_m2


def test_text_mixes_arabic_letters_zwnj_and_persian_digits() -> None:
    texts = [contract("yazd", 1403, i).subject for i in range(200)]
    texts += [contract("yazd", 1403, i).contractor_name for i in range(200)]
    joined = "".join(texts)
    assert "ي" in joined and "ك" in joined and "ی" in joined and "ک" in joined
    assert "\u200c" in joined
    assert any(ch in joined for ch in "۱۲۳۴۵۶۷۸۹")


def test_contractors_come_from_a_stable_pool() -> None:
    ids = {contract("tabriz", 1403, i).contractor_id for i in range(300)}
    assert 10 < len(ids) <= 30


def test_budget_codes_are_unique_within_a_year() -> None:
    codes = [budget_line("yazd", 1403, i).code for i in range(120)]
    assert len(set(codes)) == len(codes)
    line = budget_line("yazd", 1403, 0)
    assert line.direction in ("منابع", "مصارف")
    assert line.proposed % records.MILLION == 0 and line.executed <= line.adjusted


def test_permit_text_survives_windows_1256() -> None:
    for index in range(100):
        p = permit("arak", 1403, index)
        for text in (p.permit_type, p.region, p.land_use, p.applicant, p.plot_number):
            cp1256_text(text).encode("cp1256")


def test_unknown_kind_is_refused() -> None:
    assert records.kind_name("budget_lines") == "budgets"
    with pytest.raises(ValueError):
        records.kind_name("salaries")

"""portal_mapping: raw records → one raw CSV per fiscal year that validate_table accepts."""
from __future__ import annotations

import copy
import csv
import hashlib
import itertools
import tracemalloc
from pathlib import Path

import pytest

from ckanext.shafaf.harvesters import portal_mapping
from ckanext.shafaf.harvesters.portal_mapping import RowFault, split_by_year
from ckanext.shafaf.harvesters.profiles import load_profile, parse_profile
from ckanext.shafaf.tables import validate_table
from ckanext.shafaf.tests.harvesters import samples

TITLE = {"fa_IR": "آزمایشی", "en": "Test"}


def yazd_records() -> list[dict[str, str]]:
    return [dict(zip(samples.YAZD_HEADER, row)) for row in samples.YAZD_ROWS]


def read(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def frame_of(table, schema: str):
    report, frame = validate_table(str(table.path), schema)
    assert report.valid, (report.file_errors, report.row_errors)
    assert report.row_count == table.rows
    return frame


def test_yazd_records_split_by_year(tmp_path):
    result = split_by_year(yazd_records(), load_profile("yazd-contracts"), dest_dir=tmp_path)
    assert result.records == 3 and result.faults == [] and result.fault_count == 0
    assert sorted(result.tables) == [1402, 1403]
    table = result.tables[1403]
    assert (table.fiscal_year, table.rows, table.path) == (
        1403, 2, tmp_path / "yazd-contracts-1403.csv")
    assert table.sha256 == hashlib.sha256(table.path.read_bytes()).hexdigest()
    rows = read(table.path)
    assert rows[0] == ["contract_number", "subject", "contractor_name", "contractor_id", "amount",
                       "amount_unit", "signed_date", "selection_method"]  # schema order, no ردیف
    assert rows[1] == ["ق-1403-0001", "نگهداري فضای سبز بوستان غدیر", "شرکت سبزآوران کویر",
                       samples.LEGAL_ID, "۲۵۰۰۰۰۰۰۰۰", "ریال", "۱۴۰۳/۰۲/۱۵", "استعلام"]
    frame = frame_of(table, "contracts")
    assert frame["amount"].to_list() == [2_500_000_000, 300_000_000]
    assert frame["signed_date"].to_list() == ["2024-05-04", "2025-03-20"]  # 1403/12/30 exists
    assert frame["subject"][0] == "نگهداری فضای سبز بوستان غدیر"  # the validator folds ي


def test_toman_in_the_profile_becomes_rials(tmp_path):
    items = [samples.mashhad_item(n, 1402 + n % 2) for n in range(1, 5)]
    result = split_by_year(({k: str(v) for k, v in item.items()} for item in items),
                           load_profile("mashhad-contracts"), dest_dir=tmp_path)
    assert {year: t.rows for year, t in result.tables.items()} == {1402: 2, 1403: 2}
    assert read(result.tables[1403].path)[1][4:6] == ["1000", "تومان"]
    frame = frame_of(result.tables[1403], "contracts")
    assert frame["amount"].to_list() == [10_000, 30_000]  # amountToman × 10
    assert frame["amount_unit"].to_list() == ["تومان", "تومان"]


def test_million_rials_in_the_header_become_rials(tmp_path):
    records = [dict(zip(samples.ARAK_HEADER, row)) for row in samples.ARAK_ROWS]
    result = split_by_year(records, load_profile("arak-contracts"), dest_dir=tmp_path)
    assert sorted(result.tables) == [1402, 1403]  # by start date
    frame = frame_of(result.tables[1402], "contracts")
    assert frame["amount"].to_list() == [1_200_000_000]
    assert frame["amount_unit"].to_list() == ["میلیون ریال"]
    assert frame_of(result.tables[1403], "contracts")["amount"].to_list() == [85_000_000]


def test_budget_year_column_and_units_per_phase(tmp_path):
    header = ["سال", "کد", "عنوان", "نوع", "طبقه‌بندی", "لایحه (میلیون ریال)",
              "مصوب (میلیون ریال)", "اصلاحیه (میلیون ریال)", "عملکرد (میلیون ریال)"]
    rows = [["۱۴۰۲", "1-01-01", "عوارض نوسازي", "منابع", "درآمدهای مستمر", "12", "13", "", "9"],
            ["1403", "2-01-01", "حقوق و دستمزد", "مصارف", "هزینه‌ای", "50", "55", "60", "58"],
            ["سال ۱۴۰۳", "2-02-01", "خرید خدمات", "مصارف", "", "1", "1", "1", "1"]]
    result = split_by_year((dict(zip(header, row)) for row in rows), load_profile("yazd-budgets"),
                           dest_dir=tmp_path)
    assert {year: t.rows for year, t in result.tables.items()} == {1402: 1, 1403: 2}
    assert read(result.tables[1402].path)[1][0] == "۱۴۰۲"  # the cell stays as written
    frame = frame_of(result.tables[1403], "budget_lines")
    assert frame["approved"].to_list() == [55_000_000, 1_000_000]
    assert frame["fiscal_year"].to_list() == [1403, 1403]


def test_unit_from_the_profile_for_a_bare_header(tmp_path):
    data = {"name": "t", "title": TITLE, "dataset_type": "budget", "table_schema": "budget_lines",
            "format": "csv", "fiscal_year": {"value": 1403},
            "columns": {"approved": {"headers": ["اعتبار"], "unit": "میلیون ریال"}}}
    records = [{"کد": "1", "عنوان": "عوارض", "نوع": "درآمد", "اعتبار": "۷"}]
    result = split_by_year(records, parse_profile(data), dest_dir=tmp_path)
    assert read(result.tables[1403].path) == [
        ["fiscal_year", "code", "title", "direction", "approved", "amount_unit"],
        ["1403", "1", "عوارض", "درآمد", "۷", "میلیون ریال"]]  # the year column is filled in
    frame = frame_of(result.tables[1403], "budget_lines")
    assert frame["approved"].to_list() == [7_000_000]
    assert frame["direction"].to_list() == ["منابع"]


def test_a_unit_column_in_the_source_wins_per_row(tmp_path):
    records = [{"شماره قرارداد": "1", "موضوع": "الف", "پیمانکار": "ب", "مبلغ": "5",
                "واحد پول": "تومان", "تاریخ انعقاد": "1403/01/05"},
               {"شماره قرارداد": "2", "موضوع": "الف", "پیمانکار": "ب", "مبلغ": "5",
                "واحد پول": "", "تاریخ انعقاد": "1403/01/06"}]
    result = split_by_year(records, load_profile("generic-contracts"), dest_dir=tmp_path)
    frame = frame_of(result.tables[1403], "contracts")
    assert frame["amount"].to_list() == [50, 5]  # an empty unit cell means Rials


def test_unreadable_years_are_faults_and_not_written(tmp_path):
    records = yazd_records()
    records[0]["تاریخ انعقاد"] = "1403/13/40"
    records[2]["تاریخ انعقاد"] = " "
    extra = dict(records[1], **{"تاریخ انعقاد": "1250/01/01"})
    result = split_by_year(records + [extra], load_profile("yazd-contracts"), dest_dir=tmp_path)
    assert result.records == 4 and result.fault_count == 3
    assert {year: t.rows for year, t in result.tables.items()} == {1403: 1}
    first, second, third = result.faults
    assert isinstance(first, RowFault)
    assert (first.index, first.field, first.value, first.code) == (
        1, "signed_date", "1403/13/40", "date_invalid")
    assert "1403/13/40" in first.fa and "Invalid date" in first.en
    assert (second.index, second.code, second.value) == (3, "fiscal_year_missing", "")
    assert "تاریخ انعقاد" in second.fa and "signed_date" in second.en
    assert (third.index, third.code) == (4, "fiscal_year_range")


def test_fixed_year_and_gregorian_dates(tmp_path):
    records = [{"شماره قرارداد": str(n), "موضوع": "الف", "پیمانکار": "ب", "مبلغ": "1",
                "تاریخ انعقاد": day, "تاریخ شروع": start}
               for n, (day, start) in enumerate([("2024-03-19", ""), ("2024-03-20", ""),
                                                 ("", "1401/12/29"), ("nonsense", "")])]
    profile = load_profile("generic-contracts")
    result = split_by_year(records, profile, dest_dir=tmp_path / "a")
    assert {year: t.rows for year, t in result.tables.items()} == {1401: 1, 1402: 1, 1403: 1}
    assert [f.value for f in result.faults] == ["nonsense"]
    fixed = split_by_year(records, profile, fixed_year=1400, dest_dir=tmp_path / "b")
    assert {year: t.rows for year, t in fixed.tables.items()} == {1400: 4} and not fixed.faults


@pytest.mark.parametrize("text, year", [
    ("1403", 1403), ("۱۴۰۲", 1402), ("سال ۱۴۰۱", 1401), ("سال مالی 1400", 1400),
    ("1403/01/01", 1403), ("۱۴۰۳-۱۲-۳۰", 1403), ("2025-03-21", 1404), ("1402/1/5", 1402)])
def test_year_texts(text, year):
    assert portal_mapping._year_of_text(text, "jalali_date") == year


def test_unknown_and_personal_columns_are_dropped(tmp_path):
    records = [{"شماره پروانه": "1", "نوع": "احداث", "تاریخ صدور": "1403/05/01",
                "کد ملی مالک": "0013542419", "تلفن همراه": "09120000000", "رنگ نما": "سفید",
                "ردیف": "1"}]
    result = split_by_year(records, load_profile("arak-permits"), dest_dir=tmp_path)
    rows = read(result.tables[1403].path)
    assert rows == [["permit_number", "permit_type", "issue_date"], ["1", "احداث", "1403/05/01"]]
    assert "0013542419" not in result.tables[1403].path.read_text(encoding="utf-8")
    frame_of(result.tables[1403], "permits")


def test_amounts_sharing_a_unit_column_in_different_units(tmp_path):
    records = [{"کد": "1", "عنوان": "الف", "نوع": "منابع", "سال": "1403",
                "مصوب (ریال)": "1", "عملکرد (تومان)": "1"}]
    result = split_by_year(records, load_profile("yazd-budgets"), dest_dir=tmp_path)
    assert result.tables == {}
    assert [(f.index, f.code, f.field) for f in result.faults] == [(1, "unit_conflict", "executed")]
    assert "تومان" in result.faults[0].fa and "ریال" in result.faults[0].en


def test_faults_kept_are_capped_but_counted(tmp_path):
    records = ({"شماره قرارداد": str(n), "تاریخ انعقاد": "bad"} for n in range(1500))
    result = split_by_year(records, load_profile("yazd-contracts"), dest_dir=tmp_path)
    assert result.fault_count == 1500 and len(result.faults) == portal_mapping.MAX_FAULTS


def test_a_source_failing_mid_way_leaves_no_files(tmp_path):
    def records():
        yield from yazd_records()
        raise RuntimeError("connection lost")
    with pytest.raises(RuntimeError):
        split_by_year(records(), load_profile("yazd-contracts"), dest_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_no_records_no_tables(tmp_path):
    result = split_by_year(iter(()), load_profile("yazd-contracts"), dest_dir=tmp_path)
    assert (result.tables, result.records, result.faults) == ({}, 0, [])


def test_constant_memory_over_200000_records(tmp_path):
    template = yazd_records()
    days = [f"{year}/{month:02d}/{day:02d}" for year in (1401, 1402, 1403)
            for month in range(1, 13) for day in range(1, 29)]

    def records():
        for n in range(200_000):
            record = dict(template[n % 3])
            record["شماره قرارداد"] = f"ق-{n}"
            record["تاریخ انعقاد"] = days[n % len(days)]
            yield record

    tracemalloc.start()
    try:
        result = split_by_year(records(), load_profile("yazd-contracts"), dest_dir=tmp_path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.records == 200_000 and sum(t.rows for t in result.tables.values()) == 200_000
    assert sorted(result.tables) == [1401, 1402, 1403]
    assert peak < 4 << 20, f"peak {peak / 2**20:.1f} MiB"
    size = sum(t.path.stat().st_size for t in result.tables.values())
    assert size > 20 << 20  # the rows went to disk, not to memory
    assert len(read(result.tables[1402].path)) == result.tables[1402].rows + 1

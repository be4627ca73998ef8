"""Cell rules and the column fast paths agree with the domain functions."""
from __future__ import annotations

import pytest

from ckanext.shafaf.domain import money
from ckanext.shafaf.domain.errors import DomainError
from ckanext.shafaf.tables import load_schema
from ckanext.shafaf.tables.headers import ColumnMatch
from ckanext.shafaf.tables.plan import AmountColumn, TextColumn, TypedColumn

AMOUNTS = ["0", "12", "0012", "۱۲", "٠١٢", "1,250,000", "۱,۲۵۰,۰۰۰", "12,50", "1,5", ",125",
           "999999999999999999", "1000000000000000000", "10000000000000000000", " 12 ", "12.0",
           "12.5", "0.25", "-5", "1e5", "١٢٣", "१२३", "²", "12 تومان", "۲ میلیارد ریال",
           "نامشخص", "12abc", "1 000", "1٬250٬000", "۱۲۵۰٫۵", ""]
UNITS = [None, "ریال", "تومان", "میلیون ریال", "میلیارد تومان"]


@pytest.fixture(autouse=True)
def shafaf_plugin_loaded():
    """Pure Python tests: skip the root conftest's plugin loading."""
    yield


def domain(text: str, unit):
    try:
        return money.parse_amount(text.strip(), unit)
    except DomainError as error:
        return error.code


@pytest.mark.parametrize("unit", UNITS)
def test_amount_column_equals_parse_amount(unit):
    """The C-speed paths (plain digits, «,» groups) give parse_amount's answer."""
    spec = load_schema("contracts").field("amount")
    column = AmountColumn(spec, ColumnMatch(0, "مبلغ", "amount", unit))
    errors: list = []
    values, used = column.run_with_units(AMOUNTS, None, None, errors)
    failed = {position: error.code for position, _, _, error in errors}
    for position, text in enumerate(AMOUNTS):
        if not text:
            assert failed[position] == "required"
            continue
        expected = domain(text, unit)
        got = failed.get(position, (values[position], used[position]))
        if isinstance(expected, tuple) and unit and expected[1] != unit:
            assert got == "unit_conflict", text  # the cell names another unit than the header
        else:
            assert got == expected, text


def test_text_column_folds_trims_and_keeps_zwnj():
    spec = load_schema("contracts").field("subject")
    column = TextColumn(spec, ColumnMatch(0, "موضوع", "subject"))
    errors: list = []
    values = column.run(["  خريد كتاب\u200f ", "می‌شود", "\u200cنیم‌فاصله\u200c", "۲ پل", " ",
                         "a\x00b يك"], errors)
    assert values == ["خرید کتاب", "می‌شود", "نیم‌فاصله", "۲ پل", None, "a\x00b یک"]
    assert [(e[0], e[3].code) for e in errors] == [(4, "required")]


def test_code_column_gets_ascii_digits():
    spec = load_schema("contracts").field("contract_number")
    column = TextColumn(spec, ColumnMatch(0, "شماره", "contract_number"))
    assert column.run(["۱۴۰۳/١٢", "ق-۱۲", "12"], []) == ["1403/12", "ق-12", "12"]


def test_too_long_text():
    spec = load_schema("contracts").field("economic_code")
    column = TextColumn(spec, ColumnMatch(0, "کد اقتصادی", "economic_code"))
    errors: list = []
    assert column.run(["1" * 21, "411111111111"], errors) == [None, "411111111111"]
    (error,) = errors
    assert error[3].code == "too_long" and error[3].en == (
        "The text in 'کد اقتصادی' is longer than 20 characters.")


def test_typed_columns_share_a_memo_per_kind():
    schema = load_schema("contracts")
    memos: dict = {}
    start = TypedColumn(schema.field("start_date"), ColumnMatch(0, "شروع", "start_date"), memos)
    end = TypedColumn(schema.field("end_date"), ColumnMatch(1, "پایان", "end_date"), memos)
    assert start.parse is end.parse and list(memos) == ["jalali_date"]
    errors: list = []
    assert start.run(["۱۴۰۳/۱۲/۳۰", "1403/1/5", "2025-03-20", "", "1404/12/30"], errors) == [
        "2025-03-20", "2024-03-24", "2025-03-20", None, None]
    assert [(e[0], e[2], e[3].code) for e in errors] == [(4, "1404/12/30", "date_invalid")]


def test_choice_matching_ignores_spelling():
    schema = load_schema("contracts")
    column = TypedColumn(schema.field("contract_type"), ColumnMatch(0, "نوع", "contract_type"), {})
    assert column.run(["هزینه‌ای", "هزينه اي", "هزینه", "expense", "مشارکت مدنی", "درآمدی "], []) == [
        "هزینه‌ای", "هزینه‌ای", "هزینه‌ای", "هزینه‌ای", "مشارکتی", "درآمدی"]

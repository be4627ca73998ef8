"""validate_table against validate_file: the same report and the same rows, file by file.

Each case also says which engine must have run (columnar or the row engine
it falls back to), so a case cannot pass by falling back silently; and a
deliberately broken fast path must make these comparisons fail.
"""
from __future__ import annotations

import codecs
import importlib.util
import io
import random
from pathlib import Path
from typing import Any, Callable

import pytest

from ckanext.shafaf.tables import validate_file, validate_table
from ckanext.shafaf.tables.columnar import run_table
from ckanext.shafaf.tests.tables.helpers import (
    BUDGET_HEADER, BUDGET_ROWS, CONTRACT_HEADER, CONTRACT_ROWS as GOOD_ROWS, LEGAL_ID,
    PERMIT_HEADER, PERMIT_ROWS, arabic, csv_bytes, fa, write, xlsx_bytes)
from ckanext.shafaf.tests.tables.test_contracts import BAD_ROWS

ASCII = str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")
BENCH = Path(__file__).resolve().parents[4] / "benchmarks" / "validate.py"
GOOD = [CONTRACT_HEADER, *GOOD_ROWS]
TITLE = ["گزارش قراردادهای شهرداری یزد - سال ۱۴۰۳"]
TOTAL = ["", "جمع کل", "", "", "", "1762.5"]
EDGY = ["4", " \u200f۱۴۰۳/۱۲۶\u00a0", "\u200cخرید  ي ك ى\t", "\ufeffشرکت", f" {LEGAL_ID} ",
        "\u00a0۱٬۲۵۰", "\u202b1403/1/5\u202c", "١٤٠٣/٠٢/٠١", "", "٦", " مناقصه ", "هزینه", "\u200c"]
AMOUNTS = ["12", "۱,۲۵۰,۰۰۰", "1,25,000", "٣٤٥", "१२३", "9" * 19, "1000000000000", "0012",
           "12 میلیون ریال", "۱۲٫۵", "", " ", "1,000,", ",100"]


@pytest.fixture(autouse=True)
def shafaf_plugin_loaded():
    """Pure Python tests: skip the root conftest's plugin loading."""
    yield


def bench() -> Any:
    spec = importlib.util.spec_from_file_location("shafaf_bench_validate", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def contracts_with(rows: list[list[str]], **kw: Any) -> bytes:
    return csv_bytes([CONTRACT_HEADER, *rows], **kw)


def amount_rows() -> list[list[str]]:
    return [[str(i), f"1403/{i}", "خرید", "شرکت", LEGAL_ID, a, "1403/01/05", "", "", "", "", "",
             ""] for i, a in enumerate(AMOUNTS, 1)]


def assert_same(make: Callable[[], Any], schema: str, columnar: bool, **kw: Any) -> None:
    """Both engines on the same file: report dicts equal, frame rows == rows."""
    report, frame, used = run_table(make(), schema, **kw)
    expected, rows = validate_file(make(), schema, **kw)
    assert used is columnar
    assert report.to_dict() == expected.to_dict()
    rows = list(rows)
    if frame is None:
        assert rows == [] and (expected.file_errors or not expected.columns)
    else:
        assert list(frame.columns) == [f["id"] for f in _fields(schema)]
        assert frame.to_dicts() == rows


def _fields(schema: str) -> list[dict[str, Any]]:
    from ckanext.shafaf.tables import datastore_fields
    return datastore_fields(schema)


CASES: dict[str, tuple[Callable[[], Any], str, bool]] = {
    "good utf-8 ,": (lambda: csv_bytes(GOOD), "contracts", True),
    "good utf-8-sig ;": (lambda: csv_bytes(GOOD, "utf-8-sig", ";"), "contracts", True),
    "good utf-8 |": (lambda: csv_bytes(GOOD, delimiter="|"), "contracts", True),
    "good utf-8 tab, LF": (lambda: csv_bytes(GOOD, delimiter="\t").replace(b"\r\n", b"\n"),
                           "contracts", True),
    "no final line end": (lambda: csv_bytes(GOOD)[:-2], "contracts", True),
    "good utf-16 (row engine)": (lambda: csv_bytes(GOOD, "utf-16", "\t"), "contracts", False),
    "windows-1256 (row engine)": (lambda: csv_bytes(
        [[arabic(c).translate(ASCII) for c in r] for r in GOOD], "cp1256"), "contracts", False),
    "xlsx with title (row engine)": (lambda: xlsx_bytes(GOOD_ROWS, title=TITLE[0]),
                                     "contracts", False),
    "bad rows": (lambda: contracts_with(BAD_ROWS), "contracts", True),
    "bad and good": (lambda: contracts_with(BAD_ROWS + GOOD_ROWS * 3), "contracts", True),
    "edge characters": (lambda: contracts_with([EDGY] + GOOD_ROWS), "contracts", True),
    "amount forms": (lambda: contracts_with(amount_rows()), "contracts", True),
    "amount forms, header in تومان": (lambda: csv_bytes(
        [[*CONTRACT_HEADER[:5], "مبلغ به تومان", *CONTRACT_HEADER[6:]], *amount_rows()]),
        "contracts", True),
    "title rows and blank lines": (lambda: csv_bytes([TITLE, [], *GOOD, [""] * 13, [], GOOD_ROWS[0]]),
                                   "contracts", True),
    "totals row": (lambda: contracts_with([*GOOD_ROWS, TOTAL]), "contracts", True),
    "short rows": (lambda: contracts_with([r[:7] for r in GOOD_ROWS]), "contracts", True),
    "missing required column": (lambda: csv_bytes([CONTRACT_HEADER[2:], *[r[2:] for r in GOOD_ROWS]]),
                                "contracts", True),
    "wrong table": (lambda: csv_bytes([["نام", "نام خانوادگی", "حقوق"], ["علی", "احمدی", "100"]]),
                    "contracts", False),
    "duplicate column": (lambda: csv_bytes([CONTRACT_HEADER + ["مدت"], GOOD_ROWS[0] + ["5"]]),
                         "contracts", True),
    "header only": (lambda: csv_bytes([CONTRACT_HEADER]), "contracts", True),
    "empty file": (lambda: b"", "contracts", False),
    "extra cells (row engine)": (lambda: contracts_with([GOOD_ROWS[0] + ["", "سرریز"]]),
                                 "contracts", False),
    "empty extra cells": (lambda: csv_bytes([CONTRACT_HEADER + [""], *[r + [" "] for r in GOOD_ROWS]]),
                          "contracts", True),
    "undecodable line (row engine)": (lambda: csv_bytes(GOOD) + csv_bytes(
        [[arabic(c).translate(ASCII) for c in GOOD_ROWS[2]]], "cp1256"), "contracts", False),
    "quoted line break (row engine)": (lambda: contracts_with(
        [GOOD_ROWS[0][:2] + ["دو\nخط"] + GOOD_ROWS[0][3:]]), "contracts", False),
    "quoted cells": (lambda: csv_bytes(GOOD).replace("هزینه‌ای".encode(), '"هزینه,ای"'.encode())
                     .replace(b"\r\n2,", b'\r\n"2",'), "contracts", True),
    "text after a closing quote (row engine)": (lambda: csv_bytes(GOOD).replace(
        b"\r\n2,", b'\r\n"2"x,'), "contracts", False),
    "unit separator in a cell (row engine)": (lambda: csv_bytes(GOOD).replace(
        b"\r\n2,", b"\r\n2\x1f,"), "contracts", False),
    "unit separator in the header (row engine)": (lambda: csv_bytes(GOOD).replace(
        "ردیف".encode(), "ردیف\x1f".encode()), "contracts", False),
    "lone CR (row engine)": (lambda: csv_bytes(GOOD).replace(b"\r\n2,", b"\r2,"),
                             "contracts", False),
    "too long cells, and long in bytes only": (lambda: contracts_with([
        GOOD_ROWS[0][:1] + ["ش" * 60] + GOOD_ROWS[0][2:],            # 120 bytes, 60 characters
        GOOD_ROWS[1][:1] + ["۱" * 101, "خ" * 2001] + GOOD_ROWS[1][3:]]), "contracts", True),
    "NUL in a cell": (lambda: csv_bytes(GOOD).replace("مشاوره".encode(), "مشا\x00وره".encode()),
                      "contracts", True),
    "quoted title row with a comma": (lambda: csv_bytes([["گزارش, سال ۱۴۰۳"], *GOOD]),
                                      "contracts", True),
    "English headers, ASCII only": (lambda: csv_bytes([
        ["contract number", "subject", "contractor", "national id", "amount", "date signed"],
        ["1403/1", "Road repair", "Pars Co", LEGAL_ID, "1,250,000", "2024-03-24"],
        ["1403/2", "Lighting", "Kian Co", "123", "x", "2024-13-01"]]), "contracts", True),
    "utf-8 BOM and title": (lambda: codecs.BOM_UTF8 + csv_bytes([TITLE, *GOOD]), "contracts", True),
    "budgets": (lambda: csv_bytes([BUDGET_HEADER, *BUDGET_ROWS]), "budget_lines", True),
    "budget unit errors": (lambda: csv_bytes([BUDGET_HEADER, *BUDGET_ROWS, ["1403", "3", "x", "منابع",
                           "", "12 تومان", "7", "x", "", "دلار"], ["1403", "4", "y", "منابع", "", "5",
                           "", "", "", ""]]), "budget_lines", True),
    "budget header unit vs row unit": (lambda: csv_bytes(
        [[*BUDGET_HEADER[:5], "لایحه (تومان)", *BUDGET_HEADER[6:]], *BUDGET_ROWS]),
        "budget_lines", True),
    "budget required and choice errors": (lambda: csv_bytes([BUDGET_HEADER, *BUDGET_ROWS, [
        "", "5", "z", "نامعلوم", "", "1", "2", "3", "4", "ریال"], ["1399", "", "", "", "", "", "",
        "", "", ""]]), "budget_lines", True),
    "budgets without a unit column": (lambda: csv_bytes(
        [BUDGET_HEADER[:-1], *[r[:-1] for r in BUDGET_ROWS]]), "budget_lines", True),
    "budgets xlsx (row engine)": (lambda: xlsx_bytes([BUDGET_HEADER, *BUDGET_ROWS]),
                                  "budget_lines", False),
    "permits, every date invalid": (lambda: csv_bytes([PERMIT_HEADER, *[
        r[:3] + ["1403/13/01"] + r[4:] for r in PERMIT_ROWS]]), "permits", True),
    "permits": (lambda: csv_bytes([PERMIT_HEADER, *PERMIT_ROWS]), "permits", True),
    "permit errors": (lambda: csv_bytes([PERMIT_HEADER, *PERMIT_ROWS, ["3", "x", "کلبه", "1403/13/1",
                      "", "", "", "-5", "2.5", "۱۰۰۰", "", "", "abc"]]), "permits", True),
}


@pytest.mark.parametrize("name", list(CASES))
def test_same_report_and_rows(name):
    make, schema, columnar = CASES[name]
    assert_same(make, schema, columnar)


def test_error_cap():
    rows = [[str(i), f"1403/{i}", "خرید", "شرکت", LEGAL_ID, "1", "1404/12/30", "", "", "", "", "",
             ""] for i in range(1, 31)]
    assert_same(lambda: contracts_with(rows), "contracts", True, max_errors=10)


def test_sources(tmp_path):
    data = csv_bytes(GOOD)
    path = write(tmp_path, "قراردادها.csv", data)
    assert_same(lambda: path, "contracts", True)
    assert_same(lambda: str(path), "contracts", True)

    def after_preamble() -> io.BytesIO:
        buffer = io.BytesIO(b"PREAMBLE" + data)
        buffer.seek(8)
        return buffer
    assert_same(after_preamble, "contracts", True)


@pytest.mark.parametrize("seed, bad_share", [(1403, 0.01), (7, 0.2), (99, 0.5)])
def test_generated_registers(tmp_path, seed, bad_share):
    """The benchmark's generator: Persian digits, Arabic letters, groups, bad rows."""
    module, path = bench(), tmp_path / "contracts.csv"
    module.write_csv(path, 3000, seed=seed, bad_share=bad_share)
    assert_same(lambda: path, "contracts", True)


def test_generated_register_across_batches(tmp_path):
    """Several of the row engine's batches, a totals row, Persian digits everywhere."""
    module, rng = bench(), random.Random(5)
    pool = module.contractors(rng, 200)
    rows = [[fa(c) if i % 3 else c for c in module.contract_row(rng, i, pool, 0.05)[:13]]
            for i in range(1, 2500)]
    rows.insert(1500, TOTAL)
    assert_same(lambda: contracts_with(rows), "contracts", True)


def test_integers_beyond_int64_fall_back_to_int128():
    """A schema without a maximum: the fast path cannot hold 2**70, the row engine can."""
    schema = {"name": "t", "fields": [{"name": "code", "type": "string"},
                                      {"name": "count", "type": "integer"}]}
    data = csv_bytes([["code", "count"], ["a", str(2 ** 70)], ["b", "5"]])
    report, frame, used = run_table(data, schema)
    expected, rows = validate_file(data, schema)
    assert used is False and report.to_dict() == expected.to_dict()
    assert frame is not None and frame.to_dicts() == list(rows)
    assert str(frame.schema["count"]) == "Int128"


def test_a_broken_fast_path_is_caught(monkeypatch):
    """The comparison is not vacuous: a wrong fold in the columnar engine fails it."""
    monkeypatch.setattr("ckanext.shafaf.tables.vector.ARABIC_TO", ["x", "x", "x"])
    with pytest.raises(AssertionError):
        assert_same(lambda: contracts_with(GOOD_ROWS), "contracts", True)


def test_a_fault_in_the_fast_path_falls_back_with_a_clean_report(monkeypatch):
    """An exception after the report was touched: the row engine's report, not a mix."""
    def broken(*args):
        raise RuntimeError("boom")
    monkeypatch.setattr("ckanext.shafaf.tables.columnar._figures", broken)
    data = contracts_with(BAD_ROWS + GOOD_ROWS + [TOTAL])
    report, frame, used = run_table(data, "contracts")
    expected, rows = validate_file(data, "contracts")
    assert used is False and report.to_dict() == expected.to_dict()
    assert frame is not None and frame.to_dicts() == list(rows)


def test_validate_table_public_api():
    report, frame = validate_table(csv_bytes(GOOD), "contracts")
    assert report.valid and frame is not None and frame.height == 3
    assert str(frame.schema["amount"]) == "Int64" and str(frame.schema["signed_date"]) == "String"
    report, frame = validate_table(b"%PDF-1.4", "contracts")
    assert frame is None and report.file_errors[0]["code"] == "not_a_table"

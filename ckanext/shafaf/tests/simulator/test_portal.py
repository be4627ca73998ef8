"""portal.py: every export, its paging and its switches, through a real server."""
from __future__ import annotations

import codecs
import io
import json

import pytest
from python_calamine import CalamineWorkbook

from ckanext.shafaf.simulator import Simulator
from ckanext.shafaf.simulator.layouts import ARAK_CONTRACTS, PERMIT_KEYS, YAZD_BUDGETS
from ckanext.shafaf.tests.simulator.helpers import (
    SCHEMAS, assert_valid, csv_from, export_table, fetch, get_json, html_table_rows,
    mashhad_contract_items, mashhad_permit_results, validate)

YAZD_HEADER = ("ردیف,شماره قرارداد,موضوع قرارداد,طرف قرارداد,شناسه ملی,مبلغ نهایی (ریال),"
               "تاریخ انعقاد,نحوه انتخاب پیمانکار")
ROWS = {"contracts": 120, "budget_lines": 90, "permits": 180}  # defaults x 3 fiscal years


@pytest.mark.parametrize("path", sorted(SCHEMAS))
def test_every_export_passes_our_validator(base: str, path: str) -> None:
    schema = SCHEMAS[path]
    assert_valid(export_table(base, path), schema, ROWS[schema])


def test_yazd_contracts_csv(base: str) -> None:
    status, headers, body = fetch(base + "/yazd/contracts.csv")
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    assert body.startswith(codecs.BOM_UTF8)
    text = body.decode("utf-8-sig")
    assert text.splitlines()[0] == YAZD_HEADER
    assert "۱۴۰۳/" in text and "1401/" in text  # some dates in Persian digits, all years
    assert "\u200c" in text and "ي" in text and "ی" in text
    report = validate(body, "contracts")
    assert report.encoding == "utf_8_sig" and report.delimiter == ","


def test_yazd_budgets_xlsx_reads_with_calamine(base: str) -> None:
    _, headers, body = fetch(base + "/yazd/budgets.xlsx")
    assert headers["Content-Type"].endswith("spreadsheetml.sheet")
    book = CalamineWorkbook.from_filelike(io.BytesIO(body))
    rows = book.get_sheet_by_index(0).to_python()
    assert "بودجه" in rows[0][0] and "۱۴۰۱" in rows[0][0]
    assert rows[1] == list(YAZD_BUDGETS)
    assert len(rows) == 2 + 90
    assert {row[3] for row in rows[2:]} == {"منابع", "مصارف"}
    report = validate(body, "budget_lines")
    assert report.header_line == 2 and report.figures["fiscal_years"] == [1401, 1402, 1403]


def test_arak_contracts_html_parses_with_lxml(base: str) -> None:
    _, headers, body = fetch(base + "/arak/contracts.html")
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    header, rows = html_table_rows(body)
    assert header == list(ARAK_CONTRACTS)
    assert len(rows) == 120 and all(len(row) == len(header) for row in rows)
    assert_valid(csv_from(header, rows), "contracts", 120)


def test_arak_permits_are_windows_1256_semicolons(base: str) -> None:
    _, _, body = fetch(base + "/arak/permits.csv")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    text = body.decode("cp1256")
    assert text.splitlines()[0].split(";")[1:] == [k.replace("ی", "ي") for k in PERMIT_KEYS]
    report = validate(body, "permits")
    assert report.encoding == "cp1256" and report.delimiter == ";"


def test_mashhad_contract_pages(base: str) -> None:
    pages = [get_json(f"{base}/mashhad/api/contracts?page={p}&size=50") for p in (1, 2, 3, 4)]
    assert [len(p["items"]) for p in pages] == [50, 50, 20, 0]
    assert all(p["total"] == 120 and p["size"] == 50 for p in pages)
    assert [p["page"] for p in pages] == [1, 2, 3, 4]
    item = pages[0]["items"][0]
    assert list(item) == ["contractNo", "subject", "contractor", "nationalId", "amountToman",
                          "signDate", "method"]
    assert isinstance(item["amountToman"], int) and item["signDate"][:4] == "1401"
    numbers = [i["contractNo"] for i in mashhad_contract_items(base, size=7)]
    assert len(numbers) == len(set(numbers)) == 120


def test_mashhad_contract_page_arguments(base: str) -> None:
    default = get_json(f"{base}/mashhad/api/contracts")
    assert default["page"] == 1 and default["size"] == 50
    assert get_json(f"{base}/mashhad/api/contracts?size=100000")["size"] == 500
    for query in ("page=0", "size=0", "page=x"):
        status, _, body = fetch(f"{base}/mashhad/api/contracts?{query}")
        assert status == 400 and "error" in json.loads(body)


def test_mashhad_permit_cursors(base: str, sim: Simulator) -> None:
    first = get_json(f"{base}/mashhad/api/permits")
    assert len(first["results"]) == 40
    assert first["next"].startswith(base + "/mashhad/api/permits?cursor=")
    results = mashhad_permit_results(base)
    assert len(results) == 180 and len({r["شماره پروانه"] for r in results}) == 180
    assert set(results[0]) == set(PERMIT_KEYS)
    sim.set_size("mashhad", "permits", 40)  # 120: exactly three pages, the third has next null
    pages = []
    url = f"{base}/mashhad/api/permits"
    while url:
        pages.append(get_json(url))
        url = pages[-1]["next"]
    assert [len(p["results"]) for p in pages] == [40, 40, 40]
    assert fetch(f"{base}/mashhad/api/permits?cursor=%%%")[0] == 400


def test_sizes_and_years(base: str, sim: Simulator) -> None:
    sim.set_size("yazd", "contracts", 7)
    sim.set_years("yazd", "contracts", [1402, 1403])
    _, _, body = fetch(base + "/yazd/contracts.csv")
    numbers = [line.split(",")[1] for line in body.decode("utf-8-sig").splitlines()[1:]]
    assert numbers == [f"ق-{y}-{i:04d}" for y in (1402, 1403) for i in range(1, 8)]
    assert_valid(body, "contracts", 14)
    sim.set_size("yazd", "budget_lines", 4)
    assert_valid(fetch(base + "/yazd/budgets.xlsx")[2], "budget_lines", 12)
    with pytest.raises(ValueError):
        sim.set_size("yazd", "permits", 3)  # Yazd publishes no permits here
    with pytest.raises(ValueError):
        sim.set_size("arak", "contracts", -1)


def test_years_switch_changes_what_is_published(base: str, sim: Simulator) -> None:
    sim.set_years("mashhad", "contracts", [1403])
    items = mashhad_contract_items(base)
    assert len(items) == 40 and {i["signDate"][:4] for i in items} == {"1403"}


def test_edit_changes_one_record(base: str, sim: Simulator) -> None:
    before = mashhad_contract_items(base)
    assert sim.edit("mashhad", "contracts", 1402, 3) == 1
    after = mashhad_contract_items(base)
    changed = [(b, a) for b, a in zip(before, after) if b != a]
    assert len(changed) == 1
    old, new = changed[0]
    assert old is before[43] and new["contractNo"] == old["contractNo"]
    assert new["amountToman"] > old["amountToman"] and new["subject"] != old["subject"]
    sim.reset()
    assert mashhad_contract_items(base) == before


def test_empty_source_is_an_empty_table(base: str, sim: Simulator) -> None:
    sim.set_size("arak", "contracts", 0)
    header, rows = html_table_rows(fetch(base + "/arak/contracts.html")[2])
    assert header == list(ARAK_CONTRACTS) and rows == []
    sim.set_size("mashhad", "permits", 0)
    assert get_json(f"{base}/mashhad/api/permits") == {"results": [], "next": None}


def test_unknown_path_and_method(base: str) -> None:
    assert fetch(base + "/yazd/salaries.csv")[0] == 404
    assert fetch(base + "/yazd/contracts.csv", data={})[0] == 405

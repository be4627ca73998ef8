"""Every portal profile end to end against the simulator (docs/harvesting.md).

fetch → split by year → validate_table, and the amounts that come out in
Rials are the simulator's own records' amounts: the profiles' units and
mappings are right, not merely accepted.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

from ckanext.shafaf.domain.digits import to_ascii_digits
from ckanext.shafaf.harvesters.portal_fetch import SourceFault, iter_rows
from ckanext.shafaf.harvesters.portal_mapping import MappingResult, split_by_year
from ckanext.shafaf.harvesters.profiles import load_profile
from ckanext.shafaf.tables import validate_table

simulator = pytest.importorskip("ckanext.shafaf.simulator.portal")
server = pytest.importorskip("ckanext.shafaf.simulator.server")

# profile -> (simulator path, city, kind, the amount field and the record attribute it holds)
SOURCES = {
    "yazd-contracts": ("/yazd/contracts.csv", "yazd", "contracts", "amount", "amount_irr"),
    "yazd-budgets": ("/yazd/budgets.xlsx", "yazd", "budgets", "approved", "approved"),
    "mashhad-contracts": ("/mashhad/api/contracts", "mashhad", "contracts", "amount", "amount_irr"),
    "mashhad-permits": ("/mashhad/api/permits", "mashhad", "permits", "fees", "fees_irr"),
    "arak-contracts": ("/arak/contracts.html", "arak", "contracts", "amount", "amount_irr"),
    "arak-permits": ("/arak/permits.csv", "arak", "permits", "fees", "fees_irr"),
}


@pytest.fixture(scope="module")
def portal() -> Iterator[tuple[Any, str]]:
    sim = simulator.PortalSimulator()
    with server.serve(sim) as base:
        yield sim, base


@pytest.fixture
def sim(portal):
    portal[0].reset()
    yield portal[0]
    portal[0].reset()


def harvest(base: str, name: str, tmp_path: Path, **options: Any) -> MappingResult:
    profile = load_profile(name)
    rows = iter_rows(base + SOURCES[name][0], profile, tmp_path / "download",
                     timeout=options.pop("timeout", 10), max_bytes=64 << 20)
    return split_by_year(rows, profile, dest_dir=tmp_path / "years", **options)


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_profile_end_to_end(portal, sim, tmp_path, name):
    _, base = portal
    path, city, kind, field, attribute = SOURCES[name]
    result = harvest(base, name, tmp_path)
    per_year = sim.count(city, kind) // 3
    assert result.faults == [] and result.records == sim.count(city, kind)
    assert {year: t.rows for year, t in result.tables.items()} == {
        1401: per_year, 1402: per_year, 1403: per_year}
    records = sim.records(city, kind)
    for year, table in result.tables.items():
        report, frame = validate_table(str(table.path), load_profile(name).table_schema)
        assert report.valid, (name, year, report.file_errors, report.row_errors[:3])
        assert report.warnings == [] and report.unknown_columns == []
        expected = sorted(getattr(r, attribute) for r in records if r.fiscal_year == year)
        assert sorted(frame[field].to_list()) == expected  # in Rials, whatever the portal's unit


def test_mashhad_pages_many_requests(portal, sim, tmp_path):
    sim.set_size("mashhad", "contracts", 250)
    sim.set_years("mashhad", "contracts", [1402, 1403])
    sim.permits_page_size = 7
    result = harvest(portal[1], "mashhad-contracts", tmp_path)
    assert {y: t.rows for y, t in result.tables.items()} == {1402: 250, 1403: 250}
    permits = harvest(portal[1], "mashhad-permits", tmp_path / "p")
    assert permits.records == sim.count("mashhad", "permits")


def test_an_edit_changes_only_its_year(portal, sim, tmp_path):
    before = harvest(portal[1], "yazd-contracts", tmp_path / "a")
    sim.edit("yazd", "contracts", 1402, 5)
    after = harvest(portal[1], "yazd-contracts", tmp_path / "b")
    assert after.tables[1402].sha256 != before.tables[1402].sha256
    assert after.tables[1401].sha256 == before.tables[1401].sha256
    assert after.tables[1403].sha256 == before.tables[1403].sha256


@pytest.mark.parametrize("name", ["yazd-contracts", "arak-contracts", "mashhad-contracts"])
def test_windows_1256_variants_read_the_same(portal, sim, tmp_path, name):
    plain = harvest(portal[1], name, tmp_path / "a")
    sim.set_fault(SOURCES[name][0], "windows1256")
    folded = harvest(portal[1], name, tmp_path / "b")
    assert {y: t.rows for y, t in folded.tables.items()} == {
        y: t.rows for y, t in plain.tables.items()}
    schema = load_profile(name).table_schema
    for year in plain.tables:
        _, one = validate_table(str(plain.tables[year].path), schema)
        report, two = validate_table(str(folded.tables[year].path), schema)
        assert report.valid
        assert one["amount"].to_list() == two["amount"].to_list()
        # ي is folded back to ی; the Persian digits Windows-1256 lacks stay ASCII
        assert [to_ascii_digits(text) for text in one["subject"]] == two["subject"].to_list()


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_malformed_rows(portal, sim, tmp_path, name):
    sim.set_fault(SOURCES[name][0], "malformed_rows")
    result = harvest(portal[1], name, tmp_path)
    schema = load_profile(name).table_schema
    errors = sum(validate_table(str(t.path), schema)[0].error_count for t in result.tables.values())
    # the impossible date either hides the year (a mapping fault) or is a cell error
    assert result.fault_count + errors >= 3 - (name == "yazd-budgets")
    assert all(f.fa and f.en for f in result.faults)


FAULT_CODES = {"timeout": "timeout", "http500": "http_error", "http503": "http_error",
               "truncated": "truncated", "empty": "empty", "gone": "gone"}


@pytest.mark.parametrize("fault", sorted(FAULT_CODES))
@pytest.mark.parametrize("name", sorted(SOURCES))
def test_source_faults(portal, sim, tmp_path, name, fault):
    sim.hold_seconds = 3
    sim.set_fault(SOURCES[name][0], fault)
    with pytest.raises(SourceFault) as caught:
        harvest(portal[1], name, tmp_path, timeout=0.5)
    assert caught.value.code == FAULT_CODES[fault]
    assert not (tmp_path / "years").exists() or not list((tmp_path / "years").iterdir())
    assert not list((tmp_path / "download").iterdir())


@pytest.mark.parametrize("name, code", [
    ("mashhad-contracts", "not_json"), ("mashhad-permits", "not_json"),
    ("yazd-contracts", "not_a_table"), ("arak-contracts", "not_a_table"),
    ("arak-permits", "not_a_table"), ("yazd-budgets", "not_a_table")])
def test_html_error_page_with_status_200(portal, sim, tmp_path, name, code):
    sim.set_fault(SOURCES[name][0], "not_json")
    with pytest.raises(SourceFault) as caught:
        harvest(portal[1], name, tmp_path)
    assert caught.value.code == code


def test_shrunk_export_is_read_as_served(portal, sim, tmp_path):
    sim.set_fault("/yazd/contracts.csv", "shrink")
    result = harvest(portal[1], "yazd-contracts", tmp_path)
    assert result.records == sim.count("yazd", "contracts", shrink=True) < 120

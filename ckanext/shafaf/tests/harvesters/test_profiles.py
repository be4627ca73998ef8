"""Mapping profiles: every shipped profile loads; broken ones fail in both languages."""
from __future__ import annotations

import copy
import pickle
import re

import pytest
import yaml

from ckanext.shafaf.harvesters import profiles
from ckanext.shafaf.harvesters.profiles import (
    ProfileError, available_profiles, load_profile, parse_profile)

SHIPPED = ["arak-contracts", "arak-permits", "generic-contracts", "mashhad-contracts",
           "mashhad-permits", "yazd-budgets", "yazd-contracts"]
PERSIAN = re.compile("[\u0600-\u06ff]")
GOOD = {
    "name": "test", "title": {"fa_IR": "آزمایشی", "en": "Test"}, "dataset_type": "contract",
    "table_schema": "contracts", "format": "json", "fiscal_year": {"column": "signed_date"},
    "columns": {"amount": {"headers": ["amountToman"], "unit": "تومن"},
                "contract_number": ["contractNo"]},
    "json": {"records": "items", "page_size": {"size": 50}},
}


def test_shipped_profiles_are_listed():
    assert available_profiles() == SHIPPED


@pytest.mark.parametrize("name", SHIPPED)
def test_every_profile_loads(name):
    profile = load_profile(name)
    assert profile.name == name
    assert PERSIAN.search(profile.title["fa_IR"]) and profile.title["en"]
    assert profiles.DATASET_TYPES[profile.dataset_type] == profile.table_schema
    fields = profile.schema.field_names
    assert set(profile.columns) <= set(fields) and set(profile.year_columns) <= set(fields)
    assert (profile.year_columns or profile.year_value) and (profile.json is not None) == (
        profile.format == "json") and (profile.html is not None) == (profile.format == "html")
    assert load_profile(name) is profile  # parsed once per process


def test_profile_details():
    mashhad = load_profile("mashhad-contracts")
    assert mashhad.units == {"amount": "تومان"}
    assert mashhad.json.records == "items" and mashhad.json.paging.style == "page_size"
    assert (mashhad.json.paging.page_param, mashhad.json.paging.size_param,
            mashhad.json.paging.start) == ("page", "size", 1)
    permits = load_profile("mashhad-permits")
    assert permits.json.records == "results" and permits.json.paging.style == "next"
    assert permits.json.paging.next_key == "next"
    assert load_profile("arak-contracts").html.table == "table.contracts"
    assert load_profile("yazd-budgets").year_columns == ("fiscal_year",)


def test_parse_normalises_units_and_defaults():
    profile = parse_profile(copy.deepcopy(GOOD))
    assert profile.units == {"amount": "تومان"}  # «تومن» is the same unit
    assert profile.columns["contract_number"] == ("contractNo",)
    paging = profile.json.paging
    assert (paging.size, paging.start, paging.total_key) == (50, 1, "total")
    fixed = parse_profile({**GOOD, "fiscal_year": {"value": "۱۴۰۳"}})
    assert fixed.year_value == 1403 and fixed.year_columns == ()


def test_load_from_a_path(tmp_path):
    path = tmp_path / "custom.yaml"
    path.write_text(yaml.safe_dump(GOOD, allow_unicode=True), encoding="utf-8")
    assert load_profile(path).name == "test"
    assert load_profile(str(path)).format == "json"


def broken(**changes):
    data = copy.deepcopy(GOOD)
    for dotted, value in changes.items():
        keys = dotted.split("__")
        target = data
        for key in keys[:-1]:
            target = target[key]
        if value is KeyError:
            del target[keys[-1]]
        else:
            target[keys[-1]] = value
    return data


@pytest.mark.parametrize("data, where, english", [
    (["not", "a", "mapping"], "(root)", "must be a mapping"),
    (broken(fiscal_yeer=1), "(root)", "unknown key(s): fiscal_yeer"),
    (broken(format=KeyError), "format", "required"),
    (broken(dataset_type="tender"), "dataset_type", "'tender' is not one of"),
    (broken(table_schema="permits"), "table_schema", "must be 'contracts'"),
    (broken(table_schema="salaries"), "table_schema", "is not one of"),
    (broken(format="pdf"), "format", "is not one of csv, xlsx, json, html"),
    (broken(title={"fa_IR": "عنوان"}), "title.en", "non-empty string"),
    (broken(title={"fa": "عنوان", "en": "x"}), "title", "unknown key(s): fa"),
    (broken(columns__amout=["x"]), "columns", "unknown key(s): amout"),
    (broken(columns__subject=5), "columns.subject", "list of headers"),
    (broken(columns__subject=["شماره"], columns__contract_number=["شماره"]),
     "columns.subject", "is also given for 'contract_number'"),
    (broken(columns__subject=["شمارہ", "شماره "]), None, None),  # distinct keys: fine
    (broken(columns__amount={"headers": ["a"], "unit": "دلار"}), "columns.amount.unit",
     "Unknown currency unit"),
    (broken(columns__subject={"unit": "ریال"}), "columns.subject.unit", "amount fields only"),
    (broken(fiscal_year={"column": "subject"}), "fiscal_year.column", "holds no date or year"),
    (broken(fiscal_year={"column": "signed"}), "fiscal_year.column", "is not a field"),
    (broken(fiscal_year={"value": 1603}), "fiscal_year.value", "between 1300 and 1499"),
    (broken(fiscal_year={"value": 1403, "column": "signed_date"}), "fiscal_year", "exactly one"),
    (broken(json__page_size__size=0), "json.page_size.size", "at least 1"),
    (broken(json__next={"next_key": "n"}), "json", "only one of"),
    (broken(json__cursor={}), "json", "unknown key(s): cursor"),
    (broken(html={"index": 0}), "html", "does not apply to format 'json'"),
    ({**broken(json=KeyError), "format": "html", "html": {"table": "div > table"}},
     "html.table", "unsupported CSS selector"),
])
def test_bad_profiles_fail_in_both_languages(data, where, english):
    if where is None:
        parse_profile(data)
        return
    with pytest.raises(ProfileError) as caught:
        parse_profile(data, source="bad")
    error = caught.value
    assert f"'{where}'" in error.en and english in error.en
    assert PERSIAN.search(error.fa) and f"«{where}»" in error.fa
    assert str(error) == f"{error.fa} / {error.en}"
    assert isinstance(error, ValueError)


def test_unknown_profile_and_bad_yaml(tmp_path):
    with pytest.raises(ProfileError) as caught:
        load_profile("tehran-contracts")
    assert caught.value.code == "profile_unknown" and "yazd-contracts" in caught.value.en
    assert PERSIAN.search(caught.value.fa)
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed\n", encoding="utf-8")
    with pytest.raises(ProfileError, match="not valid YAML"):
        load_profile(bad)
    with pytest.raises(ProfileError, match="cannot be read"):
        load_profile(tmp_path / "missing.yaml")


def test_shipped_name_must_match_its_file(monkeypatch):
    monkeypatch.setattr(profiles, "available_profiles", lambda: ["other"])
    monkeypatch.setattr(profiles, "_shipped_text",
                        lambda name: yaml.safe_dump(GOOD, allow_unicode=True))
    profiles._shipped.cache_clear()
    try:
        with pytest.raises(ProfileError, match="must equal the file name 'other'"):
            profiles._shipped("other")
    finally:
        profiles._shipped.cache_clear()


def test_profile_error_pickles():
    error = ProfileError("خطا", "error", "p", "profile_invalid")
    again = pickle.loads(pickle.dumps(error))
    assert (again.fa, again.en, again.profile, again.code) == ("خطا", "error", "p", "profile_invalid")

"""Table schemas load, are valid Table Schema, and match staff headers."""
from __future__ import annotations

import json

import pytest

from ckanext.shafaf.tables import SchemaError, available_schemas, datastore_fields, load_schema
from ckanext.shafaf.tables.headers import HeaderIndex, header_key, split_unit
from ckanext.shafaf.tables.schema import STANDARD_TYPES, parse_schema
from ckanext.shafaf.tests.tables.helpers import arabic


@pytest.fixture(autouse=True)
def shafaf_plugin_loaded():
    """Pure Python tests: skip the root conftest's plugin loading."""
    yield


def test_shipped_schemas():
    assert available_schemas() == ["budget_lines", "contracts", "permits"]


@pytest.mark.parametrize("name", ["budget_lines", "contracts", "permits"])
def test_schema_is_standard_table_schema(name):
    schema = load_schema(name)
    HeaderIndex(schema)  # raises on an alias naming two fields
    for spec in schema.source["fields"]:
        assert spec["name"].isascii() and spec["type"] in STANDARD_TYPES
        assert spec["title"] and not spec["title"].isascii()
    assert json.loads(json.dumps(schema.source)) == schema.source


def test_permits_publish_no_national_id():
    schema = load_schema("permits")
    assert not any(spec.kind in ("national_or_legal_id", "legal_id") for spec in schema.fields)
    index = HeaderIndex(schema)
    mapping = index.map(["شماره پروانه", "کد ملی مالک", "تلفن همراه"])
    assert [c for _, c in mapping.personal] == ["کد ملی مالک", "تلفن همراه"]


def test_datastore_fields():
    fields = {f["id"]: f for f in datastore_fields("contracts")}
    assert fields["amount"]["type"] == "int8"
    assert fields["signed_date"]["type"] == "date"
    assert fields["contractor_id"]["type"] == "text"
    assert fields["subject"]["info"]["label"] == "موضوع قرارداد"


@pytest.mark.parametrize("header, field", [
    ("شماره قرارداد", "contract_number"),
    ("شماره‌ قرارداد", "contract_number"),           # stray ZWNJ
    ("  شماره   قرارداد ", "contract_number"),
    ("Contract Number", "contract_number"),
    (arabic("طرف قرارداد"), "contractor_name"),
    ("پيمانكار", "contractor_name"),                   # Arabic ي and ك
    ("طرف‌قرارداد", "contractor_name"),                # ZWNJ instead of a space
    ("شناسه ملی / کد ملی", "contractor_id"),
    ("نحوه انتخاب پیمانکار", "selection_method"),
    ("مدت قرارداد (ماه)", "duration_months"),
    ("تاریخ انعقاد قرارداد", "signed_date"),
])
def test_contract_header_aliases(header, field):
    assert HeaderIndex(load_schema("contracts")).resolve(header) == (field, None)


@pytest.mark.parametrize("header, unit", [
    ("مبلغ قرارداد (میلیون ریال)", "میلیون ریال"),
    ("مبلغ قرارداد (ميليون ريال)", "میلیون ریال"),     # Arabic ي
    ("مبلغ (ریال)", "ریال"),
    ("مبلغ قرارداد به تومان", "تومان"),
    ("مبلغ قرارداد - میلیارد ریال", "میلیارد ریال"),
    ("مبلغ نهایی (هزار ریال)", "هزار ریال"),
    ("مبلغ قرارداد", None),
    ("Amount (IRR)", "ریال"),
])
def test_amount_header_implies_unit(header, unit):
    assert HeaderIndex(load_schema("contracts")).resolve(header) == ("amount", unit)


def test_unit_only_split_from_amount_headers():
    index = HeaderIndex(load_schema("permits"))
    assert index.resolve("عوارض (تومان)") == ("fees", "تومان")
    assert index.resolve("زیربنا (ریال)") is None  # a unit of money on an area: unknown


def test_split_unit():
    assert split_unit("مبلغ (میلیون تومان)") == ("مبلغ", "میلیون تومان")
    assert split_unit("مبلغ بر حسب ریال") == ("مبلغ", "ریال")
    assert split_unit("تعداد واحد") == ("تعداد واحد", None)


def test_header_key_folds_spelling():
    assert header_key("هزینه‌ای") == header_key("هزينه اي") == header_key("هزینه ای")


def test_unknown_and_ignored_columns():
    mapping = HeaderIndex(load_schema("contracts")).map(
        ["ردیف", "شماره قرارداد", "موضوع", "کد رهگیری", "", "پیمانکار"])
    assert [c.field for c in mapping.columns] == ["contract_number", "subject", "contractor_name"]
    assert mapping.ignored == [(0, "ردیف")]
    assert mapping.unknown == [(3, "کد رهگیری")]
    assert [s.name for s in mapping.missing_required] == ["amount"]
    assert mapping.header_width == 6


def test_duplicate_columns_are_reported():
    mapping = HeaderIndex(load_schema("contracts")).map(["مبلغ", "شماره", "مبلغ قرارداد"])
    ((first, again),) = mapping.duplicates
    assert (first.column, again.column, again.field) == ("مبلغ", "مبلغ قرارداد", "amount")


@pytest.mark.parametrize("broken, message", [
    ({"fields": []}, "non-empty"),
    ({"fields": [{"name": "مبلغ"}]}, "ASCII"),
    ({"fields": [{"name": "a", "shafaf:type": "nope"}]}, "unknown shafaf:type"),
    ({"fields": [{"name": "a", "shafaf:type": "choice"}]}, "enum"),
    ({"fields": [{"name": "a", "type": "integer", "shafaf:type": "amount_irr",
                  "shafaf:unit_field": "b"}]}, "unknown field"),
    ({"fields": [{"name": "a", "shafaf:aliases": ["x"]}, {"name": "b", "shafaf:aliases": ["X"]}]},
     "names both"),
])
def test_broken_schemas_are_refused(broken, message):
    with pytest.raises(SchemaError, match=message):
        HeaderIndex(parse_schema(broken))


def test_unknown_schema_name():
    with pytest.raises(SchemaError, match="unknown table schema"):
        load_schema("salaries")

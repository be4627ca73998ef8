"""The diff of two versions of a table: added, removed and changed rows, with the changed cells."""
from __future__ import annotations

import lxml.html

from ckan.tests import helpers

from ckanext.shafaf.tests.tables.helpers import arabic, csv_bytes, xlsx_bytes
from ckanext.shafaf.tests.versions.conftest import HEADER, MARKS, ROWS, row, table
from ckanext.shafaf.versions import diff

pytestmark = MARKS


def _two_versions(contract, upload, old: bytes, new: bytes, new_name: str = "contracts.csv"):
    dataset = contract()
    resource = upload(dataset, old)
    upload(dataset, new, filename=new_name, resource_id=resource["id"])
    return dataset, resource


def test_one_changed_one_added_one_removed_row(contract, upload):
    changed = row("1403/101", "نگهداری فضای سبز", "1,300")         # amount 1,250 → 1,300 million
    added = row("1403/104", "لایروبی قنات", "90")
    dataset, resource = _two_versions(contract, upload, table(ROWS),
                                      table([changed, ROWS[1], added]))
    result = helpers.call_action("shafaf_version_diff", id=dataset["name"],
                                 **{"from": 1, "to": 2})
    assert (result["from"], result["to"]) == (1, 2)
    (res,) = result["resources"]
    assert res["resource_id"] == resource["id"] and res["status"] == "changed"
    assert res["key"] == ["contract_number"]
    assert res["counts"] == {"added": 1, "removed": 1, "changed": 1, "old_rows": 3, "new_rows": 3}
    assert res["changed"] == [{"key": {"contract_number": "1403/101"},
                               "cells": {"amount": {"old": 1_250_000_000,
                                                    "new": 1_300_000_000}}}]
    assert [r["contract_number"] for r in res["added"]] == ["1403/104"]
    assert res["added"][0]["subject"] == "لایروبی قنات" and res["added"][0]["amount"] == 90_000_000
    assert [r["contract_number"] for r in res["removed"]] == ["1403/103"]
    # backwards, the same change seen from the other side
    back = helpers.call_action("shafaf_version_diff", id=dataset["id"], **{"from": 2, "to": 1},
                               resource_id=resource["id"])["resources"][0]
    assert back["changed"][0]["cells"] == {"amount": {"old": 1_300_000_000, "new": 1_250_000_000}}
    assert [r["contract_number"] for r in back["added"]] == ["1403/103"]


def test_same_rows_in_another_encoding_and_format_diff_to_nothing(contract, upload):
    """Windows-1256 with Arabic ي/ك, then XLSX: new bytes (so versions), same rows (empty diff)."""
    ascii_digits = str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")
    cp1256 = [[arabic(c).translate(ascii_digits) for c in r] for r in [HEADER, *ROWS]]
    dataset = contract()
    resource = upload(dataset, csv_bytes(cp1256, encoding="cp1256"))
    upload(dataset, xlsx_bytes([HEADER, *ROWS]), filename="contracts.xlsx",
           resource_id=resource["id"], format="XLSX")
    result = helpers.call_action("shafaf_version_diff", id=dataset["id"], **{"from": 1, "to": 2})
    (res,) = result["resources"]
    assert res["status"] == "changed" and res["rows_compared"] is True
    assert res["counts"]["old_rows"] == res["counts"]["new_rows"] == 3
    assert (res["added"], res["removed"], res["changed"]) == ([], [], []), res


def test_unchanged_resource_and_multiset_fallback():
    """Without a key (or with a duplicated one) rows compare as multisets of whole rows."""
    old = [{"a": "1", "b": "x"}, {"a": "1", "b": "x"}, {"a": "2", "b": "y"}]
    new = [{"a": "1", "b": "x"}, {"a": "2", "b": "y"}, {"a": "3", "b": "z"}]
    result = diff.diff_rows(old, new)
    assert result["removed"] == [{"a": "1", "b": "x"}] and result["added"] == [{"a": "3", "b": "z"}]
    assert result["changed"] == []
    keyed = diff.diff_rows(old, new, ["a"])
    assert keyed["counts"] == {"added": 1, "removed": 1, "changed": 0, "old_rows": 3,
                               "new_rows": 3}
    assert diff.primary_key("contracts") == ["contract_number"]
    assert diff.primary_key("budget_lines") == [] and diff.primary_key(None) == []


def _having(cls: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {cls} ')"


def _select(tree, *steps: tuple[str, str]) -> list:
    """Elements by (tag, class) steps (lxml's cssselect needs a package we do not ship)."""
    return tree.xpath("." + "".join(f"//{tag}[{_having(cls)}]" for tag, cls in steps))


def test_diff_page_shows_rows_and_highlights_changed_cells(app, contract, upload):
    changed = row("1403/101", "نگهداری فضای سبز", "1,300")
    added = row("1403/104", "لایروبی قنات", "90")
    dataset, _ = _two_versions(contract, upload, table(ROWS), table([changed, ROWS[1], added]))
    page = app.get(f"/dataset/{dataset['name']}/versions/diff?from=1&to=2")
    assert page.status_code == 200
    tree = lxml.html.fromstring(page.get_data(as_text=True))
    changed_rows = _select(tree, ("table", "diff-changed"), ("tr", "row-changed"))
    assert len(changed_rows) == 1
    cells = [td.text_content().strip() for td in changed_rows[0].xpath("./td")]
    assert cells == ["contract_number: 1403/101", "amount", "1250000000", "1300000000"]
    assert len(_select(changed_rows[0], ("td", "cell-changed"))) == 2
    added_rows = _select(tree, ("table", "diff-added"), ("tr", "row-added"))
    assert len(added_rows) == 1 and "لایروبی قنات" in added_rows[0].text_content()
    assert "1403/103" in _select(tree, ("table", "diff-removed"))[0].text_content()
    assert _select(tree, ("strong", "count-changed"))[0].text_content() == "۱"
    # no from/to: the latest two versions
    assert "row-changed" in app.get(f"/dataset/{dataset['name']}/versions/diff").get_data(
        as_text=True)

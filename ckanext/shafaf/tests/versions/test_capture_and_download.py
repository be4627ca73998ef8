"""Every change of a dataset's files is a version that keeps its own files (ckan/ckan#5904)."""
from __future__ import annotations

import re

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.shafaf.tests.versions.conftest import MARKS, ROWS, row, table, versions

pytestmark = MARKS

def _as(dataset):
    return {"user": dataset["_user"]["name"]}


JALALI = re.compile(r"^[۰-۹]{4}/[۰-۹]{2}/[۰-۹]{2} [۰-۹]{2}:[۰-۹]{2}$")


def test_each_upload_is_a_version_and_the_old_one_downloads_its_own_file(
        app, contract, upload):
    dataset = contract()
    v1, v2 = table(ROWS), table([*ROWS, row("1403/104", "لایروبی قنات", "90")])
    resource = upload(dataset, v1)
    upload(dataset, v2, resource_id=resource["id"])

    listed = versions(dataset["id"])
    assert [v["number"] for v in listed] == [2, 1]
    assert all(JALALI.match(v["created_jalali"]) for v in listed)
    assert re.match(r"^\d{4}/\d{2}/\d{2} \d{2}:\d{2}$", listed[0]["created_jalali_ascii"])
    assert listed[0]["created"].endswith("+00:00")
    assert listed[0]["actor"] == {"type": "user", "user_name": dataset["_user"]["name"],
                                  "user_id": dataset["_user"]["id"]}
    (old_file,) = listed[1]["files"]
    assert old_file["resource_id"] == resource["id"] and old_file["size"] == len(v1)
    assert old_file["stored"] is True and old_file["file_name"] == "contracts.csv"

    old = app.get(f"/dataset/{dataset['name']}/versions/1/resource/{resource['id']}/download")
    assert old.status_code == 200 and old.get_data() == v1
    assert 'filename=contracts.csv' in old.headers["Content-Disposition"]
    assert old.headers["Content-Type"].startswith("text/csv")
    new = app.get(f"/dataset/{dataset['name']}/versions/2/resource/{resource['id']}/download")
    assert new.get_data() == v2
    # stock CKAN serves only the newest file, whatever version one looks at
    stock = app.get(f"/dataset/{dataset['id']}/resource/{resource['id']}/download/contracts.csv")
    assert stock.status_code == 200 and stock.get_data() == v2


def test_metadata_edits_and_identical_bytes_make_no_version(contract, upload):
    dataset = contract()
    resource = upload(dataset, table(ROWS))
    # the upload check wrote validation_status back onto the resource: no version for that
    shown = helpers.call_action("resource_show", id=resource["id"])
    assert shown["validation_status"] == "valid"
    assert len(versions(dataset["id"])) == 1
    helpers.call_action("resource_patch", {"user": dataset["_user"]["name"]},
                        id=resource["id"], description="توضیح تازه")
    helpers.call_action("package_patch", {"user": dataset["_user"]["name"]}, id=dataset["id"], notes="یادداشت")
    upload(dataset, table(ROWS), filename="same-bytes-again.csv", resource_id=resource["id"])
    assert [v["number"] for v in versions(dataset["id"])] == [1]


def test_links_additions_and_deletions_are_versions(contract, upload):
    dataset = contract()
    resource = upload(dataset, table(ROWS))
    link = helpers.call_action("resource_create", _as(dataset), package_id=dataset["id"], name="قانون بودجه",
                               url="https://example.ir/budget-law.pdf", format="PDF")
    helpers.call_action("resource_patch", _as(dataset), id=link["id"], url="https://example.ir/law-v2.pdf")
    helpers.call_action("resource_delete", _as(dataset), id=resource["id"])
    listed = versions(dataset["id"])
    assert [v["number"] for v in listed] == [4, 3, 2, 1]
    assert [[f["resource_id"] for f in v["files"]] for v in listed] == [
        [link["id"]], [resource["id"], link["id"]], [resource["id"], link["id"]],
        [resource["id"]]]
    assert listed[0]["files"][0]["url"] == "https://example.ir/law-v2.pdf"
    assert listed[2]["files"][1]["url"] == "https://example.ir/budget-law.pdf"
    # the deleted resource's file is still served by the version that had it
    old = versions(dataset["id"])[1]["files"][0]
    assert old["stored"] and old["download_url"].endswith(
        f"/versions/3/resource/{resource['id']}/download")


def test_a_link_of_an_old_version_redirects_to_its_url(app, contract):
    dataset = contract()
    link = helpers.call_action("resource_create", _as(dataset), package_id=dataset["id"], name="قانون",
                               url="https://example.ir/law-v1.pdf", format="PDF")
    helpers.call_action("resource_patch", _as(dataset), id=link["id"], url="https://example.ir/law-v2.pdf")
    answer = app.get(f"/dataset/{dataset['name']}/versions/1/resource/{link['id']}/download",
                     follow_redirects=False)
    assert answer.status_code == 302
    assert answer.headers["Location"] == "https://example.ir/law-v1.pdf"


def test_bad_numbers_and_unknown_versions_are_clear_errors(app, contract, upload):
    dataset = contract()
    upload(dataset, table(ROWS))
    with pytest.raises(tk.ObjectNotFound) as missing:
        helpers.call_action("shafaf_version_show", id=dataset["id"], number=7)
    assert "نسخهٔ 7" in str(missing.value) and "Version 7 of this dataset" in str(missing.value)
    with pytest.raises(tk.ValidationError) as bad:
        helpers.call_action("shafaf_version_diff", id=dataset["id"], **{"from": "x", "to": 1})
    assert "positive whole number" in str(bad.value.error_dict["from"])
    assert "شمارهٔ نسخه" in str(bad.value.error_dict["from"])
    assert helpers.call_action("shafaf_version_show", id=dataset["name"], number="۱")["number"] == 1
    with pytest.raises(tk.ObjectNotFound):
        helpers.call_action("shafaf_version_list", id="no-such-dataset")

    api = "/api/3/action/"
    assert app.get(f"{api}shafaf_version_show?id={dataset['id']}&number=9",
                   status=404).json["error"]["message"].startswith("Not found: نسخهٔ 9")
    answer = app.get(f"{api}shafaf_version_diff?id={dataset['id']}&from=0&to=-1", status=409)
    assert set(answer.json["error"]) >= {"from", "to"}
    assert app.get(f"{api}shafaf_version_diff?id={dataset['id']}&from=1&to=1&resource_id=nope",
                   status=404).json["success"] is False
    assert app.get(f"/dataset/{dataset['name']}/versions/5/resource/x/download",
                   status=404).status_code == 404
    assert app.get(f"/dataset/{dataset['name']}/versions/diff?from=1&to=abc",
                   status=400).status_code == 400


def test_anonymous_cannot_see_versions_of_a_private_dataset(app, contract, upload):
    dataset = contract(private=True)
    resource = upload(dataset, table(ROWS))
    anonymous = {"user": "", "ignore_auth": False}
    with pytest.raises(tk.NotAuthorized):
        tk.get_action("shafaf_version_list")(anonymous, {"id": dataset["id"]})
    with pytest.raises(tk.NotAuthorized):
        tk.get_action("shafaf_version_diff")(dict(anonymous), {"id": dataset["id"],
                                                             "from": 1, "to": 1})
    outsider = factories.User()
    with pytest.raises(tk.NotAuthorized):
        tk.get_action("shafaf_version_show")({"user": outsider["name"]},
                                             {"id": dataset["id"], "number": 1})
    editor = {"user": dataset["_user"]["name"]}
    assert len(tk.get_action("shafaf_version_list")(editor, {"id": dataset["id"]})) == 1
    app.get(f"/api/3/action/shafaf_version_list?id={dataset['id']}", status=403)
    app.get(f"/dataset/{dataset['id']}/versions/1/resource/{resource['id']}/download",
            status=403)


def test_a_capture_fault_never_fails_the_upload(contract, upload, monkeypatch):
    """The blob store failing (disk full, say) leaves the upload in place and no version."""
    from ckanext.shafaf.versions import store

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")
    dataset = contract()
    with monkeypatch.context() as patched:
        patched.setattr(store, "put", full_disk)
        resource = upload(dataset, table(ROWS))
    assert helpers.call_action("resource_show", id=resource["id"])["url_type"] == "upload"
    assert versions(dataset["id"]) == []
    # the change is not lost: the next capture still sees it
    helpers.call_action("resource_patch", _as(dataset), id=resource["id"], description="x")
    assert [v["number"] for v in versions(dataset["id"])] == [1]

"""Retention of old versions (keep, keep_days, versions-prune) and the version pages."""
from __future__ import annotations

import datetime
import os

import lxml.html
import pytest
import sqlalchemy as sa

import ckan.model as model
from ckan.cli.cli import ckan as ckan_cli

from ckanext.shafaf.tests.versions.conftest import MARKS, ROWS, row, table, versions
from ckanext.shafaf.versions import store

pytestmark = MARKS


def _tables(n: int) -> list[bytes]:
    """n different files; the first and the third are the same bytes (one shared blob)."""
    files = [table([*ROWS, row(f"1403/2{i:02d}", "لایروبی قنات", str(10 + i))]) for i in range(n)]
    files[2] = files[0]
    return files


def _blob(data: bytes) -> str | None:
    import hashlib
    return store.absolute(store.relative_path(hashlib.sha256(data).hexdigest()))


@pytest.mark.ckan_config("ckanext.shafaf.versions.keep", "2")
def test_keep_prunes_old_versions_and_their_unshared_files(contract, upload):
    dataset = contract()
    files = _tables(5)
    resource = upload(dataset, files[0])
    for data in files[1:]:
        upload(dataset, data, resource_id=resource["id"])
    # v1 files[0], v2 files[1], v3 files[0] again, v4 files[3], v5 files[4]
    assert [v["number"] for v in versions(dataset["id"])] == [5, 4]
    assert _blob(files[4]) and _blob(files[3])
    assert _blob(files[1]) is None           # only v2 used it
    assert _blob(files[0]) is None           # v1 and v3 shared it; both are gone
    assert not [n for n in os.listdir(store.root()) if n.startswith(".incoming-")]


@pytest.mark.ckan_config("ckanext.shafaf.versions.keep", "3")
def test_a_blob_still_used_by_a_kept_version_stays(contract, upload):
    dataset = contract()
    files = _tables(4)  # v1 f0, v2 f1, v3 f0, v4 f3: keeping 3 drops v1 but v3 keeps f0
    resource = upload(dataset, files[0])
    for data in files[1:]:
        upload(dataset, data, resource_id=resource["id"])
    assert [v["number"] for v in versions(dataset["id"])] == [4, 3, 2]
    assert _blob(files[0]) is not None


def test_keep_days_and_the_prune_command_never_drop_the_latest(contract, upload, cli,
                                                               ckan_config, monkeypatch):
    dataset, other = contract(), contract()
    files = _tables(3)
    resource = upload(dataset, files[0])
    upload(dataset, files[1], resource_id=resource["id"])
    upload(other, files[1])                      # shares the blob of dataset's v2
    long_ago = datetime.datetime.utcnow() - datetime.timedelta(days=400)
    model.Session.execute(sa.text("UPDATE shafaf_dataset_version SET created = :t"),
                          {"t": long_ago})
    model.Session.commit()
    stray = store.put(__file__)[2]               # a blob no version uses, a day old
    old = (datetime.datetime.now() - datetime.timedelta(days=1)).timestamp()
    os.utime(store.absolute(stray), (old, old))

    monkeypatch.setitem(ckan_config, "ckanext.shafaf.versions.keep_days", 30)
    # the command loads the site from the ini again: point it at this test's files
    result = cli.invoke(ckan_cli, ["shafaf", "versions-prune"],
                        env={"CKAN_STORAGE_PATH": ckan_config["ckan.storage_path"]})
    assert result.exit_code == 0, result.output
    assert "pruned 1 version(s) of 2 dataset(s), deleted 2 file(s)" in result.output
    assert [v["number"] for v in versions(dataset["id"])] == [2]
    assert [v["number"] for v in versions(other["id"])] == [1]   # old, but the latest
    assert _blob(files[0]) is None and _blob(files[1]) is not None
    assert store.absolute(stray) is None


def test_version_list_page_and_the_dataset_page_link(app, contract, upload):
    dataset = contract()
    resource = upload(dataset, table(ROWS))
    upload(dataset, table(ROWS[:2]), resource_id=resource["id"])

    read = app.get(f"/dataset/{dataset['name']}")
    assert read.status_code == 200
    assert f"/dataset/{dataset['name']}/versions" in read.get_data(as_text=True)
    assert "نسخه‌ها" in read.get_data(as_text=True)

    page = app.get(f"/dataset/{dataset['name']}/versions")
    assert page.status_code == 200
    tree = lxml.html.fromstring(page.get_data(as_text=True))
    rows = tree.xpath("//table[contains(@class, 'shafaf-versions-table')]/tbody/tr")
    assert [r.get("id") for r in rows] == ["version-2", "version-1"]
    listed = versions(dataset["id"])
    times = [t.text_content() for t in tree.xpath("//table//time")]
    assert times == [v["created_jalali"] for v in listed]
    assert all(dataset["_user"]["name"] in r.xpath(".//td[contains(@class, 'version-actor')]")[0]
               .text_content() for r in rows)
    links = [a.get("href") for a in tree.xpath("//a[contains(@class, 'version-download')]")]
    assert links == [f["download_url"] for v in listed for f in v["files"]]
    assert app.get(links[1]).get_data() == table(ROWS)
    form = tree.get_element_by_id("shafaf-version-diff-form")
    assert form.get("action").endswith(f"/dataset/{dataset['name']}/versions/diff")
    assert {"from", "to"} <= set(form.fields)
    assert tree.xpath("//a[contains(@class, 'version-diff-link')]")

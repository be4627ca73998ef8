"""Upload check benchmark: a staff upload end to end, through CKAN's actions.

    .venv/bin/python benchmarks/upload.py [--rows 10000 50000] [--repeat 3]

For each size, a contracts register (the generator of validate.py: Persian
text, Arabic ي/ك, Persian digits; no bad rows, so it is loaded) is uploaded
with `resource_create` to a contract dataset on a dedicated database pair
(shafaf_bench_upload / shafaf_bench_upload_ds): the validator, the DataStore
load and the write-back of status and figures all run, as for staff. Then
the same file is re-uploaded unchanged (`resource_update`: hash only), and
a file with 1 % bad rows replaces it (report, nothing loaded, last rows
kept). The baseline in the same run is the cheapest possible load of the
same normalised rows: one `datastore_create` call with every record, no
validation, no hashing, no write-back.
"""
from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _ckan_env import ensure_database, write_ini  # noqa: E402
from _machine import machine  # noqa: E402
from validate import write_csv  # noqa: E402

DATABASE, DATASTORE = "shafaf_bench_upload", "shafaf_bench_upload_ds"
PLUGINS = "datastore scheming_datasets scheming_organizations shafaf"
# As deploy/ckan.ini.tmpl; --stock-fts times CKAN's defaults (a GiST index per text column).
DATASTORE_FTS = ["ckan.datastore.default_fts_lang = simple",
                 "ckan.datastore.default_fts_index_method = gin",
                 "ckan.datastore.default_fts_index_field_types ="]


def ini_for_uploads(tmp: Path, stock_fts: bool) -> str:
    base = write_ini(DATABASE, redis_db=8)
    text = Path(base).read_text("utf-8").replace("[app:main]\n", "[app:main]\n" + "\n".join([
        f"ckan.plugins = {PLUGINS}",
        f"ckan.datastore.write_url = postgresql://postgres@127.0.0.1:5432/{DATASTORE}",
        f"ckan.datastore.read_url = postgresql://shafaf_datastore_ro:shafaf_ro@127.0.0.1:5432/{DATASTORE}",
        f"ckan.storage_path = {tmp}",
        "ckan.max_resource_size = 200",
        *([] if stock_fts else DATASTORE_FTS),
        # check in the request whatever the size, to time the work itself
        "ckanext.shafaf.uploads.sync_max_mb = 1000",
        "scheming.dataset_schemas = ckanext.shafaf:schemas/contract.yaml",
        "scheming.presets = ckanext.scheming:presets.json ckanext.shafaf:schemas/presets.yaml",
        "scheming.organization_schemas = ckanext.shafaf:schemas/organization.yaml", ""]), 1)
    Path(base).write_text(text, "utf-8")
    return base


def timed(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def run(rows: int, repeat: int, tmp: Path) -> None:
    import ckan.plugins.toolkit as tk
    from ckan.tests import factories
    from werkzeug.datastructures import FileStorage
    from ckanext.shafaf.tables import datastore_fields, validate_file

    good, bad = tmp / f"good-{rows}.csv", tmp / f"bad-{rows}.csv"
    write_csv(good, rows, bad_share=0.0)
    write_csv(bad, rows, seed=1404)
    action = tk.get_action
    user = factories.Sysadmin()["name"]
    org = factories.Organization(org_level="municipality")
    figures: dict[str, list[float]] = {k: [] for k in ("create", "unchanged", "bad", "baseline")}
    for i in range(repeat):
        ds = action("package_create")({"user": user}, {
            "type": "contract", "name": f"bench-{rows}-{i}", "title": "قراردادها",
            "owner_org": org["id"], "fiscal_year": "1403"})

        def upload(path: Path, act: str = "resource_create", **extra):
            data = {"package_id": ds["id"], "url": "", "format": "CSV", **extra,
                    "upload": FileStorage(io.BytesIO(path.read_bytes()), path.name)}
            return action(act)({"user": user}, data)
        res: dict = {}
        figures["create"].append(timed(lambda: res.update(upload(good))))
        figures["unchanged"].append(timed(lambda: upload(good, "resource_update", id=res["id"])))
        figures["bad"].append(timed(lambda: upload(bad, "resource_update", id=res["id"])))
        check = action("shafaf_resource_validation_show")({"user": user}, {"id": res["id"]})
        assert check["datastore_status"] == "kept_previous" and check["loaded_rows"] == rows
        normalised = list(validate_file(str(good), "contracts")[1])
        other = action("resource_create")({"user": user}, {
            "package_id": ds["id"], "url": "http://example.com/x", "name": "baseline"})
        figures["baseline"].append(timed(lambda: action("datastore_create")(
            {"user": user}, {"resource_id": other["id"], "force": True,
                             "fields": datastore_fields("contracts"), "records": normalised})))
    print(f"\n{rows:,} rows ({good.stat().st_size / 2**20:.1f} MiB), median of {repeat}:")
    for name, label in (("create", "resource_create: check + DataStore load + write-back"),
                        ("unchanged", "resource_update, same file (hash only)"),
                        ("bad", "resource_update, 1 % bad rows (report, last rows kept)"),
                        ("baseline", "baseline: one datastore_create with all rows")):
        median = statistics.median(figures[name])
        print(f"  {label:<58} {median:7.2f} s  {rows / median:>9,.0f} rows/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 50_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--stock-fts", action="store_true",
                        help="CKAN's DataStore full-text defaults instead of deploy/ckan.ini.tmpl's")
    args = parser.parse_args()
    print("machine:", machine(postgres=True))
    print("load average before:", os.getloadavg()[0])
    ensure_database(DATABASE, fresh=True)
    ensure_database(DATASTORE, fresh=True)
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        ini = ini_for_uploads(tmp, args.stock_fts)
        print("DataStore full text:", "CKAN defaults" if args.stock_fts else ", ".join(DATASTORE_FTS))
        try:
            from ckan.cli import load_config
            from ckan.config.middleware import make_app
            import ckan.model as model
            from ckanext.shafaf.testing import upgrade_shafaf_db
            app = make_app(load_config(ini))
            flask_app = getattr(app, "apps", {}).get("flask_app", app)._wsgi_app
            with flask_app.test_request_context():
                model.repo.init_db()
                upgrade_shafaf_db()
                _datastore_permissions(ini)
                for rows in args.rows:
                    run(rows, args.repeat, tmp)
        finally:
            os.unlink(ini)
    print("load average after:", os.getloadavg()[0])


def _datastore_permissions(ini: str) -> None:
    import subprocess
    sql = subprocess.run([str(Path(sys.executable).with_name("ckan")), "-c", ini, "datastore", "set-permissions"],
                         capture_output=True, text=True, check=True).stdout
    subprocess.run(["psql", "-X", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", DATASTORE],
                   input=sql, text=True, check=True, capture_output=True)


if __name__ == "__main__":
    main()

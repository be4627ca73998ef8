"""`shafaf_portal`: harvest a municipal transparency portal's export or API.

gather  downloads the source (CSV, XLSX, paged JSON, HTML table) through the
        source's mapping profile, streaming one raw CSV per fiscal year to a
        spool directory, and creates one object per year whose table
        changed; a source that fails, comes back empty or suddenly shrinks
        creates nothing and the job report says why.
fetch   nothing left to fetch (the spool file is the fetched content).
import  validates the year's table with the schemas' table validator; only
        a valid table replaces the dataset's resource (and DataStore rows).
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, Optional

import ckan.model as model
import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.harvest.interfaces import IHarvester
from ckanext.harvest.model import HarvestJob, HarvestObject

from ckanext.shafaf.harvesters import base, portal_dataset, store
from ckanext.shafaf.harvesters.settings import PortalConfig, spool_dir
from ckanext.shafaf.tables import load_schema, validate_table

MAX_REPORTED_ROWS = 20  # row faults listed in the job report (the count is always given)


class ShafafPortalHarvester(p.SingletonPlugin):
    p.implements(IHarvester)

    def info(self) -> dict[str, str]:
        return {
            "name": "shafaf_portal",
            "title": "سامانه شفافیت شهرداری / Municipal transparency portal",
            "description": (
                "قراردادها، بودجه و پروانه‌ها را از پرونده‌ها و API سامانه شفافیت شهرداری، "
                "با نیم‌رخ نگاشت ستون‌ها، برمی‌دارد. / Harvests contracts, budgets and permits "
                "from a municipal portal's exports or API through a column-mapping profile."),
            "form_config_interface": "Text",
        }

    def validate_config(self, config: Optional[str]) -> str:
        PortalConfig.parse(config)
        return config or ""

    # gather

    def gather_stage(self, harvest_job: HarvestJob) -> list[str]:
        from ckanext.shafaf.harvesters.portal_fetch import iter_rows
        from ckanext.shafaf.harvesters.portal_mapping import split_by_year
        from ckanext.shafaf.harvesters.profiles import load_profile

        config = PortalConfig.parse(harvest_job.source.config)
        profile = load_profile(config.profile)
        folder = spool_dir(f"job-{harvest_job.id}")
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        try:
            rows = iter_rows(harvest_job.source.url, profile, folder / "download",
                             timeout=config.timeout, max_bytes=config.max_bytes)
            result = split_by_year(rows, profile, fixed_year=config.fiscal_year, dest_dir=folder)
        except Exception as error:  # nothing was written: the datasets stay as they are
            base.record_gather_fault(harvest_job, base.as_fault(error, harvest_job.source.url))
            return []
        finally:
            shutil.rmtree(folder / "download", ignore_errors=True)
        if result.fault_count:  # a record of no known year may belong to any dataset
            _report_row_faults(harvest_job, result)
            return []
        known = base.known_records(harvest_job.source_id)
        refused = _shrunk(known, result.records, config.guard_share)
        if refused:
            base.record_gather_fault(harvest_job, refused)
            return []
        return base.add_objects(harvest_job, _year_objects(profile, result, known))

    def fetch_stage(self, harvest_object: HarvestObject) -> bool:
        return True

    # import

    def import_stage(self, harvest_object: HarvestObject) -> bool | str:
        user = base.site_user()
        try:
            if base.object_extra(harvest_object, base.ACTION_KEY) == "delete":
                return store.delete_dataset(harvest_object, user)
            return _import_year(harvest_object, user)
        except base.HarvestFault as fault:
            model.Session.rollback()
            base.record_object_fault(harvest_object, fault)
            return False
        except tk.ValidationError as error:
            model.Session.rollback()
            base.record_object_fault(harvest_object, base.HarvestFault(
                "invalid", "مجموعه داده ساخته نشد؛ نسخهٔ فعلی دست‌نخورده ماند.",
                f"The dataset did not validate: {error.error_dict}; the current one is unchanged."))
            return False


def _shrunk(known: dict[str, base.Known], records: int, share: float) -> Optional[base.HarvestFault]:
    """The guard: a source that lost most of its rows changes and deletes nothing."""
    if records == 0 and known:
        return base.HarvestFault("empty", "منبع هیچ رکوردی برنگرداند؛ چیزی تغییر نکرد.",
                                 "The source returned no records; nothing was changed.")
    return base.deletion_refused(sum(k.records for k in known.values()), records, share)


def _year_objects(profile: Any, result: Any, known: dict[str, base.Known]) -> list[dict[str, Any]]:
    objects = []
    for year, table in sorted(result.tables.items()):
        guid = portal_dataset.guid(profile.dataset_type, year)
        current = known.get(guid)
        digest = base.content_hash([profile.name, profile.table_schema, table.sha256])
        item = {"guid": guid, "hash": digest, "records": table.rows,
                "package_id": current.package_id if current else None}
        if current and current.content_hash == digest:
            item.update(state="COMPLETE", report_status="not modified")
        else:
            item["content"] = json.dumps({"path": str(table.path), "rows": table.rows,
                                          "fiscal_year": year, "profile": profile.name,
                                          "dataset_type": profile.dataset_type,
                                          "table_schema": profile.table_schema})
        objects.append(item)
    wanted = {portal_dataset.guid(profile.dataset_type, year) for year in result.tables}
    objects += [{"guid": guid, "package_id": k.package_id, "action": "delete"}
                for guid, k in known.items() if guid not in wanted and k.package_id]
    return objects


def _import_year(obj: HarvestObject, user: str) -> bool | str:
    content = json.loads(obj.content)
    path = Path(content["path"])
    if not path.is_file():
        raise base.HarvestFault("spool_missing", "جدول برداشت‌شده دیگر روی دیسک نیست.",
                                "The gathered table is no longer on disk; run the job again.")
    report, frame = validate_table(str(path), content["table_schema"])
    if not report.valid or frame is None:
        _report_invalid(obj, report)
        return False
    normalised = path.with_suffix(".normalised.csv")
    _in_rials(frame, content["table_schema"]).write_csv(normalised)
    source = model.Package.get(obj.harvest_source_id)
    org = tk.get_action("organization_show")(
        {"ignore_auth": True}, {"id": source.owner_org, "include_datasets": False})
    package_id = obj.package_id or base.stable_id(obj.harvest_source_id, obj.guid)
    existing = model.Package.get(package_id)
    data = portal_dataset.dataset_dict(
        dataset_type=content["dataset_type"], fiscal_year=content["fiscal_year"], org=org,
        package_id=package_id, resource_id=base.stable_id(package_id, "table"),
        table_schema=content["table_schema"], source_title=source.title or source.name,
        source_url=obj.source.url, rows=content["rows"])
    resource_id = data["resources"][0]["id"]
    if existing is not None:
        data.update(name=existing.name, state="active")
        if existing.state == "active" and store.same_file(resource_id, str(normalised)):
            # the export changed its form (encoding, digits, order of columns), not its rows
            base.make_current(obj, package_id)
            normalised.unlink(missing_ok=True)
            return "unchanged"
    store.save_dataset(data, {resource_id: (str(normalised), f"{data['name']}.csv")},
                       user=user, exists=existing is not None,
                       harvest_job_id=obj.harvest_job_id, harvest_source_id=obj.harvest_source_id)
    base.make_current(obj, package_id)
    store.check_tables(data, [resource_id], user=user, background=False)
    path.unlink(missing_ok=True)
    normalised.unlink(missing_ok=True)
    return True


def _in_rials(frame: Any, schema_name: str) -> Any:
    """The normalised table says what it holds: amounts are Rials now, whatever the source used.

    (Left at «میلیون ریال», the file would be multiplied again by every
    reader, our own upload check included.)
    """
    import polars as pl
    units = {spec.unit_field for spec in load_schema(schema_name).fields if spec.unit_field}
    present = [name for name in units if name in frame.columns]
    return frame.with_columns([pl.lit("ریال").alias(name) for name in present]) if present else frame


def _report_invalid(obj: HarvestObject, report: Any) -> None:
    year = portal_dataset.year_of_guid(obj.guid)
    base.record_object_fault(obj, base.HarvestFault(
        "invalid_table",
        f"جدول سال {year}: {report.error_count} خطا در {report.invalid_row_count} ردیف "
        f"و {len(report.file_errors)} خطای پرونده؛ مجموعه داده دست‌نخورده ماند.",
        f"The table of year {year} has {report.error_count} error(s) in "
        f"{report.invalid_row_count} row(s) and {len(report.file_errors)} file error(s); "
        "the dataset is unchanged."))
    for error in (report.file_errors + report.row_errors)[:MAX_REPORTED_ROWS]:
        base.record_object_fault(obj, _row_fault(error), line=error.get("line"))


def _row_fault(error: dict[str, Any]) -> base.HarvestFault:
    where = ""
    if error.get("column") or error.get("value"):
        where = f" ({error.get('column') or error.get('field') or ''}: «{error.get('value', '')}»)"
    return base.HarvestFault(error.get("code", "invalid_cell"),
                             f"{error.get('message_fa', '')}{where}",
                             f"{error.get('message_en', '')}{where}")


def _report_row_faults(job: HarvestJob, result: Any) -> None:
    for fault in result.faults[:MAX_REPORTED_ROWS]:
        base.record_gather_fault(job, base.HarvestFault(
            fault.code, f"رکورد {fault.index}: {fault.fa}", f"record {fault.index}: {fault.en}"))
    base.record_gather_fault(job, base.HarvestFault(
        "unreadable_years",
        f"سال مالی {result.fault_count} رکورد خوانده نشد؛ هیچ مجموعه داده‌ای تغییر نکرد.",
        f"The fiscal year of {result.fault_count} record(s) could not be read; "
        "no dataset was changed."))

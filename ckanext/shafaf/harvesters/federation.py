"""`shafaf_ckan`: a province harvests its member municipalities' CKAN catalogues.

gather  pages through the member's package_search (one page in memory),
        compares each dataset's content hash with the current copy's and
        creates objects only for new or changed datasets (unchanged ones are
        recorded as "not modified" in one insert), then objects that delete
        copies of datasets the member removed, unless the deletion guard
        refuses.
fetch   copies the resource files to a spool directory.
import  writes the copy (metadata, files, stable ids) under the local
        member organisation, in one commit; nothing is written on error.
"""
from __future__ import annotations

import json
import shutil
from typing import Any, Optional

import ckan.model as model
import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.harvest.interfaces import IHarvester
from ckanext.harvest.model import HarvestJob, HarvestObject

from ckanext.shafaf.harvesters import base, federation_mapping as mapping, members, store
from ckanext.shafaf.harvesters.federation_fetch import RemoteCatalogue
from ckanext.shafaf.harvesters.settings import FederationConfig, spool_dir



class ShafafCkanHarvester(p.SingletonPlugin):
    p.implements(IHarvester)

    def info(self) -> dict[str, str]:
        return {
            "name": "shafaf_ckan",
            "title": "کاتالوگ CKAN شهرداری عضو / Member municipality's CKAN",
            "description": (
                "داده‌ها و پرونده‌های کاتالوگ CKAN شهرداری‌های عضو را به سازمان عضو در استان می‌آورد. "
                "/ Copies datasets and their files from a member municipality's CKAN "
                "catalogue into the local member organisation."),
            "form_config_interface": "Text",
        }

    def validate_config(self, config: Optional[str]) -> str:
        FederationConfig.parse(config)  # raises ValueError with a bilingual message
        return config or ""

    def get_original_url(self, harvest_object_id: str) -> Optional[str]:
        obj = HarvestObject.get(harvest_object_id)
        if obj is None or not obj.content:
            return None
        return obj.source.url.rstrip("/") + "/dataset/" + json.loads(obj.content)["name"]

    # gather

    def gather_stage(self, harvest_job: HarvestJob) -> list[str]:
        config = FederationConfig.parse(harvest_job.source.config)
        catalogue = RemoteCatalogue(harvest_job.source.url, timeout=config.timeout)
        known = base.known_records(harvest_job.source_id)
        seen: set[str] = set()
        waiting: list[str] = []
        try:
            for page in catalogue.pages(fq=config.fq(), rows=config.rows):
                waiting += base.add_objects(harvest_job, _page_objects(page, known, seen))
        except Exception as error:  # a partial listing never deletes anything
            base.record_gather_fault(harvest_job, base.as_fault(error))
            return waiting
        return waiting + _deletions(harvest_job, config, known, seen)

    # fetch: copy the files

    def fetch_stage(self, harvest_object: HarvestObject) -> bool:
        if base.object_extra(harvest_object, base.ACTION_KEY) == "delete":
            return True
        config = FederationConfig.parse(harvest_object.source.config)
        if not config.copy_files:
            return True
        from ckanext.shafaf.harvesters.portal_fetch import download
        remote = json.loads(harvest_object.content)
        folder = spool_dir(harvest_object.id)
        try:
            for resource in remote.get("resources") or []:
                url = resource.get("url") or ""
                if url.startswith(("http://", "https://")):
                    target = folder / resource["id"]
                    target.mkdir(parents=True, exist_ok=True)
                    download(url, target, timeout=config.timeout, max_bytes=config.max_bytes)
        except Exception as fault:
            shutil.rmtree(folder, ignore_errors=True)
            base.record_object_fault(harvest_object, base.as_fault(fault), "Fetch")
            return False
        return True

    # import

    def import_stage(self, harvest_object: HarvestObject) -> bool | str:
        config = FederationConfig.parse(harvest_object.source.config)
        user = base.site_user()
        try:
            if base.object_extra(harvest_object, base.ACTION_KEY) == "delete":
                return store.delete_dataset(harvest_object, user)
            return _import_copy(harvest_object, config, user)
        except tk.ValidationError as error:
            model.Session.rollback()
            base.record_object_fault(harvest_object, base.HarvestFault(
                "invalid", "داده عضو با طرح این سامانه نمی‌خواند؛ نسخهٔ فعلی دست‌نخورده ماند.",
                f"The member's dataset does not validate here: {error.error_dict}; "
                "the current copy is unchanged."))
            return False
        except base.HarvestFault as fault:
            model.Session.rollback()
            base.record_object_fault(harvest_object, fault)
            return False
        finally:
            shutil.rmtree(spool_dir(harvest_object.id), ignore_errors=True)


def _page_objects(page: list[dict[str, Any]], known: dict[str, base.Known],
                  seen: set[str]) -> list[dict[str, Any]]:
    objects = []
    for remote in page:
        guid = remote.get("id")
        if not guid or guid in seen or remote.get("type") == "harvest":
            continue
        seen.add(guid)
        digest = base.content_hash(mapping.comparable(remote))
        current = known.get(guid)
        if current and current.content_hash == digest:
            objects.append({"guid": guid, "state": "COMPLETE", "report_status": "not modified",
                            "package_id": current.package_id, "hash": digest})
        else:
            objects.append({"guid": guid, "content": json.dumps(remote, ensure_ascii=False),
                            "hash": digest,
                            "package_id": current.package_id if current else None})
    return objects


def _deletions(job: HarvestJob, config: FederationConfig, known: dict[str, base.Known],
               seen: set[str]) -> list[str]:
    gone = [(guid, k.package_id) for guid, k in known.items() if guid not in seen and k.package_id]
    if not gone:
        return []
    refused = base.deletion_refused(len(known), len(seen), config.guard_share)
    if refused:
        base.record_gather_fault(job, refused)
        return []
    return base.add_objects(job, (
        {"guid": guid, "package_id": package_id, "action": "delete"} for guid, package_id in gone))


def _import_copy(obj: HarvestObject, config: FederationConfig, user: str) -> bool:
    remote = json.loads(obj.content)
    owner = members.local_organization(
        members.remote_organization(remote), province_id=_province_id(obj),
        mapping=config.organizations, create=config.create_organizations, user=user)
    package_id = obj.package_id or base.stable_id(obj.harvest_source_id, obj.guid)
    existing = model.Package.get(package_id)
    resource_ids = {r["id"]: base.stable_id(package_id, r["id"])
                    for r in remote.get("resources") or []}
    data = mapping.local_package(
        remote, package_id=package_id, owner_org=owner, resource_ids=resource_ids,
        name=existing.name if existing else _free_name(remote["name"], package_id),
        dataset_types=_dataset_types())
    if existing is not None:
        data["state"] = "active"
    files = _spooled_files(obj, remote, resource_ids)
    store.save_dataset(data, files, user=user, exists=existing is not None,
                       harvest_job_id=obj.harvest_job_id, harvest_source_id=obj.harvest_source_id)
    base.make_current(obj, package_id)
    store.check_tables(data, list(files), user=user)
    return True


def _spooled_files(obj: HarvestObject, remote: dict[str, Any],
                   resource_ids: dict[str, str]) -> dict[str, tuple[str, str]]:
    folder = spool_dir(obj.id)
    found = {}
    for resource in remote.get("resources") or []:
        copies = sorted((folder / resource["id"]).glob("*")) if folder.exists() else []
        if copies:
            name = mapping.file_name(resource.get("url") or "", copies[0].name)
            found[resource_ids[resource["id"]]] = (str(copies[0]), name)
    return found


def _province_id(obj: HarvestObject) -> str:
    """The organisation owning the harvest source (a source is a dataset of type harvest)."""
    source = model.Package.get(obj.harvest_source_id)
    return source.owner_org if source is not None else ""


def _free_name(name: str, package_id: str) -> str:
    """The remote name, unless another dataset here has it."""
    taken = model.Package.get(name)
    if taken is None or taken.id == package_id:
        return name
    return f"{name[:90]}-{package_id[:8]}"


def _dataset_types() -> list[str]:
    from ckanext.scheming.helpers import scheming_dataset_schemas
    return list((scheming_dataset_schemas() or {}).keys())

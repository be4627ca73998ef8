"""Writing a harvested dataset: one action call, files kept by CKAN's uploader.

Both harvesters store the files they bring (a copy, not a link to a
municipal server that may vanish), so the province keeps serving them.
CKAN's `package_create` stores no resource files, and the resource hooks
that check uploaded tables only fire on `resource_create/update`; so the
files are handed to CKAN's own `ResourceUpload` here and the table check
is called (or queued) explicitly, and so is the capture of a dataset
version (ckanext/shafaf/versions), with the harvest job as its author.
"""
from __future__ import annotations

import logging
from contextlib import ExitStack
from typing import Any, Optional

from werkzeug.datastructures import FileStorage

import ckan.lib.uploader as uploader
import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.shafaf.harvesters import base
from ckanext.shafaf.uploads import check, files as upload_files
from ckanext.shafaf.versions import capture as versions

log = logging.getLogger(__name__)
BACKGROUND_KEY = "ckanext.shafaf.harvest.check_in_background"


def save_dataset(data: dict[str, Any], files: dict[str, tuple[str, str]], *, user: str,
                 exists: bool, harvest_job_id: Optional[str] = None,
                 harvest_source_id: Optional[str] = None) -> str:
    """Create or update ``data`` (ids included) with ``files`` {resource id: (path, name)}.

    Resources without a new file keep the file they already have. One
    commit: the dataset, its resources and its files land together, or the
    dataset stays as it was. Then a version of its files is kept, by the
    harvest job (none if the files did not change).
    """
    context = {"user": user, "ignore_auth": True, "return_id_only": True,
               "defer_commit": True}
    with ExitStack() as stack:
        uploads = []
        for resource in data.get("resources") or []:
            new_file = files.get(resource["id"])
            if new_file:
                handle = stack.enter_context(open(new_file[0], "rb"))
                resource["upload"] = FileStorage(handle, new_file[1])
                uploads.append((resource["id"], uploader.get_resource_uploader(resource)))
        action = "package_update" if exists else "package_create"
        try:
            package_id = tk.get_action(action)(context, data)
            for resource_id, upload in uploads:
                upload.upload(resource_id, uploader.get_max_resource_size())
        except Exception:
            model.Session.rollback()
            raise
        model.repo.commit()
    package_id = package_id if isinstance(package_id, str) else data["id"]
    versions.safe_capture(package_id, user=user, harvest_job_id=harvest_job_id,
                          harvest_source_id=harvest_source_id)
    return package_id


def delete_dataset(obj: Any, user: str) -> bool:
    """The import of a record gone from its source: CKAN's soft delete, then bookkeeping."""
    package = model.Package.get(obj.package_id) if obj.package_id else None
    if package is not None and package.state != "deleted":
        tk.get_action("package_delete")({"user": user, "ignore_auth": True}, {"id": package.id})
    base.make_current(obj, obj.package_id, current=False)
    return True


def check_tables(data: dict[str, Any], resource_ids: list[str], *, user: str,
                 background: Optional[bool] = None) -> None:
    """Run the upload check (validation, DataStore, figures) on the new files of ``data``.

    ``data`` is the dict just saved (ids and url_type set by the save), so
    no package_show is needed to know which resources hold a table.
    """
    if background is None:
        background = tk.config.get(BACKGROUND_KEY)
    for resource in data.get("resources") or []:
        if resource["id"] not in resource_ids or not upload_files.is_checked(resource):
            continue
        if background:
            tk.enqueue_job(check.check_resource_job, [resource["id"], user],
                           title=f"shafaf: check the harvested table {resource['id']}")
        else:
            try:
                check.check_resource(resource["id"], user=user)
            except Exception:  # the check's own fault never undoes the harvest
                log.exception("checking harvested resource %s failed", resource["id"])


def same_file(resource_id: str, path: str) -> bool:
    """Whether the resource already stores exactly this file (so nothing to write)."""
    resource = model.Resource.get(resource_id)
    if resource is None or resource.url_type != "upload" or resource.state != "active":
        return False
    stored = upload_files.local_path({"id": resource.id, "url": resource.url,
                                      "url_type": resource.url_type})
    return stored is not None and upload_files.sha256(stored) == upload_files.sha256(path)

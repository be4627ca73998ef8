"""What both harvesters share: GUID bookkeeping, content hashes, the
deletion guard and faults written where the harvest UI shows them.

ckanext-harvest keeps one *current* harvest object per remote record (the
one whose import made the dataset as it is now). We hang the record's
content hash on it (`HarvestObjectExtra` key ``shafaf_hash``): the next
gather compares hashes and an unchanged record costs a row in the report,
never a dataset write or a new version.
"""
from __future__ import annotations

import datetime
import hashlib
import json
import logging
import uuid
from dataclasses import dataclass
from typing import Any, Iterable, Optional

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.harvest.model import (
    HarvestGatherError, HarvestJob, HarvestObject, HarvestObjectError,
    HarvestObjectExtra)

log = logging.getLogger(__name__)

HASH_KEY = "shafaf_hash"
ACTION_KEY = "shafaf_action"      # "delete" on the objects that remove a dataset
RECORDS_KEY = "shafaf_records"    # how many source records the object's dataset holds
NAMESPACE = uuid.UUID("6f1c9b0e-4a57-4b8e-9d3e-5a6c0f2e7b11")


@dataclass(frozen=True)
class Known:
    """The current harvest object of one GUID: what the last import made."""
    object_id: str
    package_id: Optional[str]
    content_hash: Optional[str]
    records: int = 1


class HarvestFault(Exception):
    """A failure worth telling the source's admins about, in Persian and English."""

    def __init__(self, code: str, fa: str, en: str, url: str = "") -> None:
        super().__init__(en)
        self.code, self.fa, self.en, self.url = code, fa, en, url


def fault_message(fault: Any) -> str:
    """The one-line report text of any fault with code/fa/en (and url)."""
    where = f" ({fault.url})" if getattr(fault, "url", "") else ""
    return f"[{fault.code}] {fault.fa} — {fault.en}{where}"


def as_fault(error: Exception, url: str = "") -> Any:
    """Our faults as they are; anything else said plainly (and logged with its trace)."""
    if all(hasattr(error, name) for name in ("code", "fa", "en")):
        return error
    log.exception("harvest of %s failed", url or "a source")
    return HarvestFault("unexpected", "برداشت با خطای پیش‌بینی‌نشده متوقف شد؛ چیزی تغییر نکرد.",
                        f"The harvest stopped on an unexpected error ({error!r}); "
                        "nothing was changed.", url)


def content_hash(data: Any) -> str:
    """sha256 of canonical JSON: key order and whitespace never count as a change."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def stable_id(*parts: str) -> str:
    """A uuid that the same parts always give (dataset/resource ids of copies)."""
    return str(uuid.uuid5(NAMESPACE, "\x1f".join(parts)))


def record_gather_fault(job: HarvestJob, fault: Any) -> None:
    HarvestGatherError.create(fault_message(fault), job)
    log.warning("harvest job %s: %s", job.id, fault_message(fault))


def record_object_fault(obj: HarvestObject, fault: Any, stage: str = "Import",
                        line: Optional[int] = None) -> None:
    HarvestObjectError.create(fault_message(fault), obj, stage, line)


def known_records(source_id: str) -> dict[str, Known]:
    """GUID → current object, package, hash and record count of a source, in one query."""
    digest, records = sa.orm.aliased(HarvestObjectExtra), sa.orm.aliased(HarvestObjectExtra)
    rows = (model.Session.query(HarvestObject.guid, HarvestObject.id,
                                HarvestObject.package_id, digest.value, records.value)
            .outerjoin(digest, sa.and_(digest.harvest_object_id == HarvestObject.id,
                                       digest.key == HASH_KEY))
            .outerjoin(records, sa.and_(records.harvest_object_id == HarvestObject.id,
                                        records.key == RECORDS_KEY))
            .filter(HarvestObject.harvest_source_id == source_id)
            .filter(HarvestObject.current == True)  # noqa: E712
            .all())
    return {guid: Known(oid, pkg, value, int(count) if count else 1)
            for guid, oid, pkg, value, count in rows}


def deletion_refused(previous: int, seen: int, share: float) -> Optional[HarvestFault]:
    """A fault when a source suddenly lists far fewer records than last time.

    A broken export that lists 10 of a city's 2,000 contracts must not
    delete the other 1,990: nothing is deleted, and the job says why.
    """
    if previous == 0 or seen >= previous * share:
        return None
    return HarvestFault(
        "deletion_guard",
        f"منبع این بار {seen} رکورد از {previous} رکورد دفعهٔ قبل را برگرداند "
        f"(کمتر از {share:.0%})؛ هیچ مجموعه داده‌ای حذف نشد.",
        f"The source returned {seen} of the {previous} records it had last time "
        f"(below {share:.0%}); no dataset was deleted.")


def add_objects(job: HarvestJob, objects: Iterable[dict[str, Any]]) -> list[str]:
    """Insert harvest objects (and their hash/action extras) in two statements.

    ``objects``: dicts with guid, content, package_id, state, report_status,
    hash, action, records. Saving them one ORM object at a time costs a round trip
    each, which on a 20,000-record catalogue is most of the gather.
    """
    now = datetime.datetime.utcnow()
    rows, extras = [], []
    for item in objects:
        oid = str(uuid.uuid4())
        rows.append({
            "id": oid, "guid": item["guid"], "current": False, "gathered": now,
            "content": item.get("content"), "state": item.get("state", "WAITING"),
            "report_status": item.get("report_status"), "retry_times": 0,
            "harvest_job_id": job.id, "harvest_source_id": job.source_id,
            "package_id": item.get("package_id"),
            "import_finished": now if item.get("state") == "COMPLETE" else None,
        })
        for key, value in ((HASH_KEY, item.get("hash")), (ACTION_KEY, item.get("action")),
                           (RECORDS_KEY, item.get("records"))):
            if value is not None:
                extras.append({"id": str(uuid.uuid4()), "harvest_object_id": oid,
                               "key": key, "value": str(value)})
    if rows:
        model.Session.execute(HarvestObject.__table__.insert(), rows)
    if extras:
        model.Session.execute(HarvestObjectExtra.__table__.insert(), extras)
    model.Session.commit()
    return [row["id"] for row in rows if row["state"] == "WAITING"]


def object_extra(obj: HarvestObject, key: str) -> Optional[str]:
    for extra in obj.extras:
        if extra.key == key:
            return extra.value
    return None


def make_current(obj: HarvestObject, package_id: str, current: bool = True) -> None:
    """This object now stands for the GUID's dataset; its predecessors no longer.

    A deletion keeps the package link but is not current: the GUID is no
    longer known, and if the record comes back its dataset is undeleted.
    """
    (model.Session.query(HarvestObject)
     .filter(HarvestObject.harvest_source_id == obj.harvest_source_id)
     .filter(HarvestObject.guid == obj.guid)
     .filter(HarvestObject.id != obj.id)
     .update({"current": False}, synchronize_session=False))
    obj.package_id = package_id
    obj.current = current
    obj.save()


def site_user() -> str:
    """The sysadmin name harvest imports run as (ckanext-harvest's choice)."""
    name = tk.config.get("ckanext.harvest.user_name")
    if name:
        return name
    return tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]


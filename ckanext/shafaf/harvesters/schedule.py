"""The harvest scheduler: due sources start, finished jobs close, stuck ones time out.

ckanext-harvest leaves all three to whoever calls `harvest_jobs_run`
"every few minutes (e.g. by a cron)"; sites that forget see jobs
"Running" for days. `ckan shafaf harvest-scheduler` calls it in a loop
(`make serve` starts it), and afterwards prunes old harvest objects.
"""
from __future__ import annotations

import logging
import shutil
import time
from typing import Callable, Optional

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.harvest.model import (
    HarvestJob, HarvestObject, HarvestObjectError, HarvestObjectExtra)

from ckanext.shafaf.harvesters.settings import spool_dir

log = logging.getLogger(__name__)
INTERVAL_KEY = "ckanext.shafaf.harvest.scheduler_interval"
KEEP_KEY = "ckanext.shafaf.harvest.keep_jobs"


def run_round() -> int:
    """One round: start due jobs, close finished/timed-out ones, prune. Returns objects pruned."""
    user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    tk.get_action("harvest_jobs_run")({"user": user, "ignore_auth": True}, {})
    prune_spool()
    return prune_objects(tk.config.get(KEEP_KEY))


def prune_spool() -> None:
    """Remove the spool folders of finished portal jobs (tables of failed imports stay until then)."""
    root = spool_dir("job-x").parent
    for folder in root.glob("job-*") if root.is_dir() else []:
        job = HarvestJob.get(folder.name[len("job-"):])
        if job is None or job.status == "Finished":
            shutil.rmtree(folder, ignore_errors=True)


def run_forever(interval: Optional[int] = None,
                stop: Callable[[], bool] = lambda: False) -> None:
    interval = interval or tk.config.get(INTERVAL_KEY)
    while not stop():
        try:
            pruned = run_round()
            if pruned:
                log.info("harvest scheduler pruned %d old harvest objects", pruned)
        except Exception:  # one failed round must not end the scheduler
            log.exception("harvest scheduler round failed")
            model.Session.rollback()
        model.Session.remove()
        time.sleep(interval)


def prune_objects(keep_jobs: int) -> int:
    """Delete non-current objects of finished jobs older than each source's last ``keep_jobs``."""
    ranked = (sa.select(HarvestJob.id, HarvestJob.source_id,
                        sa.func.row_number().over(
                            partition_by=HarvestJob.source_id,
                            order_by=HarvestJob.created.desc()).label("rank"))
              .where(HarvestJob.status == "Finished").subquery())
    old_jobs = sa.select(ranked.c.id).where(ranked.c.rank > keep_jobs)
    doomed = (sa.select(HarvestObject.id)
              .where(HarvestObject.harvest_job_id.in_(old_jobs))
              .where(HarvestObject.current == False))  # noqa: E712
    session, plain = model.Session, {"synchronize_session": False}
    session.execute(sa.delete(HarvestObjectExtra).where(
        HarvestObjectExtra.harvest_object_id.in_(doomed)), execution_options=plain)
    session.execute(sa.delete(HarvestObjectError).where(
        HarvestObjectError.harvest_object_id.in_(doomed)), execution_options=plain)
    result = session.execute(sa.delete(HarvestObject).where(HarvestObject.id.in_(doomed)),
                             execution_options=plain)
    session.commit()
    return result.rowcount or 0

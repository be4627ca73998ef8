"""Scheduling through the real Redis queues; jobs finish or time out; old objects pruned."""
from __future__ import annotations

import datetime
import json
from typing import Any, Iterator

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories
from ckanext.harvest import queue
from ckanext.harvest.model import HarvestJob, HarvestObject, HarvestSource

from ckanext.shafaf.harvesters import schedule
from ckanext.shafaf.harvesters.settings import spool_dir
from ckanext.shafaf.simulator.portal import PortalSimulator
from ckanext.shafaf.tests.harvest_jobs.conftest import (
    MARKS, datasets_of, make_source, run_job, yazd_portal)

pytestmark = MARKS


@pytest.fixture
def portal() -> Iterator[PortalSimulator]:
    with yazd_portal([1403], 10, hold_seconds=3) as sim:
        yield sim


@pytest.fixture
def yazd() -> dict[str, Any]:
    return factories.Organization(name="yazd", title="شهرداری یزد", org_level="municipality")


def _drain(routing: str, callback: Any) -> int:
    """Consume what the queue holds, message by message, as the consumers do."""
    consumer = queue.get_gather_consumer() if routing == "gather" else queue.get_fetch_consumer()
    done = 0
    while consumer.redis.llen(consumer.routing_key):
        method, header, body = consumer.basic_get(queue=None)
        callback(consumer, method, header, body)
        done += 1
    return done


def test_a_due_daily_source_runs_through_the_redis_queues(portal: PortalSimulator,
                                                          yazd: dict[str, Any]) -> None:
    queue.purge_queues()
    source = make_source(portal.url + "/yazd/contracts.csv", "shafaf_portal", yazd["id"],  # type: ignore[attr-defined]
                         {"profile": "yazd-contracts"}, frequency="DAILY")
    HarvestSource.get(source["id"]).next_run = datetime.datetime.utcnow() - datetime.timedelta(minutes=1)
    model.Session.commit()
    schedule.run_round()  # the scheduler creates the due job and puts it on the gather queue
    (job,) = model.Session.query(HarvestJob).filter_by(source_id=source["id"]).all()
    assert job.status == "Running"
    assert _drain("gather", queue.gather_callback) == 1
    assert _drain("fetch", queue.fetch_callback) == 1
    schedule.run_round()  # closes the finished job, and starts nothing before next_run
    model.Session.expire_all()
    jobs = model.Session.query(HarvestJob).filter_by(source_id=source["id"]).all()
    assert [j.status for j in jobs] == ["Finished"]
    assert HarvestSource.get(source["id"]).next_run > datetime.datetime.utcnow() + datetime.timedelta(hours=23)
    assert [p.name for p in datasets_of(yazd["id"])] == ["yazd-contracts-1403"]


@pytest.mark.ckan_config("ckan.harvest.timeout", "5")
def test_a_stuck_job_is_timed_out_not_running_for_days(portal: PortalSimulator,
                                                       yazd: dict[str, Any]) -> None:
    source = make_source(portal.url + "/yazd/contracts.csv", "shafaf_portal", yazd["id"],  # type: ignore[attr-defined]
                         {"profile": "yazd-contracts"})
    context = {"ignore_auth": True, "user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}
    job_dict = tk.get_action("harvest_job_create")(context, {"source_id": source["id"], "run": False})
    job = HarvestJob.get(job_dict["id"])
    long_ago = datetime.datetime.utcnow() - datetime.timedelta(hours=3)
    job.status, job.created, job.gather_started = "Running", long_ago, long_ago
    job.save()  # its consumer died mid-gather three hours ago
    schedule.run_round()
    model.Session.expire_all()
    job = HarvestJob.get(job_dict["id"])
    assert job.status == "Finished"
    errors = [e.message for e in job.gather_errors]
    assert any("timeout" in m for m in errors)


def test_old_objects_are_pruned_current_ones_kept(portal: PortalSimulator,
                                                  yazd: dict[str, Any]) -> None:
    source = make_source(portal.url + "/yazd/contracts.csv", "shafaf_portal", yazd["id"],  # type: ignore[attr-defined]
                         {"profile": "yazd-contracts"})
    for _ in range(4):
        run_job(source["id"])
    objects = model.Session.query(HarvestObject).filter_by(harvest_source_id=source["id"])
    assert objects.count() == 4
    # job 1's object made the dataset (current: kept); job 2's is older than the last 2 jobs
    assert schedule.prune_objects(keep_jobs=2) == 1
    kept = objects.all()
    assert len(kept) == 3 and sum(o.current for o in kept) == 1
    current = next(o for o in kept if o.current)
    assert json.loads(current.content)["fiscal_year"] == 1403
    assert run_job(source["id"]).count("not modified") == 1  # the hash survived the pruning


def test_spool_of_finished_jobs_is_removed(portal: PortalSimulator, yazd: dict[str, Any]) -> None:
    portal.set_fault("/yazd/contracts.csv", "malformed_rows")  # an import fails, its table stays
    source = make_source(portal.url + "/yazd/contracts.csv", "shafaf_portal", yazd["id"],  # type: ignore[attr-defined]
                         {"profile": "yazd-contracts"})
    job_id = run_job(source["id"]).job["id"]
    folder = spool_dir(f"job-{job_id}")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "left.csv").write_text("x")
    schedule.run_round()
    assert not folder.exists()

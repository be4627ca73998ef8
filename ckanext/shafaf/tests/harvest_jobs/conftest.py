"""Real harvest jobs: CKAN, ckanext-harvest, the DataStore and our harvesters.

Jobs run gather → fetch → import through ckanext-harvest's own stage
functions (`queue.gather_stage`, `queue.fetch_and_import_stages`) and
`harvest_jobs_run` closes them, exactly what its consumers do minus the
Redis hop (one test in test_queue_run.py goes through the Redis queues).
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Sequence

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers
from ckanext.datastore.tests.conftest import clean_datastore  # noqa: F401  (fixture)
from ckanext.harvest import queue
from ckanext.harvest.model import HarvestJob, HarvestObject

from ckanext.shafaf.simulator.portal import PortalSimulator
from ckanext.shafaf.simulator.server import serve
from ckanext.shafaf.testing import site_config_marks

PLUGINS = ("activity datastore scheming_datasets scheming_organizations harvest shafaf "
           "shafaf_portal_harvester shafaf_ckan_harvester")
MARKS = [*site_config_marks(PLUGINS),
         pytest.mark.ckan_config("ckan.harvest.mq.type", "redis"),
         pytest.mark.ckan_config("ckanext.shafaf.harvest.check_in_background", "false"),
         pytest.mark.ckan_config("ckanext.shafaf.harvest.http_timeout", "2"),
         pytest.mark.usefixtures("clean_db", "clean_datastore", "with_plugins",
                                 "with_request_context")]


@dataclass
class JobResult:
    """What a finished job did, read back from ckanext-harvest's own tables."""
    job: dict[str, Any]
    report: dict[str, Any]
    statuses: dict[str, str] = field(default_factory=dict)   # guid → report_status

    def count(self, status: str) -> int:
        return sum(1 for s in self.statuses.values() if s == status)

    @property
    def gather_errors(self) -> list[str]:
        return [e["message"] for e in self.report["gather_errors"]]

    @property
    def object_errors(self) -> list[str]:
        return [m["message"] for o in self.report["object_errors"].values()
                for m in o["errors"]]


def run_job(source_id: str) -> JobResult:
    """Create a job for the source and run it to the end, as the consumers would."""
    context = {"ignore_auth": True, "user": _site_user()}
    job_dict = tk.get_action("harvest_job_create")(context, {"source_id": source_id, "run": False})
    job = HarvestJob.get(job_dict["id"])
    job.status = "Running"
    job.save()
    harvester = queue.get_harvester(job.source.type)
    ids = queue.gather_stage(harvester, job)
    for object_id in ids if isinstance(ids, list) else []:
        queue.fetch_and_import_stages(harvester, HarvestObject.get(object_id))
    tk.get_action("harvest_jobs_run")(context, {"source_id": source_id})
    model.Session.remove()
    job_dict = tk.get_action("harvest_job_show")(context, {"id": job_dict["id"]})
    report = tk.get_action("harvest_job_report")(context, {"id": job_dict["id"]})
    statuses = dict(model.Session.query(HarvestObject.guid, HarvestObject.report_status)
                    .filter(HarvestObject.harvest_job_id == job_dict["id"]).all())
    return JobResult(job_dict, report, statuses)


def _site_user() -> str:
    return tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]


@contextmanager
def yazd_portal(years: Sequence[int], size: int,
                hold_seconds: int = 4) -> Iterator[PortalSimulator]:
    """A served portal simulator whose Yazd contracts export has these years and rows."""
    sim = PortalSimulator(hold_seconds=hold_seconds)
    sim.set_years("yazd", "contracts", list(years))
    sim.set_size("yazd", "contracts", size)
    with serve(sim) as url:
        sim.url = url  # type: ignore[attr-defined]
        yield sim


def make_source(url: str, source_type: str, owner_org: str, config: dict[str, Any],
                frequency: str = "MANUAL") -> dict[str, Any]:
    return helpers.call_action(
        "harvest_source_create", {"user": _site_user()},
        name=f"src-{abs(hash((url, source_type))) % 10**8}", title=f"source {url}", url=url,
        source_type=source_type, owner_org=owner_org, frequency=frequency,
        config=json.dumps(config, ensure_ascii=False))


def datasets_of(org_id: str, *, include_deleted: bool = False) -> list[model.Package]:
    query = (model.Session.query(model.Package).filter(model.Package.owner_org == org_id)
             .filter(model.Package.type != "harvest"))
    if not include_deleted:
        query = query.filter(model.Package.state == "active")
    return query.order_by(model.Package.name).all()


@pytest.fixture
def province() -> dict[str, Any]:
    return factories.Organization(name="yazd-province", title="استان یزد", org_level="province",
                                  province="یزد")


@pytest.fixture
def municipality(province: dict[str, Any]) -> Callable[..., dict[str, Any]]:
    def make(name: str, title: str) -> dict[str, Any]:
        return factories.Organization(
            name=name, title=title, org_level="municipality", province="یزد",
            groups=[{"name": province["name"], "capacity": "parent"}])
    return make

"""Roll-ups of budgets and permits, the background refresh and the CLI."""
from __future__ import annotations

import pytest

from ckan.lib import jobs
from ckan.tests import helpers

from ckanext.shafaf.federation import rollup
from ckanext.shafaf.testing import site_config_marks
from ckanext.shafaf.tests.federation_rollups.conftest import MARAGHEH_ROWS, TABRIZ_ROWS
from ckanext.shafaf.tests.tables.helpers import (
    BUDGET_HEADER, BUDGET_ROWS, PERMIT_HEADER, PERMIT_ROWS)

pytestmark = [
    *site_config_marks("datastore scheming_datasets scheming_organizations shafaf"),
    pytest.mark.usefixtures("with_plugins", "clean_datastore", "with_request_context"),
]
MILLION, BILLION = 10**6, 10**9


def _summary(federation, dataset_type):
    return helpers.call_action("shafaf_rollup_summary", id=federation.province["name"],
                               type=dataset_type, fiscal_year="1403")


@pytest.mark.ckan_config("ckanext.shafaf.rollup.in_background", False)
def test_budget_rollup_totals_approved_and_executed_per_municipality(federation):
    federation.publish("tabriz", BUDGET_ROWS, dataset_type="budget", header=BUDGET_HEADER)
    federation.publish("marand", BUDGET_ROWS[:1], dataset_type="budget", header=BUDGET_HEADER)
    summary = _summary(federation, "budget")
    got = {(r["municipality"], r["direction"]): (r["count"], r["approved"], r["executed"])
           for r in summary["by_municipality"]}
    # from BUDGET_ROWS: amounts in میلیون ریال, میلیارد ریال and تومان
    assert got == {
        ("شهرداری تبریز", "منابع"): (2, 5_500_000 * MILLION + 120 * BILLION,
                                      4_800_000 * MILLION + 90 * BILLION),
        ("شهرداری تبریز", "مصارف"): (2, 2_100_000 * MILLION + 3000 * 10, 2_150_000 * MILLION),
        ("شهرداری مرند", "منابع"): (1, 5_500_000 * MILLION, 4_800_000 * MILLION),
    }
    assert rollup.rollup_name(federation.province["name"], "budget", 1403).endswith(
        "-budgets-1403-rollup")


@pytest.mark.ckan_config("ckanext.shafaf.rollup.in_background", False)
def test_permit_rollup_counts_per_municipality_and_type(federation, app):
    federation.publish("tabriz", PERMIT_ROWS, dataset_type="permit", header=PERMIT_HEADER)
    federation.publish("maragheh", PERMIT_ROWS[:1], dataset_type="permit", header=PERMIT_HEADER)
    summary = _summary(federation, "permit")
    assert {r["municipality"]: r["count"] for r in summary["by_municipality"]} == \
        {"شهرداری تبریز": 2, "شهرداری مراغه": 1}
    assert {r["permit_type"]: r["count"] for r in summary["by_permit_type"]} == \
        {"احداث": 2, "پایانکار": 1}
    page = app.get(f"/organization/{federation.province['name']}",
                   query_string={"rollup_type": "permit", "rollup_year": "1403"})
    assert "تعداد مجوزهای هر شهرداری" in page.body and "<svg" in page.body


@pytest.mark.usefixtures("clean_redis")
@pytest.mark.ckan_config("ckanext.shafaf.rollup.in_background", True)
def test_background_refresh_is_queued_once_per_rollup(federation):
    federation.publish("tabriz", TABRIZ_ROWS)
    federation.publish("maragheh", MARAGHEH_ROWS)
    queued = [j for j in jobs.get_queue().jobs if j.func_name.endswith("refresh_job")]
    assert [j.args for j in queued] == [[federation.province["id"], "contract", 1403]]
    assert not rollup.rollups_of(federation.province["id"])  # nothing built in the request

    rollup.refresh_job(*queued[0].args)  # what the worker runs
    dataset = rollup.rollups_of(federation.province["id"])[0]
    assert rollup.figures_of(dataset)["row_count"] == len(TABRIZ_ROWS) + len(MARAGHEH_ROWS)

    # once that job is done, a new change queues a new refresh
    from rq.job import JobStatus
    queued[0].set_status(JobStatus.FINISHED)
    jobs.get_queue().remove(queued[0])
    federation.publish("marand", TABRIZ_ROWS[:1])
    again = [j for j in jobs.get_queue().jobs if j.func_name.endswith("refresh_job")]
    assert [j.args for j in again] == [[federation.province["id"], "contract", 1403]]


@pytest.mark.ckan_config("ckanext.shafaf.rollup.in_background", False)
def test_cli_rebuilds_a_province(federation, cli):
    from ckan.cli.cli import ckan
    federation.publish("tabriz", TABRIZ_ROWS)
    result = cli.invoke(ckan, ["shafaf", "rollups-refresh", federation.province["name"]])
    assert result.exit_code == 0, result.output
    assert f"{federation.province['name']}-contracts-1403-rollup: 2 rows from 1 tables" in \
        result.output
    result = cli.invoke(ckan, ["shafaf", "rollups-refresh"])
    assert result.exit_code == 0 and "-contracts-1403-rollup: 2 rows" in result.output

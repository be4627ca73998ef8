"""Harvest benchmark: our federation harvester against ckanext-harvest's stock CKAN harvester.

    .venv/bin/python benchmarks/harvest.py [--datasets 2000] [--big 20000] [--json]

A CKAN-shaped member catalogue (`python -m ckanext.shafaf.simulator`, in its
own process so its CPU and memory are not counted) serves N datasets, each
with a small contracts CSV. On dedicated databases (shafaf_bench,
shafaf_bench_datastore; Redis database 3; storage and the ini under
var/bench/), with the production plugin list of deploy/ckan.ini.tmpl plus
`ckan_harvester`, every measured run is a fresh process,
`ckan -c var/bench/ckan.ini harvester run-test SOURCE` (gather, fetch and
import in one process, no queues) under `/usr/bin/time -v`: wall time, CPU
and that process's peak RSS.

1. stock `ckan` harvester, first harvest of N, then a re-harvest (nothing changed);
2. databases reset (the stock harvester keeps the remote ids, so a second
   harvester of the same source in the same database would collide);
3. ours (`shafaf_ckan`): first harvest, the queued table checks drained by
   `ckan jobs worker --burst` (timed apart), an unchanged re-harvest, then
   a harvest after the catalogue edited 1 % of its datasets;
4. with --big M: databases reset, ours at M (first harvest, re-harvest):
   peak RSS at N against M.

`run-test` itself keeps a package_show dict of every imported dataset until
the job ends (ckanext-harvest's tests/lib.py) and never removes its session,
so its memory and time grow with the source whatever the harvester does.
Unless --no-consumers, each harvester's first harvest and re-harvest are
therefore also timed in "the consumers' loop" (`--task consume`: what the
gather and fetch consumers do per job and per object, minus Redis), on
fresh databases, at N and M. `--consumers-only` runs only those.

What is inside a timed run: the stock harvester writes metadata only (its
resources keep linking to the member's files). Ours also downloads every
resource file and stores it with CKAN's uploader (copies, not links); the
table check of each copied file (validation, DataStore load, figures) is
queued to the jobs worker (`ckanext.shafaf.harvest.check_in_background =
true`, the default) and is *not* in the harvest's time: its drain is timed
separately.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterator, Optional

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "scripts"))
from _machine import machine  # noqa: E402

BENCH = REPO / "var" / "bench"
INI = BENCH / "ckan.ini"
LOGS = BENCH / "logs"
STORAGE = BENCH / "storage"
VENV_BIN = Path(sys.executable).parent
CKAN = str(VENV_BIN / "ckan")
TIME = "/usr/bin/time"

DATABASE, DATASTORE = "shafaf_bench", "shafaf_bench_datastore"
NEVER_TOUCH = {"shafaf", "shafaf_test", "shafaf_datastore", "shafaf_datastore_test"}
REDIS_DB = 3
SITE_ID = "shafaf_bench"
PG = ["-h", "127.0.0.1", "-p", "5432", "-U", "postgres"]
PSQL = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", *PG]

PROVINCE = "east-azerbaijan"
CATALOGUE = "tabriz"
STOCK_SOURCE, OURS_SOURCE = "bench-stock-ckan", "bench-shafaf-ckan"

# Targets of the harvest issue.
TARGET_SPEEDUP, TARGET_REHARVEST = 5.0, 10.0


# ---------------------------------------------------------------- config and databases

def write_ini() -> Path:
    """deploy/ckan.ini.tmpl rendered, pointed at the benchmark databases, Redis db 3, var/bench."""
    from render_ini import render
    text = render(REPO / "deploy" / "ckan.ini.tmpl", REPO)

    def setting(key: str, value: str) -> None:
        nonlocal text
        text, count = re.subn(rf"^{re.escape(key)} = .*$", f"{key} = {value}", text,
                              flags=re.M)
        if count != 1:
            raise SystemExit(f"deploy/ckan.ini.tmpl: expected one '{key} =' line, found {count}")

    plugins = re.search(r"^ckan\.plugins = (.*)$", text, re.M).group(1).split()
    setting("ckan.plugins", " ".join([*plugins, "ckan_harvester"]))
    setting("sqlalchemy.url", f"postgresql://postgres@127.0.0.1:5432/{DATABASE}")
    setting("ckan.datastore.write_url", f"postgresql://postgres@127.0.0.1:5432/{DATASTORE}")
    setting("ckan.datastore.read_url",
            f"postgresql://shafaf_datastore_ro:shafaf_ro@127.0.0.1:5432/{DATASTORE}")
    setting("ckan.redis.url", f"redis://127.0.0.1:6379/{REDIS_DB}")
    setting("ckan.storage_path", str(STORAGE))
    setting("ckan.site_id", SITE_ID)
    text = text.replace("[app:main]\n", "[app:main]\n"
                        "# benchmarks/harvest.py: the default, written out\n"
                        "ckanext.shafaf.harvest.check_in_background = true\n"
                        # Without it the jobs worker cannot run a single job: its work
                        # horse reloads the environment, CKAN unloads the plugins first
                        # (ours is what makes solr_url optional) and refuses the config;
                        # the job is dropped with no error. test.ini carries the same
                        # line; never contacted.
                        "solr_url = http://127.0.0.1:8983/solr/not-used-by-shafaf\n", 1)
    BENCH.mkdir(parents=True, exist_ok=True)
    INI.write_text(text, "utf-8")
    return INI


def ckan(*args: str, log: Optional[Path] = None, input: Optional[str] = None
         ) -> subprocess.CompletedProcess:
    result = subprocess.run([CKAN, "-c", str(INI), *args], capture_output=True, text=True,
                            input=input)
    if log is not None:
        with log.open("a", encoding="utf-8") as f:
            f.write(f"$ ckan {' '.join(args)}\n{result.stdout}{result.stderr}\n")
    if result.returncode != 0:
        raise SystemExit(f"ckan {' '.join(args)} failed ({result.returncode}):\n"
                         f"{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return result


def reset_site() -> None:
    """Fresh shafaf_bench / shafaf_bench_datastore, migrated; empty storage and Redis db 3."""
    for name in (DATABASE, DATASTORE):
        assert name not in NEVER_TOUCH
        subprocess.run(["dropdb", *PG, "--if-exists", "--force", name], check=True)
    subprocess.run([str(REPO / "scripts" / "setup_db.sh"), DATABASE, DATASTORE], check=True,
                   capture_output=True)
    shutil.rmtree(STORAGE, ignore_errors=True)
    STORAGE.mkdir(parents=True)
    redis_client().flushdb()  # database 3 only
    log = LOGS / "migrate.log"
    ckan("db", "init", log=log)
    for plugin in ("activity", "harvest", "shafaf"):
        ckan("db", "upgrade", "-p", plugin, log=log)
    sql = ckan("datastore", "set-permissions").stdout
    subprocess.run([*PSQL, "-d", DATASTORE], input=sql, text=True, check=True,
                   capture_output=True)


def redis_client():
    import redis
    client = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
    assert client.connection_pool.connection_kwargs["db"] == REDIS_DB
    return client


def sql(query: str, **params: Any) -> list[tuple]:
    import sqlalchemy as sa
    engine = _engine()
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(query), params).all()]


_ENGINE = None


def _engine():
    global _ENGINE
    if _ENGINE is None:
        import sqlalchemy as sa
        _ENGINE = sa.create_engine(f"postgresql://postgres@127.0.0.1:5432/{DATABASE}",
                                   poolclass=sa.pool.NullPool)
    return _ENGINE


# ---------------------------------------------------------------- CKAN-side helpers (own process)

def _in_ckan(task: str, *args: str) -> str:
    """Run one of the `_task_*` functions below in a fresh process with CKAN loaded."""
    result = subprocess.run([sys.executable, __file__, "--task", task, *args],
                            capture_output=True, text=True)
    with (LOGS / "tasks.log").open("a", encoding="utf-8") as f:
        f.write(f"$ task {task} {args}\n{result.stdout}{result.stderr}\n")
    if result.returncode != 0:
        raise SystemExit(f"task {task} failed:\n{result.stderr[-4000:]}")
    return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""


def _task_source(name: str, url: str, source_type: str, config: str) -> None:
    """A province organisation (if missing) and a harvest source it owns."""
    import ckan.plugins.toolkit as tk
    user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]

    def context() -> dict[str, Any]:
        return {"user": user, "ignore_auth": True}
    try:
        tk.get_action("organization_show")(context(), {"id": PROVINCE})
    except tk.ObjectNotFound:
        tk.get_action("organization_create")(context(), {
            "name": PROVINCE, "title": "استان آذربایجان شرقی", "org_level": "province",
            "province": "آذربایجان شرقی"})
    created = tk.get_action("harvest_source_create")(context(), {
        "name": name, "title": f"benchmark {source_type}", "url": url,
        "source_type": source_type, "owner_org": PROVINCE, "frequency": "MANUAL",
        "config": config})
    print(created["id"])


def _task_consume(name: str) -> None:
    """One job the way the gather and fetch consumers run it, minus the Redis hop.

    `ckan harvester run-test` keeps a package_show dict of every imported
    dataset until the job ends (ckanext-harvest's tests/lib.py,
    results_by_guid), so its peak RSS grows with the source whatever the
    harvester does. The consumers keep nothing: gather_stage, then per
    object HarvestObject.get → fetch_and_import_stages → Session.remove()
    (queue.fetch_callback), then harvest_jobs_run."""
    import ckan.model as model
    import ckan.plugins.toolkit as tk
    from ckanext.harvest import queue
    from ckanext.harvest.model import HarvestJob, HarvestObject
    user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    source = tk.get_action("harvest_source_show")({"user": user}, {"id": name})
    job_dict = tk.get_action("harvest_job_create")(
        {"user": user}, {"source_id": source["id"], "run": False})
    job = HarvestJob.get(job_dict["id"])
    job.status = "Running"
    job.save()
    harvester = queue.get_harvester(source["source_type"])
    ids = queue.gather_stage(harvester, job)
    model.Session.remove()
    for object_id in ids if isinstance(ids, list) else []:
        queue.fetch_and_import_stages(harvester, HarvestObject.get(object_id))
        model.Session.remove()
    tk.get_action("harvest_jobs_run")({"user": user}, {"source_id": source["id"]})


def _task_queue() -> None:
    """Jobs waiting in the RQ queues of this site (the table checks)."""
    from ckan.lib import jobs
    print(json.dumps({q.name: q.count for q in jobs.get_all_queues()}))


def _run_task(task: str, args: list[str]) -> None:
    from ckan.cli import load_config
    from ckan.config.middleware import make_app
    app = make_app(load_config(str(INI)))
    flask_app = getattr(app, "apps", {}).get("flask_app", app)._wsgi_app
    with flask_app.test_request_context():
        globals()[f"_task_{task}"](*args)


# ---------------------------------------------------------------- measured processes

@dataclass
class Measured:
    """One process under /usr/bin/time -v."""
    wall: float               # s, from our clock around the process
    user: float               # s CPU
    system: float
    peak_rss_mib: float       # that process's maximum resident set size
    returncode: int


def ckan_command(*args: str) -> list[str]:
    return [CKAN, "-c", str(INI), *args]


def measured(label: str, command: list[str], limit: Optional[float] = None) -> Measured:
    """``command`` as a fresh process under /usr/bin/time -v (output to var/bench/logs).

    With ``limit`` (seconds) the ckan process gets SIGTERM when it is over
    (the jobs worker then finishes its current job and stops)."""
    log, timing = LOGS / f"{label}.log", LOGS / f"{label}.time"
    with log.open("w", encoding="utf-8") as out:
        start = time.perf_counter()
        timer = subprocess.Popen([TIME, "-v", "-o", str(timing), *command],
                                 stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            code = timer.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            children = Path(f"/proc/{timer.pid}/task/{timer.pid}/children").read_text().split()
            for child in children:  # the process /usr/bin/time started
                os.kill(int(child), signal.SIGTERM)
            code = timer.wait()
        wall = time.perf_counter() - start
    text = timing.read_text()

    def number(name: str) -> float:
        return float(re.search(rf"{re.escape(name)}: ([0-9.]+)", text).group(1))
    return Measured(wall=wall, user=number("User time (seconds)"),
                    system=number("System time (seconds)"),
                    peak_rss_mib=number("Maximum resident set size (kbytes)") / 1024,
                    returncode=code)


@dataclass
class HarvestRun:
    label: str
    harvester: str            # "stock" | "ours"
    source_records: int       # datasets the catalogue listed
    process: Measured
    job_seconds: float        # gather_started → finished, as the job records it
    job_status: str
    statuses: dict[str, int]  # harvest objects of the job by report_status
    errors: int               # gather + object errors of the job
    written: int              # datasets whose metadata_modified moved during the run
    created: int              # datasets that did not exist before the run
    datasets_after: int       # active harvested datasets after the run
    queued_checks: int        # table checks the run queued for the jobs worker
    source_cpu: float = 0.0   # CPU seconds the simulator spent answering during the run
    notes: list[str] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        """Datasets written (first harvest) or records handled (re-harvest) per wall second."""
        done = self.written if self.written else self.source_records
        return done / self.process.wall


def _now_utc() -> Any:
    return sql("SELECT now() AT TIME ZONE 'utc'")[0][0]


def _datasets() -> int:
    return sql("SELECT count(*) FROM package WHERE type <> 'harvest' AND state = 'active'")[0][0]


def queued_jobs() -> int:
    return sum(json.loads(_in_ckan("queue")).values())


def harvest(label: str, harvester: str, source: str, sim: "Catalogue",
            consumers: bool = False) -> HarvestRun:
    """One measured job: `ckan harvester run-test SOURCE`, or with ``consumers``
    the consumers' own loop (`_task_consume`)."""
    records = sim.datasets
    before, count_before = _now_utc(), _datasets()
    ids_before = {r[0] for r in sql("SELECT id FROM package WHERE type <> 'harvest'")}
    queued_before = queued_jobs()
    how = "consumers' loop" if consumers else "harvester run-test"
    print(f"  {label}: {how} {source} …", end="", flush=True)
    sim_cpu = sim.cpu_seconds()
    command = ([sys.executable, __file__, "--task", "consume", source] if consumers
               else ckan_command("harvester", "run-test", source))
    process = measured(label, command)
    sim_cpu = sim.cpu_seconds() - sim_cpu
    job = sql("""SELECT j.id, j.status, extract(epoch FROM j.finished - j.gather_started)
                 FROM harvest_job j JOIN package p ON p.id = j.source_id
                 WHERE p.name = :n ORDER BY j.created DESC LIMIT 1""", n=source)
    job_id, status, seconds = job[0]
    statuses = dict(sql("""SELECT coalesce(report_status, state), count(*) FROM harvest_object
                           WHERE harvest_job_id = :j GROUP BY 1""", j=job_id))
    errors = sql("""SELECT (SELECT count(*) FROM harvest_gather_error WHERE harvest_job_id = :j)
                   + (SELECT count(*) FROM harvest_object_error e JOIN harvest_object o
                      ON o.id = e.harvest_object_id WHERE o.harvest_job_id = :j)""", j=job_id)[0][0]
    written = sql("""SELECT count(*) FROM package WHERE type <> 'harvest'
                     AND metadata_modified >= :t""", t=before)[0][0]
    ids_after = {r[0] for r in sql("SELECT id FROM package WHERE type <> 'harvest'")}
    run = HarvestRun(
        label=label, harvester=harvester, source_records=records, process=process,
        job_seconds=float(seconds or 0), job_status=status, statuses=statuses, errors=errors,
        written=written, created=len(ids_after - ids_before), datasets_after=_datasets(),
        queued_checks=queued_jobs() - queued_before, source_cpu=sim_cpu)
    if process.returncode != 0:
        run.notes.append(f"exit code {process.returncode} (see {LOGS / (label + '.log')})")
    print(f" {process.wall:.1f} s, {run.written} written, peak RSS {process.peak_rss_mib:.0f} MiB,"
          f" objects {statuses}, errors {errors}", flush=True)
    if count_before == 0 and run.created == 0:
        run.notes.append("nothing was created")
    return run


@dataclass
class Drain:
    jobs_before: int
    jobs_done: int
    jobs_cleared: int         # left in the queue when the time limit stopped the worker
    process: Measured
    outcomes: dict[str, int]  # shafaf_resource_validation: status / datastore_status


def drain(label: str, limit: Optional[float]) -> Drain:
    """`ckan jobs worker --burst`: run the queued table checks, timed on their own.

    A worker that is still busy after ``limit`` seconds is stopped (it ends
    its current job); the checks left are counted and cleared, so later
    runs start with an empty queue."""
    before = queued_jobs()
    print(f"  {label}: jobs worker --burst ({before} queued"
          + (f", at most {limit:.0f} s" if limit else "") + ") …", end="", flush=True)
    process = measured(label, ckan_command("jobs", "worker", "--burst"), limit=limit)
    left = queued_jobs()
    if left:
        ckan("jobs", "clear", log=LOGS / "tasks.log")
    outcomes = dict(sql("""SELECT status || ' / ' || coalesce(datastore_status, '-'), count(*)
                           FROM shafaf_resource_validation GROUP BY 1"""))
    result = Drain(before, before - left, left, process, outcomes)
    print(f" {result.jobs_done} checks in {process.wall:.1f} s ({left} left, cleared), "
          f"{outcomes}", flush=True)
    return result


# ---------------------------------------------------------------- the simulated catalogue

class Catalogue:
    """The simulator in its own process (its CPU and memory are not the harvester's)."""

    def __init__(self, datasets: int) -> None:
        self.datasets = datasets
        self.log = (LOGS / f"simulator-{datasets}.log").open("w", encoding="utf-8")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ckanext.shafaf.simulator", "--port", str(_free_port()),
             "--ckan-datasets", str(datasets), "--catalogues", CATALOGUE],
            cwd=REPO, stdout=subprocess.PIPE, stderr=self.log, text=True)
        self.base = self.process.stdout.readline().strip()
        if not self.base.startswith("http"):
            self.stop()
            raise SystemExit(f"the simulator did not start (see {self.log.name})")
        self.url = f"{self.base}/ckan/{CATALOGUE}/"
        listed = self.action("package_search", rows=0)["count"]
        if listed != datasets:
            raise SystemExit(f"the simulator lists {listed} datasets, not {datasets}")

    def action(self, name: str, **params: Any) -> Any:
        from urllib.parse import urlencode
        with urllib.request.urlopen(f"{self.url}api/3/action/{name}?{urlencode(params)}",
                                    timeout=60) as response:
            return json.load(response)["result"]

    def switch(self, command: str, **body: Any) -> Any:
        request = urllib.request.Request(
            f"{self.base}/_sim/{command}", data=json.dumps(body).encode(), method="POST",
            headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            answer = json.load(response)
        if not answer.get("ok"):
            raise SystemExit(f"simulator switch {command} {body}: {answer}")
        return answer.get("result")

    def edit_share(self, share: float) -> list[int]:
        """Edit every 1/share-th dataset (content change, new metadata_modified)."""
        step = max(1, round(1 / share))
        indices = list(range(0, self.datasets, step))
        for index in indices:
            self.switch("ckan/edit", catalogue=CATALOGUE, index=index)
        return indices

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def catalogue(datasets: int) -> Iterator[Catalogue]:
    print(f"simulator: {datasets:,} datasets (catalogue {CATALOGUE!r}, shape shafaf) …",
          flush=True)
    sim = Catalogue(datasets)
    try:
        yield sim
    finally:
        sim.stop()


# ---------------------------------------------------------------- the benchmark

STOCK_CONFIG = "{}"   # the stock defaults: every dataset into the source's organisation
OURS_CONFIG = json.dumps({"create_organizations": True})  # member organisations under the province


def new_site(source: str, source_type: str, config: str, sim: Catalogue) -> None:
    print(f"  fresh databases {DATABASE} / {DATASTORE}, Redis db {REDIS_DB}, "
          f"source {source} ({source_type}) …", flush=True)
    reset_site()
    _in_ckan("source", source, sim.url, source_type, config)


def consumer_runs(sim: Catalogue, runs: list[HarvestRun], suffix: str, who: str = "ours",
                  fresh: bool = False) -> None:
    """A first harvest and an unchanged re-harvest on fresh databases, in the
    consumers' loop instead of run-test (no per-dataset dicts kept)."""
    source, kind, config = ((OURS_SOURCE, "shafaf_ckan", OURS_CONFIG) if who == "ours"
                            else (STOCK_SOURCE, "ckan", STOCK_CONFIG))
    if not fresh:
        new_site(source, kind, config, sim)
    runs.append(harvest(f"{who} first harvest, consumers' loop{suffix}", who, source, sim,
                        consumers=True))
    runs.append(harvest(f"{who} re-harvest, unchanged, consumers' loop{suffix}", who, source,
                        sim, consumers=True))


def run(args: argparse.Namespace) -> dict[str, Any]:
    LOGS.mkdir(parents=True, exist_ok=True)
    for old in LOGS.glob("*"):
        old.unlink()
    write_ini()
    figures: dict[str, Any] = {"runs": [], "drains": []}
    runs, drains = figures["runs"], figures["drains"]
    run_test = not args.consumers_only
    with catalogue(args.datasets) as sim:
        if not args.skip_stock:
            new_site(STOCK_SOURCE, "ckan", STOCK_CONFIG, sim)
            startup = measured("ckan-startup", ckan_command("harvester", "sources"))
            fresh = True
            figures["startup"] = asdict(startup)
            print(f"  CKAN start-up alone (`ckan harvester sources`): {startup.wall:.1f} s, "
                  f"peak RSS {startup.peak_rss_mib:.0f} MiB", flush=True)
            if run_test:
                runs.append(harvest("stock first harvest", "stock", STOCK_SOURCE, sim))
                runs.append(harvest("stock re-harvest, unchanged", "stock", STOCK_SOURCE, sim))
                fresh = False
            if args.consumers:
                consumer_runs(sim, runs, "", "stock", fresh=fresh)
        if run_test:
            new_site(OURS_SOURCE, "shafaf_ckan", OURS_CONFIG, sim)
            runs.append(harvest("ours first harvest", "ours", OURS_SOURCE, sim))
            if not args.no_drain:
                drains.append(("after ours first harvest",
                               drain("ours drain checks", args.drain_seconds or None)))
            runs.append(harvest("ours re-harvest, unchanged", "ours", OURS_SOURCE, sim))
            edited = sim.edit_share(args.edit_share)
            figures["edited"] = len(edited)
            print(f"  simulator: {len(edited)} datasets edited ({args.edit_share:.0%})", flush=True)
            runs.append(harvest(f"ours after {len(edited)} edits", "ours", OURS_SOURCE, sim))
            if not args.no_drain:
                drains.append(("after the edits", drain("ours drain edited checks", None)))
        if args.consumers:
            consumer_runs(sim, runs, "")
    if args.big:
        with catalogue(args.big) as sim:
            if run_test:
                new_site(OURS_SOURCE, "shafaf_ckan", OURS_CONFIG, sim)
                runs.append(harvest("ours first harvest (big)", "ours", OURS_SOURCE, sim))
                runs.append(harvest("ours re-harvest, unchanged (big)", "ours", OURS_SOURCE, sim))
                figures["big_queue_left"] = queued_jobs()
            if args.consumers:
                consumer_runs(sim, runs, " (big)")
    return figures


def report(figures: dict[str, Any], args: argparse.Namespace) -> list[str]:
    runs: list[HarvestRun] = figures["runs"]
    by = {r.label: r for r in runs}
    lines = ["", "| run | records | wall s | in job s | CPU s | datasets/s | peak RSS MiB "
             "| written | not modified | errors | checks queued | source CPU s |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in runs:
        unchanged = r.statuses.get("not modified", 0)
        lines.append(
            f"| {r.label} | {r.source_records:,} | {r.process.wall:.1f} | {r.job_seconds:.1f} "
            f"| {r.process.user + r.process.system:.1f} | {r.per_second:,.1f} "
            f"| {r.process.peak_rss_mib:.0f} | {r.written:,} | {unchanged:,} | {r.errors} "
            f"| {r.queued_checks:,} | {r.source_cpu:.1f} |")
    lines.append("datasets/s: datasets written per wall second; for a run that writes none, "
                 "records checked per wall second. in job: the job's gather_started → finished. "
                 "source CPU: the simulator's own process.")
    for note in (n for r in runs for n in r.notes):
        lines.append(f"note: {note}")
    for when, d in figures["drains"]:
        rate = d.jobs_done / d.process.wall if d.process.wall else 0
        lines.append(
            f"queued table checks {when}: `ckan jobs worker --burst` ran {d.jobs_done:,} of "
            f"{d.jobs_before:,} in {d.process.wall:.1f} s ({rate:.2f} checks/s"
            + (f"; stopped at the time limit, {d.jobs_cleared:,} cleared: all "
               f"{d.jobs_before:,} would take ≈ {d.jobs_before / rate:.0f} s" if d.jobs_cleared and rate
               else "") + f"), peak RSS {d.process.peak_rss_mib:.0f} MiB; "
            f"check outcomes (status / DataStore) {d.outcomes}")
    if "startup" in figures:
        lines.append(f"CKAN start-up inside every wall time: {figures['startup']['wall']:.1f} s")
    lines.append("")
    verdict = []

    def ratio(name: str, value: Optional[float], target: Optional[float], unit: str = "×",
              better_low: bool = False) -> None:
        if value is None:
            return
        met = "" if target is None else (
            " — met" if (value <= target if better_low else value >= target) else " — NOT met")
        goal = "" if target is None else f" (target {'≤' if better_low else '≥'} {target:g}{unit})"
        verdict.append(f"{name}: {value:.2f}{unit}{goal}{met}")

    stock1, stock2 = by.get("stock first harvest"), by.get("stock re-harvest, unchanged")
    ours1, ours2 = by.get("ours first harvest"), by.get("ours re-harvest, unchanged")
    big1 = by.get("ours first harvest (big)")
    big2 = by.get("ours re-harvest, unchanged (big)")
    if stock1 and ours1:
        ratio("first harvest, ours vs stock (wall)", stock1.process.wall / ours1.process.wall,
              TARGET_SPEEDUP)
        ratio("first harvest, ours vs stock (in job)", stock1.job_seconds / ours1.job_seconds, None)
    if stock1 and stock2:
        ratio("stock: unchanged re-harvest vs first (wall)",
              stock1.process.wall / stock2.process.wall, None)
    if ours1 and ours2:
        ratio("ours: unchanged re-harvest vs first (wall)",
              ours1.process.wall / ours2.process.wall, TARGET_REHARVEST)
        ratio("ours: unchanged re-harvest vs first (in job)",
              ours1.job_seconds / max(ours2.job_seconds, 1e-3), None)
    if stock2 and ours2:
        ratio("unchanged re-harvest, ours vs stock (wall)",
              stock2.process.wall / ours2.process.wall, None)
    edited = [r for r in runs if r.label.startswith("ours after")]
    if edited:
        e = edited[0]
        verdict.append(f"after editing {figures['edited']} datasets: {e.written} written, "
                       f"{e.statuses.get('updated', 0)} updated, "
                       f"{e.statuses.get('not modified', 0)} not modified"
                       + (" — only the edited ones written" if e.written == figures["edited"]
                          else " — NOT only the edited ones"))
    if ours1 and big1:
        ratio(f"peak RSS, first harvest {big1.source_records:,} vs {ours1.source_records:,}",
              big1.process.peak_rss_mib / ours1.process.peak_rss_mib, 1.10, better_low=True)
    if ours2 and big2:
        ratio(f"peak RSS, re-harvest {big2.source_records:,} vs {ours2.source_records:,}",
              big2.process.peak_rss_mib / ours2.process.peak_rss_mib, 1.10, better_low=True)
    stock_c, ours_c = by.get("stock first harvest, consumers' loop"), \
        by.get("ours first harvest, consumers' loop")
    ours_c2 = by.get("ours re-harvest, unchanged, consumers' loop")
    if stock_c and ours_c:
        ratio("first harvest, ours vs stock, consumers' loop (wall)",
              stock_c.process.wall / ours_c.process.wall, TARGET_SPEEDUP)
    if ours_c and ours_c2:
        ratio("ours: unchanged re-harvest vs first, consumers' loop (wall)",
              ours_c.process.wall / ours_c2.process.wall, TARGET_REHARVEST)
    for what in ("first harvest", "re-harvest, unchanged"):
        small = by.get(f"ours {what}, consumers' loop")
        big = by.get(f"ours {what}, consumers' loop (big)")
        if small and big:
            ratio(f"peak RSS, {what}, consumers' loop, {big.source_records:,} vs "
                  f"{small.source_records:,}", big.process.peak_rss_mib / small.process.peak_rss_mib,
                  1.10, better_low=True)
    return lines + verdict


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--task":
        _run_task(sys.argv[2], sys.argv[3:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", type=int, default=2_000)
    parser.add_argument("--big", type=int, default=0, metavar="M",
                        help="then ours at M datasets (first harvest, re-harvest): peak RSS")
    parser.add_argument("--edit-share", type=float, default=0.01)
    parser.add_argument("--no-drain", action="store_true",
                        help="do not run the queued table checks (ckan jobs worker --burst)")
    parser.add_argument("--drain-seconds", type=float, default=300,
                        help="stop draining the first harvest's checks after this long "
                             "(the rest are cleared; 0: no limit)")
    parser.add_argument("--no-consumers", dest="consumers", action="store_false",
                        help="skip the runs of ours in the consumers' loop (peak RSS without "
                             "run-test's own per-dataset dicts)")
    parser.add_argument("--consumers-only", action="store_true",
                        help="only the consumers' loop runs (no run-test runs, no drains)")
    parser.add_argument("--skip-stock", action="store_true", help="ours only (tuning runs)")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = parser.parse_args()
    if not Path(TIME).exists():
        raise SystemExit(f"{TIME} (GNU time) is needed for the peak RSS of each run")
    print("machine:", machine(postgres=True), f"(nproc {os.cpu_count()})")
    print("started:", time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()))
    print("load average before:", Path("/proc/loadavg").read_text().strip())
    print(f"ini {INI}, logs {LOGS}", flush=True)
    started = time.perf_counter()
    figures = run(args)
    print("\n".join(report(figures, args)))
    print("\nInside each timed run: gather + fetch + import in one process, `ckan harvester "
          "run-test` or the consumers' loop (CKAN start-up included). Stock: metadata only, "
          "resources keep linking to "
          "the member's files. Ours: also downloads and stores every resource file "
          "(CKAN uploader) and queues one table check per file; the checks "
          "(validation, DataStore load, figures) run in `ckan jobs worker --burst`, timed apart.")
    print("load average after:", Path("/proc/loadavg").read_text().strip(),
          time.strftime("(%H:%M:%S UTC)", time.gmtime()))
    print(f"total {time.perf_counter() - started:.0f} s")
    if args.json:
        print(json.dumps({**figures,
                          "runs": [{**asdict(r), "per_second": r.per_second} for r in figures["runs"]],
                          "drains": [{"when": w, **asdict(d)} for w, d in figures["drains"]]},
                         ensure_ascii=False, indent=1, default=str))


if __name__ == "__main__":
    main()

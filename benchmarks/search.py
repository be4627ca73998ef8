"""Search benchmark: 100,000 synthetic Persian datasets.

    .venv/bin/python benchmarks/search.py [--datasets 100000] [--repeat 15]

1. Inserts the datasets into CKAN's package table (not timed), then indexes
   every one through CKAN's own PackageSearchIndex.index_package (our
   backend underneath): index throughput in datasets/s.
2. Times `ckan search-index rebuild` (search.rebuild: package_show + index)
   on a 2,000-dataset slice: the full CKAN path.
3. Runs 20 query shapes through the action layer (package_search as an
   anonymous user, so with permission labels) and, in the same run, a naive
   ILIKE scan over the same rows answering the same question; prints
   p50/p95 per shape and the speed-up.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
import uuid
from datetime import datetime, timedelta
from typing import Any, Callable

sys.path.insert(0, __import__("os").path.dirname(__file__))
from _ckan_env import ckan_app  # noqa: E402
from _machine import machine  # noqa: E402

DATABASE = "shafaf_bench_search"
NAIVE_REPEAT = 5
FACETS = ["organization", "tags", "fiscal_year", "procurement_method", "municipality"]

CITIES = ["تبریز", "مراغه", "مرند", "یزد", "مشهد", "اراک", "ارومیه", "شیراز",
          "اصفهان", "کرمان", "رشت", "ساری", "قزوین", "زنجان", "همدان", "سنندج",
          "کرمانشاه", "اهواز", "بوشهر", "بندرعباس", "زاهدان", "بیرجند", "سمنان",
          "گرگان", "اردبیل", "خرم‌آباد", "ایلام", "یاسوج", "شهرکرد", "قم"]
KINDS = ["قراردادهای", "بودجه", "پروانه‌های ساختمانی", "مجوزهای کسب", "گزارش عملکرد"]
METHODS = ["مناقصه عمومی", "مناقصه محدود", "استعلام", "ترک تشریفات", "مزایده"]
WORDS = ("احداث نگهداری فضای سبز پیاده‌رو آسفالت معابر روشنایی پسماند حمل نقل "
         "عمومی اتوبوس مترو پل تقاطع بوستان کتابخانه فرهنگسرا ورزشگاه استخر "
         "بازسازی مرمت بافت تاریخی خرید تجهیزات خدمات شهری آتش‌نشانی ایمنی "
         "نوسازی مدارس سیلاب کانال آب‌های سطحی جمع‌آوری زباله تفکیک پسماند "
         "بازیافت نظارت مشاوره طراحی اجرای ساختمان اداری پارکینگ طبقاتی "
         "میدان میوه تره‌بار زیرسازی جدول‌گذاری رنگ‌آمیزی تابلو شهری").split()
TAGS = ["شفافیت", "قرارداد", "بودجه", "پروانه", "عمرانی", "خدمات", "فضای‌سبز",
        "حمل‌ونقل", "پسماند", "فرهنگی", "ورزشی", "ایمنی", "آسفالت", "روشنایی"]
YEARS = [str(y) for y in range(1396, 1404)]
# A long tail like real registers: streets and places named in project titles.
_FIRST = ("شهید", "امام", "آیت‌الله", "دکتر", "استاد", "سردار", "میرزا", "حاج")
_LAST = ("بهشتی", "مطهری", "رجایی", "باهنر", "چمران", "طالقانی", "شریعتی", "فاطمی",
         "منتظری", "مدرس", "کاشانی", "همت", "باکری", "خرازی", "صیاد", "کلاهدوز",
         "زینالی", "رسالت", "ولیعصر", "جمهوری", "انقلاب", "آزادی", "بسیج", "قدس",
         "فجر", "بهار", "لاله", "نرگس", "یاس", "ارغوان", "سپیدار", "کاج", "نارون")
PLACES = [f"{a} {b}" for a in ("خیابان", "بلوار", "میدان", "کوچه") for b in
          (f"{f} {l}" for f in _FIRST for l in _LAST)]
# Zipf-like: a few words are everywhere, most are rare.
WORD_WEIGHTS = [1 / (rank + 1) for rank in range(len(WORDS))]


def arabic(text: str, rng: random.Random) -> str:
    """Some portals type Arabic ي/ك and Persian digits; keep that mix."""
    if rng.random() < 0.25:
        text = text.replace("ی", "ي").replace("ک", "ك")
    return text


def make_dataset(i: int, rng: random.Random, orgs: list[dict[str, Any]],
                 base: datetime) -> tuple[dict[str, Any], dict[str, Any]]:
    org = orgs[i % len(orgs)]
    year = rng.choice(YEARS)
    kind = rng.choice(KINDS)
    subject = " ".join(rng.choices(WORDS, WORD_WEIGHTS, k=2))
    place = rng.choice(PLACES)
    title = arabic(f"{kind} {subject} {place} شهرداری {org['city']} سال {year}", rng)
    notes = arabic(" ".join(rng.choices(WORDS, WORD_WEIGHTS, k=rng.randint(10, 25)))
                   + f" در {rng.choice(PLACES)}"
                   + (" این فهرست هر ماه به‌روز می‌شود" if i % 10 == 0 else ""), rng)
    modified = base + timedelta(minutes=i)
    pkg_id = str(uuid.UUID(int=rng.getrandbits(128)))
    row = {"id": pkg_id, "name": f"ds-{i:06d}", "title": title, "notes": notes,
           "type": "dataset", "state": "active", "private": False,
           "owner_org": org["id"], "metadata_created": modified,
           "metadata_modified": modified, "license_id": "cc-by"}
    extras = {"fiscal_year": year, "procurement_method": rng.choice(METHODS),
              "municipality": org["name"]}
    doc = {**row, "metadata_created": modified.isoformat(),
           "metadata_modified": modified.isoformat(),
           "organization": {"name": org["name"], "title": org["title"]},
           "tags": [{"name": t} for t in rng.sample(TAGS, 3)], "groups": [],
           "extras": [{"key": k, "value": v} for k, v in extras.items()],
           "resources": [{"name": f"{kind} {year}", "format": "CSV",
                          "url": f"http://127.0.0.1/{i}.csv",
                          "description": subject}],
           "num_resources": 1, "num_tags": 3}
    return row, doc


def seed(n: int) -> list[dict[str, Any]]:
    import ckan.model as model
    from ckan.tests import factories

    rng = random.Random(1403)
    orgs = []
    for j, city in enumerate(CITIES):
        org = factories.Organization(name=f"m-{j:02d}", title=f"شهرداری {city}")
        orgs.append({**org, "city": city})
    base = datetime(2024, 1, 1)
    docs = []
    rows = []
    for i in range(n):
        row, doc = make_dataset(i, rng, orgs, base)
        rows.append(row)
        docs.append(doc)
        if len(rows) == 5000:
            model.Session.execute(model.package_table.insert(), rows)
            rows = []
    if rows:
        model.Session.execute(model.package_table.insert(), rows)
    model.Session.commit()
    return docs


def timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def index_all(docs: list[dict[str, Any]]) -> float:
    import ckan.lib.search as search
    index = search.index_for("package")
    return timed(lambda: [index.index_package(json.loads(json.dumps(d))) for d in docs])


def rebuild_slice(docs: list[dict[str, Any]]) -> float:
    import ckan.lib.search as search
    ids = [d["id"] for d in docs]
    return timed(lambda: search.rebuild(package_ids=ids, quiet=True))


# (name, package_search params, naive WHERE over the same rows, facets?)
SHAPES: list[tuple[str, dict[str, Any], str, bool]] = [
    ("word, common", {"q": "قرارداد"}, "{t} ILIKE '%قرارداد%'", False),
    ("word, rare", {"q": "نارون"}, "{t} ILIKE '%نارون%'", False),
    ("two words", {"q": "فضای سبز"}, "{t} ILIKE '%فضای%' AND {t} ILIKE '%سبز%'", False),
    ("phrase", {"q": '"جمع‌آوری زباله"'}, "{t} ILIKE '%جمع‌آوری زباله%'", False),
    ("Arabic yeh/kaf variant", {"q": "شهرداري كرمان"},
     "{t} ILIKE '%شهرداري%' AND {t} ILIKE '%كرمان%'", False),
    ("ZWNJ variant", {"q": "میشود"}, "{t} ILIKE '%میشود%'", False),
    ("Persian digits", {"q": "۱۴۰۲"}, "{t} ILIKE '%۱۴۰۲%'", False),
    ("prefix", {"q": "title:بازساز*"}, "s.doc->>'title' ILIKE '%بازساز%'", False),
    ("match all + 5 facets", {"q": "", "facet.field": FACETS}, "TRUE", True),
    ("word + 5 facets", {"q": "آسفالت", "facet.field": FACETS},
     "{t} ILIKE '%آسفالت%'", True),
    ("fq fiscal year", {"fq": "fiscal_year:1402"}, "s.doc->>'fiscal_year' = '1402'", False),
    ("word + fq method", {"q": "پسماند", "fq": 'procurement_method:"مناقصه عمومی"'},
     "{t} ILIKE '%پسماند%' AND s.doc->>'procurement_method' = 'مناقصه عمومی'", False),
    ("fq org + facets", {"fq": "organization:m-07", "facet.field": FACETS},
     "s.doc->>'organization' = 'm-07'", True),
    ("fq range", {"fq": "fiscal_year:[1399 TO 1401]"},
     "s.doc->>'fiscal_year' BETWEEN '1399' AND '1401'", False),
    ("negation", {"q": "بودجه -procurement_method:مزایده"},
     "{t} ILIKE '%بودجه%' AND s.doc->>'procurement_method' <> 'مزایده'", False),
    ("fq OR list", {"fq_list": ['municipality:("m-01" OR "m-02" OR "m-03")']},
     "s.doc->>'municipality' IN ('m-01','m-02','m-03')", False),
    ("sort modified", {"q": "روشنایی", "sort": "metadata_modified desc"},
     "{t} ILIKE '%روشنایی%'", False),
    ("sort title", {"q": "مترو", "sort": "title_string asc"}, "{t} ILIKE '%مترو%'", False),
    ("deep page", {"q": "خدمات", "start": 1000}, "{t} ILIKE '%خدمات%'", False),
    ("fielded title", {"q": "title:اتوبوس"}, "s.doc->>'title' ILIKE '%اتوبوس%'", False),
]
TEXT = "(coalesce(s.doc->>'title','') || ' ' || coalesce(s.doc->>'notes','') || ' ' || coalesce(s.doc->>'tags',''))"


def run_action(params: dict[str, Any]) -> dict[str, Any]:
    import ckan.logic as logic
    data = {"rows": 20, **params}
    if "facet.field" in data:
        data["facet.field"] = json.dumps(data["facet.field"])
    return logic.get_action("package_search")({"user": "", "auth_user_obj": None}, data)


def run_naive(where: str, facets: bool, params: dict[str, Any]) -> int:
    """The same question answered by scanning: count, a page and facets."""
    import sqlalchemy as sa
    import ckan.model as model
    cond = (f"({where.format(t=TEXT)}) AND d.state = 'active' AND d.capacity = 'public' "
            "AND d.permission_labels && ARRAY['public']")
    rows = "shafaf_search_doc d JOIN shafaf_search_stored s USING (id, site_id)"
    order = "d.title_string ASC" if "title" in params.get("sort", "") \
        else "d.metadata_modified DESC"
    with model.meta.engine.connect() as conn:
        count = conn.execute(sa.text(
            f"SELECT count(*) FROM {rows} WHERE {cond}")).scalar()
        conn.execute(sa.text(
            f"SELECT s.doc, s.validated_data_dict FROM {rows} WHERE {cond} "
            f"ORDER BY {order} LIMIT 21 OFFSET {int(params.get('start', 0))}")).all()
        if facets:
            for f in FACETS:
                conn.execute(sa.text(
                    f"SELECT v, count(*) FROM {rows}, "
                    f"shafaf_values(s.doc->'{f}') v WHERE {cond} GROUP BY v "
                    f"ORDER BY 2 DESC LIMIT 50")).all()
    return int(count)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def set_cache(seconds: int) -> None:
    from ckan.common import config
    config["ckanext.shafaf.search.cache_seconds"] = seconds


def bench_queries(repeat: int, only: list[str] | None = None,
                  scan: bool = True) -> list[dict[str, Any]]:
    """Cold: result cache off, every run searches. Warm: cache on (Redis).

    `only` keeps the shapes whose name contains one of its strings; without
    `scan` the ILIKE baseline is skipped (quick runs while tuning)."""
    results = []
    print(f"{'shape':24s} {'hits':>6s} {'scan':>6s} | cold p50   p95 | warm p50   p95 "
          "| scan p50    p95 | cold speed-up")
    for name, params, where, facets in SHAPES:
        if only and not any(o in name for o in only):
            continue
        cold, warm, naive = [], [], []
        set_cache(0)
        hits = run_action(params)["count"]
        naive_hits = run_naive(where, facets, params) if scan else 0
        for _ in range(repeat):
            cold.append(timed(lambda: run_action(params)) * 1000)
        set_cache(300)
        run_action(params)
        for _ in range(repeat):
            warm.append(timed(lambda: run_action(params)) * 1000)
        # after ours, not between: a scan of seconds reading both tables
        # evicts the index's pages from shared_buffers before every run
        for _ in range(NAIVE_REPEAT if scan else 0):  # seconds a run
            naive.append(timed(lambda: run_naive(where, facets, params)) * 1000)
        naive = naive or [float("nan")]
        r = {"shape": name, "hits": hits, "naive_hits": naive_hits,
             "p50": statistics.median(cold), "p95": percentile(cold, 95),
             "warm_p50": statistics.median(warm), "warm_p95": percentile(warm, 95),
             "naive_p50": statistics.median(naive), "naive_p95": percentile(naive, 95)}
        results.append(r)
        print(f"{name:24s} {hits:6d} {naive_hits:6d} | {r['p50']:7.1f} {r['p95']:6.1f} | "
              f"{r['warm_p50']:6.1f} {r['warm_p95']:6.1f} | {r['naive_p50']:7.1f} "
              f"{r['naive_p95']:7.1f} | ×{r['naive_p50'] / r['p50']:.1f}", flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--rebuild-slice", type=int, default=2_000)
    parser.add_argument("--queries-only", action="store_true",
                        help="reuse the database of the last run; time queries only")
    parser.add_argument("--shapes", nargs="*", default=None,
                        help="only the shapes whose name contains one of these")
    parser.add_argument("--no-scan", action="store_true",
                        help="skip the ILIKE scan baseline (quick tuning runs)")
    args = parser.parse_args()
    print(f"machine: {machine(postgres=True)}")
    with ckan_app(DATABASE, fresh=not args.queries_only):
        import ckan.model as model
        if args.queries_only:
            print(memory_line(), flush=True)
            summarise(bench_queries(args.repeat, args.shapes, not args.no_scan))
            return
        docs = seed(args.datasets)
        seconds = index_all(docs)
        print(f"index {len(docs)} datasets (CKAN index_package → PostgreSQL): "
              f"{seconds:.1f} s, {len(docs) / seconds:.0f} datasets/s", flush=True)
        part = docs[: args.rebuild_slice]
        seconds = rebuild_slice(part)
        print(f"search.rebuild of {len(part)} datasets (package_show + index): "
              f"{seconds:.1f} s, {len(part) / seconds:.0f} datasets/s", flush=True)
        index_all(part)  # back to the synthetic documents with their extras
        with model.meta.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE shafaf_search_doc")
            conn.exec_driver_sql("ANALYZE shafaf_search_stored")
        print(memory_line(), flush=True)
        results = bench_queries(args.repeat)
    summarise(results)


def memory_line() -> str:
    """Whether the searched table and its indexes fit in PostgreSQL's own
    cache: a broad query visits most of the table's pages, and a page read
    from the OS cache instead of shared_buffers costs several times more
    (RESULTS.md, 2026-12-02 evening)."""
    import ckan.model as model
    with model.meta.engine.connect() as conn:
        buffers = conn.exec_driver_sql("SHOW shared_buffers").scalar()
        row = conn.exec_driver_sql(
            "SELECT pg_size_pretty(pg_relation_size('shafaf_search_doc')), "
            "pg_size_pretty(pg_indexes_size('shafaf_search_doc')), "
            "pg_relation_size('shafaf_search_doc') + pg_indexes_size('shafaf_search_doc')"
            " <= pg_size_bytes(current_setting('shared_buffers'))").one()
    return (f"shared_buffers {buffers}; shafaf_search_doc {row[0]} + indexes {row[1]}"
            f" ({'fits' if row[2] else 'does NOT fit'} in shared_buffers)")


def summarise(results: list[dict[str, Any]]) -> None:
    p95s = [r["p95"] for r in results]
    warm = [r["warm_p95"] for r in results]
    speedups = [r["naive_p50"] / r["p50"] for r in results]
    total = sum(r["naive_p50"] for r in results) / sum(r["p50"] for r in results)
    print(f"\ncold: worst p95 {max(p95s):.1f} ms, median p95 "
          f"{statistics.median(p95s):.1f} ms, {sum(p <= 50 for p in p95s)}/"
          f"{len(p95s)} shapes ≤ 50 ms; warm: worst p95 {max(warm):.1f} ms")
    print(f"cold speed-up over the scan: median ×{statistics.median(speedups):.1f}, "
          f"min ×{min(speedups):.1f}, max ×{max(speedups):.1f}; all 20 shapes "
          f"together ×{total:.1f}")


if __name__ == "__main__":
    main()

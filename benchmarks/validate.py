"""Table validator benchmark: a 200,000-row Persian contracts register.

    .venv/bin/python benchmarks/validate.py [--rows 200000] [--keep DIR]

1. Generates a realistic contracts CSV (Persian text, some Arabic ي/ك,
   Persian digits in some dates and amounts, thousands separators, units in
   the header, ~1% bad rows: impossible dates, wrong checksums, garbage
   amounts, unknown selection methods) into a temporary directory.
2. Times ckanext.shafaf.tables over it in this process, best of 3: the
   columnar engine (validate_table: report + polars DataFrame of the
   normalised rows), then the row engine producing the normalised row dicts
   (stream_file().rows()) and only the report and figures (validate_file's
   first pass); rows/s and peak RSS.
3. Validates the same file with the `frictionless` library against the
   closest standard Table Schema (patterns in place of our calendar and
   checksum rules, which Table Schema cannot express). frictionless is
   installed into its own virtualenv (benchmarks/requirements.txt) outside
   the project's, because its dependencies would replace pins of CKAN's;
   only its validate() call is timed, in that interpreter.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from ckanext.shafaf.tables import stream_file  # noqa: E402
from ckanext.shafaf.tables.columnar import run_table  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _machine import machine  # noqa: E402

FRICTIONLESS_VENV = Path(os.environ.get(
    "SHAFAF_FRICTIONLESS_VENV", Path.home() / ".cache" / "shafaf-bench" / "frictionless-venv"))
HEADER = ["ردیف", "شماره قرارداد", "موضوع قرارداد", "طرف قرارداد", "شناسه ملی/کد ملی",
          "مبلغ قرارداد (ریال)", "تاریخ انعقاد", "تاریخ شروع", "تاریخ پایان", "مدت (ماه)",
          "نحوه انتخاب پیمانکار", "نوع قرارداد", "منطقه", "ناظر"]
METHODS = ["مناقصه عمومی"] * 5 + ["مناقصه محدود", "استعلام", "استعلام", "ترک تشریفات", "مزایده"]
TYPES = ["هزینه‌ای"] * 6 + ["هزینه ای", "درآمدی", "مشارکتی"]
WORDS = ("احداث نگهداری فضای سبز پیاده‌رو آسفالت معابر روشنایی پسماند حمل ونقل عمومی "
         "پل تقاطع بوستان کتابخانه فرهنگسرا ورزشگاه استخر بازسازی مرمت بافت تاریخی خرید "
         "تجهیزات خدمات شهری آتش‌نشانی ایمنی نوسازی مدارس سیلاب کانال جمع‌آوری زباله "
         "بازیافت نظارت مشاوره طراحی اجرای ساختمان اداری پارکینگ طبقاتی میدان جدول‌گذاری").split()
COMPANY = ("شرکت ساختمانی", "شرکت مهندسی", "موسسه", "شرکت تعاونی", "شرکت فنی و مهندسی")
NAMES = ("یکتا", "پارس", "کیان", "نیک‌سازان", "آریا", "سپهر", "البرز", "زاگرس", "کوثر",
         "پیشگامان", "نوین", "مهرآذین", "شهرساز", "کاوش", "راه‌آهن", "دیلمان")
PERSONS = ("علی احمدی", "محمد کریمی", "زهرا موسوی", "حسین رضایی", "مریم کاظمی")
FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC = str.maketrans({"ی": "ي", "ک": "ك"})


def legal_id(rng: random.Random) -> str:
    """A random شناسه ملی with a correct check digit (design.md §3)."""
    while True:
        head = [rng.randint(0, 9) for _ in range(10)]
        if int("".join(map(str, head[3:9]))):
            break
    step, weights = head[9] + 2, (29, 27, 23, 19, 17) * 2
    remainder = sum((d + step) * w for d, w in zip(head, weights)) % 11
    return "".join(map(str, head)) + str(0 if remainder == 10 else remainder)


def national_code(rng: random.Random) -> str:
    """A random کد ملی with a correct check digit (design.md §3)."""
    head = [rng.randint(0, 9) for _ in range(9)]
    remainder = sum(d * (10 - i) for i, d in enumerate(head)) % 11
    return "".join(map(str, head)) + str(remainder if remainder < 2 else 11 - remainder)


def contractors(rng: random.Random, count: int = 3000) -> list[tuple[str, str]]:
    out = [(f"{rng.choice(COMPANY)} {rng.choice(NAMES)} {rng.choice(NAMES)} {i}", legal_id(rng))
           for i in range(count)]
    out += [(f"{rng.choice(PERSONS)} {i}", national_code(rng)) for i in range(count // 20)]
    return out


def jalali(rng: random.Random, year: int) -> tuple[int, int, int]:
    return year, rng.randint(1, 12), rng.randint(1, 29)


def fmt_date(rng: random.Random, ymd: tuple[int, int, int]) -> str:
    y, m, d = ymd
    style = rng.random()
    if style < 0.7:
        return f"{y}/{m:02d}/{d:02d}"
    if style < 0.85:
        return f"{y}/{m:02d}/{d:02d}".translate(FA_DIGITS)
    return f"{y}-{m}-{d}"


def contract_row(rng: random.Random, number: int, pool: list[tuple[str, str]],
                 bad_share: float = 0.01) -> list[str]:
    name, cid = rng.choice(pool)
    year = rng.randint(1396, 1403)
    start = jalali(rng, year)
    end = (year + rng.randint(1, 2), start[1], start[2])
    amount = str(rng.randint(1, 5000) * 1_000_000 + rng.randint(0, 999) * 1000)
    if rng.random() < 0.1:
        amount = f"{int(amount):,}".translate(FA_DIGITS)
    subject = " ".join(rng.sample(WORDS, rng.randint(3, 7))) + f" {rng.randint(1, 22)}"
    if rng.random() < 0.15:
        subject, name = subject.translate(ARABIC), name.translate(ARABIC)
    row = [str(number), f"{year}/{number}", subject, name, cid, amount,
           fmt_date(rng, start), fmt_date(rng, start), fmt_date(rng, end),
           str((end[0] - start[0]) * 12), rng.choice(METHODS), rng.choice(TYPES),
           f"منطقه {rng.randint(1, 22)}", rng.choice(PERSONS)]
    if rng.random() < bad_share:
        spoil(rng, row)
    return row


def spoil(rng: random.Random, row: list[str]) -> None:
    """One realistic mistake: impossible date, bad checksum, garbage amount, bad choice."""
    kind = rng.randrange(4)
    if kind == 0:
        row[6] = "1404/12/30"
    elif kind == 1:
        row[4] = row[4][:-1] + str((int(row[4][-1]) + 1) % 10)
    elif kind == 2:
        row[5] = "نامشخص"
    else:
        row[10] = "توافقی"


def write_csv(path: Path, rows: int, seed: int = 1403, bad_share: float = 0.01) -> None:
    rng = random.Random(seed)
    pool = contractors(rng)
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        for number in range(1, rows + 1):
            writer.writerow(contract_row(rng, number, pool, bad_share))


def time_ours(path: Path, rows: bool) -> dict:
    """One pass: read, validate, normalise (to row dicts if `rows`), figures."""
    start, cpu = time.perf_counter(), time.process_time()
    run = stream_file(str(path), "contracts")
    count = 0
    if rows:
        count = sum(1 for _ in run.rows())
    else:
        run.finish()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    report = run.report
    return {"seconds": seconds, "cpu": cpu, "rows_out": count, "rows": report.row_count,
            "errors": report.error_count, "invalid_rows": report.invalid_row_count,
            "figures": report.figures}


def time_columnar(path: Path) -> dict:
    """validate_table: the report and a DataFrame of the valid normalised rows."""
    start, cpu = time.perf_counter(), time.process_time()
    report, frame, columnar = run_table(str(path), "contracts")
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"seconds": seconds, "cpu": cpu, "rows_out": 0 if frame is None else frame.height,
            "rows": report.row_count, "errors": report.error_count, "columnar": columnar,
            "invalid_rows": report.invalid_row_count, "figures": report.figures}


def best_of(repeat: int, measure: Callable[[], dict]) -> tuple[dict, float]:
    """The fastest of `repeat` runs (as timeit does) and the median wall time."""
    runs = [measure() for _ in range(repeat)]
    return min(runs, key=lambda r: r["seconds"]), statistics.median(r["seconds"] for r in runs)


def show(name: str, run: dict, median: float) -> None:
    print(f"{name}: best {run['seconds']:.2f}s wall ({run['cpu']:.2f}s CPU), "
          f"{run['rows'] / run['seconds']:,.0f} rows/s; median {median:.2f}s, "
          f"{run['rows'] / median:,.0f} rows/s")


def standard_schema() -> dict:
    """The closest plain Table Schema for the same source columns."""
    digits, sep = "[0-9\u06f0-\u06f9]", "[-/]"
    date_pattern = f"{digits}{{4}}{sep}{digits}{{1,2}}{sep}{digits}{{1,2}}"

    def text(name: str, required: bool = False) -> dict:
        return {"name": name, "type": "string", "constraints": {"required": required}}
    return {"fields": [
        {"name": HEADER[0], "type": "integer"},
        text(HEADER[1], True), text(HEADER[2], True), text(HEADER[3], True),
        {"name": HEADER[4], "type": "string", "constraints": {"pattern": f"{digits}{{10,11}}"}},
        {"name": HEADER[5], "type": "string",
         "constraints": {"required": True, "pattern": "[0-9\u06f0-\u06f9,]+"}},
        *({"name": h, "type": "string", "constraints": {"pattern": date_pattern}} for h in HEADER[6:9]),
        {"name": HEADER[9], "type": "integer", "constraints": {"minimum": 0}},
        {"name": HEADER[10], "type": "string", "constraints": {"enum": sorted(set(METHODS))}},
        {"name": HEADER[11], "type": "string", "constraints": {"enum": sorted(set(TYPES))}},
        text(HEADER[12]), text(HEADER[13]),
    ]}


FRICTIONLESS_SCRIPT = """
import json, sys, time
from frictionless import Resource, Schema, validate
folder, name, schema_path = sys.argv[1], sys.argv[2], sys.argv[3]
schema = Schema.from_descriptor(json.load(open(schema_path, encoding="utf-8")))
resource = Resource(path=name, basepath=folder, schema=schema, encoding="utf-8")
start, cpu = time.perf_counter(), time.process_time()
report = validate(resource, limit_errors=10**9)
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
task = report.tasks[0]
print(json.dumps({"seconds": seconds, "cpu": cpu, "rows": task.stats.get("rows"),
                  "errors": task.stats.get("errors"), "valid": report.valid}))
"""


def frictionless_python() -> Path:
    """The frictionless virtualenv's interpreter, created on first use."""
    python = FRICTIONLESS_VENV / "bin" / "python"
    if not python.exists():
        print(f"installing frictionless into {FRICTIONLESS_VENV} (first run only)…", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(FRICTIONLESS_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "-r",
                        str(HERE / "requirements.txt")], check=True, stderr=subprocess.DEVNULL)
    return python


def run_frictionless(path: Path, tmp: Path) -> dict:
    schema_path = tmp / "schema.json"
    schema_path.write_text(json.dumps(standard_schema(), ensure_ascii=False), encoding="utf-8")
    out = subprocess.run([str(frictionless_python()), "-c", FRICTIONLESS_SCRIPT,
                          str(path.parent), path.name, str(schema_path)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--keep", help="write the CSV here and keep it")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each (best is shown)")
    parser.add_argument("--skip-frictionless", action="store_true")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(args.keep or tmpdir)
        tmp.mkdir(parents=True, exist_ok=True)
        path = tmp / "contracts.csv"
        start = time.perf_counter()
        write_csv(path, args.rows)
        print(f"generated {args.rows:,} rows, {path.stat().st_size / 2**20:.1f} MiB "
              f"in {time.perf_counter() - start:.1f}s")
        print(f"load average before timing: {os.getloadavg()[0]:.2f} (2 cores; >1 means contention)")
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        full, full_median = best_of(args.repeat, lambda: time_ours(path, rows=True))
        show("shafaf.tables, rows out (stream_file(...).rows())", full, full_median)
        print(f"  {full['rows_out']:,} valid rows out, {full['invalid_rows']:,} invalid rows, "
              f"{full['errors']:,} errors; figures: {json.dumps(full['figures'], ensure_ascii=False)}")
        check, check_median = best_of(args.repeat, lambda: time_ours(path, rows=False))
        show("shafaf.tables, report only (validate_file's first pass)", check, check_median)
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"  peak RSS of this process: {rss_after:.0f} MiB "
              f"({rss_before:.0f} MiB before validating: +{rss_after - rss_before:.0f} MiB "
              f"for a {path.stat().st_size / 2**20:.0f} MiB file)")
        table, table_median = best_of(args.repeat, lambda: time_columnar(path))
        show("shafaf.tables columnar, report + DataFrame (validate_table)", table, table_median)
        print(f"  engine: {'columnar (polars)' if table['columnar'] else 'row engine (fallback)'}; "
              f"{table['rows_out']:,} valid rows in the frame, {table['errors']:,} errors")
        rss_columnar = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"  peak RSS after the columnar runs: {rss_columnar:.0f} MiB "
              f"(+{rss_columnar - rss_after:.0f} MiB: the file and its columns are in memory)")
        if table["figures"] != full["figures"] or table["rows_out"] != full["rows_out"]:
            raise SystemExit("columnar and row engines disagree on this file")
        if args.skip_frictionless:
            return
        theirs, theirs_median = best_of(args.repeat, lambda: run_frictionless(path, tmp))
        show("frictionless 5 validate()", theirs, theirs_median)
        print(f"  {theirs['errors']:,} errors (patterns only: no calendar, no checksums)")
        print(f"ratio (best runs): columnar {theirs['seconds'] / table['seconds']:.1f}× faster than "
              f"frictionless (CPU: {theirs['cpu'] / table['cpu']:.1f}×)")
        print(f"ratio (best runs), row engine: rows out {theirs['seconds'] / full['seconds']:.1f}×, "
              f"report only {theirs['seconds'] / check['seconds']:.1f}× faster than frictionless "
              f"(CPU: {theirs['cpu'] / full['cpu']:.1f}×, {theirs['cpu'] / check['cpu']:.1f}×)")
        print(f"load average after timing: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

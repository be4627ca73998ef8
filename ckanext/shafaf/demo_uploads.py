"""Demo datasets with uploaded tables, so `make serve` shows the upload check.

Tabriz's contracts register is valid (rows in the DataStore, figures on the
dataset); Maragheh's has rows to fix, the way staff first upload them
(a date that does not exist, a wrong شناسه ملی). Files are generated here,
deterministic, in the shapes staff send: Persian headers with a unit,
Arabic ي/ك, Persian digits. Only missing datasets are created: a second
run writes nothing. (Harvested demo data comes with the harvest issue.)
"""
from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckanext.scheming.helpers import scheming_get_dataset_schema
from werkzeug.datastructures import FileStorage

HEADER = ["ردیف", "شماره قرارداد", "موضوع قرارداد", "طرف قرارداد", "شناسه ملی",
          "مبلغ قرارداد (میلیون ریال)", "تاریخ انعقاد", "تاریخ شروع", "تاریخ پایان",
          "مدت (ماه)", "نحوه انتخاب پیمانکار", "نوع قرارداد", "منطقه"]
SUBJECTS = ("نگهداری فضای سبز بوستان", "آسفالت معابر", "روشنایی معابر", "جمع‌آوری پسماند",
            "مرمت بافت تاریخی", "احداث پیاده‌رو", "خرید تجهیزات آتش‌نشانی", "نوسازی ناوگان اتوبوس")
CONTRACTORS = (("شرکت عمران آذر", "10380284790"), ("شرکت مهندسی پارس", "10101234565"),
               ("شرکت ساختمانی کیان", None), ("موسسه خدمات شهری نیک‌سازان", None))
METHODS = ("مناقصه عمومی", "مناقصه عمومی", "استعلام", "مناقصه محدود", "ترک تشریفات")
_FA = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_ARABIC = str.maketrans({"ی": "ي", "ک": "ك"})


@dataclass(frozen=True)
class DemoUpload:
    org: str
    name: str
    title: str
    rows: int
    bad_rows: int = 0


DATASETS = (
    DemoUpload("tabriz", "tabriz-contracts-1403", "قراردادهای شهرداری تبریز ۱۴۰۳", 120),
    DemoUpload("maragheh", "maragheh-contracts-1403", "قراردادهای شهرداری مراغه ۱۴۰۳", 40,
               bad_rows=3),
)


def seed_demo_uploads() -> dict[str, list[str]]:
    summary: dict[str, list[str]] = {"created": [], "unchanged": [], "skipped": []}
    if not (p.plugin_loaded("scheming_datasets") and scheming_get_dataset_schema("contract")):
        # a site without our dataset types
        summary["skipped"] = [demo.name for demo in DATASETS]
        return summary
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    context = {"user": site_user}
    for demo in DATASETS:
        try:
            tk.get_action("package_show")(dict(context), {"id": demo.name})
            summary["unchanged"].append(demo.name)
            continue
        except tk.ObjectNotFound:
            pass
        tk.get_action("package_create")(dict(context), {
            "type": "contract", "name": demo.name, "title": demo.title, "owner_org": demo.org,
            "fiscal_year": "1403", "coverage_start": "1403/01/01", "coverage_end": "1403/12/30",
            "notes": f"فهرست قراردادهای منعقدشده {demo.title[len('قراردادهای '):]}.",
            "tag_string": "قرارداد,شفافیت"})
        tk.get_action("resource_create")(dict(context), {
            "package_id": demo.name, "name": "فهرست قراردادها", "url": "", "format": "CSV",
            "table_schema": "contracts",
            "upload": FileStorage(io.BytesIO(contracts_csv(demo)), f"{demo.name}.csv")})
        summary["created"].append(demo.name)
    return summary


def contracts_csv(demo: DemoUpload) -> bytes:
    rng = random.Random(demo.name)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for i in range(1, demo.rows + 1):
        writer.writerow(_row(rng, i, bad=i <= demo.bad_rows))
    return out.getvalue().encode("utf-8")


def _row(rng: random.Random, i: int, bad: bool) -> list[Any]:
    name, legal_id = rng.choice(CONTRACTORS)
    month, day = rng.randint(1, 12), rng.randint(1, 29)
    signed = f"1403/{month:02d}/{day:02d}"
    months = rng.choice((3, 6, 12))
    subject = f"{rng.choice(SUBJECTS)} منطقه {rng.randint(1, 10)}"
    if i % 4 == 0:  # typed on an Arabic keyboard, digits in Persian
        subject, signed = subject.translate(_ARABIC), signed.translate(_FA)
    if bad:
        signed = "1404/12/30" if i % 2 else signed  # 1404 is not a leap year
        legal_id = "10380284791"                     # checksum fails
    return [i, f"1403/{100 + i}", subject, name, legal_id or "",
            rng.randint(50, 9000) / 2, signed, signed, "", months, rng.choice(METHODS),
            "هزینه‌ای", f"منطقه {rng.randint(1, 10)}"]

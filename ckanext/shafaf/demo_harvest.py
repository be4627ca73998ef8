"""Demo harvest sources, so a fresh `make serve` fills itself by harvesting.

They point at the municipal portal simulator that `make serve` starts
(`python -m ckanext.shafaf.simulator`, `ckanext.shafaf.demo.simulator_url`):
Yazd's CSV and Excel exports, Mashhad's JSON APIs, Arak's HTML table and
Windows-1256 file, and East Azerbaijan harvesting its members' CKAN
catalogues. Seeding is idempotent: an existing source is left as it is,
and a first job is queued only for a source that never ran.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk

SIMULATOR_KEY = "ckanext.shafaf.demo.simulator_url"


@dataclass(frozen=True)
class DemoSource:
    name: str
    title: str
    owner: str
    path: str
    source_type: str
    config: dict[str, Any] = field(default_factory=dict)
    frequency: str = "DAILY"


SOURCES = (
    DemoSource("yazd-portal-contracts", "سامانه شفافیت یزد: قراردادها", "yazd",
               "/yazd/contracts.csv", "shafaf_portal", {"profile": "yazd-contracts"}),
    DemoSource("yazd-portal-budgets", "سامانه شفافیت یزد: بودجه", "yazd",
               "/yazd/budgets.xlsx", "shafaf_portal", {"profile": "yazd-budgets"}),
    DemoSource("mashhad-fash-contracts", "سامانه فاش مشهد: قراردادها", "mashhad",
               "/mashhad/api/contracts", "shafaf_portal", {"profile": "mashhad-contracts"}),
    DemoSource("mashhad-fash-permits", "سامانه فاش مشهد: پروانه‌ها", "mashhad",
               "/mashhad/api/permits", "shafaf_portal", {"profile": "mashhad-permits"}),
    DemoSource("arak-ayan-contracts", "سامانه عیان اراک: قراردادها", "arak",
               "/arak/contracts.html", "shafaf_portal", {"profile": "arak-contracts"}),
    DemoSource("arak-permits", "شهرداری اراک: پروانه‌ها", "arak",
               "/arak/permits.csv", "shafaf_portal", {"profile": "arak-permits"}),
    DemoSource("tabriz-ckan", "کاتالوگ CKAN شهرداری تبریز", "east-azerbaijan",
               "/ckan/tabriz/", "shafaf_ckan", {"create_organizations": True}),
    DemoSource("maragheh-ckan", "کاتالوگ CKAN شهرداری مراغه", "east-azerbaijan",
               "/ckan/maragheh/", "shafaf_ckan", {"create_organizations": True}),
)


def seed_demo_sources() -> dict[str, list[str]]:
    summary: dict[str, list[str]] = {"created": [], "unchanged": [], "skipped": []}
    if not p.plugin_loaded("harvest") or not p.plugin_loaded("shafaf_portal_harvester"):
        summary["skipped"] = [source.name for source in SOURCES]
        return summary
    base = tk.config.get(SIMULATOR_KEY).rstrip("/")
    user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    for source in SOURCES:
        try:
            tk.get_action("harvest_source_show")({"user": user}, {"id": source.name})
            summary["unchanged"].append(source.name)
            continue
        except tk.ObjectNotFound:
            pass
        created = tk.get_action("harvest_source_create")({"user": user}, {
            "name": source.name, "title": source.title, "url": base + source.path,
            "source_type": source.source_type, "owner_org": source.owner,
            "frequency": source.frequency,
            "config": json.dumps(source.config, ensure_ascii=False)})
        tk.get_action("harvest_job_create")({"user": user}, {"source_id": created["id"]})
        summary["created"].append(source.name)
    return summary

"""Provincial roll-ups: one dataset per type and fiscal year holding the members' rows.

A province (an organisation with members below it, federation/tree.py)
gets, for each dataset type and fiscal year its members publish, a dataset
of its own (``<province>-contracts-1403-rollup``) whose one DataStore
resource holds every member table of that type and year, with the
municipality and the source dataset/resource of each row. State lives in
CKAN datasets and the DataStore only (no table of ours): the marker and
the figures are dataset fields (``shafaf_rollup``, ``shafaf_rollup_figures``).
The merge itself is SQL in the DataStore database (rollup_merge.py).
"""
from __future__ import annotations

import datetime
import json
import logging
from dataclasses import dataclass
from typing import Any, Iterable, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Context

from ckanext.shafaf.domain import digits
from ckanext.shafaf.federation import rollup_figures, rollup_merge, tree
from ckanext.shafaf.tables import datastore_fields

log = logging.getLogger(__name__)

ROLLUP_FIELD = "shafaf_rollup"
FIGURES_FIELD = "shafaf_rollup_figures"
BACKGROUND_KEY = "ckanext.shafaf.rollup.in_background"
# dataset type -> (table schema, name word, Persian title word, English title word)
TYPES: dict[str, tuple[str, str, str, str]] = {
    "contract": ("contracts", "contracts", "قراردادهای", "Contracts"),
    "budget": ("budget_lines", "budgets", "بودجه‌های", "Budgets"),
    "permit": ("permits", "permits", "مجوزهای", "Permits"),
}
_NAME_MAX = 100
_RESOURCE_NAME = "جدول تجمیعی شهرداری‌های عضو / Merged table of the member municipalities"


@dataclass(frozen=True)
class Source:
    """One member table that goes into a roll-up."""
    dataset_id: str
    dataset_name: str
    resource_id: str
    municipality: str       # the owner organisation's title
    municipality_name: str  # its name (slug)
    private: bool


def _context() -> Context:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    return {"ignore_auth": True, "user": site_user}


def is_province(org_id: str) -> bool:
    """Only organisations with members have roll-ups."""
    return tree.has_children(org_id)


def rollup_name(province_name: str, dataset_type: str, year: int) -> str:
    """``<province>-<types>-<year>-rollup``, the province part cut to fit 100 characters."""
    suffix = f"-{TYPES[dataset_type][1]}-{year}-rollup"
    return province_name[:_NAME_MAX - len(suffix)].rstrip("-_") + suffix


def rollup_title(province_title: str, dataset_type: str, year: int) -> str:
    _, _, fa_word, en_word = TYPES[dataset_type]
    place = province_title if province_title.startswith("استان") else f"استان {province_title}"
    fa_year = digits.to_ascii_digits(str(year)).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    return (f"{fa_word} شهرداری‌های {place} — {fa_year} / "
            f"{en_word} of the municipalities of {province_title} — {year}")


def member_sources(province_id: str, dataset_type: Optional[str] = None,
                   year: Optional[int] = None) -> dict[tuple[str, int], list[Source]]:
    """The loaded member tables of each (type, year) below the province.

    Roll-up datasets (a county's, for instance) are never inputs: only the
    members' own tables are, each counted once.
    """
    members = tree.descendant_ids(province_id)
    found: dict[tuple[str, int], list[Source]] = {}
    show = tk.get_action("package_show")
    for package_id in _member_dataset_ids(members, dataset_type, year):
        dataset = show(_context(), {"id": package_id})
        key = (dataset["type"], _year(dataset.get("fiscal_year")))
        if dataset.get(ROLLUP_FIELD) or key[1] is None or (year and key[1] != year):
            continue
        schema = TYPES[dataset["type"]][0]
        org = dataset.get("organization") or {}
        for res in dataset.get("resources", []):
            if res.get("table_schema") == schema and res.get("datastore_active"):
                found.setdefault(key, []).append(Source(  # type: ignore[arg-type]
                    dataset["id"], dataset["name"], res["id"],
                    org.get("title") or org.get("name", ""), org.get("name", ""),
                    bool(dataset.get("private"))))
    return found


def _member_dataset_ids(members: list[str], dataset_type: Optional[str],
                        year: Optional[int]) -> list[str]:
    """Active datasets of the members: of one type and year through the search index
    (a refresh after an upload reads a few datasets, not the province's every one)."""
    if not members:
        return []
    if dataset_type is None or year is None:
        return [row[0] for row in model.Session.query(model.Package.id).filter(
            model.Package.owner_org.in_(members), model.Package.state == "active",
            model.Package.type.in_([dataset_type] if dataset_type else list(TYPES))
        ).order_by(model.Package.name)]
    fq = (f"+dataset_type:{dataset_type} +fiscal_year:{int(year)} "
          f"+owner_org:({' OR '.join(members)})")
    ids: list[str] = []
    while True:
        page = tk.get_action("package_search")(_context(), {
            "fq": fq, "rows": 1000, "start": len(ids), "sort": "name asc",
            "include_private": True, "fl": "id"})
        ids.extend(d["id"] for d in page["results"])
        if not page["results"] or len(ids) >= page["count"]:
            return ids


def _year(value: Any) -> Optional[int]:
    try:
        return int(digits.to_ascii_digits(str(value)))
    except (TypeError, ValueError):
        return None


def rollups_of(province_id: str, dataset_type: Optional[str] = None) -> list[dict[str, Any]]:
    """The province's roll-up datasets, newest year first."""
    query = model.Session.query(model.Package.id).filter(
        model.Package.owner_org == province_id, model.Package.state == "active",
        model.Package.type.in_([dataset_type] if dataset_type else list(TYPES)))
    show = tk.get_action("package_show")
    found = [d for d in (show(_context(), {"id": row[0]}) for row in query) if d.get(ROLLUP_FIELD)]
    return sorted(found, key=lambda d: (-(_year(d.get("fiscal_year")) or 0), d["type"]))


def figures_of(dataset: dict[str, Any]) -> dict[str, Any]:
    raw = dataset.get(FIGURES_FIELD)
    if not raw:
        return {}
    try:
        return json.loads(raw)
    except ValueError:
        return {}


def rollup_resource_id(dataset: dict[str, Any]) -> Optional[str]:
    for res in dataset.get("resources", []):
        if res.get("datastore_active"):
            return res["id"]
    return None


def refresh(province_id: str, dataset_type: Optional[str] = None,
            year: Optional[int] = None) -> list[dict[str, Any]]:
    """Rebuild the province's roll-ups (all, or one type and/or year); their figures.

    A (type, year) whose last member table is gone is refreshed too, so
    it empties instead of keeping deleted rows.
    """
    province = tree.get_org(province_id)
    if province is None or not is_province(province.id):
        return []
    sources = member_sources(province.id, dataset_type, year)
    targets = set(sources)
    targets.update((d["type"], _year(d.get("fiscal_year")) or 0) for d in rollups_of(province.id))
    done = []
    for key in sorted(targets):
        if (dataset_type and key[0] != dataset_type) or (year and key[1] != year):
            continue
        done.append(_refresh_one(province, key[0], key[1], sources.get(key, [])))
    return done


def _refresh_one(province: model.Group, dataset_type: str, year: int,
                 sources: list[Source]) -> dict[str, Any]:
    dataset = _ensure_dataset(province, dataset_type, year)
    resource_id = _ensure_table(dataset, dataset_type)
    schema = TYPES[dataset_type][0]
    try:
        outcome = rollup_merge.merge(resource_id, schema, sources)
        public = sorted({s["dataset_id"] for s in outcome["sources"] + outcome["skipped"]
                         if not s["private"]})
        # Stored figures count public sources only: anyone may read them.
        figures = rollup_figures.compute(resource_id, dataset_type, public)
        figures["public_sources"] = public
        error = None
    except Exception as exc:  # the transaction rolled back: the previous rows stay
        log.exception("refreshing roll-up %s failed", dataset["name"])
        outcome, figures = None, figures_of(dataset)
        error = {"message_fa": "به‌روزرسانی جدول تجمیعی ناموفق بود؛ ردیف‌های پیشین نگه داشته شد.",
                 "message_en": "Refreshing the roll-up failed; the previous rows were kept.",
                 "detail": f"{type(exc).__name__}: {exc}"}
    if outcome is not None:
        figures.update(outcome, sources=[_stored(e) for e in outcome["sources"]],
                       skipped=[_stored(e) for e in outcome["skipped"]])
    figures.update(type=dataset_type, fiscal_year=year, resource_id=resource_id,
                   refreshed_at=_now(), last_error=error)
    tk.get_action("package_patch")(_context(), {
        "id": dataset["id"], ROLLUP_FIELD: True,
        FIGURES_FIELD: json.dumps(figures, ensure_ascii=False, default=str)})
    return {"id": dataset["id"], "name": dataset["name"], **figures}


_PRIVATE_KEPT = ("dataset_id", "resource_id", "private", "code", "columns",
                 "message_fa", "message_en")


def _stored(entry: dict[str, Any]) -> dict[str, Any]:
    """A source as stored on the (public) roll-up dataset: of a private one, only ids.

    Its name, municipality and row counts are filled in for its readers
    (summary.py) and told to no one else.
    """
    if not entry.get("private"):
        return entry
    return {k: entry[k] for k in _PRIVATE_KEPT if k in entry}


def _ensure_dataset(province: model.Group, dataset_type: str, year: int) -> dict[str, Any]:
    """The roll-up dataset, created (public, owned by the province) when missing.

    If another organisation holds the name, ours gets the province id in it.
    """
    for name in (rollup_name(province.name, dataset_type, year),
                 rollup_name(f"{province.name[:40]}-{province.id[:8]}", dataset_type, year)):
        try:
            dataset = tk.get_action("package_show")(_context(), {"id": name})
        except tk.ObjectNotFound:
            break
        if dataset["owner_org"] != province.id:
            continue
        if dataset.get("state") == "deleted":
            tk.get_action("package_patch")(_context(), {"id": dataset["id"], "state": "active"})
        return dataset
    return tk.get_action("package_create")(_context(), {
        "type": dataset_type, "name": name, "owner_org": province.id,
        "title": rollup_title(province.title or province.name, dataset_type, year),
        "fiscal_year": str(year), ROLLUP_FIELD: True,
        "notes": ("ردیف‌های همه شهرداری‌های عضو، با نام شهرداری و منبع هر ردیف؛ "
                  "پس از هر بارگذاری یا برداشت به‌روز می‌شود.\n\n"
                  "The rows of every member municipality, with the municipality and the "
                  "source of each row; refreshed after every upload or harvest.")})


def _ensure_table(dataset: dict[str, Any], dataset_type: str) -> str:
    """The roll-up's DataStore resource, created (or given new columns) when needed."""
    schema = TYPES[dataset_type][0]
    fields = datastore_fields(schema) + rollup_merge.extra_fields(schema)
    resource_id = rollup_resource_id(dataset)
    if resource_id and not rollup_merge.missing_columns(resource_id, fields):
        return resource_id
    params: dict[str, Any] = {"force": True, "fields": fields}
    if resource_id:
        params["resource_id"] = resource_id
    else:
        params["resource"] = {"package_id": dataset["id"], "name": _RESOURCE_NAME,
                              "format": "CSV", "table_schema": schema}
    created = tk.get_action("datastore_create")(_context(), params)
    return created["resource_id"]


def refresh_for_dataset(dataset: dict[str, Any]) -> None:
    """After a member's table changed or went: refresh every ancestor's roll-up of it.

    In the background by default (one queued job per roll-up, coalesced),
    so a harvest of many datasets does not rebuild a province per dataset.
    """
    dataset_type, year = dataset.get("type"), _year(dataset.get("fiscal_year"))
    if dataset_type not in TYPES or year is None or dataset.get(ROLLUP_FIELD):
        return
    for ancestor in tree.ancestors(dataset.get("owner_org") or ""):
        if tk.config.get(BACKGROUND_KEY):
            _enqueue(ancestor.id, dataset_type, year)
        else:
            refresh(ancestor.id, dataset_type, year)


def refresh_job(province_id: str, dataset_type: str, year: int) -> None:
    """The background job (``ckan jobs worker``)."""
    refresh(province_id, dataset_type, year)


def _enqueue(province_id: str, dataset_type: str, year: int) -> None:
    """Queue a refresh unless the same one is already waiting (it will see this change)."""
    from ckan.lib import jobs
    job_id = f"shafaf-rollup-{province_id}-{dataset_type}-{year}"
    queue = jobs.get_queue()
    waiting = queue.fetch_job(job_id)
    if waiting is not None and waiting.get_status(refresh=True) == "queued":
        return
    kwargs = {"job_id": job_id} if waiting is None or waiting.is_finished or waiting.is_failed \
        else {}
    if waiting is not None and kwargs:
        waiting.delete()
    tk.enqueue_job(refresh_job, [province_id, dataset_type, year],
                   title=f"shafaf: refresh the {dataset_type} {year} roll-up of {province_id}",
                   rq_kwargs=kwargs)


def dataset_changed(package_id: str) -> None:
    """Refresh hook body: a member dataset's tables changed, or it was deleted."""
    try:
        dataset = tk.get_action("package_show")(_context(), {"id": package_id})
    except tk.ObjectNotFound:
        return
    try:
        refresh_for_dataset(dataset)
    except Exception:  # a roll-up fault never fails the member's own upload or delete
        log.exception("refreshing the roll-ups of dataset %s failed", package_id)


def refresh_all(province: Optional[str] = None) -> Iterable[dict[str, Any]]:
    """Every roll-up of one province, or of every organisation with members (CLI)."""
    if province:
        org = tree.get_org(province)
        if org is None:
            raise tk.ObjectNotFound(province)
        yield from refresh(org.id)
        return
    for org in model.Session.query(model.Group).filter_by(
            type="organization", is_organization=True, state="active").order_by(model.Group.name):
        if is_province(org.id):
            yield from refresh(org.id)


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")

"""Mapping profiles: how one portal export maps onto one of our table schemas.

Each municipal portal names its columns, JSON keys and units its own way,
and changes them without notice. A profile is a small YAML file next to
this module (one per export, see docs/harvesting.md) so that following a
portal's change is a data edit an operator can review, not a code change.
Profiles are validated when loaded: a typo in a key, a field the schema
does not have or a unit nobody knows is a bilingual ProfileError naming
the file, never a harvest that silently drops a column.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping, Optional, Union

import yaml

from ckanext.shafaf.domain.errors import DomainError
from ckanext.shafaf.domain.jalali import fiscal_year as parse_fiscal_year
from ckanext.shafaf.domain.money import normalize_unit
from ckanext.shafaf.harvesters.portal_html import css_xpath
from ckanext.shafaf.tables.headers import header_key
from ckanext.shafaf.tables.schema import SchemaError, TableSchema, available_schemas, load_schema

PROFILE_PACKAGE = "ckanext.shafaf.harvesters"
DATASET_TYPES: Mapping[str, str] = MappingProxyType(
    {"contract": "contracts", "budget": "budget_lines", "permit": "permits"})
FORMATS = ("csv", "xlsx", "json", "html")
# Schema field kinds a fiscal year can be read from (a date, or a year).
YEAR_KINDS = frozenset(("jalali_date", "fiscal_year", "date", "integer"))
_TOP_KEYS = frozenset(("name", "title", "dataset_type", "table_schema", "format",
                       "fiscal_year", "columns", "json", "html", "description"))
_JSON_KEYS = frozenset(("records", "page_size", "next"))
_PAGE_KEYS = frozenset(("page_param", "size_param", "size", "start", "total_key", "max_pages"))
_NEXT_KEYS = frozenset(("next_key", "max_pages"))
_HTML_KEYS = frozenset(("table", "index"))
MAX_PAGES = 100_000


class ProfileError(ValueError):
    """A profile file that cannot be used; ``str(e)`` is "<fa> / <en>"."""

    def __init__(self, fa: str, en: str, profile: str = "", code: str = "profile_invalid") -> None:
        self.fa, self.en, self.profile, self.code = fa, en, profile, code
        super().__init__(f"{fa} / {en}")

    def __reduce__(self) -> tuple[type, tuple[str, str, str, str]]:
        return (type(self), (self.fa, self.en, self.profile, self.code))


@dataclass(frozen=True)
class Paging:
    """How a JSON source spreads its records over requests.

    style "page_size": ``?page_param=N&size_param=size`` from ``start`` until
    an empty page or ``total_key`` records; style "next": follow
    ``next_key`` until it is null.
    """

    style: str
    page_param: str = "page"
    size_param: str = "size"
    size: int = 100
    start: int = 1
    total_key: Optional[str] = "total"
    next_key: str = "next"
    max_pages: int = MAX_PAGES


@dataclass(frozen=True)
class JsonSpec:
    """Where the records sit in a JSON document (None: the document is the list)."""

    records: Optional[str] = None
    paging: Optional[Paging] = None


@dataclass(frozen=True)
class HtmlSpec:
    """Which table of an HTML page: a simple CSS selector, else the n-th table."""

    table: Optional[str] = None
    index: int = 0


@dataclass(frozen=True)
class Profile:
    """One validated mapping profile (see the module docstring)."""

    name: str
    title: Mapping[str, str]
    dataset_type: str
    table_schema: str
    format: str
    year_columns: tuple[str, ...] = ()
    year_value: Optional[int] = None
    columns: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    units: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    json: Optional[JsonSpec] = None
    html: Optional[HtmlSpec] = None

    @property
    def schema(self) -> TableSchema:
        return table_schema(self.table_schema)


@functools.lru_cache(maxsize=16)
def table_schema(name: str) -> TableSchema:
    """A shipped table schema, parsed once (load_schema reads the JSON on every call)."""
    return load_schema(name)


def available_profiles() -> list[str]:
    """Names of the profiles shipped with the package (file stems)."""
    folder = resources.files(PROFILE_PACKAGE)
    return sorted(item.name[:-5] for item in folder.iterdir() if item.name.endswith(".yaml"))


def load_profile(name: Union[str, Path]) -> Profile:
    """A shipped profile by name ('yazd-contracts') or a profile file by path."""
    if isinstance(name, Path) or str(name).endswith((".yaml", ".yml")):
        path = Path(name)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ProfileError(f"فایل پروفایل «{path}» خوانده نشد: {exc}",
                               f"Profile file '{path}' cannot be read: {exc}",
                               path.stem, "profile_unknown") from None
        return parse_profile(_yaml(text, path.stem), source=path.stem)
    return _shipped(str(name))


@functools.lru_cache(maxsize=64)
def _shipped(name: str) -> Profile:
    if name not in available_profiles():
        known = ", ".join(available_profiles())
        raise ProfileError(f"پروفایل «{name}» وجود ندارد (موجود: {known})",
                           f"Unknown profile '{name}' (known: {known})", name, "profile_unknown")
    profile = parse_profile(_yaml(_shipped_text(name), name), source=name)
    if profile.name != name:
        raise _error(name, "name", f"باید با نام فایل «{name}» یکی باشد",
                     f"must equal the file name '{name}'")
    return profile


def _shipped_text(name: str) -> str:
    return resources.files(PROFILE_PACKAGE).joinpath(f"{name}.yaml").read_text(encoding="utf-8")


def _yaml(text: str, source: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ProfileError(f"پروفایل «{source}» YAML معتبر نیست: {exc}",
                           f"Profile '{source}' is not valid YAML: {exc}", source) from None


def _error(profile: str, where: str, fa: str, en: str) -> ProfileError:
    return ProfileError(f"پروفایل «{profile}»، کلید «{where}»: {fa}",
                        f"Profile '{profile}', key '{where}': {en}", profile)


def _keys(profile: str, where: str, data: Any, allowed: frozenset[str]) -> Mapping[str, Any]:
    """`data` as a mapping whose keys are all known (catches typos)."""
    if not isinstance(data, Mapping):
        raise _error(profile, where, "باید یک نگاشت (کلید: مقدار) باشد", "must be a mapping")
    unknown = sorted(str(key) for key in data if key not in allowed)
    if unknown:
        raise _error(profile, where, f"کلید ناشناخته: {', '.join(unknown)}",
                     f"unknown key(s): {', '.join(unknown)} (allowed: {', '.join(sorted(allowed))})")
    return data


def _choice(profile: str, where: str, value: Any, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise _error(profile, where, f"«{value}» مجاز نیست؛ یکی از: {', '.join(allowed)}",
                     f"{value!r} is not one of {', '.join(allowed)}")
    return str(value)


def _text(profile: str, where: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _error(profile, where, "باید متن ناتهی باشد", "must be a non-empty string")
    return value


def _count(profile: str, where: str, value: Any, least: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise _error(profile, where, f"باید عدد صحیح دست‌کم {least} باشد",
                     f"must be an integer of at least {least}")
    return value


def parse_profile(data: Any, *, source: str = "<profile>") -> Profile:
    """Check a profile dict (as loaded from YAML); raise ProfileError on any fault."""
    top = _keys(source, "(root)", data, _TOP_KEYS)
    for key in ("name", "title", "dataset_type", "table_schema", "format", "fiscal_year"):
        if key not in top:
            raise _error(source, key, "این کلید لازم است", "this key is required")
    name = _text(source, "name", top["name"])
    dataset_type = _choice(name, "dataset_type", top["dataset_type"], tuple(DATASET_TYPES))
    schema_name = _choice(name, "table_schema", top["table_schema"], tuple(available_schemas()))
    if DATASET_TYPES[dataset_type] != schema_name:
        raise _error(name, "table_schema", f"برای نوع «{dataset_type}» باید "
                     f"«{DATASET_TYPES[dataset_type]}» باشد",
                     f"must be '{DATASET_TYPES[dataset_type]}' for dataset_type '{dataset_type}'")
    try:
        schema = table_schema(schema_name)
    except SchemaError as exc:  # our own data is broken: still say so in both languages
        raise _error(name, "table_schema", str(exc), str(exc)) from None
    fmt = _choice(name, "format", top["format"], FORMATS)
    columns, units = _columns(name, top.get("columns") or {}, schema)
    year_columns, year_value = _fiscal_year(name, top["fiscal_year"], schema)
    for section in ("json", "html"):
        if section in top and fmt != section:
            raise _error(name, section, f"برای قالب «{fmt}» به کار نمی‌رود",
                         f"does not apply to format '{fmt}'")
    return Profile(
        name=name, title=_title(name, top["title"]), dataset_type=dataset_type,
        table_schema=schema_name, format=fmt, year_columns=year_columns,
        year_value=year_value, columns=columns, units=units,
        json=_json(name, top.get("json") or {}) if fmt == "json" else None,
        html=_html(name, top.get("html") or {}) if fmt == "html" else None)


def _title(name: str, value: Any) -> Mapping[str, str]:
    title = _keys(name, "title", value, frozenset(("fa_IR", "en")))
    for lang in ("fa_IR", "en"):
        _text(name, f"title.{lang}", title.get(lang))
    return MappingProxyType({lang: str(title[lang]) for lang in ("fa_IR", "en")})


def _columns(name: str, value: Any, schema: TableSchema
             ) -> tuple[Mapping[str, tuple[str, ...]], Mapping[str, str]]:
    """field → header variants, and field → unit for amounts the source states in the profile."""
    raw = _keys(name, "columns", value, frozenset(schema.field_names))
    columns: dict[str, tuple[str, ...]] = {}
    units: dict[str, str] = {}
    owner: dict[str, str] = {}
    for field, entry in raw.items():
        where = f"columns.{field}"
        if isinstance(entry, Mapping):
            entry = _keys(name, where, entry, frozenset(("headers", "unit")))
            if "unit" in entry:
                units[field] = _unit(name, where, entry["unit"], schema.field(field).kind)
            entry = entry.get("headers", [])
        if isinstance(entry, str):
            entry = [entry]
        if not isinstance(entry, list):
            raise _error(name, where, "باید فهرستی از سرستون‌ها باشد", "must be a list of headers")
        headers = tuple(_text(name, where, item) for item in entry)
        for header in headers:
            key = header_key(header)
            if owner.setdefault(key, field) != field:
                raise _error(name, where, f"سرستون «{header}» برای «{owner[key]}» هم آمده",
                             f"header '{header}' is also given for '{owner[key]}'")
        if headers:
            columns[field] = headers
    return MappingProxyType(columns), MappingProxyType(units)


def _unit(name: str, where: str, value: Any, kind: str) -> str:
    if kind != "amount_irr":
        raise _error(name, f"{where}.unit", "واحد فقط برای ستون‌های مبلغ است",
                     "a unit applies to amount fields only")
    try:
        return normalize_unit(_text(name, f"{where}.unit", value))[0]
    except DomainError as exc:
        raise _error(name, f"{where}.unit", exc.fa, exc.en) from None


def _fiscal_year(name: str, value: Any, schema: TableSchema
                 ) -> tuple[tuple[str, ...], Optional[int]]:
    rule = _keys(name, "fiscal_year", value, frozenset(("column", "value")))
    if len(rule) != 1:
        raise _error(name, "fiscal_year", "دقیقاً یکی از column یا value لازم است",
                     "needs exactly one of 'column' or 'value'")
    if "value" in rule:
        try:
            return (), parse_fiscal_year(rule["value"])
        except DomainError as exc:
            raise _error(name, "fiscal_year.value", exc.fa, exc.en) from None
    names = rule["column"] if isinstance(rule["column"], list) else [rule["column"]]
    for field in names:
        if field not in schema.field_names:
            raise _error(name, "fiscal_year.column", f"ستون «{field}» در جدول «{schema.name}» نیست",
                         f"'{field}' is not a field of table schema '{schema.name}'")
        if schema.field(field).kind not in YEAR_KINDS:
            raise _error(name, "fiscal_year.column", f"از ستون «{field}» سال خوانده نمی‌شود",
                         f"'{field}' holds no date or year")
    if not names:
        raise _error(name, "fiscal_year.column", "ستونی داده نشده", "no field given")
    return tuple(str(field) for field in names), None


def _json(name: str, value: Any) -> JsonSpec:
    spec = _keys(name, "json", value, _JSON_KEYS)
    if "page_size" in spec and "next" in spec:
        raise _error(name, "json", "فقط یکی از page_size یا next", "only one of 'page_size' or 'next'")
    records = spec.get("records")
    if records is not None:
        records = _text(name, "json.records", records)
    paging = None
    if "page_size" in spec:
        page = _keys(name, "json.page_size", spec["page_size"] or {}, _PAGE_KEYS)
        total = page.get("total_key", "total")
        paging = Paging(
            "page_size",
            page_param=_text(name, "json.page_size.page_param", page.get("page_param", "page")),
            size_param=_text(name, "json.page_size.size_param", page.get("size_param", "size")),
            size=_count(name, "json.page_size.size", page.get("size", 100), 1),
            start=_count(name, "json.page_size.start", page.get("start", 1), 0),
            total_key=None if total is None else _text(name, "json.page_size.total_key", total),
            max_pages=_count(name, "json.page_size.max_pages", page.get("max_pages", MAX_PAGES), 1))
    elif "next" in spec:
        nxt = _keys(name, "json.next", spec["next"] or {}, _NEXT_KEYS)
        paging = Paging(
            "next", next_key=_text(name, "json.next.next_key", nxt.get("next_key", "next")),
            max_pages=_count(name, "json.next.max_pages", nxt.get("max_pages", MAX_PAGES), 1))
    return JsonSpec(records=records, paging=paging)


def _html(name: str, value: Any) -> HtmlSpec:
    spec = _keys(name, "html", value, _HTML_KEYS)
    table = spec.get("table")
    if table is not None:
        try:
            css_xpath(_text(name, "html.table", table))
        except ValueError as exc:
            raise _error(name, "html.table", f"گزینشگر CSS پشتیبانی نمی‌شود: {exc}",
                         f"unsupported CSS selector: {exc}") from None
    return HtmlSpec(table=table, index=_count(name, "html.index", spec.get("index", 0), 0))

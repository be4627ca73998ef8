"""Raw portal records + a profile → one raw CSV per fiscal year (pure, no CKAN).

A portal export mixes fiscal years (Yazd's contracts CSV holds them all,
Mashhad's API pages through them), while our datasets hold one year each.
This module only renames keys and sorts records into years: cells stay the
text the portal wrote, and the table validator (tables.validate_table)
judges and normalises them afterwards, so an upload and a harvest of the
same table give the same report. Records are streamed to one open writer
per year: memory does not grow with the export.
"""
from __future__ import annotations

import csv
import functools
import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any, Iterable, Mapping, Optional

from persiantools.jdatetime import JalaliDate

from ckanext.shafaf.domain.errors import DomainError
from ckanext.shafaf.domain.jalali import fiscal_year as parse_fiscal_year
from ckanext.shafaf.domain.jalali import parse_date
from ckanext.shafaf.harvesters.profiles import Profile, table_schema
from ckanext.shafaf.tables.headers import HeaderIndex, header_key, split_unit
from ckanext.shafaf.tables.schema import TableSchema

MAX_FAULTS = 1000
_KEY_CACHE = 4096  # distinct source keys remembered per run (JSON keys may vary)


@dataclass(frozen=True)
class RowFault:
    """A record left out: its 1-based position in the source and why, in both languages."""

    index: int
    field: str
    value: str
    fa: str
    en: str
    code: str = "fiscal_year_invalid"


@dataclass(frozen=True)
class YearTable:
    """The raw CSV of one fiscal year, ready for validate_table."""

    fiscal_year: int
    path: Path
    rows: int
    sha256: str


@dataclass
class MappingResult:
    """Per-year tables, the records left out (at most MAX_FAULTS kept), counts."""

    tables: dict[int, YearTable] = field(default_factory=dict)
    faults: list[RowFault] = field(default_factory=list)
    records: int = 0
    fault_count: int = 0

    def add_fault(self, fault: RowFault) -> None:
        self.fault_count += 1
        if len(self.faults) < MAX_FAULTS:
            self.faults.append(fault)


class ProfileIndex(HeaderIndex):
    """The schema's alias index with the profile's own header variants in front.

    Profile variants win over schema aliases (a portal's «شماره» is known to
    be the contract number); an amount's unit is the one its source header
    states, else the profile's.
    """

    def __init__(self, profile: Profile) -> None:
        super().__init__(table_schema(profile.table_schema))
        self.profile = profile
        self._variants = {header_key(header): name
                          for name, headers in profile.columns.items() for header in headers}

    def resolve(self, header: str) -> Optional[tuple[str, Optional[str]]]:
        name: Optional[str] = self._variants.get(header_key(header))
        unit: Optional[str] = None
        if name is None:
            base, unit = split_unit(header)
            name = self._variants.get(header_key(base)) if unit else None
        if name is None:
            hit = super().resolve(header)
            if hit is None:
                return None
            name, unit = hit
        if self.schema.field(name).kind != "amount_irr":
            return name, None
        if unit is None:
            unit = split_unit(header)[1]
        return name, unit or self.profile.units.get(name)


# (field, unit field when the key implies a unit, that unit)
_Target = tuple[str, Optional[str], Optional[str]]


class _Renamer:
    """Source key → schema field, remembered per key (every CSV row has the same keys)."""

    def __init__(self, index: ProfileIndex) -> None:
        self.index = index
        self._known: dict[str, Optional[_Target]] = {}

    def target(self, key: str) -> Optional[_Target]:
        if key in self._known:
            return self._known[key]
        hit = self.index.resolve(key)
        found: Optional[_Target] = None
        if hit is not None:
            unit_field = self.index.schema.field(hit[0]).unit_field
            found = (hit[0], unit_field, hit[1]) if hit[1] and unit_field else (hit[0], None, None)
        if len(self._known) < _KEY_CACHE:
            self._known[key] = found
        return found

    def rename(self, record: Mapping[str, str]
               ) -> tuple[dict[str, str], dict[str, str], Optional[RowFault]]:
        """(field → cell, unit field → unit implied by header or profile, unit conflict)."""
        out: dict[str, str] = {}
        units: dict[str, str] = {}
        conflict: Optional[RowFault] = None
        for key, value in record.items():
            found = self.target(key)
            if found is None or found[0] in out:
                continue  # unknown, ignored, personal, or a second column for the same field
            name, unit_field, unit = found
            out[name] = value
            if unit_field and unit and units.setdefault(unit_field, unit) != unit \
                    and conflict is None:
                conflict = RowFault(
                    0, name, key,
                    f"واحد ستون «{key}» ({unit}) با واحد ستون‌های دیگر ({units[unit_field]}) "
                    "یکی نیست و جدول یک ستون واحد دارد",
                    f"Column '{key}' is in {unit} but other amounts share the unit "
                    f"column in {units[unit_field]}", "unit_conflict")
        return out, units, conflict


class _HashingText:
    """A text sink for csv.writer that writes UTF-8 and hashes the same bytes."""

    def __init__(self, path: Path) -> None:
        self.file: IO[bytes] = open(path, "wb")
        self.digest = hashlib.sha256()

    def write(self, text: str) -> int:
        data = text.encode("utf-8")
        self.digest.update(data)
        self.file.write(data)
        return len(text)


class _YearWriters:
    """One open CSV writer per fiscal year, all with the same header."""

    def __init__(self, profile: Profile, dest_dir: Path) -> None:
        self.profile, self.dest_dir = profile, Path(dest_dir)
        self.header: Optional[list[str]] = None
        self._open: dict[int, tuple[_HashingText, Any, list[int]]] = {}  # Any: csv writer

    def write(self, year: int, row: Mapping[str, str]) -> None:
        assert self.header is not None
        entry = self._open.get(year)
        if entry is None:
            sink = _HashingText(self.dest_dir / f"{self.profile.name}-{year}.csv")
            writer = csv.writer(sink, lineterminator="\n")
            writer.writerow(self.header)
            entry = self._open[year] = (sink, writer, [0])
        entry[1].writerow([row.get(name, "") for name in self.header])
        entry[2][0] += 1

    def close(self) -> dict[int, YearTable]:
        tables = {}
        for year, (sink, _, count) in sorted(self._open.items()):
            sink.file.close()
            tables[year] = YearTable(year, Path(sink.file.name), count[0], sink.digest.hexdigest())
        self._open.clear()
        return tables

    def abort(self) -> None:
        for sink, _, _ in self._open.values():
            sink.file.close()
            Path(sink.file.name).unlink(missing_ok=True)
        self._open.clear()


def output_header(schema: TableSchema, profile: Profile, first: Mapping[str, str],
                  units: Mapping[str, str]) -> list[str]:
    """Schema fields the source has, in schema order.

    A table's header is its first record's keys, so a column the portal
    dropped is the validator's missing-column error; JSON omits keys per
    record, so there the profile's columns count too. Unit fields join
    when a unit is known; a fiscal-year field joins always (its cell is
    filled with the year the record was sorted into).
    """
    present = set(first) | set(units) | (set(profile.columns) if profile.format == "json" else set())
    present |= {spec.unit_field for spec in schema.fields
                if spec.name in present and spec.unit_field and profile.units.get(spec.name)}
    present |= {spec.name for spec in schema.fields if spec.kind == "fiscal_year"}
    return [name for name in schema.field_names if name in present]


@functools.lru_cache(maxsize=8192)
def _year_of_text(text: str, kind: str) -> int:
    """Fiscal year of a date (Jalali or Gregorian) or of a year («۱۴۰۳», «سال ۱۴۰۳»)."""
    if kind not in ("jalali_date", "date"):
        return parse_fiscal_year(text)
    try:
        return parse_fiscal_year(JalaliDate(parse_date(text)).year)
    except DomainError as date_error:
        try:
            return parse_fiscal_year(text)  # a date column holding just the year
        except DomainError:
            raise date_error from None


class _YearReader:
    """The fiscal year of a renamed record: the profile's year, else its first dated column."""

    def __init__(self, profile: Profile, schema: TableSchema) -> None:
        self.value = profile.year_value
        self.columns = tuple((name, schema.field(name).kind) for name in profile.year_columns)
        self.titles = "، ".join(schema.field(name).title for name in profile.year_columns)

    def __call__(self, row: Mapping[str, str], index: int) -> int | RowFault:
        if self.value is not None:
            return self.value
        for name, kind in self.columns:
            text = (row.get(name) or "").strip()
            if not text:
                continue
            try:
                return _year_of_text(text, kind)
            except DomainError as exc:
                return RowFault(index, name, text, exc.fa, exc.en, exc.code)
        names = [name for name, _ in self.columns]
        return RowFault(index, names[0], "", f"سال مالی خوانده نشد: ستون «{self.titles}» خالی است",
                        f"No fiscal year: {', '.join(names)} is empty", "fiscal_year_missing")


def split_by_year(records: Iterable[Mapping[str, str]], profile: Profile, *,
                  fixed_year: Optional[int] = None, dest_dir: Path) -> MappingResult:
    """Rename, sort into fiscal years and write one raw CSV per year into dest_dir.

    `fixed_year` (a harvest source's setting) puts every record in that
    year. Files are named ``<profile>-<year>.csv``; on an exception from
    `records` (a SourceFault mid-download) the partial files are removed.
    """
    schema = table_schema(profile.table_schema)
    Path(dest_dir).mkdir(parents=True, exist_ok=True)
    year_field = next((s.name for s in schema.fields if s.kind == "fiscal_year"), None)
    rename = _Renamer(ProfileIndex(profile))
    year_of = _YearReader(profile, schema)
    writers = _YearWriters(profile, dest_dir)
    result = MappingResult()
    if fixed_year is not None:
        fixed_year = parse_fiscal_year(fixed_year)
    try:
        for position, record in enumerate(records, start=1):
            result.records = position
            row, units, conflict = rename.rename(record)
            if writers.header is None:
                writers.header = output_header(schema, profile, row, units)
            year = fixed_year if fixed_year is not None else year_of(row, position)
            if isinstance(year, RowFault):
                result.add_fault(year)
                continue
            if conflict is not None:
                result.add_fault(replace(conflict, index=position))
                continue
            for unit_field, unit in units.items():
                if not (row.get(unit_field) or "").strip():
                    row[unit_field] = unit
            if year_field and not (row.get(year_field) or "").strip():
                row[year_field] = str(year)
            writers.write(year, row)
    except BaseException:
        writers.abort()
        raise
    result.tables = writers.close()
    return result

"""Deterministic Persian records: contracts, budget lines and permits.

Every record is a pure function of (city, kind, fiscal year, index,
revision): the simulator holds no data, so 20,000 records cost nothing until
asked, two servers agree on every byte, and an "edited" record is the same
record at the next revision. Amounts are integer Rials, always whole
million Rials so they are exact in every unit a portal writes
(ریال، تومان، میلیون ریال). Contractor IDs are valid 11-digit legal IDs
(شناسه ملی), never a person's national code.
"""
from __future__ import annotations

import functools
import random
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable, Iterator, Union

from persiantools.jdatetime import JalaliDate

from ckanext.shafaf.simulator import vocab

MILLION = 10**6
_LEGAL_WEIGHTS = (29, 27, 23, 19, 17, 29, 27, 23, 19, 17)
_TO_FA = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_TO_ARABIC = str.maketrans({"ی": "ي", "ک": "ك"})


@dataclass(frozen=True)
class Contract:
    """One concluded contract as the municipality publishes it."""

    city: str
    fiscal_year: int
    index: int
    contract_number: str
    subject: str
    contractor_name: str
    contractor_id: str  # 11 ASCII digits, checksum valid
    amount_irr: int
    signed: JalaliDate
    start: JalaliDate
    end: JalaliDate
    duration_months: int
    selection_method: str
    contract_type: str
    region: str


@dataclass(frozen=True)
class BudgetLine:
    """One budget line of one fiscal year, amounts per phase in Rials."""

    city: str
    fiscal_year: int
    index: int
    code: str
    title: str
    direction: str
    classification: str
    proposed: int
    approved: int
    adjusted: int
    executed: int


@dataclass(frozen=True)
class Permit:
    """One issued building permit (no personal IDs: names only)."""

    city: str
    fiscal_year: int
    index: int
    permit_number: str
    permit_type: str
    issue_date: JalaliDate
    region: str
    land_use: str
    plot_number: str
    floor_area_m2: float
    floors: int
    units: int
    applicant: str
    fees_irr: int


Record = Union[Contract, BudgetLine, Permit]


def rng_for(*parts: object) -> random.Random:
    """A generator seeded by the parts (str seeds are stable across runs)."""
    return random.Random("|".join(str(part) for part in parts))


def legal_id_check_digit(first_ten: str) -> int:
    """The 11th digit of a شناسه ملی (design.md §3)."""
    step = int(first_ten[9]) + 2
    remainder = sum((int(d) + step) * w for d, w in zip(first_ten, _LEGAL_WEIGHTS)) % 11
    return 0 if remainder == 10 else remainder


def make_legal_id(rng: random.Random) -> str:
    """A valid 11-digit legal ID with a non-zero serial part (digits 4–9)."""
    serial = f"{rng.randrange(1, 10**6):06d}"
    first_ten = f"10{rng.randrange(10)}{serial}{rng.randrange(10)}"
    return first_ten + str(legal_id_check_digit(first_ten))


def persian_digits(text: str) -> str:
    return str(text).translate(_TO_FA)


def arabic_letters(text: str) -> str:
    """Persian ی/ک written as Arabic ي/ك, as old keyboards and systems do."""
    return text.translate(_TO_ARABIC)


def jalali_text(day: JalaliDate, persian: bool = False) -> str:
    """1403/02/15, or ۱۴۰۳/۰۲/۱۵ with persian=True."""
    text = f"{day.year:04d}/{day.month:02d}/{day.day:02d}"
    return persian_digits(text) if persian else text


def styled(text: str, rng: random.Random) -> str:
    """Some cells use Arabic letters, some Persian digits, most neither."""
    roll = rng.random()
    if roll < 0.25:
        return arabic_letters(text)
    if roll < 0.45:
        return persian_digits(text)
    return text


def city_info(city: str) -> tuple[str, int, tuple[str, ...], tuple[str, ...]]:
    return vocab.CITIES.get(city, vocab.GENERIC_CITY)


@functools.lru_cache(maxsize=1024)
def contractor(city: str, number: int) -> tuple[str, str]:
    """(name, legal ID) of company `number` of the city's stable pool."""
    rng = rng_for(city, "company", number)
    name = " ".join(part for part in (
        rng.choice(vocab.COMPANY_PREFIXES), vocab.COMPANY_CORES[number % len(vocab.COMPANY_CORES)],
        city_info(city)[0] if number % 3 == 0 else "", rng.choice(vocab.COMPANY_SUFFIXES)) if part)
    return name, make_legal_id(rng)


def _day_in_year(rng: random.Random, year: int, spare_days: int = 0) -> JalaliDate:
    length = 366 if JalaliDate.is_leap(year) else 365
    return JalaliDate(year, 1, 1) + timedelta(days=rng.randrange(length - spare_days))


def add_months(day: JalaliDate, months: int) -> JalaliDate:
    """The last day of a period of `months` months starting on `day`."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    same = min(day.day, JalaliDate.days_in_month(month, year))
    return JalaliDate(year, month, same) - timedelta(days=1)


def _weighted(rng: random.Random, choices: tuple[tuple, ...]) -> tuple:
    return rng.choices(choices, weights=[c[1] for c in choices])[0]


def _revised(value: int, revision: int, rng: random.Random) -> int:
    """An amendment adds 5–25 % per revision, in whole million Rials."""
    for _ in range(revision):
        value += max(1, round(value / MILLION * rng.uniform(0.05, 0.25))) * MILLION
    return value


def contract_number(city: str, year: int, index: int, region: int) -> str:
    if city == "yazd":
        return f"ق-{year}-{index + 1:04d}"
    if city == "mashhad":
        return f"{year}-{region:02d}-{index + 1:05d}"
    if city == "arak":
        return f"{index + 1}/ع/{year}"
    return f"{city[:3].upper()}-{year}-{index + 1:05d}"


def contract(city: str, year: int, index: int, revision: int = 0) -> Contract:
    """Contract `index` (0-based) of `city`'s fiscal year `year`."""
    rng = rng_for(city, "contracts", year, index)
    _, regions, streets, parks = city_info(city)
    region = rng.randrange(1, regions + 1)
    kind, template = rng.choice(vocab.SUBJECTS)
    subject = template.format(street=rng.choice(streets), park=rng.choice(parks),
                              region=region, n=rng.randrange(2, 40))
    method, _, (low, high) = _weighted(rng, vocab.METHODS)
    name, legal = contractor(city, rng.randrange(vocab.COMPANIES_PER_CITY))
    signed = _day_in_year(rng, year, spare_days=25)
    start = signed + timedelta(days=rng.randrange(0, 20))
    months = rng.choice((1, 2, 3, 6, 6, 9, 12, 12, 18, 24))
    amount = rng.randrange(low, high) * MILLION
    if revision:
        edit = rng_for(city, "contracts", year, index, "rev", revision)
        amount = _revised(amount, revision, edit)
        subject = f"{subject} ({vocab.AMENDMENT} {persian_digits(str(revision))})"
    text = rng_for(city, "contracts", year, index, "style")
    return Contract(
        city=city, fiscal_year=year, index=index,
        contract_number=contract_number(city, year, index, region),
        subject=styled(subject, text), contractor_name=styled(name, text), contractor_id=legal,
        amount_irr=amount, signed=signed, start=start, end=add_months(start, months),
        duration_months=months, selection_method=method, contract_type=kind,
        region=styled(f"منطقه {region}", text))


def budget_line(city: str, year: int, index: int, revision: int = 0) -> BudgetLine:
    """Budget line `index` of the year; codes are unique within the year."""
    rng = rng_for(city, "budgets", year, index)
    count = len(vocab.BUDGET_TITLES)
    direction, classification, title = vocab.BUDGET_TITLES[index % count]
    cycle = index // count
    if cycle:
        title = f"{title} - منطقه {cycle}"
    code = f"{1 if direction == 'منابع' else 2}-{index % count + 1:02d}-{cycle + 1:02d}"
    proposed = rng.randrange(5_000, 4_000_000)
    approved = round(proposed * rng.uniform(0.85, 1.1))
    if revision:
        approved = _revised(approved * MILLION, revision,
                            rng_for(city, "budgets", year, index, "rev", revision)) // MILLION
        title = f"{title} ({vocab.AMENDMENT} {persian_digits(str(revision))})"
    adjusted = round(approved * rng.uniform(0.95, 1.2))
    executed = round(adjusted * rng.uniform(0.55, 1.0))
    text = rng_for(city, "budgets", year, index, "style")
    return BudgetLine(
        city=city, fiscal_year=year, index=index, code=code, title=styled(title, text),
        direction=direction, classification=styled(classification, text),
        proposed=proposed * MILLION, approved=approved * MILLION,
        adjusted=adjusted * MILLION, executed=executed * MILLION)


def permit(city: str, year: int, index: int, revision: int = 0) -> Permit:
    """Permit `index` of the year; an edit changes its fees and floor area."""
    rng = rng_for(city, "permits", year, index)
    region = rng.randrange(1, city_info(city)[1] + 1)
    kind = _weighted(rng, vocab.PERMIT_TYPES)[0]
    land_use = _weighted(rng, vocab.LAND_USES)[0]
    floors = rng.randrange(1, 13)
    units = floors * rng.randrange(1, 4) if land_use.startswith("مسکونی") else rng.randrange(1, 4)
    area = round((units * rng.uniform(70, 160) + rng.uniform(0, 60)) * 2) / 2
    rate = rng.randrange(2_000, 15_000) * 1000  # Rials per m²
    if revision:
        area = round(area * (1 + 0.1 * revision) * 2) / 2
    applicant = f"{rng.choice(vocab.FIRST_NAMES)} {rng.choice(vocab.LAST_NAMES)}"
    text = rng_for(city, "permits", year, index, "style")
    return Permit(
        city=city, fiscal_year=year, index=index,
        permit_number=f"{year}{region:02d}{index + 1:05d}", permit_type=kind,
        issue_date=_day_in_year(rng, year), region=styled(f"منطقه {region}", text),
        land_use=land_use, plot_number=f"{rng.randrange(100, 9999)}/{rng.randrange(1, 300)}",
        floor_area_m2=area, floors=floors, units=units, applicant=styled(applicant, text),
        fees_irr=round(area * rate / 1000) * 1000)


GENERATORS: dict[str, Callable[[str, int, int, int], Record]] = {
    "contracts": contract, "budgets": budget_line, "permits": permit}
KIND_ALIASES = {"budget_lines": "budgets", "budget": "budgets", "contract": "contracts",
                "permit": "permits"}


def kind_name(kind: str) -> str:
    """Canonical kind: contracts, budgets or permits (budget_lines accepted)."""
    kind = KIND_ALIASES.get(kind, kind)
    if kind not in GENERATORS:
        raise ValueError(f"unknown record kind {kind!r}: contracts, budgets or permits")
    return kind


def records(city: str, kind: str, year: int, count: int,
            revisions: Callable[[int], int] = lambda index: 0) -> Iterator[Record]:
    """Records 0..count-1 of one year, each at its current revision."""
    make = GENERATORS[kind_name(kind)]
    for index in range(count):
        yield make(city, year, index, revisions(index))

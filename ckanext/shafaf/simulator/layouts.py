"""Records laid out the way each simulated portal exports them.

One function per export turns records into (header, rows) or JSON items,
with the portal's unit, date style and letter/digit habits. `malform`
spoils about three rows (an impossible date, a non-number amount, a
missing required cell) for the malformed_rows fault.
"""
from __future__ import annotations

from typing import Any, Iterable, MutableSequence, Optional, Sequence, Union

from ckanext.shafaf.simulator.exports import Cell
from ckanext.shafaf.simulator.records import (
    MILLION, BudgetLine, Contract, Permit, jalali_text, persian_digits, rng_for)

YAZD_CONTRACTS = ("ردیف", "شماره قرارداد", "موضوع قرارداد", "طرف قرارداد", "شناسه ملی",
                  "مبلغ نهایی (ریال)", "تاریخ انعقاد", "نحوه انتخاب پیمانکار")
YAZD_BUDGETS = ("سال", "کد", "عنوان", "نوع", "طبقه‌بندی", "لایحه (میلیون ریال)",
                "مصوب (میلیون ریال)", "اصلاحیه (میلیون ریال)", "عملکرد (میلیون ریال)")
ARAK_CONTRACTS = ("شماره قرارداد", "تاریخ شروع", "تاریخ پایان", "موضوع", "پیمانکار",
                  "مبلغ (میلیون ریال)", "مدت (ماه)", "نحوه انتخاب پیمانکار")
PERMIT_KEYS = ("شماره پروانه", "نوع پروانه", "تاریخ صدور", "منطقه", "کاربری", "پلاک ثبتی",
               "زیربنا (متر مربع)", "تعداد طبقات", "تعداد واحد", "مالک / متقاضی", "عوارض (ریال)")
ARAK_PERMITS = ("ردیف", *PERMIT_KEYS)
MASHHAD_CONTRACT_KEYS = ("contractNo", "subject", "contractor", "nationalId", "amountToman",
                         "signDate", "method")
BAD_DATE = "1403/13/40"
BAD_AMOUNT = "نامشخص"
Row = Union[MutableSequence[Any], dict[str, Any]]


def _roll(record: Any, what: str) -> float:
    """A stable per-record, per-cell random number in [0, 1)."""
    kind = type(record).__name__
    return rng_for(record.city, kind, record.fiscal_year, record.index, what).random()


def _rial_text(record: Contract) -> str:
    """Rials as Yazd writes them: plain, with separators, or in Persian digits."""
    roll = _roll(record, "amount")
    if roll < 0.6:
        return str(record.amount_irr)
    if roll < 0.8:
        return f"{record.amount_irr:,}"
    return persian_digits(f"{record.amount_irr:,}".replace(",", "٬"))


def _maybe_fa(record: Any, what: str, text: object, share: float = 0.3) -> str:
    return persian_digits(str(text)) if _roll(record, what) < share else str(text)


def yazd_contracts(records: Iterable[Contract]) -> list[list[Cell]]:
    return [[number, c.contract_number, c.subject, c.contractor_name,
             _maybe_fa(c, "id", c.contractor_id, 0.15), _rial_text(c),
             jalali_text(c.signed, persian=_roll(c, "date") < 0.3), c.selection_method]
            for number, c in enumerate(records, start=1)]


def yazd_budgets(records: Iterable[BudgetLine]) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for line in records:
        year: Cell = line.fiscal_year
        if _roll(line, "year") >= 0.7:  # typed as text, in Persian digits
            year = persian_digits(str(line.fiscal_year))
        rows.append([year, line.code, line.title, line.direction, line.classification,
                     *(amount // MILLION for amount in (line.proposed, line.approved,
                                                         line.adjusted, line.executed))])
    return rows


def arak_contracts(records: Iterable[Contract]) -> list[list[Cell]]:
    return [[c.contract_number, jalali_text(c.start, persian=_roll(c, "date") < 0.3),
             jalali_text(c.end, persian=_roll(c, "date") < 0.3), c.subject, c.contractor_name,
             _maybe_fa(c, "amount", c.amount_irr // MILLION),
             _maybe_fa(c, "months", c.duration_months),
             c.selection_method] for c in records]


def _permit_values(p: Permit) -> list[Cell]:
    return [p.permit_number, p.permit_type, jalali_text(p.issue_date), p.region, p.land_use,
            p.plot_number, p.floor_area_m2, p.floors, p.units, p.applicant, p.fees_irr]


def arak_permits(records: Iterable[Permit]) -> list[list[Cell]]:
    return [[number, *_permit_values(p)] for number, p in enumerate(records, start=1)]


def mashhad_permits(records: Iterable[Permit]) -> list[dict[str, Any]]:
    return [dict(zip(PERMIT_KEYS, _permit_values(p))) for p in records]


def mashhad_contracts(records: Iterable[Contract]) -> list[dict[str, Any]]:
    return [dict(zip(MASHHAD_CONTRACT_KEYS, (
        c.contract_number, c.subject, c.contractor_name, c.contractor_id, c.amount_irr // 10,
        jalali_text(c.signed), c.selection_method))) for c in records]


def ckan_resource_rows(records: Iterable[Contract]) -> list[list[Cell]]:
    """Rows of the small contracts CSV a member CKAN catalogue serves."""
    return [[c.contract_number, c.subject, c.contractor_name, c.contractor_id, c.amount_irr,
             jalali_text(c.signed), jalali_text(c.start), jalali_text(c.end), c.duration_months,
             c.selection_method, c.contract_type, c.region] for c in records]


CKAN_RESOURCE_HEADER = ("شماره قرارداد", "موضوع قرارداد", "طرف قرارداد", "شناسه ملی",
                        "مبلغ قرارداد (ریال)", "تاریخ انعقاد", "تاریخ شروع", "تاریخ پایان",
                        "مدت (ماه)", "نحوه انتخاب پیمانکار", "نوع قرارداد", "منطقه")


def spoiled_positions(total: int) -> list[int]:
    """Which of `total` rows malformed_rows spoils: the 2nd, the middle, the last (3 if it can)."""
    chosen: list[int] = []
    for position in (1, total // 2, total - 1, 0, 2):
        if 0 <= position < total and position not in chosen and len(chosen) < 3:
            chosen.append(position)
    return sorted(chosen)


def malform(rows: Sequence[Row], date: Union[int, str], amount: Union[int, str],
            missing: Union[int, str], offset: int = 0, total: Optional[int] = None) -> int:
    """Spoil up to three rows in place; returns how many were spoiled here.

    Of the whole export (`total` rows, of which `rows` start at `offset`:
    one page of an API) row 2 gets an impossible date, the middle row a
    non-number amount, the last row loses a required cell (emptied in a
    table, absent in JSON).
    """
    total = len(rows) if total is None else total
    targets = spoiled_positions(total)
    spoils = [(date, BAD_DATE), (amount, BAD_AMOUNT), (missing, None)]
    spoils = spoils[-len(targets):] if targets else []
    done = 0
    for position, (column, value) in zip(targets, spoils):
        if not offset <= position < offset + len(rows):
            continue
        row = rows[position - offset]
        if value is None and isinstance(row, dict):
            row.pop(column, None)  # type: ignore[arg-type]
        else:
            row[column] = "" if value is None else value  # type: ignore[index]
        done += 1
    return done

"""The slice of Solr query syntax a harvester sends in `fq` and `q`.

Clauses joined by spaces, AND or a leading "+": `field:value`,
`field:"value"`, `field:("a" OR "b")` and ranges `field:[X TO *]` /
`{X TO Y}`. Anything else (negation, nested groups, unknown syntax) is
refused, as Solr refuses what it cannot parse, rather than silently
answering with the wrong datasets.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

_CLAUSE = re.compile(
    r'(?P<sign>[+-]?)(?P<field>[A-Za-z_]+):'
    r'(?P<value>\([^()]*\)|"[^"]*"|[\[{][^\]}]*[\]}]|[^\s()"]+)')
_JOINERS = {"AND", "&&", "+"}
_RANGE = re.compile(r"^([\[{])\s*(\S+)\s+TO\s+(\S+)\s*([\]}])$")


class QueryError(ValueError):
    """The query is not in the syntax we (and the Solr parser) accept."""


@dataclass(frozen=True)
class Clause:
    """One `field:…` clause: a set of values (OR) or a range."""

    field: str
    values: tuple[str, ...] = ()
    low: Optional[str] = None  # None: open ("*")
    high: Optional[str] = None
    low_exclusive: bool = False
    high_exclusive: bool = False
    is_range: bool = False


def parse(text: str) -> list[Clause]:
    """The clauses of an fq (or of a fielded q); raises QueryError."""
    clauses: list[Clause] = []
    position = 0
    for match in _CLAUSE.finditer(text):
        _check_gap(text[position:match.start()])
        if match["sign"] == "-":
            raise QueryError(f"negation is not supported: {match[0]}")
        clauses.append(_clause(match["field"], match["value"]))
        position = match.end()
    _check_gap(text[position:])
    return clauses


def is_fielded(text: str) -> bool:
    """Whether a q is made of clauses (name:x) rather than free text."""
    return bool(_CLAUSE.match(text.strip())) and text.strip() != "*:*"


def _check_gap(gap: str) -> None:
    extra = [word for word in gap.split() if word not in _JOINERS]
    if extra:
        raise QueryError(f"cannot parse {' '.join(extra)!r}")


def _clause(field: str, value: str) -> Clause:
    if value[0] in "[{":
        match = _RANGE.match(value)
        if not match:
            raise QueryError(f"bad range {value}")
        opening, low, high, closing = match.groups()
        return Clause(field, low=None if low == "*" else low, high=None if high == "*" else high,
                      low_exclusive=opening == "{", high_exclusive=closing == "}",
                      is_range=True)
    if value[0] == "(":
        words = value[1:-1].split()
        if any(word in ("AND", "NOT", "&&") for word in words):
            raise QueryError(f"only OR is supported inside a group: {value}")
        values = tuple(word.strip('"') for word in words if word not in ("OR", "||"))
        if not values:
            raise QueryError(f"empty group {value}")
        return Clause(field, values)
    return Clause(field, (value.strip('"'),))

"""Which datasets of a simulated CKAN catalogue exist, when they changed, in what order.

A dataset is an index 0..count-1. Its base metadata_modified follows from
the index (datasets created together form a "segment": an arithmetic run
of timestamps), so a range query on metadata_modified is arithmetic on
`range` objects. Only mutated datasets (edited, touched, deleted) are
remembered one by one, which keeps 20,000 datasets at constant memory.
"""
from __future__ import annotations

import heapq
import itertools
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Callable, Iterable, Optional

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
BASE_US = int((datetime(2025, 1, 1, 8, 0, tzinfo=timezone.utc) - EPOCH).total_seconds()) * 10**6
BASE_STEP_US = 10 * 10**6  # the initial datasets were modified 10 s apart


def iso(us: int) -> str:
    """CKAN's metadata_modified format (UTC, microseconds, no zone)."""
    return (EPOCH + timedelta(microseconds=us)).strftime("%Y-%m-%dT%H:%M:%S.%f")


@dataclass(frozen=True)
class Segment:
    """Datasets start..stop-1, modified at t0 + (i - start) * step µs."""

    start: int
    stop: int
    t0: int
    step: int

    def time(self, index: int) -> int:
        return self.t0 + (index - self.start) * self.step

    def between(self, since: int, until: int) -> range:
        """Indices of this segment with since <= time <= until (µs)."""
        step = max(self.step, 1)
        lo = self.start + max(0, -(-(since - self.t0) // step))
        hi = self.start + (until - self.t0) // step + 1
        return range(max(lo, self.start), min(hi, self.stop))


@dataclass
class Filters:
    """The parts of a package_search the index can answer."""

    since: int = -(2**62)
    until: int = 2**62
    residue: Optional[tuple[int, int]] = None  # (modulus, remainder): an organization
    predicate: Optional[Callable[[int], bool]] = None  # slow filters (name, id, q)
    limit: Optional[int] = None  # only indices below this (the shrink fault)


@dataclass
class Change:
    modified: int  # µs
    revision: int = 0


@dataclass
class CatalogueIndex:
    """Counts, mutations and orderings of one catalogue's datasets."""

    count: int
    key: Callable[[int], str]  # the id of an index (for sort=id)
    segments: list[Segment] = field(default_factory=list)
    changes: dict[int, Change] = field(default_factory=dict)
    deleted: set[int] = field(default_factory=set)
    _clock: int = 0
    _id_order: Optional[tuple[int, list[int]]] = None
    _lock: threading.RLock = field(default_factory=threading.RLock)

    def __post_init__(self) -> None:
        self.segments = [Segment(0, self.count, BASE_US, BASE_STEP_US)]

    def now(self) -> int:
        """A fresh timestamp, later than every one handed out before."""
        with self._lock:
            last = self.segments[-1].time(self.segments[-1].stop) if self.segments else 0
            self._clock = max(int(time.time() * 10**6), self._clock + 1, last + 1)
            return self._clock

    def set_count(self, count: int) -> None:
        """Shrink (datasets past `count` vanish) or grow (new ones, modified now)."""
        with self._lock:
            if count < self.count:
                self.segments = [Segment(s.start, min(s.stop, count), s.t0, s.step)
                                 for s in self.segments if s.start < count]
                self.changes = {i: c for i, c in self.changes.items() if i < count}
                self.deleted = {i for i in self.deleted if i < count}
            elif count > self.count:
                start = self.now()
                self.segments.append(Segment(self.count, count, start, 1))
                self._clock = start + (count - self.count)
            self.count = count

    def exists(self, index: int) -> bool:
        return 0 <= index < self.count and index not in self.deleted

    def modified(self, index: int) -> int:
        change = self.changes.get(index)
        if change:
            return change.modified
        for segment in self.segments:
            if segment.start <= index < segment.stop:
                return segment.time(index)
        raise KeyError(index)

    def created(self, index: int) -> int:
        for segment in self.segments:
            if segment.start <= index < segment.stop:
                return segment.time(index) - (BASE_STEP_US * 3 if segment.t0 == BASE_US else 0)
        raise KeyError(index)

    def revision(self, index: int) -> int:
        change = self.changes.get(index)
        return change.revision if change else 0

    def change(self, index: int, content: bool) -> None:
        """A new metadata_modified (and with content=True a new revision)."""
        with self._lock:
            if not self.exists(index):
                raise KeyError(index)
            revision = self.revision(index) + (1 if content else 0)
            self.changes[index] = Change(self.now(), revision)

    def delete(self, index: int) -> None:
        with self._lock:
            if not self.exists(index):
                raise KeyError(index)
            self.deleted.add(index)

    def id_order(self) -> list[int]:
        """Indices 0..count-1 sorted by id (computed once per count)."""
        with self._lock:
            if self._id_order is None or self._id_order[0] != self.count:
                self._id_order = (self.count, sorted(range(self.count), key=self.key))
            return self._id_order[1]

    def search(self, filters: Filters, sort: str, start: int, rows: int) -> tuple[int, list[int]]:
        """(total, one page of indices) for the filters, in `sort` order."""
        with self._lock:
            base, changed, skip = self._candidates(filters)
            order = self._ordered(base, changed, skip, sort)
            if filters.predicate is None:
                hidden = sum(1 for i in skip if _in(base, i))
                total = sum(len(r) for r in base) - hidden + len(changed)
                return total, list(itertools.islice(order, start, start + rows))
            matching = [i for i in order if filters.predicate(i)]
            return len(matching), matching[start:start + rows]

    def _candidates(self, filters: Filters) -> tuple[list[range], list[int], set[int]]:
        """Unchanged indices in range (as ranges), changed ones, and those to skip."""
        limit = self.count if filters.limit is None else min(self.count, filters.limit)
        base = []
        for segment in self.segments:
            found = segment.between(filters.since, filters.until)
            found = range(found.start, min(found.stop, limit))
            if filters.residue and len(found):
                modulus, remainder = filters.residue
                first = found.start + (remainder - found.start) % modulus
                found = range(first, found.stop, modulus)
            base.append(found)
        skip = set(self.changes) | self.deleted
        residue = filters.residue
        changed = [i for i, c in self.changes.items()
                   if i < limit and i not in self.deleted
                   and filters.since <= c.modified <= filters.until
                   and (not residue or i % residue[0] == residue[1])]
        changed.sort(key=lambda i: self.changes[i].modified)
        return base, changed, skip

    def _ordered(self, base: list[range], changed: list[int], skip: set[int],
                 sort: str) -> Iterable[int]:
        """Matching indices in `sort` order (changed ones merged in by time or name)."""
        unchanged = (i for r in base for i in r if i not in skip)
        if sort == "metadata_modified asc":
            return heapq.merge(unchanged, changed, key=self.modified)
        if sort == "metadata_modified desc":
            newest = (i for r in reversed(base) for i in reversed(r) if i not in skip)
            return heapq.merge(newest, reversed(changed), key=lambda i: -self.modified(i))
        if sort == "name asc":
            return heapq.merge(unchanged, sorted(changed))
        if sort == "name desc":
            newest = (i for r in reversed(base) for i in reversed(r) if i not in skip)
            return heapq.merge(newest, sorted(changed, reverse=True), key=lambda i: -i)
        wanted = set(changed)
        order: Iterable[int] = reversed(self.id_order()) if sort == "id desc" else self.id_order()
        return (i for i in order if i in wanted or (i not in skip and _in(base, i)))


def _in(ranges: list[range], index: int) -> bool:
    return any(index in r for r in ranges)

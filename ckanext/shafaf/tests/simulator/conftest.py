"""Simulator tests: a real threaded server on 127.0.0.1, no CKAN, no database.

One server per module (starting one costs a few ms, but a module shares
it); every test starts from the simulator's defaults with a short hold for
the timeout fault.
"""
from __future__ import annotations

from typing import Iterator

import pytest

from ckanext.shafaf.simulator import Simulator, serve
from ckanext.shafaf.tests.simulator.helpers import HOLD


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[Simulator, str]]:
    sim = Simulator({"tabriz": "shafaf", "maragheh": "stock"}, ckan_datasets=60)
    with serve(sim) as base:
        yield sim, base


@pytest.fixture
def sim(served: tuple[Simulator, str]) -> Iterator[Simulator]:
    simulator = served[0]
    simulator.reset()
    simulator.hold_seconds = HOLD
    yield simulator
    simulator.reset()


@pytest.fixture
def base(served: tuple[Simulator, str], sim: Simulator) -> str:
    return served[1]

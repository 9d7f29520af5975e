"""Fixtures for the instrument library tests (plain pytest, no Django)."""

from __future__ import annotations

import pytest

from disctrack.instruments import InstrumentLibrary, load_library


@pytest.fixture(scope="session")
def library() -> InstrumentLibrary:
    return load_library()

"""The exported builder registry (dir1), written once and rolled back, and helpers to edit it.

The registry is built inside a transaction that is rolled back after the export, so every
test starts from an empty registry and can import the files as a new registry would.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import time_machine
from django.db import transaction
from tests.interop.builder import at, build_registry

from disctrack.interop.exporter import export_registry

EXPORT_DAY = at("2026-11-01")
IMPORT_DAY = at("2026-11-20")


@pytest.fixture(scope="session")
def exported_registry(django_db_setup, django_db_blocker, tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("first") / "export"
    with django_db_blocker.unblock(), transaction.atomic():
        build_registry()
        with time_machine.travel(EXPORT_DAY, tick=False):
            export_registry(directory)
        transaction.set_rollback(True)
    return directory


@pytest.fixture
def files(exported_registry, tmp_path) -> Path:
    """A copy of the exported files that a test may edit."""
    return Path(shutil.copytree(exported_registry, tmp_path / "files"))


@pytest.fixture
def import_day():
    with time_machine.travel(IMPORT_DAY, tick=False):
        yield

"""The export reads one snapshot when it runs on its own, as `disctrack export` does."""

from __future__ import annotations

import pytest
from django.db import connection
from tests.interop.editing import records

from disctrack.interop.exporter import export_registry
from disctrack.registry.actions import do_create_site


@pytest.mark.django_db(transaction=True)
def test_an_export_outside_any_transaction_reads_one_snapshot(tmp_path):
    do_create_site("system: test", code="north", name="Clinic North", timezone="Europe/Madrid")
    assert not connection.in_atomic_block

    export_registry(tmp_path / "out")

    assert [row["code"] for row in records(tmp_path / "out", "sites.csv")] == ["north"]
    assert not connection.in_atomic_block

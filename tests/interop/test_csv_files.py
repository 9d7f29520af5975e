"""Spreadsheet formulas in exported cells are neutralized, and an import takes them back as typed."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from tests.conftest import PASSWORD, enrollment_data
from tests.interop.builder import at
from tests.interop.editing import records

from disctrack.interop.csv_files import neutralize, restore, write_csv
from disctrack.interop.csv_format import TABLES
from disctrack.interop.exporter import export_registry
from disctrack.registry.actions import (
    do_add_physician,
    do_create_site,
    do_create_staff,
    do_enroll_patient,
    do_record_complication,
    do_record_event,
    do_record_treatment,
)
from disctrack.registry.models import Complication, Episode, Event, Treatment


@pytest.mark.parametrize(("value", "written"), [
    ("=1+2", "'=1+2"),
    ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
    ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
    ("\t=1+2", "'\t=1+2"),
    ("\r=1+2", "'\r=1+2"),
    ("'already quoted", "''already quoted"),
    ("-3.5", "-3.5"),  # numbers stay numbers
    ("-3", "-3"),
    ("+34600123456", "+34600123456"),
    ("1e-05", "1e-05"),
    ("-1.5E+3", "-1.5E+3"),
    ("L4-L5", "L4-L5"),
    ("2026-03-14", "2026-03-14"),
    ("plain text = fine", "plain text = fine"),
    ("", ""),
])
def test_a_cell_that_could_be_a_formula_gets_a_leading_quote(value, written):
    assert neutralize(value) == written
    assert restore(written) == value


def test_write_csv_neutralizes_every_cell(tmp_path):
    path = tmp_path / "out.csv"
    assert write_csv(path, ["a", "b"], [["=HYPERLINK(\"x\")", "-3.5"]]) == 1
    assert path.read_text(encoding="utf-8") == "a,b\n\"'=HYPERLINK(\"\"x\"\")\",-3.5\n"


FORMULAS = {
    "site": "@Clinic formula",
    "physician": "=Dr Formula",
    "given_name": "-Ana",
    "staff": "+Staff",
    "notes": "=1+2",
    "treatment_notes": "@SUM(A1:A2)",
    "implant": "-2+3+cmd|' /C calc'!A0",
    "reason": "'quoted already",
    "description": "+cmd|' /C calc'!A0",
    "event": "=HYPERLINK(\"http://example.test\")",
}


def _build() -> None:
    with time_machine.travel(at("2026-01-05"), tick=False) as clock:
        site = do_create_site("system: test", code="north", name=FORMULAS["site"],
                              timezone="Europe/Madrid")
        nurse = do_create_staff("system: test", username="nurse", password=PASSWORD, site=site,
                                role="coordinator", first_name=FORMULAS["staff"])
        physician = do_add_physician("system: test", site, FORMULAS["physician"])
        data = enrollment_data(diagnosed_on=date(2026, 1, 2), notes=FORMULAS["notes"])
        data["identity"]["given_name"] = FORMULAS["given_name"]
        patient = do_enroll_patient(nurse, site, registry_id="DT-AAAA-1111", **data)
        episode = patient.episodes.get()
        index = do_record_treatment(nurse, episode, {
            "kind": "prp", "performed_on": date(2026, 1, 4), "levels": ["L3-L4"],
            "physician": physician, "volume_per_level_ml": 2.0, "image_guidance": "ct",
            "notes": FORMULAS["treatment_notes"]})
        clock.move_to(at("2026-03-01"))
        do_record_treatment(nurse, episode, {
            "kind": "fusion", "role": "subsequent_surgery", "performed_on": date(2026, 2, 20),
            "levels": ["L3-L4"], "physician": physician, "fusion_approach": "TLIF",
            "implant": FORMULAS["implant"], "reason": FORMULAS["reason"]})
        do_record_complication(nurse, episode, {
            "category": "post_injection_flare", "occurred_on": date(2026, 1, 6),
            "severity": "mild", "relatedness": "probable", "treatment": index,
            "description": FORMULAS["description"]})
        do_record_event(nurse, episode, kind="lost_to_follow_up", occurred_on=date(2026, 2, 25),
                        reason=FORMULAS["event"])


@pytest.mark.django_db
def test_formulas_are_neutralized_and_an_import_restores_them_exactly(tmp_path):
    first = tmp_path / "first"
    with transaction.atomic():
        _build()
        with time_machine.travel(at("2026-03-02"), tick=False):
            export_registry(first)
        transaction.set_rollback(True)

    raw = b"".join((first / table.file).read_bytes() for table in TABLES).decode()
    for value in FORMULAS.values():
        assert f"'{value}" in raw or f"'{value}".replace('"', '""') in raw, value
    assert records(first, "episodes.csv")[0]["notes"] == "'=1+2"

    with time_machine.travel(at("2026-03-05"), tick=False):
        call_command("import", str(first), stdout=StringIO())
    assert Episode.objects.get().notes == FORMULAS["notes"]
    assert Treatment.objects.get(role="subsequent_surgery").reason == FORMULAS["reason"]
    assert Treatment.objects.get(role="subsequent_surgery").implant == FORMULAS["implant"]
    assert Complication.objects.get().description == FORMULAS["description"]
    assert Event.objects.get().reason == FORMULAS["event"]

    again = tmp_path / "again"
    export_registry(again)
    for table in TABLES:
        assert (again / table.file).read_bytes() == (first / table.file).read_bytes(), table.file

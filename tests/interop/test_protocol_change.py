"""Answers given under a protocol the site has since left cannot be laid out again on import."""

from __future__ import annotations

import time_machine
from django.db import transaction
from tests.conftest import enrollment_data, msc_treatment_data
from tests.interop.builder import asked, at
from tests.interop.editing import import_errors, row_number

from disctrack.interop.exporter import export_registry
from disctrack.registry.actions import (
    do_add_physician,
    do_change_site_protocol,
    do_create_site,
    do_enroll_patient,
    do_record_treatment,
)
from disctrack.surveys.actions import do_enter_response


def _registry_that_changed_protocol(directory) -> None:
    """Exported, then rolled back: the import below starts from an empty registry."""
    with transaction.atomic():
        site = do_create_site("system: test", code="west", name="Clinic West")
        physician = do_add_physician("system: test", site, "Dr. Wen West")
        patient = do_enroll_patient("system: test", site, registry_id="DT-GGGG-7777",
                                    **enrollment_data())
        index = do_record_treatment("system: test", patient.episodes.get(),
                                    msc_treatment_data(physician))
        for code in ("baseline", "m1"):
            timepoint = index.timepoints.get(code=code)
            do_enter_response("system: test", timepoint, asked(timepoint, 2, 5), channel="clinic")
        do_change_site_protocol("system: test", site, "ichom")
        export_registry(directory)
        transaction.set_rollback(True)


def test_answers_from_before_a_protocol_change_are_refused_by_name(db, tmp_path):
    files = tmp_path / "files"
    with time_machine.travel(at("2026-03-10"), tick=False):
        _registry_that_changed_protocol(files)
        errors = import_errors(files)

    promis = row_number(files, "responses.csv", timepoint="baseline", instrument="promis10")
    m1 = row_number(files, "responses.csv", timepoint="m1")
    stopped = [(row_number(files, "timepoints.csv", timepoint=code), code)
               for code in ("m3", "m36", "m48")]
    missing = ("time point {!r} under protocol ichom, which site west follows (it has: "
               "baseline, m6, m12, m24, m60)")
    assert errors == [
        f"responses.csv row {promis}, column instrument: promis10 is not asked at Baseline",
        f"responses.csv row {m1}, column timepoint: the index treatment of DT-GGGG-7777 has no "
        + missing.format("m1"),
        *(f"timepoints.csv row {number}, column timepoint: the index treatment of DT-GGGG-7777 "
          "has no " + missing.format(code) for number, code in stopped),
    ]

"""Safety signals in the answers raise an alert for a clinician."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from tests.followup.answers import enter, enter_baseline, month_1
from tests.followup.conftest import treat

from disctrack.followup.models import AlertStatus, SafetyAlert
from disctrack.registry.models import AuditEntry

ANSWERED = datetime(2026, 3, 2, 10, tzinfo=UTC)


@pytest.fixture
def patient(personas):
    """MSC on 1 February 2026; baseline ODI 44, back pain 6, leg pain 3."""
    patient = treat(personas, date(2026, 2, 1))
    with time_machine.travel(datetime(2026, 1, 25, 10, tzinfo=UTC), tick=False):
        enter_baseline(personas.coordinator, patient)
    return patient


def _answer_month_1(personas, patient, **changes):
    with time_machine.travel(ANSWERED, tick=False):
        enter(personas.coordinator, patient.timepoints.get(code="m1"), month_1(**changes))
    alert = SafetyAlert.objects.filter(timepoint__code="m1", patient=patient).first()
    return [] if alert is None else [reason["code"] for reason in alert.reasons]


def test_an_uneventful_month_raises_nothing(personas, patient):
    assert _answer_month_1(personas, patient) == []


def test_disability_worse_by_the_minimal_important_change_raises_an_alert(personas, patient):
    codes = _answer_month_1(personas, patient, odi={f"odi_{i}": 3 for i in range(1, 11)})
    assert codes == ["worse_odi"]  # 60 against 44: 16 points, the MIC is 10
    alert = SafetyAlert.objects.get()
    assert alert.reasons[0]["text"] == ("ODI 16 points worse than at baseline (44 to 60); "
                                        "the minimal important change is 10")
    assert (alert.status, alert.patient) == (AlertStatus.OPEN, patient)
    assert AuditEntry.objects.filter(model="followup.SafetyAlert", actor="system: safety check").exists()


def test_disability_worse_by_less_than_the_change_raises_nothing(personas, patient):
    assert _answer_month_1(personas, patient, odi={"odi_1": 5, **{f"odi_{i}": 2 for i in range(2, 11)}}) == []


def test_new_leg_pain_raises_an_alert(personas, patient):
    assert _answer_month_1(personas, patient, nrs_pain={"leg": 5}) == ["new_leg_pain"]


def test_severe_back_pain_soon_after_an_intradiscal_injection_raises_an_alert(personas, patient):
    codes = _answer_month_1(personas, patient, nrs_pain={"back": 8})
    assert codes == ["worse_nrs_back", "severe_pain_after_injection"]


@pytest.mark.parametrize("item, text", [
    ("fever", "Answered yes: Have you had a fever or chills? (after an intradiscal injection)"),
    ("hospital_visit", "Answered yes: Have you been to an emergency department or stayed in hospital "
                       "because of your back?"),
])
def test_a_yes_to_a_complication_check_question_raises_an_alert(personas, patient, item, text):
    assert _answer_month_1(personas, patient, complication_check={item: "yes"}) == [f"check_{item}"]
    assert SafetyAlert.objects.get().reasons[0]["text"] == text


def test_without_a_baseline_leg_pain_is_new_when_there_was_none_at_diagnosis(personas):
    patient = treat(personas, date(2026, 2, 1))
    assert _answer_month_1(personas, patient, nrs_pain={"leg": 6}) == ["new_leg_pain"]
    assert SafetyAlert.objects.get().reasons[0]["text"] == "New leg pain: 6 out of 10 (none at diagnosis)"

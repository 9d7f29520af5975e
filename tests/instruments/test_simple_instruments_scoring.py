"""NRS pain, PGIC, work status, analgesic use and the complication check."""

from __future__ import annotations

import pytest

from disctrack.instruments import InstrumentLibrary, InvalidAnswers


@pytest.mark.parametrize("value", [0, 10])
def test_nrs_bounds_are_allowed(library: InstrumentLibrary, value: int) -> None:
    """NRS 0-10, 11 points (Chiarotto, Pain 2018;159:481)."""
    scores = library.get("nrs_pain").score({"back": value, "leg": 10 - value})
    assert scores == {"nrs_back": value, "nrs_leg": 10 - value}


@pytest.mark.parametrize("value", [-1, 11])
def test_nrs_outside_bounds_is_refused(library: InstrumentLibrary, value: int) -> None:
    with pytest.raises(InvalidAnswers, match=f"back: {value} is not a whole number from 0 to 10"):
        library.get("nrs_pain").score({"back": value, "leg": 3})


def test_nrs_partial(library: InstrumentLibrary) -> None:
    scores = library.get("nrs_pain").score({"leg": 4}, partial=True)
    assert scores == {"nrs_back": None, "nrs_leg": 4}


@pytest.mark.parametrize(("answer", "improved"), [(1, True), (2, True), (3, False), (7, False)])
def test_pgic(library: InstrumentLibrary, answer: int, improved: bool) -> None:
    """PGIC 1 = very much improved ... 7 = very much worse (NINDS CDE); 1-2 = improved."""
    assert library.get("pgic").score({"pgic": answer}) == {
        "pgic": answer,
        "pgic_improved": improved,
    }


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"work_status": "full_time"}, {"work_status": "full_time", "working": True}),
        (
            {"work_status": "part_time", "not_working_due_to_back": "yes"},
            {"work_status": "part_time", "working": True},
        ),
        ({"work_status": "sick_leave_back"}, {"work_status": "sick_leave_back", "working": False}),
        (
            {"work_status": "retired", "not_working_due_to_back": "no"},
            {"work_status": "retired", "working": False},
        ),
    ],
)
def test_work_status(library: InstrumentLibrary, answers: dict, expected: dict) -> None:
    assert library.get("work_status").score(answers) == expected


def test_work_status_follow_up_is_required_when_asked(library: InstrumentLibrary) -> None:
    errors = library.get("work_status").validate({"work_status": "unemployed"})
    assert [str(e) for e in errors] == ["not_working_due_to_back: an answer is required"]


def test_work_status_follow_up_is_refused_when_not_asked(library: InstrumentLibrary) -> None:
    errors = library.get("work_status").validate(
        {"work_status": "full_time", "not_working_due_to_back": "no"}
    )
    assert [e.item for e in errors] == ["not_working_due_to_back"]
    assert "asked only when work_status is one of part_time" in errors[0].message


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"analgesic": "none"}, {"analgesic_use": "none", "opioid_use": False}),
        (
            {"analgesic": "non_opioid", "analgesic_frequency": "daily"},
            {"analgesic_use": "non_opioid", "opioid_use": False},
        ),
        (
            {"analgesic": "opioid", "analgesic_frequency": "some_days"},
            {"analgesic_use": "opioid", "opioid_use": True},
        ),
    ],
)
def test_analgesic_use(library: InstrumentLibrary, answers: dict, expected: dict) -> None:
    assert library.get("analgesic_use").score(answers) == expected


COMPLICATION_ITEMS = ("fever", "new_back_pain", "leg_symptoms", "hospital_visit", "new_treatment")


def test_complication_check_lists_concerns(library: InstrumentLibrary) -> None:
    answers = {code: "no" for code in COMPLICATION_ITEMS} | {"fever": "yes", "new_treatment": "yes"}
    assert library.get("complication_check").score(answers) == {
        "any_concern": True,
        "concerns": ["fever", "new_treatment"],
    }


def test_complication_check_all_clear(library: InstrumentLibrary) -> None:
    answers = {code: "no" for code in COMPLICATION_ITEMS}
    assert library.get("complication_check").score(answers) == {
        "any_concern": False,
        "concerns": [],
    }


def test_complication_check_unknown_when_incomplete(library: InstrumentLibrary) -> None:
    """With no "yes" and some items missing, we cannot say there is no concern."""
    scores = library.get("complication_check").score({"fever": "no"}, partial=True)
    assert scores == {"any_concern": None, "concerns": []}
    scores = library.get("complication_check").score({"leg_symptoms": "yes"}, partial=True)
    assert scores == {"any_concern": True, "concerns": ["leg_symptoms"]}

"""Instrument.validate and Instrument.clean: messages, unknown items, coercion."""

from __future__ import annotations

import pytest

from disctrack.instruments import AnswerError, InstrumentLibrary, InvalidAnswers

COMPLETE_ODI = {f"odi_{n}": 1 for n in range(1, 11)}


def messages(errors: list[AnswerError]) -> list[str]:
    return [str(error) for error in errors]


def test_value_outside_the_options(library: InstrumentLibrary) -> None:
    errors = library.get("odi").validate({**COMPLETE_ODI, "odi_3": 7})
    assert errors == [AnswerError("odi_3", "7 is not one of the allowed answers 0, 1, 2, 3, 4, 5")]
    assert messages(errors) == ["odi_3: 7 is not one of the allowed answers 0, 1, 2, 3, 4, 5"]


def test_unknown_item_is_an_error(library: InstrumentLibrary) -> None:
    errors = library.get("nrs_pain").validate({"back": 1, "leg": 2, "neck": 3})
    assert messages(errors) == ["neck: not an item of this instrument (back, leg)"]


def test_missing_required_items(library: InstrumentLibrary) -> None:
    errors = library.get("nrs_pain").validate({})
    assert messages(errors) == ["back: an answer is required", "leg: an answer is required"]


def test_partial_allows_missing_but_not_wrong_answers(library: InstrumentLibrary) -> None:
    nrs = library.get("nrs_pain")
    assert nrs.validate({}, partial=True) == []
    assert messages(nrs.validate({"back": 12}, partial=True)) == [
        "back: 12 is not a whole number from 0 to 10"
    ]


def test_optional_item_may_be_left_out(library: InstrumentLibrary) -> None:
    """ODI section 8 (sex life, "if applicable") is optional."""
    answers = {code: value for code, value in COMPLETE_ODI.items() if code != "odi_8"}
    assert library.get("odi").validate(answers) == []


def test_none_means_unanswered(library: InstrumentLibrary) -> None:
    assert messages(library.get("nrs_pain").validate({"back": None, "leg": 2})) == [
        "back: an answer is required"
    ]


@pytest.mark.parametrize("value", ["3", True, 3.0])
def test_validate_is_strict_about_types(library: InstrumentLibrary, value: object) -> None:
    """Stored answers must have the declared type; bool is not a number here."""
    errors = library.get("nrs_pain").validate({"back": value, "leg": 2})
    assert [error.item for error in errors] == ["back"]


def test_text_choice_refuses_numbers(library: InstrumentLibrary) -> None:
    errors = library.get("pgic").validate({"pgic": "2"})
    assert messages(errors) == ["pgic: '2' is not one of the allowed answers 1, 2, 3, 4, 5, 6, 7"]


def test_clean_coerces_form_text(library: InstrumentLibrary) -> None:
    cleaned = library.get("nrs_pain").clean({"leg": " 7 ", "back": "3"})
    assert cleaned == {"back": 3, "leg": 7}
    assert list(cleaned) == ["back", "leg"]  # item order


def test_clean_strips_text_choices_and_drops_blanks(library: InstrumentLibrary) -> None:
    cleaned = library.get("work_status").clean(
        {"work_status": " full_time ", "not_working_due_to_back": ""}
    )
    assert cleaned == {"work_status": "full_time"}


def test_clean_accepts_whole_floats_from_csv(library: InstrumentLibrary) -> None:
    assert library.get("eq5d5l").clean(
        {"mo": 1.0, "sc": "2", "ua": 3, "pd": 4, "ad": 5, "vas": "80"}
    ) == {"mo": 1, "sc": 2, "ua": 3, "pd": 4, "ad": 5, "vas": 80}


def test_clean_raises_with_every_error(library: InstrumentLibrary) -> None:
    with pytest.raises(InvalidAnswers) as caught:
        library.get("nrs_pain").clean({"back": "ten", "pain": "3"})
    assert caught.value.instrument == "nrs_pain"
    assert messages(caught.value.errors) == [
        "back: 'ten' is not a whole number from 0 to 10",
        "leg: an answer is required",
        "pain: not an item of this instrument (back, leg)",
    ]
    assert "invalid answers for nrs_pain: back: 'ten'" in str(caught.value)


def test_clean_partial(library: InstrumentLibrary) -> None:
    assert library.get("nrs_pain").clean({"back": "4"}, partial=True) == {"back": 4}


def test_score_validates_first(library: InstrumentLibrary) -> None:
    with pytest.raises(InvalidAnswers, match="pgic: 0 is not one of the allowed answers"):
        library.get("pgic").score({"pgic": 0})

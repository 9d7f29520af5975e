"""Loading the packaged definitions, and the library's public behaviour."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from disctrack.instruments import (
    LANGUAGES,
    Instrument,
    InstrumentLibrary,
    UnknownInstrument,
    load_library,
    validate_library,
)

NAMES = ("analgesic_use", "comi_back", "complication_check", "eq5d5l", "nrs_pain", "odi",
         "pgic", "promis10", "work_status")  # fmt: skip
PACKAGE = Path(__file__).parents[2] / "src" / "disctrack" / "instruments"


def first_answers(instrument: Instrument) -> dict[str, object]:
    """A complete set of answers: the first allowed answer of every item asked."""
    answers: dict[str, object] = {}
    for item in instrument.items:
        if item.ask_if is None or answers.get(item.ask_if.item) in item.ask_if.values:
            answers[item.code] = item.values[0]
    return answers


def test_every_instrument_is_loaded(library: InstrumentLibrary) -> None:
    assert library.names() == NAMES
    assert [instrument.name for instrument in library] == list(NAMES)
    assert len(library) == len(NAMES)
    assert "odi" in library


def test_loading_is_cached_and_validate_returns_the_library() -> None:
    assert load_library() is load_library()
    assert validate_library() is load_library()


def test_unknown_instrument_names_the_known_ones(library: InstrumentLibrary) -> None:
    with pytest.raises(KeyError) as caught:
        library.get("sf36")
    assert isinstance(caught.value, UnknownInstrument)
    assert caught.value.known == NAMES
    assert str(caught.value).startswith("unknown instrument 'sf36'; known instruments: analgesic")


def test_unknown_revision(library: InstrumentLibrary) -> None:
    with pytest.raises(UnknownInstrument, match="'odi' has no revision 9; known revisions: 1"):
        library.get("odi", revision=9)


def test_odi_metadata(library: InstrumentLibrary) -> None:
    odi = library.get("odi")
    assert (odi.name, odi.version, odi.revision) == ("odi", "2.1a", 1)
    assert odi.title("es") == "Índice de Discapacidad de Oswestry"
    assert odi.codes == tuple(f"odi_{n}" for n in range(1, 11))
    assert odi.item("odi_8").required is False
    assert "Mapi Research Trust" in odi.licence


@pytest.mark.parametrize("name", NAMES)
def test_scores_have_the_declared_keys(library: InstrumentLibrary, name: str) -> None:
    instrument = library.get(name)
    scores = instrument.score(first_answers(instrument))
    assert tuple(scores) == instrument.score_keys


@pytest.mark.parametrize("name", NAMES)
def test_every_text_is_translated(library: InstrumentLibrary, name: str) -> None:
    instrument = library.get(name)
    for lang in LANGUAGES:
        assert instrument.title(lang) and instrument.recall(lang)
        for item in instrument.items:
            assert item.text(lang)
            assert all(option.label(lang) for option in item.options)
    spanish = [item.text("es") for item in instrument.items]
    assert spanish != [item.text("en") for item in instrument.items]


def test_language_tags_and_unknown_languages(library: InstrumentLibrary) -> None:
    nrs = library.get("nrs_pain")
    assert nrs.title("es-ES") == nrs.title("es")
    assert nrs.item("back").anchor("max", "es_AR") == "El peor dolor imaginable"
    with pytest.raises(ValueError, match="unsupported language 'fr'"):
        nrs.title("fr")


def test_to_dict_is_json_with_items_in_order(library: InstrumentLibrary) -> None:
    data = json.loads(json.dumps(library.get("eq5d5l").to_dict()))
    assert [item["code"] for item in data["items"]] == ["mo", "sc", "ua", "pd", "ad", "vas"]
    assert [option["value"] for option in data["items"][0]["options"]] == [1, 2, 3, 4, 5]
    assert data["items"][5]["min"] == 0 and data["items"][5]["max"] == 100
    assert data["scoring"]["params"]["value_sets"]["us"]["decrements"]["mo"]["5"] == 0.322
    assert data["score_keys"] == ["eq5d_profile", "eq5d_index_us", "eq5d_index_england", "eq_vas"]


def test_instruments_are_hashable(library: InstrumentLibrary) -> None:
    assert len({library.get("odi"), library.get("odi"), library.get("pgic")}) == 2


def test_definitions_cannot_be_changed_in_place(library: InstrumentLibrary) -> None:
    params = library.get("odi").scoring.params
    with pytest.raises(TypeError):
        params["min_answered"] = 1  # type: ignore[index]


def test_package_does_not_import_django() -> None:
    code = (
        "import sys, disctrack.instruments, disctrack.instruments.cli; "
        "sys.exit(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env={"PYTHONPATH": str(PACKAGE.parents[1])}, check=False
    )
    assert result.returncode == 0
    sources = [path.read_text(encoding="utf-8") for path in PACKAGE.rglob("*.py")]
    assert not any("import django" in text or "from django" in text for text in sources)

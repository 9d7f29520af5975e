"""Broken definition files are refused at load time, naming the file and the field."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from disctrack.instruments import DEFINITIONS_DIR, InstrumentDefinitionError, load_library

Edit = Callable[[dict[str, Any]], None]


def write(directory: Path, name: str, data: dict[str, Any], file_name: str | None = None) -> Path:
    path = directory / (file_name or f"{name}.yaml")
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def definition(name: str) -> dict[str, Any]:
    return yaml.safe_load((DEFINITIONS_DIR / f"{name}.yaml").read_text(encoding="utf-8"))


def broken(tmp_path: Path, name: str, edit: Edit) -> InstrumentDefinitionError:
    data = definition(name)
    edit(data)
    write(tmp_path, name, data)
    with pytest.raises(InstrumentDefinitionError) as caught:
        load_library(tmp_path)
    assert caught.value.path == str(tmp_path.resolve() / f"{name}.yaml")
    return caught.value


def set_key(path: str, value: Any) -> Edit:
    """An edit that sets data[a][b]... for a dotted path (numbers index lists)."""

    def edit(data: Any) -> None:
        *parents, last = [int(part) if part.isdigit() else part for part in path.split(".")]
        for part in parents:
            data = data[part]
        data[last] = value

    return edit


def delete_key(path: str) -> Edit:
    def edit(data: Any) -> None:
        *parents, last = [int(part) if part.isdigit() else part for part in path.split(".")]
        for part in parents:
            data = data[part]
        del data[last]

    return edit


@pytest.mark.parametrize(
    ("name", "edit", "field", "message"),
    [
        ("odi", set_key("colour", "blue"), "colour", "unknown key"),
        ("odi", delete_key("licence"), "licence", "missing"),
        ("odi", set_key("version", 2.1), "version", "quote it"),
        ("odi", set_key("items.2.code", "odi_2"), "items[2].code", "duplicate item code 'odi_2'"),
        ("odi", set_key("items.0.hint", "x"), "items.odi_1.hint", "unknown key"),
        ("odi", delete_key("items.0.text.es"), "items.odi_1.text.es", "missing translation"),
        ("odi", set_key("items.0.text.fr", "Douleur"), "items.odi_1.text.fr", "unknown language"),
        ("odi", set_key("items.0.options.1.value", 0), "items.odi_1.options[1].value", "duplicate"),
        ("odi", set_key("items.0.type", "slider"), "items.odi_1.type", "choice or integer"),
        ("odi", set_key("items.0.required", "yes"), "items.odi_1.required", "true or false"),
        ("odi", set_key("scoring.scorer", "magic"), "scoring.scorer", "unknown scorer 'magic'"),
        ("odi", set_key("scoring.params.min_answered", 11), "scoring.params.min_answered", "between 1 and 10"),
        ("odi", set_key("scoring.params.items.3", "odi_99"), "scoring.params.items[3]", "'odi_99' is not an item"),
        ("odi", set_key("items.4.options.5.value", 6), "scoring.params.items[4]", "exactly the answers 0, 1, 2, 3, 4, 5"),
        ("complication_check", set_key("items.0.options.0.value", True), "items.fever.options[0].value", "quote yes/no"),
        ("pgic", set_key("items.0.options.0.value", "one"), "items.pgic.options[1].value", "mixes numbers and text"),
        ("nrs_pain", set_key("items.0.max", 0), "items.back.max", "must be at least 1, got 0"),
        ("nrs_pain", delete_key("items.1.anchors.max"), "items.leg.anchors.max", "missing"),
        ("nrs_pain", set_key("scoring.params.scores.nrs_neck", "neck"), "scoring.params.scores.nrs_neck", "not an item"),
        ("eq5d5l", delete_key("scoring.params.value_sets.us.decrements.pd.5"), "scoring.params.value_sets.us.decrements.pd.5", "missing"),
        ("eq5d5l", set_key("scoring.params.value_sets.england.decrements.ad.2", -0.1), "scoring.params.value_sets.england.decrements.ad.2", "cannot be negative"),
        ("promis10", delete_key("scoring.params.summaries.gph.t_scores.20"), "scoring.params.summaries.gph.t_scores.20", "missing"),
        ("promis10", set_key("scoring.params.summaries.gmh.t_scores.5", 99.0), "scoring.params.summaries.gmh.t_scores", "rise"),
        ("promis10", delete_key("scoring.params.recode.global07.10"), "scoring.params.recode.global07.10", "missing"),
        ("comi_back", set_key("scoring.params.domains.pain.combine", "min"), "scoring.params.domains.pain.combine", "max, mean"),
        ("comi_back", delete_key("scoring.params.points.table.4"), "scoring.params.points.items[0]", "misses answers of comi_2"),
        ("work_status", set_key("items.1.ask_if.in.0", "astronaut"), "items.not_working_due_to_back.ask_if.in[0]", "'astronaut' is not one of"),
        ("work_status", set_key("scoring.params.flags.working", ["salaried"]), "scoring.params.flags.working[0]", "not one of the allowed"),
        ("complication_check", set_key("scoring.params.yes", "si"), "scoring.params.items[0]", "no answer 'si'"),
    ],
)  # fmt: skip
def test_broken_definition(tmp_path: Path, name: str, edit: Edit, field: str, message: str) -> None:
    error = broken(tmp_path, name, edit)
    assert error.field == field
    assert message in error.message
    assert str(error).startswith(f"{error.path}: {field}: ")


def test_duplicate_yaml_keys_are_refused(tmp_path: Path) -> None:
    """PyYAML would silently keep the last of two equal keys; we refuse the file."""
    text = (DEFINITIONS_DIR / "pgic.yaml").read_text(encoding="utf-8")
    path = tmp_path / "pgic.yaml"
    path.write_text(text.replace("revision: 1\n", "revision: 1\nrevision: 2\n"), encoding="utf-8")
    with pytest.raises(InstrumentDefinitionError, match="duplicate key 'revision'"):
        load_library(tmp_path)


def test_file_name_must_match_the_name(tmp_path: Path) -> None:
    write(tmp_path, "pgic", definition("pgic"), file_name="impression.yaml")
    with pytest.raises(InstrumentDefinitionError, match="expected pgic.yaml or pgic.r1.yaml"):
        load_library(tmp_path)


def test_empty_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InstrumentDefinitionError, match="holds no instrument definitions"):
        load_library(tmp_path)


def test_archived_revisions_stay_available(tmp_path: Path) -> None:
    """A new revision goes in pgic.yaml; the old one is kept as pgic.r1.yaml."""
    shutil.copy(DEFINITIONS_DIR / "pgic.yaml", tmp_path / "pgic.r1.yaml")
    current = definition("pgic")
    current["revision"] = 2
    current["scoring"]["params"]["flags"]["pgic_improved"] = [1, 2, 3]
    write(tmp_path, "pgic", current)
    library = load_library(tmp_path)
    assert library.revisions("pgic") == (1, 2)
    assert library.get("pgic").revision == 2
    assert library.get("pgic").score({"pgic": 3})["pgic_improved"] is True
    assert library.get("pgic", revision=1).score({"pgic": 3})["pgic_improved"] is False


def test_current_revision_must_be_the_highest(tmp_path: Path) -> None:
    archived = definition("pgic")
    archived["revision"] = 3
    write(tmp_path, "pgic", archived, file_name="pgic.r3.yaml")
    write(tmp_path, "pgic", definition("pgic"))
    with pytest.raises(InstrumentDefinitionError, match="higher than every archived revision"):
        load_library(tmp_path)


def test_archive_without_current_file_is_refused(tmp_path: Path) -> None:
    shutil.copy(DEFINITIONS_DIR / "pgic.yaml", tmp_path / "pgic.r1.yaml")
    with pytest.raises(InstrumentDefinitionError, match="belongs in pgic.yaml"):
        load_library(tmp_path)

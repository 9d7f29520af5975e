"""``disctrack instruments`` and ``disctrack score``, called as functions."""

from __future__ import annotations

import io
import json

import pytest

from disctrack.instruments.cli import instruments_main, score_main


def run_score(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: list[str], stdin: str
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    status = score_main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def test_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert instruments_main(["list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["NAME", "VERSION", "REVISION", "ITEMS", "TITLE"]
    assert lines[6].split()[:4] == ["odi", "2.1a", "1", "10"]
    assert "Oswestry Disability Index" in lines[6]
    assert len(lines) == 10


def test_show_human_readable(capsys: pytest.CaptureFixture[str]) -> None:
    assert instruments_main(["show", "nrs_pain"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("nrs_pain: Pain numeric rating scales (back and leg)\n")
    assert "recall: the past week" in out
    assert "    0..10: 0 = No pain, 10 = Worst pain imaginable" in out


def test_show_in_spanish(capsys: pytest.CaptureFixture[str]) -> None:
    assert instruments_main(["show", "odi", "--lang", "es"]) == 0
    out = capsys.readouterr().out
    assert "odi_8: Vida sexual (si procede) (optional)" in out
    assert "    0 = En este momento no tengo dolor." in out


def test_show_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert instruments_main(["show", "odi", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [item["code"] for item in data["items"]] == [f"odi_{n}" for n in range(1, 11)]
    assert [option["value"] for option in data["items"][2]["options"]] == [0, 1, 2, 3, 4, 5]
    assert data["version"] == "2.1a"


def test_show_unknown_instrument(capsys: pytest.CaptureFixture[str]) -> None:
    assert instruments_main(["show", "sf36"]) == 2
    err = capsys.readouterr().err
    assert "unknown instrument 'sf36'; known instruments: analgesic_use" in err


def test_instruments_without_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert instruments_main([]) == 2
    assert "required" in capsys.readouterr().err


def test_score(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    answers = {f"odi_{n}": 2 for n in range(1, 11)}
    status, out, err = run_score(monkeypatch, capsys, ["odi"], json.dumps(answers))
    assert (status, err) == (0, "")
    assert json.loads(out) == {"odi": 40.0, "odi_sections_answered": 10}


def test_score_accepts_text_numbers(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run_score(monkeypatch, capsys, ["nrs_pain"], '{"back": "3", "leg": 4}')
    assert status == 0
    assert json.loads(out) == {"nrs_back": 3, "nrs_leg": 4}


def test_score_partial(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_score(monkeypatch, capsys, ["nrs_pain", "--partial"], '{"back": 3}')
    assert status == 0
    assert json.loads(out) == {"nrs_back": 3, "nrs_leg": None}


@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        (["nrs_pain"], "{back: 3", "disctrack score: input is not valid JSON"),
        (["nrs_pain"], "[3, 4]", "disctrack score: expected one JSON object keyed by item code"),
        (["sf36"], "{}", "disctrack score: unknown instrument 'sf36'"),
        (["nrs_pain"], '{"back": 3, "leg": 11}', "nrs_pain: leg: 11 is not a whole number from 0 to 10"),
        (["nrs_pain"], '{"back": 3}', "disctrack score: nrs_pain: leg: an answer is required"),
        (["nrs_pain"], '{"back": 3, "leg": 1, "neck": 2}', "neck: not an item of this instrument"),
        ([], "{}", "the following arguments are required: name"),
    ],
)  # fmt: skip
def test_score_refuses_bad_input(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    stdin: str,
    message: str,
) -> None:
    status, out, err = run_score(monkeypatch, capsys, argv, stdin)
    assert status == 2
    assert out == ""
    assert message in err

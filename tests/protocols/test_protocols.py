"""Protocol files: the default ships valid; malformed files are refused naming file and field."""

from __future__ import annotations

import copy
from datetime import date

import pytest
import yaml

from disctrack.protocols import (
    PROTOCOL_DIR,
    ProtocolError,
    get_protocol,
    load_protocol_versions,
    parse_protocol,
)

DEFAULT = yaml.safe_load((PROTOCOL_DIR / "default.yaml").read_text())
INSTRUMENTS = {"odi", "nrs_pain", "eq5d5l", "promis10", "work_status", "analgesic_use", "pgic",
               "complication_check"}
SCORES = {"odi", "nrs_back", "nrs_leg"}


def _parse(mutate):
    raw = copy.deepcopy(DEFAULT)
    mutate(raw)
    return parse_protocol(raw, "test.yaml", INSTRUMENTS, SCORES)


def test_the_default_protocol_has_ichom_time_points_and_the_default_ladder():
    protocol = get_protocol("default")
    assert [tp.months for tp in protocol.timepoints] == [0, 1, 3, 6, 12, 24, 36, 48, 60]
    assert [(s.day, s.step) for s in protocol.escalation] == [
        (0, "email"), (3, "email_reminder"), (7, "email_reminder"), (10, "sms"),
        (14, "call_task"), (21, "letter_task"),
    ]
    assert protocol.after_subsequent_surgery == "continue"
    assert dict(protocol.safety.worsening_points) == {"odi": 10.0, "nrs_back": 2.0}


@pytest.mark.parametrize("mutate, message", [
    (lambda raw: raw.pop("escalation"), "test.yaml: missing key(s) ['escalation']"),
    (lambda raw: raw.update(colour="blue"), "test.yaml: unknown key(s) ['colour']"),
    (lambda raw: raw.update(after_subsequent_surgery="pause"), "test.yaml.after_subsequent_surgery: must be one of"),
    (lambda raw: raw.update(sending_hours={"start": "19:00", "end": "09:00"}), "start must be before end"),
    (lambda raw: raw.update(sending_hours={"start": "9 am", "end": "19:00"}), "'9 am' is not a time"),
    (lambda raw: raw["escalation"].append({"day": 1, "step": "sms"}), "steps must be in order of day"),
    (lambda raw: raw["escalation"].append({"day": 30, "step": "pigeon"}), "test.yaml.escalation[6]: step must be one of"),
    (lambda raw: raw.update(escalation=[]), "test.yaml.escalation: must list at least one step"),
    (lambda raw: raw["timepoints"][1].update(months=-1), "test.yaml.timepoints[1].months: must be a whole number >= 0"),
    (lambda raw: raw["timepoints"][2].update(instruments=["odi", "sf36"]), "unknown instrument(s) ['sf36']"),
    (lambda raw: raw["timepoints"][2].update(code="m1"), "time point codes repeat"),
    (lambda raw: raw["timepoints"].reverse(), "the first time point must be the baseline"),
    (lambda raw: raw["timepoints"][1].update(months=7), "increasing order of months"),
    (lambda raw: raw["safety"]["worsening_points"].update(odii=10), "test.yaml.safety.worsening_points: unknown score 'odii'"),
    (lambda raw: raw["safety"]["new_leg_pain"].update(now_at_least=2), "now_at_least must exceed baseline_at_most"),
    (lambda raw: raw["safety"].update(complication_check_yes="yes"), "complication_check_yes: must be true or false"),
])
def test_a_malformed_protocol_is_refused_with_the_place_named(mutate, message):
    with pytest.raises(ProtocolError) as refused:
        _parse(mutate)
    assert message in str(refused.value)


def test_two_files_with_the_same_name_and_version_are_refused(tmp_path):
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(yaml.safe_dump(DEFAULT))
    with pytest.raises(ProtocolError, match="b.yaml: protocol default version 1 is defined twice"):
        load_protocol_versions(tmp_path, INSTRUMENTS, SCORES)


def test_every_version_stays_available_for_time_points_planned_under_it(tmp_path):
    newer = copy.deepcopy(DEFAULT)
    newer["version"] = 2
    newer["escalation"] = [{"day": 0, "step": "email"}]
    (tmp_path / "default-v1.yaml").write_text(yaml.safe_dump(DEFAULT))
    (tmp_path / "default-v2.yaml").write_text(yaml.safe_dump(newer))
    versions = load_protocol_versions(tmp_path, INSTRUMENTS, SCORES)
    assert sorted(versions) == [("default", 1), ("default", 2)]
    assert len(versions[("default", 2)].escalation) == 1


def test_an_unknown_protocol_name_is_an_error_listing_the_known_ones():
    with pytest.raises(ProtocolError, match="unknown follow-up protocol 'nope'; known: default"):
        get_protocol("nope")


@pytest.mark.parametrize("treated, months, target", [
    (date(2026, 1, 31), 1, date(2026, 2, 28)),   # one month after 31 January: end of February
    (date(2028, 1, 31), 1, date(2028, 2, 29)),   # in a leap year, 29 February
    (date(2026, 3, 31), 3, date(2026, 6, 30)),   # 31 March + 3 months: 30 June
    (date(2027, 2, 28), 12, date(2028, 2, 28)),
    (date(2028, 2, 29), 12, date(2029, 2, 28)),  # a leap day's anniversary: 28 February
    (date(2026, 8, 31), 6, date(2027, 2, 28)),
])
def test_month_offsets_clamp_to_the_end_of_the_month(treated, months, target):
    spec = next(tp for tp in get_protocol("default").timepoints if tp.months == months)
    assert spec.target_date(treated) == target

"""Follow-up protocols: versioned declarative files, validated when the program starts."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, time, timedelta
from pathlib import Path

import yaml
from dateutil.relativedelta import relativedelta

from disctrack.protocols.safety import SafetyRules, SafetyRulesError, parse_safety

PROTOCOL_DIR = Path(__file__).parent
ESCALATION_STEPS = ("email", "email_reminder", "sms", "call_task", "letter_task")
AFTER_SURGERY = ("continue", "stop")


class ProtocolError(Exception):
    """A protocol file is malformed; the message names the file and the field."""


@dataclass(frozen=True)
class TimePointSpec:
    code: str
    label: str
    months: int
    opens_days_before: int
    closes_days_after: int
    instruments: tuple[str, ...]

    def target_date(self, treatment_date: date) -> date:
        # relativedelta clamps to the month's end: 31 January + 1 month is 28/29 February.
        return treatment_date + relativedelta(months=self.months)

    def window(self, treatment_date: date) -> tuple[date, date, date]:
        target = self.target_date(treatment_date)
        return (
            target - timedelta(days=self.opens_days_before),
            target,
            target + timedelta(days=self.closes_days_after),
        )


@dataclass(frozen=True)
class EscalationStep:
    day: int
    step: str


@dataclass(frozen=True)
class Protocol:
    name: str
    version: int
    title: str
    after_subsequent_surgery: str
    sending_start: time
    sending_end: time
    escalation: tuple[EscalationStep, ...]
    timepoints: tuple[TimePointSpec, ...]
    safety: SafetyRules

    def timepoint(self, code: str) -> TimePointSpec:
        for spec in self.timepoints:
            if spec.code == code:
                return spec
        raise KeyError(f"protocol {self.name} v{self.version} has no time point {code!r}")


_TOP_KEYS = {
    "name", "version", "title", "after_subsequent_surgery", "sending_hours", "escalation",
    "timepoints", "safety",
}
_TP_KEYS = {"code", "label", "months", "opens_days_before", "closes_days_after", "instruments"}


def _require(cond: bool, where: str, message: str) -> None:
    if not cond:
        raise ProtocolError(f"{where}: {message}")


def _nonnegative_int(value, where: str) -> int:
    _require(isinstance(value, int) and not isinstance(value, bool) and value >= 0, where,
             f"must be a whole number >= 0, not {value!r}")
    return value


def _parse_time(value, where: str) -> time:
    try:
        return time.fromisoformat(str(value))
    except ValueError:
        raise ProtocolError(f"{where}: {value!r} is not a time like 09:00") from None


def _parse_timepoint(raw, where: str, known_instruments: set[str] | None) -> TimePointSpec:
    _require(isinstance(raw, dict), where, "must be a mapping")
    unknown = set(raw) - _TP_KEYS
    _require(not unknown, where, f"unknown key(s) {sorted(unknown)}")
    missing = _TP_KEYS - set(raw)
    _require(not missing, where, f"missing key(s) {sorted(missing)}")
    instruments = raw["instruments"]
    _require(isinstance(instruments, list) and bool(instruments), f"{where}.instruments",
             "must be a non-empty list")
    if known_instruments is not None:
        bad = [name for name in instruments if name not in known_instruments]
        _require(not bad, f"{where}.instruments", f"unknown instrument(s) {bad}")
    return TimePointSpec(
        code=str(raw["code"]),
        label=str(raw["label"]),
        months=_nonnegative_int(raw["months"], f"{where}.months"),
        opens_days_before=_nonnegative_int(raw["opens_days_before"], f"{where}.opens_days_before"),
        closes_days_after=_nonnegative_int(raw["closes_days_after"], f"{where}.closes_days_after"),
        instruments=tuple(instruments),
    )


def parse_protocol(raw, source: str, known_instruments: set[str] | None = None,
                   known_scores: set[str] | None = None) -> Protocol:
    """Validate one protocol document strictly and build it."""
    _require(isinstance(raw, dict), source, "must be a mapping")
    unknown = set(raw) - _TOP_KEYS
    _require(not unknown, source, f"unknown key(s) {sorted(unknown)}")
    missing = _TOP_KEYS - set(raw)
    _require(not missing, source, f"missing key(s) {sorted(missing)}")
    _require(raw["after_subsequent_surgery"] in AFTER_SURGERY, f"{source}.after_subsequent_surgery",
             f"must be one of {AFTER_SURGERY}")
    hours = raw["sending_hours"]
    _require(isinstance(hours, dict) and set(hours) == {"start", "end"}, f"{source}.sending_hours",
             "must have start and end")
    start = _parse_time(hours["start"], f"{source}.sending_hours.start")
    end = _parse_time(hours["end"], f"{source}.sending_hours.end")
    _require(start < end, f"{source}.sending_hours", "start must be before end")
    steps = []
    for i, step in enumerate(raw["escalation"] or []):
        where = f"{source}.escalation[{i}]"
        _require(isinstance(step, dict) and set(step) == {"day", "step"}, where,
                 "must have day and step")
        _require(step["step"] in ESCALATION_STEPS, where, f"step must be one of {ESCALATION_STEPS}")
        steps.append(EscalationStep(_nonnegative_int(step["day"], f"{where}.day"), step["step"]))
    _require(bool(steps), f"{source}.escalation", "must list at least one step")
    _require([s.day for s in steps] == sorted(s.day for s in steps), f"{source}.escalation",
             "steps must be in order of day")
    points = tuple(
        _parse_timepoint(tp, f"{source}.timepoints[{i}]", known_instruments)
        for i, tp in enumerate(raw["timepoints"] or [])
    )
    _require(bool(points), f"{source}.timepoints", "must list at least one time point")
    codes = [tp.code for tp in points]
    _require(len(set(codes)) == len(codes), f"{source}.timepoints", "time point codes repeat")
    _require(points[0].code == "baseline" and points[0].months == 0, f"{source}.timepoints",
             "the first time point must be the baseline at 0 months")
    months = [tp.months for tp in points]
    _require(months == sorted(set(months)), f"{source}.timepoints",
             "time points must be in increasing order of months")
    try:
        safety = parse_safety(raw["safety"], f"{source}.safety", known_scores)
    except SafetyRulesError as exc:
        raise ProtocolError(str(exc)) from None
    return Protocol(
        name=str(raw["name"]),
        version=_nonnegative_int(raw["version"], f"{source}.version"),
        title=str(raw["title"]),
        after_subsequent_surgery=raw["after_subsequent_surgery"],
        sending_start=start,
        sending_end=end,
        escalation=tuple(steps),
        timepoints=points,
        safety=safety,
    )


def load_protocol_versions(
    directory: Path = PROTOCOL_DIR, known_instruments: set[str] | None = None,
    known_scores: set[str] | None = None,
) -> dict[tuple[str, int], Protocol]:
    """Every protocol file in the folder, keyed by (name, version)."""
    found: dict[tuple[str, int], Protocol] = {}
    for path in sorted(directory.glob("*.yaml")):
        try:
            raw = yaml.safe_load(path.read_text())
        except yaml.YAMLError as exc:
            raise ProtocolError(f"{path.name}: not valid YAML ({exc})") from None
        protocol = parse_protocol(raw, path.name, known_instruments, known_scores)
        key = (protocol.name, protocol.version)
        _require(key not in found, path.name,
                 f"protocol {protocol.name} version {protocol.version} is defined twice")
        found[key] = protocol
    if not found:
        raise ProtocolError(f"no protocol files in {directory}")
    return found


def load_protocols(
    directory: Path = PROTOCOL_DIR, known_instruments: set[str] | None = None,
    known_scores: set[str] | None = None,
) -> dict[str, Protocol]:
    """The protocols in the folder keyed by name; the highest version wins per name."""
    latest: dict[str, Protocol] = {}
    for protocol in load_protocol_versions(directory, known_instruments, known_scores).values():
        current = latest.get(protocol.name)
        if current is None or protocol.version > current.version:
            latest[protocol.name] = protocol
    return latest


@functools.cache
def protocol_versions() -> dict[tuple[str, int], Protocol]:
    from disctrack.instruments import load_library

    library = load_library()
    names = set(library.names())
    scores = {key for name in names for key in library.get(name).score_keys}
    return load_protocol_versions(known_instruments=names, known_scores=scores)


@functools.cache
def protocols() -> dict[str, Protocol]:
    latest: dict[str, Protocol] = {}
    for (name, _), protocol in sorted(protocol_versions().items(), key=lambda item: item[0]):
        latest[name] = protocol
    return latest


def get_protocol(name: str, version: int | None = None) -> Protocol:
    """The named protocol: its newest version, or the version a time point was planned with."""
    try:
        return protocols()[name] if version is None else protocol_versions()[(name, version)]
    except KeyError:
        wanted = name if version is None else f"{name} v{version}"
        raise ProtocolError(
            f"unknown follow-up protocol {wanted!r}; known: {', '.join(sorted(protocols()))}"
        ) from None

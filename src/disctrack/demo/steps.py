"""The dated steps of a patient's story, replayed in order through the registry actions."""

from __future__ import annotations

import random
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta


@dataclass(frozen=True)
class Answered:
    day: date
    code: str  # time point
    completed_at: datetime
    channel: str
    answers: dict


@dataclass(frozen=True)
class Surgery:
    day: date
    data: dict  # do_record_treatment data without the physician


@dataclass(frozen=True)
class Complication:
    day: date  # reported
    of_surgery: bool  # of the subsequent surgery rather than the index treatment
    data: dict  # do_record_complication data
    adjudication: tuple[str, str] | None  # (status, note)


@dataclass(frozen=True)
class Event:
    day: date
    kind: str
    reason: str


Step = Answered | Surgery | Complication | Event
# Same-day order: an operation before its complications, and a death or withdrawal after
# that day's answers, so that it closes only what was still open.
_SAME_DAY_ORDER = {Surgery: 0, Complication: 1, Answered: 2, Event: 3}


def in_order(steps: list[Step]) -> list[Step]:
    return sorted(steps, key=lambda step: (step.day, _SAME_DAY_ORDER[type(step)]))


def moment(rng: random.Random, day: date, timezone: str, hours: tuple[int, int]) -> datetime:
    """A UTC instant on `day` between `hours` local time at the site."""
    minute = rng.randrange(hours[0] * 60, hours[1] * 60)
    local = datetime.combine(day, time(minute // 60, minute % 60), zoneinfo.ZoneInfo(timezone))
    return local.astimezone(UTC)


def start_of(day: date) -> datetime:
    """Midnight UTC: every stored moment of the story falls before the anchor date's."""
    return datetime.combine(day, time(0), UTC)


def days_after(day: date, days: float) -> date:
    return day + timedelta(days=round(days))

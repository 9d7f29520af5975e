"""Where a patient is in a questionnaire set: which instruments, which are finished."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext, ngettext

from disctrack.instruments import Instrument, load_library
from disctrack.registry.models import TimePoint
from disctrack.surveys.actions import current_responses
from disctrack.surveys.models import ResponseStatus

# About how long one question takes on a phone, reading the answers included; ODI's
# six-statement sections take longer and the numeric scales less.
SECONDS_PER_QUESTION = 20


@dataclass(frozen=True)
class Progress:
    """A time point's instruments in the order asked, with the answers saved so far."""

    instruments: tuple[Instrument, ...]
    saved: dict[str, dict[str, Any]]

    @property
    def count(self) -> int:
        return len(self.instruments)

    def is_finished(self, instrument: Instrument) -> bool:
        answers = self.saved.get(instrument.name)
        return answers is not None and not instrument.validate(answers)

    def first_unfinished(self) -> int | None:
        """The 1-based step of the first instrument not fully answered, or None when all are."""
        for number, instrument in enumerate(self.instruments, start=1):
            if not self.is_finished(instrument):
                return number
        return None

    @property
    def started(self) -> bool:
        return bool(self.saved)

    @property
    def finished_count(self) -> int:
        return sum(1 for instrument in self.instruments if self.is_finished(instrument))


def instruments_of(timepoint: TimePoint) -> tuple[Instrument, ...]:
    """The time point's instruments in the order asked (no query)."""
    library = load_library()
    return tuple(library.get(name) for name in timepoint.instruments)


def progress_of(timepoint: TimePoint) -> Progress:
    drafts = {
        name: response.answers
        for name, response in current_responses(timepoint).items()
        if response.status == ResponseStatus.DRAFT
    }
    return Progress(instruments_of(timepoint), drafts)


def estimated_minutes(instruments: tuple[Instrument, ...]) -> int:
    questions = sum(len(instrument.items) for instrument in instruments)
    return max(1, math.ceil(questions * SECONDS_PER_QUESTION / 60))


def timepoint_description(timepoint: TimePoint) -> str:
    """The time point in the active language, from its offset rather than the protocol's
    English label, so that any protocol reads naturally in Spanish."""
    months = timepoint.months
    if months == 0:
        return gettext("Before your treatment")
    if months % 12 == 0:
        years = months // 12
        return ngettext(
            "%(count)d year after your treatment", "%(count)d years after your treatment", years
        ) % {"count": years}
    return ngettext(
        "%(count)d month after your treatment", "%(count)d months after your treatment", months
    ) % {"count": months}

"""An instrument: its items, its scoring, and checking and scoring of answers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ._schema import thaw
from .answers import answered, coerce_answers, validate_answers
from .errors import AnswerError, InvalidAnswers
from .items import Answer, Item, Localized, pick
from .scoring import SCORERS, Score


@dataclass(frozen=True)
class Scoring:
    """Which scorer kind scores the instrument, with its parameters (read-only)."""

    scorer: str
    params: Mapping[str, Any]


@dataclass(frozen=True)
class Instrument:
    """One revision of one instrument, as declared in its definition file."""

    name: str
    version: str
    revision: int
    titles: Localized
    licence: str
    source: str
    recalls: Localized
    items: tuple[Item, ...]
    scoring: Scoring
    instructions_texts: Localized | None = None

    def __hash__(self) -> int:
        # The generated hash would fail on the read-only mappings; name and revision
        # identify a definition.
        return hash((self.name, self.version, self.revision))

    def title(self, lang: str = "en") -> str:
        return pick(self.titles, lang)

    def recall(self, lang: str = "en") -> str:
        """The recall period, e.g. "the past week"."""
        return pick(self.recalls, lang)

    def instructions(self, lang: str = "en") -> str | None:
        return None if self.instructions_texts is None else pick(self.instructions_texts, lang)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(item.code for item in self.items)

    def item(self, code: str) -> Item:
        for item in self.items:
            if item.code == code:
                return item
        raise KeyError(f"{self.name} has no item {code!r}")

    @property
    def score_keys(self) -> tuple[str, ...]:
        """Keys of the dict that ``score`` returns, in order."""
        return SCORERS[self.scoring.scorer].keys(self.scoring.params)

    def validate(self, answers: Mapping[str, object], partial: bool = False) -> list[AnswerError]:
        """Every problem with ``answers``; with ``partial`` missing answers are fine.

        Values must already have the declared type (use ``clean`` for text input);
        None means unanswered.
        """
        return validate_answers(self.items, answers, partial)

    def clean(self, answers: Mapping[str, object], partial: bool = False) -> dict[str, Answer]:
        """Coerce text such as "3" to the declared type, check, and return the answers
        in item order without unanswered ones. Raises InvalidAnswers."""
        coerced = coerce_answers(self.items, answers)
        self._raise_if_invalid(coerced, partial)
        return answered(self.items, coerced)

    def score(self, answers: Mapping[str, object], partial: bool = False) -> dict[str, Score]:
        """Scores from stored answers; raises InvalidAnswers.

        By default every required item must be answered. With ``partial`` missing
        items are allowed and each score whose minimum data is missing is None.
        """
        self._raise_if_invalid(answers, partial)
        scorer = SCORERS[self.scoring.scorer]
        return scorer.score(self.scoring.params, answered(self.items, answers))

    def _raise_if_invalid(self, answers: Mapping[str, object], partial: bool) -> None:
        errors = self.validate(answers, partial)
        if errors:
            raise InvalidAnswers(self.name, errors)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able definition, items in order with their allowed answers."""
        data: dict[str, Any] = {
            "name": self.name,
            "version": self.version,
            "revision": self.revision,
            "title": dict(self.titles),
            "recall": dict(self.recalls),
            "licence": self.licence,
            "source": self.source,
        }
        if self.instructions_texts is not None:
            data["instructions"] = dict(self.instructions_texts)
        data["items"] = [item.to_dict() for item in self.items]
        data["scoring"] = {"scorer": self.scoring.scorer, "params": thaw(self.scoring.params)}
        data["score_keys"] = list(self.score_keys)
        return data

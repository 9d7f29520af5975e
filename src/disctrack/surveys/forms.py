"""Forms: one instrument's questions (patient and staff pages), staff entry and correction.

An instrument's questions are not a Django form: their validation is the instrument
library's, and their messages must be in the patient's language and name the question.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.utils import timezone, translation
from django.utils.translation import gettext

from disctrack.instruments import Instrument, InvalidAnswers, Item
from disctrack.instruments.answers import coerce_answers, is_asked
from disctrack.registry.choices import Language
from disctrack.registry.models import Channel, Site

# An integer item with at most this many values is a row of buttons; a longer one (the
# EQ-5D's 0-100 health scale) is a number box.
MAX_SCALE_BUTTONS = 11


@dataclass(frozen=True)
class ErrorLink:
    """One line of an error summary: what is wrong, and the field to jump to."""

    target: str
    label: str
    message: str


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    checked: bool
    id: str


@dataclass(frozen=True)
class Question:
    """What a template needs to render one item as an accessible fieldset."""

    code: str
    number: int
    text: str
    kind: str  # "choice", "scale" or "number"
    required: bool
    name: str
    id: str
    value: str
    choices: tuple[Choice, ...]
    error: str | None
    min_label: str
    max_label: str
    min: int | None
    max: int | None
    ask_if_name: str
    ask_if_values: str
    condition: str

    @property
    def described_by(self) -> str:
        """Ids of the condition, the scale's end labels and the error, for screen readers."""
        parts = [
            f"{self.id}-condition" if self.condition else "",
            f"{self.id}-anchors" if self.kind == "scale" else "",
            f"{self.id}-error" if self.error else "",
        ]
        return " ".join(part for part in parts if part)

    @property
    def first_input_id(self) -> str:
        return self.choices[0].id if self.choices else f"{self.id}-input"


def answer_label(item: Item, value: Any, lang: str) -> str:
    """An answer as the patient saw it: the option's wording, or the number."""
    for option in item.options:
        if option.value == value:
            return option.label(lang)
    return str(value)


def asked_answers(instrument: Instrument, raw: Mapping[str, object]) -> dict[str, object]:
    """Typed answers to the items that apply; answers to skipped items are dropped.

    A page without scripts shows every item, so an answer left on an item that no longer
    applies (the patient changed the earlier answer) is expected, not an error.
    """
    coerced = coerce_answers(instrument.items, raw)
    kept: dict[str, object] = {}
    for item in instrument.items:
        if is_asked(item, kept):
            kept[item.code] = coerced.get(item.code)
    return kept


def _problem(item: Item, value: object, lang: str) -> str:
    with translation.override(lang):
        if value is None:
            return gettext("Please answer this question.")
        if item.kind == "integer":
            return gettext("Please give a whole number from %(min)d to %(max)d.") % {
                "min": item.min, "max": item.max,
            }
        return gettext("Please choose one of the answers shown.")


class InstrumentForm:
    """One instrument's answers from a posted page or from stored answers."""

    def __init__(self, instrument: Instrument, lang: str, *, data: Mapping[str, str] | None = None,
                 initial: Mapping[str, Any] | None = None):
        self.instrument = instrument
        self.lang = lang
        self.prefix = f"{instrument.name}-"
        if data is not None:
            raw = {item.code: data.get(self.prefix + item.code, "") for item in instrument.items}
        else:
            raw = dict(initial or {})
        self.raw = raw
        self.answers = asked_answers(instrument, raw)
        self.errors: dict[str, str] = {}
        self.cleaned: dict[str, Any] = {}

    def is_valid(self, partial: bool = False) -> bool:
        try:
            self.cleaned = self.instrument.clean(self.answers, partial=partial)
        except InvalidAnswers as exc:
            by_code = {item.code: item for item in self.instrument.items}
            self.errors = {
                e.item: _problem(by_code[e.item], self.answers.get(e.item), self.lang)
                for e in exc.errors
                if e.item in by_code
            }
            return False
        return True

    def add_error(self, code: str, message: str) -> None:
        self.errors.setdefault(code, message)

    @property
    def title(self) -> str:
        return self.instrument.title(self.lang)

    @property
    def questions(self) -> list[Question]:
        numbers = {item.code: n for n, item in enumerate(self.instrument.items, start=1)}
        return [self._question(item, numbers) for item in self.instrument.items]

    def _question(self, item: Item, numbers: dict[str, int]) -> Question:
        lang, name = self.lang, self.prefix + item.code
        ident = f"q-{self.instrument.name}-{item.code}"
        raw = self.raw.get(item.code)
        value = "" if raw is None else str(raw)
        kind = _kind(item)
        values = [(option.value, option.label(lang)) for option in item.options]
        if kind == "scale":
            values = [(v, str(v)) for v in item.values]
        choices = tuple(
            Choice(str(v), label, str(v) == value, f"{ident}-{i}") for i, (v, label) in enumerate(values)
        )
        anchors = item.anchors is not None
        return Question(
            code=item.code, number=numbers[item.code], text=item.text(lang), kind=kind,
            required=item.required, name=name, id=ident, value=value, choices=choices,
            error=self.errors.get(item.code),
            min_label=item.anchor("min", lang) if anchors else "",
            max_label=item.anchor("max", lang) if anchors else "",
            min=item.min, max=item.max,
            ask_if_name=self.prefix + item.ask_if.item if item.ask_if else "",
            ask_if_values=" ".join(str(v) for v in item.ask_if.values) if item.ask_if else "",
            condition=self._condition(item, numbers),
        )

    def _condition(self, item: Item, numbers: dict[str, int]) -> str:
        if item.ask_if is None:
            return ""
        parent = self.instrument.item(item.ask_if.item)
        labels = [answer_label(parent, value, self.lang) for value in item.ask_if.values]
        with translation.override(self.lang):
            return gettext("Answer only if your answer to question %(number)d was: %(answers)s.") % {
                "number": numbers[parent.code], "answers": "; ".join(labels),
            }

    def error_links(self) -> list[ErrorLink]:
        """The summary's lines, naming each question in the form's language."""
        links = []
        with translation.override(self.lang):
            for q in self.questions:
                if q.error:
                    label = gettext("Question %(number)d: %(text)s") % {"number": q.number, "text": q.text}
                    links.append(ErrorLink(q.first_input_id, label, q.error))
        return links

    def summary(self) -> list[tuple[int, str, str | None]]:
        """(number, question, answer) of every item that applies; None when unanswered."""
        rows = []
        for number, item in enumerate(self.instrument.items, start=1):
            if item.code not in self.answers:
                continue
            value = self.answers[item.code]
            label = None if value is None else answer_label(item, value, self.lang)
            rows.append((number, item.text(self.lang), label))
        return rows


def _kind(item: Item) -> str:
    if item.kind == "choice":
        return "choice"
    return "scale" if len(item.values) <= MAX_SCALE_BUTTONS else "number"


STAFF_CHANNELS = [
    (Channel.PAPER, "Paper form"),
    (Channel.PHONE, "Telephone"),
    (Channel.CLINIC, "In clinic"),
]


class EntryForm(forms.Form):
    """How and when the patient gave the answers staff are entering."""

    channel = forms.ChoiceField(label="How the answers were given", choices=STAFF_CHANNELS,
                                widget=forms.RadioSelect)
    completed_on = forms.DateField(
        label="Date the patient completed the form",
        help_text="The calendar date at the clinic.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    language = forms.ChoiceField(label="Language of the form", choices=Language.choices)

    def __init__(self, *args, site: Site, **kwargs):
        super().__init__(*args, **kwargs)
        self.site = site

    def clean_completed_on(self) -> date:
        day = self.cleaned_data["completed_on"]
        if day > timezone.localdate(timezone=self.site.zone):
            raise forms.ValidationError("The form cannot have been completed in the future.")
        return day


class CorrectionForm(forms.Form):
    reason = forms.CharField(
        label="Reason for the correction", max_length=500,
        help_text="For example: the paper form was misread when it was entered.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

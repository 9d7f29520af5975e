"""The calibration figures of a stored cohort, printed after `disctrack demo`.

Crude descriptive figures over what is stored, for checking the generator against its
targets; they are not the registry's outcome estimates (see disctrack.outcomes).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from statistics import mean

from disctrack.registry.choices import TreatmentRole, treatment_class
from disctrack.registry.models import Complication, Event, TimePoint, TimePointStatus, Treatment
from disctrack.surveys.models import Response, ResponseStatus

CLASSES = ("biologic", "fusion", "disc_replacement", "conservative")


@dataclass
class Figures:
    patients: Counter = field(default_factory=Counter)  # by treatment class
    baseline_odi: dict = field(default_factory=dict)  # class -> mean
    odi_12_months: dict = field(default_factory=dict)  # class -> mean of those answering
    missed_12_months: float | None = None  # share of 12-month time points due
    subsequent_surgeries: Counter = field(default_factory=Counter)  # by index class
    complications: Counter = field(default_factory=Counter)  # by category
    adjudication: Counter = field(default_factory=Counter)  # by status
    events: Counter = field(default_factory=Counter)  # by kind

    def lines(self) -> list[str]:
        shown = [c for c in CLASSES if self.patients[c]]
        rows = [f"  {c:<17} n={self.patients[c]:<5} baseline ODI {self.baseline_odi.get(c, 0):5.1f}"
                f"   12-month ODI {_num(self.odi_12_months.get(c))}"
                f"   subsequent surgery {self.subsequent_surgeries[c]}" for c in shown]
        missed = "n/a" if self.missed_12_months is None else f"{100 * self.missed_12_months:.0f} %"
        return [
            *rows,
            f"  12-month questionnaires missed (of those due): {missed}",
            f"  complications: {_counts(self.complications)}",
            f"  adjudication: {_counts(self.adjudication)}",
            f"  events: {_counts(self.events)}",
        ]


def _num(value: float | None) -> str:
    return "  n/a" if value is None else f"{value:5.1f}"


def _counts(counter: Counter) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counter.items())) or "none"


def cohort_figures() -> Figures:
    figures = Figures()
    for kind in Treatment.objects.filter(role=TreatmentRole.INDEX).values_list("kind", flat=True):
        figures.patients[treatment_class(kind)] += 1
    odi = defaultdict(list)
    rows = Response.objects.filter(
        instrument="odi", status=ResponseStatus.SUBMITTED, superseded_by__isnull=True,
        timepoint__code__in=("baseline", "m12"),
    ).values_list("timepoint__treatment__kind", "timepoint__code", "scores")
    for kind, code, scores in rows:
        odi[(treatment_class(kind), code)].append(scores["odi"])
    figures.baseline_odi = {c: mean(odi[(c, "baseline")]) for c in CLASSES if odi[(c, "baseline")]}
    figures.odi_12_months = {c: mean(odi[(c, "m12")]) for c in CLASSES if odi[(c, "m12")]}
    due = Counter(TimePoint.objects.filter(
        code="m12", status__in=(TimePointStatus.ANSWERED, TimePointStatus.MISSED)
    ).values_list("status", flat=True))
    if due.total():
        figures.missed_12_months = due[TimePointStatus.MISSED] / due.total()
    # One row per subsequent surgery, carrying the kind of its episode's index treatment.
    operated = Treatment.objects.filter(role=TreatmentRole.INDEX,
                                        episode__treatments__role=TreatmentRole.SUBSEQUENT_SURGERY)
    for kind in operated.values_list("kind", flat=True):
        figures.subsequent_surgeries[treatment_class(kind)] += 1
    figures.complications = Counter(Complication.objects.values_list("category", flat=True))
    figures.adjudication = Counter(Complication.objects.values_list("status", flat=True))
    figures.events = Counter(Event.objects.values_list("kind", flat=True))
    return figures

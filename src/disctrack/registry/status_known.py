"""Up to when the registry knew whether a patient had a further operation.

Surgery-free survival is censored at this date: a patient whose surgery status was known
up to a date stays at risk until then, even when no questionnaire was answered since. The
date is the latest of, for each index treatment:

- the index treatment and every later treatment of its episode;
- the questionnaires of the treatment's time points the patient answered;
- a death or withdrawal of the patient recorded on or after the index treatment (the
  first of each). A recorded loss to follow-up is not news of the patient: staff record it
  months after the last contact, without learning whether the patient had surgery, and
  counting it would keep lost patients at risk with no surgery possible;
- the date staff or an import recorded as "surgery status known up to"
  (``Episode.surgery_status_known_on``, set by ``do_record_surgery_status_known``);
- what the apps above the registry know (a telephone call that reached the patient):
  they register a source with :func:`add_status_source`, in ``disctrack/wiring.py``.

The moments a questionnaire was answered are read as UTC dates, as the report does.
Everything is read for a whole queryset of index treatments in a fixed handful of queries,
so the report and the patient page use this one definition.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from disctrack.registry.choices import EventKind
from disctrack.registry.models import Event, TimePoint, TimePointStatus, Treatment

KNOWN_EVENTS = (EventKind.DEATH, EventKind.WITHDRAWAL)


@dataclass(frozen=True)
class Known:
    """One date on which the registry knew the patient's surgery status, and how."""

    treatment_id: int
    on: date
    source: str


StatusSource = Callable[[QuerySet[Treatment]], Iterable[Known]]
_sources: list[StatusSource] = []


def add_status_source(source: StatusSource) -> None:
    """Count `source(index_treatments)`'s dates too (an app above the registry: calls)."""
    if source not in _sources:
        _sources.append(source)


def status_known_dates(index: QuerySet[Treatment], *,
                       extra: Iterable[StatusSource] = ()) -> list[Known]:
    """Every date the surgery status of the index treatments in `index` was known.

    `extra` sources are counted besides the registered ones (each once).
    """
    index = index.order_by()
    rows = list(index.values_list("id", "episode_id", "performed_on", "episode__patient_id",
                                  "episode__surgery_status_known_on"))
    known = [Known(pk, on, _("the index treatment")) for pk, _e, on, _p, _s in rows]
    known += [Known(pk, staff_on, _("recorded by staff or an import"))
              for pk, _e, _on, _p, staff_on in rows if staff_on is not None]
    known += _treatments(index, rows)
    known += _answers(index)
    known += _events(index, rows)
    for source in [*_sources, *(s for s in extra if s not in _sources)]:
        known += list(source(index))
    return known


def _treatments(index: QuerySet[Treatment], rows) -> list[Known]:
    by_episode = defaultdict(list)
    for pk, episode_id, *_rest in rows:
        by_episode[episode_id].append(pk)
    later = (Treatment.objects.filter(episode_id__in=index.values("episode_id"))
             .exclude(pk__in=index.values("pk")).select_related(None)
             .only("episode_id", "performed_on", "kind", "role"))
    return [Known(pk, t.performed_on, f"{t.get_role_display()}: {t.get_kind_display()}")
            for t in later for pk in by_episode[t.episode_id]]


def _answers(index: QuerySet[Treatment]) -> list[Known]:
    answered = (TimePoint.objects.filter(treatment__in=index.values("pk"),
                                         status=TimePointStatus.ANSWERED, answered_at__isnull=False)
                .values_list("treatment_id", "label", "answered_at"))
    return [Known(pk, at.astimezone(UTC).date(), _("%(label)s questionnaires answered") % {"label": label})
            for pk, label, at in answered]


def _events(index: QuerySet[Treatment], rows) -> list[Known]:
    patients = index.values("episode__patient_id")
    events = (Event.objects.filter(episode__patient_id__in=patients, kind__in=KNOWN_EVENTS)
              .order_by("occurred_on", "id").values_list("episode__patient_id", "kind", "occurred_on"))
    by_patient = defaultdict(list)
    for patient, kind, on in events:
        by_patient[patient].append((kind, on))
    known = []
    for pk, _e, treated_on, patient, _s in rows:
        seen = set()
        for kind, on in by_patient[patient]:
            if on >= treated_on and kind not in seen:
                seen.add(kind)
                known.append(Known(pk, on, str(EventKind(kind).label)))
    return known


def latest_known(known: Iterable[Known], *, until: date) -> dict[int, Known]:
    """The latest date per index treatment, never after `until` (the report's date, today).

    Knowing the status on a later date means knowing it on every earlier one: a later date
    counts as `until`.
    """
    latest: dict[int, Known] = {}
    for item in known:
        if item.on > until:
            item = Known(item.treatment_id, until, item.source)
        if item.treatment_id not in latest or item.on > latest[item.treatment_id].on:
            latest[item.treatment_id] = item
    return latest

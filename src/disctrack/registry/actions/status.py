"""Recording up to when staff knew whether a patient had a further operation."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from disctrack.registry.audit import Actor, audit_change, snapshot
from disctrack.registry.choices import TreatmentRole
from disctrack.registry.locking import for_change
from disctrack.registry.models import Episode
from disctrack.registry.models.patients import latest_date_anywhere

FIELD = "surgery_status_known_on"


@transaction.atomic
def do_record_surgery_status_known(actor: Actor, episode: Episode, *, known_on: date,
                                   reason: str = "") -> Episode:
    """Staff (or an import) knew up to `known_on` whether the patient had a further operation.

    A clinic visit, a letter from another hospital or a conversation can tell this without a
    questionnaire; surgery-free survival then keeps the patient at risk up to that date. The
    date may not be in the future nor before the episode's index treatment; replacing a date
    already recorded needs a reason.
    """
    if not isinstance(known_on, date):
        raise ValidationError({FIELD: _("Give the date as YYYY-MM-DD")})
    if known_on > latest_date_anywhere():
        raise ValidationError({FIELD: _("The date the surgery status was known cannot be in the future")})
    episode = for_change(Episode.objects).get(pk=episode.pk)
    index = episode.treatments.filter(role=TreatmentRole.INDEX).first()
    if index is None:
        raise ValidationError({FIELD: _("Record the index treatment first")})
    if known_on < index.performed_on:
        raise ValidationError({FIELD: _(
            "The surgery status cannot be known before the index treatment (%(treatment)s on %(date)s)"
        ) % {"treatment": index.get_kind_display(), "date": index.performed_on.isoformat()}})
    reason = (reason or "").strip()
    previous = episode.surgery_status_known_on
    if previous == known_on:
        return episode  # nothing changes, nothing to audit
    if previous is not None and previous != known_on and not reason:
        raise ValidationError({"reason": _(
            "Say why the date recorded before (%(date)s) is being changed"
        ) % {"date": previous.isoformat()}})
    before = snapshot(episode)
    episode.surgery_status_known_on = known_on
    episode.save(update_fields=[FIELD])
    audit_change(actor, episode, before, episode.patient, reason or "surgery status known")
    return episode


def refuse_status_field(changes: dict, where: str = FIELD) -> None:
    """The date is recorded only through do_record_surgery_status_known, which checks it."""
    if FIELD in changes:
        raise ValidationError({where: _("Record the surgery status through its own form")})

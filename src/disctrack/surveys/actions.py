"""Survey links, saving progress, submitting, staff entry and corrections of responses."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from disctrack.instruments import InvalidAnswers, load_library
from disctrack.registry.actions.timepoints import close_timepoint
from disctrack.registry.audit import Actor, audit_change, audit_create, snapshot
from disctrack.registry.locking import for_change
from disctrack.registry.models import Channel, TimePoint, TimePointStatus
from disctrack.surveys.models import Response, ResponseStatus, SurveyLink, hash_token, new_token
from disctrack.surveys.signals import responses_submitted


class LinkUnusable(Exception):
    """The link is unknown, expired, closed or already submitted; `reason` says which.

    `link` is the link itself when it exists, so a page can name the clinic and the date
    the answers were received.
    """

    def __init__(self, reason: str, link: SurveyLink | None = None):
        super().__init__(reason)
        self.reason = reason
        self.link = link


def _instrument(name: str):
    return load_library().get(name)


def _errors(exc: InvalidAnswers, instrument: str) -> ValidationError:
    return ValidationError({f"{instrument}.{e.item}": [e.message] for e in exc.errors})


@transaction.atomic
def do_create_link(actor: Actor, timepoint: TimePoint, *, valid_days: int | None = None,
                   now: datetime | None = None,
                   channel: str = Channel.WEB) -> tuple[SurveyLink, str]:
    """A new link for the time point. The token is returned once and stored only as a hash."""
    if timepoint.status != TimePointStatus.PENDING:
        raise ValidationError({"timepoint": f"The {timepoint.label} questionnaire is {timepoint.get_status_display().lower()}"})
    if channel not in (Channel.WEB, Channel.CLINIC):
        raise ValidationError({"channel": "A link is answered on the web or on the clinic's tablet"})
    now = now or timezone.now()
    token, token_hash = new_token()
    days = valid_days or settings.SURVEY_LINK_DAYS
    link = SurveyLink.objects.create(
        timepoint=timepoint,
        token_hash=token_hash,
        created_at=now,
        created_by=None if isinstance(actor, str) else actor,
        expires_at=now + timedelta(days=days),
        channel=channel,
    )
    audit_create(actor, link, timepoint.patient)
    return link, token


def _refuse_unusable(link: SurveyLink, timepoint: TimePoint, now: datetime) -> None:
    if link.submitted_at is not None or timepoint.status == TimePointStatus.ANSWERED:
        raise LinkUnusable("submitted", link)
    if link.revoked_at is not None or timepoint.status != TimePointStatus.PENDING:
        raise LinkUnusable("closed", link)
    if now >= link.expires_at:
        raise LinkUnusable("expired", link)


def find_link(token: str, *, now: datetime | None = None) -> SurveyLink:
    """The usable link for a token, or LinkUnusable saying why (callers throttle failures)."""
    link = (
        SurveyLink.objects.select_related("timepoint__patient__site")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if link is None:
        raise LinkUnusable("unknown")
    _refuse_unusable(link, link.timepoint, now or timezone.now())
    return link


def do_mark_link_opened(link: SurveyLink, *, now: datetime | None = None) -> None:
    """Note that the patient opened the link: the reminder worker keeps opened links valid."""
    if link.last_opened_at is not None:
        return
    SurveyLink.objects.filter(pk=link.pk, last_opened_at__isnull=True).update(
        last_opened_at=now or timezone.now()
    )


def current_responses(timepoint: TimePoint) -> dict[str, Response]:
    """The latest version of each instrument's response at a time point."""
    latest: dict[str, Response] = {}
    for response in timepoint.responses.order_by("instrument", "-version"):
        latest.setdefault(response.instrument, response)
    return latest


def _locked(link: SurveyLink, *, audited: bool) -> tuple[SurveyLink, TimePoint]:
    """The link and its time point, locked and checked again inside the transaction
    (`audited`: the action will write to the audit trail, registry/locking.py)."""
    timepoint = for_change(TimePoint.objects, audited=audited).select_related("patient__site").get(
        pk=link.timepoint_id
    )
    link = for_change(SurveyLink.objects, audited=False).get(pk=link.pk)
    _refuse_unusable(link, timepoint, timezone.now())
    return link, timepoint


@transaction.atomic
def do_save_draft(link: SurveyLink, instrument: str, answers: dict[str, Any],
                  language: str = "en") -> Response:
    """Save one instrument's answers so the patient can resume later; partial is fine."""
    link, timepoint = _locked(link, audited=False)
    if instrument not in timepoint.instruments:
        raise ValidationError({"instrument": f"{instrument} is not asked at {timepoint.label}"})
    spec = _instrument(instrument)
    try:
        cleaned = spec.clean(answers, partial=True)
    except InvalidAnswers as exc:
        raise _errors(exc, instrument) from None
    now = timezone.now()
    response = current_responses(timepoint).get(instrument)
    if response is None:
        response = Response(
            timepoint=timepoint, instrument=instrument, instrument_version=spec.version,
            instrument_revision=spec.revision, status=ResponseStatus.DRAFT,
            channel=link.channel, created_at=now,
        )
    response.answers = cleaned
    response.language = language
    response.save()
    SurveyLink.objects.filter(pk=link.pk).update(last_opened_at=now)
    return response


def _validate_all(timepoint: TimePoint, answers: dict[str, dict[str, Any]]) -> dict[str, tuple]:
    """(instrument, cleaned answers, scores) per instrument, or ValidationError naming each item."""
    errors: dict[str, list[str]] = {}
    for name in timepoint.instruments:
        if name not in answers:
            errors[name] = [f"No answers for {name}"]
    for name in answers:
        if name not in timepoint.instruments:
            errors[name] = [f"{name} is not asked at {timepoint.label}"]
    scored = {}
    for name in timepoint.instruments:
        if name not in answers:
            continue
        spec = _instrument(name)
        try:
            cleaned = spec.clean(answers[name])
            scored[name] = (spec, cleaned, spec.score(cleaned))
        except InvalidAnswers as exc:
            errors.update(_errors(exc, name).message_dict)
    if errors:
        raise ValidationError(errors)
    return scored


def _finalise(actor: Actor, timepoint: TimePoint, answers: dict[str, dict[str, Any]],
              channel: str, language: str, completed_at: datetime | None = None) -> list[Response]:
    """Validate and score every instrument of the time point, then store them submitted.

    `completed_at` is when the patient filled in a paper or telephone form, if not now.
    """
    scored = _validate_all(timepoint, answers)
    now = timezone.now()
    if completed_at is not None and completed_at > now:
        raise ValidationError({"completed_at": "The form cannot have been completed in the future"})
    answered_at = completed_at or now
    drafts = {r.instrument: r for r in timepoint.responses.filter(status=ResponseStatus.DRAFT)}
    stored = []
    for name, (spec, cleaned, scores) in scored.items():
        response = drafts.pop(name, None) or Response(timepoint=timepoint, instrument=name, created_at=now)
        response.instrument_version, response.instrument_revision = spec.version, spec.revision
        response.answers, response.scores = cleaned, scores
        response.status, response.channel, response.language = ResponseStatus.SUBMITTED, channel, language
        response.submitted_at = answered_at
        response.entered_by = None if isinstance(actor, str) else actor
        response.save()
        audit_create(actor, response, timepoint.patient)
        stored.append(response)
    if not close_timepoint(actor, timepoint, TimePointStatus.ANSWERED, now=now,
                           answered_at=answered_at, channel=channel):
        raise ValidationError({"timepoint": f"{timepoint.label} was closed while the answers were being stored"})
    responses_submitted.send(Response, actor=actor, timepoint=timepoint, responses=stored, now=now)
    return stored


@transaction.atomic
def do_submit_link(link: SurveyLink, language: str = "en") -> list[Response]:
    """The patient submits: every instrument must be complete; the link then stops working."""
    link, timepoint = _locked(link, audited=True)
    drafts = {r.instrument: r.answers for r in timepoint.responses.filter(status=ResponseStatus.DRAFT)}
    stored = _finalise("patient", timepoint, drafts, link.channel, language)
    before = snapshot(link)
    link.submitted_at = timezone.now()
    link.save(update_fields=["submitted_at"])
    audit_change("patient", link, before, timepoint.patient)
    timepoint.links.filter(submitted_at__isnull=True, revoked_at__isnull=True).exclude(pk=link.pk).update(
        revoked_at=link.submitted_at
    )
    return stored


@transaction.atomic
def do_enter_response(actor: Actor, timepoint: TimePoint, answers: dict[str, dict[str, Any]], *,
                      channel: str, language: str = "en",
                      completed_at: datetime | None = None) -> list[Response]:
    """Staff enter a paper, telephone or in-clinic response on the patient's behalf."""
    if channel not in Channel.values:
        raise ValidationError({"channel": f"{channel!r} is not a channel; use {', '.join(Channel.values)}"})
    timepoint = for_change(TimePoint.objects).select_related("patient__site").get(pk=timepoint.pk)
    if timepoint.status == TimePointStatus.ANSWERED:
        raise ValidationError({"timepoint": f"{timepoint.label} is already answered; record a correction instead"})
    if timepoint.status not in (TimePointStatus.PENDING, TimePointStatus.MISSED):
        raise ValidationError({"timepoint": f"{timepoint.label} is {timepoint.get_status_display().lower()}"})
    stored = _finalise(actor, timepoint, answers, channel, language, completed_at)
    timepoint.links.filter(submitted_at__isnull=True, revoked_at__isnull=True).update(revoked_at=timezone.now())
    return stored


@transaction.atomic
def do_correct_response(actor: Actor, response: Response, answers: dict[str, Any],
                        reason: str) -> Response:
    """A new version of a submitted response; the original stays as it was."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the response is being corrected"})
    if isinstance(actor, str):
        raise ValidationError({"entered_by": "Only staff can correct a response"})
    original = for_change(Response.objects).select_related("timepoint__patient").get(pk=response.pk)
    if original.status != ResponseStatus.SUBMITTED or hasattr(original, "superseded_by"):
        raise ValidationError({"response": "Only the latest submitted version can be corrected"})
    spec = _instrument(original.instrument)
    try:
        cleaned = spec.clean(answers)
        scores = spec.score(cleaned)
    except InvalidAnswers as exc:
        raise _errors(exc, original.instrument) from None
    # Re-scoring under a new revision of the instrument is a correction in its own right.
    if cleaned == original.answers and spec.revision == original.instrument_revision:
        raise ValidationError({"answers": "The answers are the same as the current version; change at least one"})
    now = timezone.now()
    corrected = Response.objects.create(
        timepoint=original.timepoint, instrument=original.instrument,
        instrument_version=spec.version, instrument_revision=spec.revision,
        version=original.version + 1, supersedes=original, status=ResponseStatus.SUBMITTED,
        answers=cleaned, scores=scores, channel=original.channel, language=original.language,
        entered_by=actor, correction_reason=reason, created_at=now, submitted_at=now,
    )
    audit_create(actor, corrected, original.timepoint.patient, reason)
    return corrected

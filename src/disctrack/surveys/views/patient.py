"""The patient's questionnaire: welcome, one page per instrument, review, submit, thanks."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from disctrack.surveys.actions import (
    LinkUnusable,
    do_mark_link_opened,
    do_save_draft,
    do_submit_link,
    find_link,
)
from disctrack.surveys.flow import (
    Progress,
    estimated_minutes,
    instruments_of,
    progress_of,
    timepoint_description,
)
from disctrack.surveys.forms import InstrumentForm
from disctrack.surveys.views.gate import (
    Survey,
    language_for,
    received_on,
    render_patient,
    site_date,
    submitted_key,
    survey_page,
    unusable,
)

GO_NEXT, GO_SAVE, GO_BACK = "next", "save", "back"


def _resume_url(survey: Survey, progress: Progress) -> str:
    number = progress.first_unfinished()
    if number is None:
        return reverse("survey-review", args=[survey.token])
    return reverse("survey-step", args=[survey.token, number])


@require_http_methods(["GET"])
@survey_page
def start(request, survey: Survey):
    do_mark_link_opened(survey.link)
    progress = progress_of(survey.timepoint)
    return survey.render(request, "surveys/patient/welcome.html", {
        "description": timepoint_description(survey.timepoint),
        "minutes": estimated_minutes(progress.instruments),
        "progress": progress,
        "resume_url": _resume_url(survey, progress),
        "expires_on": site_date(survey.link, survey.link.expires_at),
    })


def _render_step(request, survey: Survey, progress: Progress, number: int,
                 form: InstrumentForm, status: int = 200):
    return survey.render(request, "surveys/patient/step.html", {
        "number": number,
        "progress": progress,
        "form": form,
        "instructions": form.instrument.instructions(survey.lang),
        "is_last": number == progress.count,
    }, status=status, posts_form=True)


@require_http_methods(["GET", "POST"])
@survey_page
def step(request, survey: Survey, number: int):
    instruments = instruments_of(survey.timepoint)
    if not 1 <= number <= len(instruments):
        return redirect("survey-start", survey.token)
    if request.method == "POST":
        return _save_step(request, survey, instruments, number)
    progress = progress_of(survey.timepoint)
    instrument = progress.instruments[number - 1]
    form = InstrumentForm(instrument, survey.lang, initial=progress.saved.get(instrument.name))
    return _render_step(request, survey, progress, number, form)


def _save_step(request, survey: Survey, instruments: tuple, number: int):
    """Save and move on; the answers saved so far are read only to show the page again."""
    instrument = instruments[number - 1]
    go = request.POST.get("go", GO_NEXT)
    form = InstrumentForm(instrument, survey.lang, data=request.POST)
    # Only "next" insists on every answer: saving for later or going back keeps what is there.
    if not form.is_valid(partial=go != GO_NEXT):
        return _render_step(request, survey, progress_of(survey.timepoint), number, form, status=400)
    try:
        do_save_draft(survey.link, instrument.name, form.cleaned, survey.lang)
    except LinkUnusable as exc:
        return unusable(request, exc)
    if go == GO_SAVE:
        return redirect("survey-saved", survey.token)
    if go == GO_BACK:
        if number == 1:
            return redirect("survey-start", survey.token)
        return redirect("survey-step", survey.token, number - 1)
    if number < len(instruments):
        return redirect("survey-step", survey.token, number + 1)
    return redirect("survey-review", survey.token)


@require_http_methods(["GET"])
@survey_page
def saved(request, survey: Survey):
    return survey.render(request, "surveys/patient/saved.html", {
        "expires_on": site_date(survey.link, survey.link.expires_at),
    })


@dataclass(frozen=True)
class ReviewSection:
    number: int
    title: str
    finished: bool
    rows: list


def _review(request, survey: Survey, progress: Progress, error: str = "", status: int = 200):
    sections = [
        ReviewSection(
            number, instrument.title(survey.lang), progress.is_finished(instrument),
            InstrumentForm(instrument, survey.lang, initial=progress.saved.get(instrument.name)).summary(),
        )
        for number, instrument in enumerate(progress.instruments, start=1)
    ]
    return survey.render(request, "surveys/patient/review.html", {
        "sections": sections,
        "progress": progress,
        "all_finished": progress.first_unfinished() is None,
        "resume_url": _resume_url(survey, progress),
        "error": error,
    }, status=status, posts_form=progress.first_unfinished() is None)


@require_http_methods(["GET", "POST"])
@survey_page
def review(request, survey: Survey):
    progress = progress_of(survey.timepoint)
    if request.method == "GET":
        return _review(request, survey, progress)
    unfinished = gettext("Some questions are not answered yet. Please finish them before sending.")
    if progress.first_unfinished() is not None:
        return _review(request, survey, progress, unfinished, status=400)
    try:
        do_submit_link(survey.link, survey.lang)
    except LinkUnusable as exc:
        return unusable(request, exc)
    except ValidationError:
        return _review(request, survey, progress_of(survey.timepoint), unfinished, status=400)
    request.session[submitted_key(survey.link)] = True
    return redirect("survey-done", survey.token)


@require_http_methods(["GET"])
def done(request, token: str):
    """The thanks page, for the browser that submitted; anyone else gets the usual answer."""
    try:
        find_link(token)
    except LinkUnusable as exc:
        if exc.reason == "submitted" and request.session.get(submitted_key(exc.link)):
            context = {"clinic": exc.link.timepoint.patient.site.name,
                       "received_on": received_on(exc.link)}
            lang = language_for(request, exc.link)
            return render_patient(request, "surveys/patient/done.html", context, lang)
        return unusable(request, exc)
    return redirect("survey-start", token)
